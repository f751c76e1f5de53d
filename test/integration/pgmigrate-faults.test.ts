// `ferry migrate-sqlite` killed with -9 at fault points in its loader (RELIABILITY: "SQLite's own
// method"), then run again: every row exactly once, counts and checksums equal to the source.
// And two runs on one target schema: the second is refused while the first holds the lock.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { FERRY_BIN, tempDir } from '../support/paths'
import { PG_URL, dropSchema, qi, query, schemaName, sha256File } from './pgmigrate-support'

const tmp = tempDir('ferry-pgfault-')
const stateDb = join(tmp.dir, 'ws', '.claude', 'state.db')
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(tmp.dir, 'config'),
  FERRY_FAULT_POINT: '',
  FERRY_FAULT_ACTION: '',
}
const schemas: string[] = []
const BATCH = 400

function ferry(args: string[], extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
    env: { ...env, ...extra },
    encoding: 'utf8',
    timeout: 170_000,
  })
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    json: r.stdout.trim() ? JSON.parse(r.stdout) : null,
  }
}

const migrateArgs = (schema: string, url = PG_URL) => [
  'migrate-sqlite',
  stateDb,
  '--target',
  url,
  '--schema',
  schema,
  '--workers',
  '1',
  '--batch-rows',
  String(BATCH),
  '--json',
]

function newSchema(prefix: string): string {
  const s = schemaName(prefix)
  schemas.push(s)
  return s
}

/** Batches a full run commits: the sum over tables of ceil(rows / BATCH). */
function totalBatches(): number {
  const db = new Database(stateDb, { readonly: true })
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[]
  const n = tables.reduce(
    (sum, t) =>
      sum + Math.ceil(Number(db.prepare(`SELECT count(*) FROM "${t}"`).pluck().get()) / BATCH),
    0,
  )
  db.close()
  return n
}

async function ledgerBatches(schema: string): Promise<number> {
  const [row] = await query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${qi(schema, 'ferry_ledger')}`,
  )
  return Number(row!.n)
}

async function expectEqualToSource(
  schema: string,
  out: {
    validation: {
      equal: boolean
      tables: {
        table: string
        sourceRows: number
        targetRows: number
        sourceChecksum: string
        targetChecksum: string
      }[]
    }
  },
): Promise<void> {
  expect(out.validation.equal).toBe(true)
  for (const t of out.validation.tables) {
    expect(t.targetRows, t.table).toBe(t.sourceRows)
    expect(t.targetChecksum, t.table).toBe(t.sourceChecksum)
  }
  const [dups] = await query<{ n: string }>(
    `SELECT (count(*) - count(DISTINCT event_id))::text AS n FROM ${qi(schema, 'events')}`,
  )
  expect(dups!.n).toBe('0')
}

describe('migrate-sqlite under kill -9 and concurrent runs', () => {
  let before: string
  beforeAll(async () => {
    await createDemoWorkspace(join(tmp.dir, 'ws'), { events: 4000 })
    before = sha256File(stateDb)
  })
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s)
    tmp.cleanup()
  })

  it('resumes after the worker is killed right after its 3rd batch commit: nothing lost, nothing twice', async () => {
    const schema = newSchema('fault_after')
    const killed = ferry(migrateArgs(schema), {
      FERRY_FAULT_POINT: 'pgmigrate:after-batch-commit#3',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    expect(killed.json).toMatchObject({ ok: false, error: { code: 'WORKER_DIED' } })
    expect(await ledgerBatches(schema)).toBe(3)
    const again = ferry(migrateArgs(schema))
    expect(again.code, again.stderr).toBe(0)
    expect(again.json.resumed).toBe(true)
    expect(
      again.json.tables.reduce(
        (n: number, t: { resumedBatches: number }) => n + t.resumedBatches,
        0,
      ),
    ).toBe(3)
    await expectEqualToSource(schema, again.json)
  })

  it('leaves no trace of a batch killed just before its commit', async () => {
    const schema = newSchema('fault_before')
    const killed = ferry(migrateArgs(schema), {
      FERRY_FAULT_POINT: 'pgmigrate:before-batch-commit#2',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    expect(await ledgerBatches(schema)).toBe(1)
    const [loaded] = await query<{ n: string }>(
      `SELECT sum(rows)::text AS n FROM ${qi(schema, 'ferry_ledger')}`,
    )
    const [events] = await query<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${qi(schema, 'events')}`,
    )
    expect(events!.n).toBe(loaded!.n) // the first table is events (largest first, one worker)
    const again = ferry(migrateArgs(schema))
    expect(again.code, again.stderr).toBe(0)
    await expectEqualToSource(schema, again.json)
  })

  it.each([0.3, 0.6, 0.9])(
    'ends equal to the source after a kill -9 at %s of the load and a re-run',
    async (at) => {
      const schema = newSchema(`fault_${Math.round(at * 100)}`)
      const k = Math.max(1, Math.round(totalBatches() * at))
      const killed = ferry(migrateArgs(schema), {
        FERRY_FAULT_POINT: `pgmigrate:after-batch-commit#${k}`,
        FERRY_FAULT_ACTION: 'kill',
      })
      expect(killed.code).toBe(1)
      expect(await ledgerBatches(schema)).toBe(k)
      const again = ferry(migrateArgs(schema))
      expect(again.code, again.stderr).toBe(0)
      await expectEqualToSource(schema, again.json)
      if (at !== 0.3) return
      const validate = ferry([
        'validate-sqlite',
        stateDb,
        '--target',
        PG_URL,
        '--schema',
        schema,
        '--json',
      ])
      expect(validate.code, validate.stderr).toBe(0)
      expect(validate.json.validation.equal).toBe(true)
    },
  )

  it('says a folder is not a SQLite file, and which file to pass', () => {
    const r = ferry(['migrate-sqlite', tmp.dir, '--target', PG_URL, '--json'])
    expect(r.code).toBe(1)
    expect(r.json).toMatchObject({ ok: false, error: { code: 'SOURCE_NOT_FOUND' } })
    expect(r.json.error.message).toBe(`${tmp.dir} is a folder, not a SQLite file`)
    expect(r.json.error.hint).toContain('.claude/memory.db')
  })

  it('refuses a second run on the same schema while the first holds the lock, without printing the password', async () => {
    const schema = newSchema('busy')
    const url = new URL(PG_URL)
    if (!url.password) url.password = 'ferry-test-secret' // ignored by trust authentication
    const first = spawn(process.execPath, [FERRY_BIN, ...migrateArgs(schema, url.toString())], {
      env: { ...env, FERRY_FAULT_POINT: 'pgmigrate:after-schema', FERRY_FAULT_ACTION: 'hang' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<number | null>((res) => first.once('exit', (code) => res(code)))
    try {
      for (let i = 0; i < 300; i++) {
        const [row] = await query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
          qi(schema, 'ferry_run'),
        ])
        if (row!.t) break
        await new Promise((res) => setTimeout(res, 100))
      }
      const second = ferry(migrateArgs(schema, url.toString()))
      expect(second.code).toBe(1)
      expect(second.json).toMatchObject({ ok: false, error: { code: 'TARGET_BUSY' } })
      expect(second.json.error.message).toContain(`"${schema}"`)
      expect(second.stdout + second.stderr).not.toContain(url.password)
      expect(second.stderr).toContain(':***@')
    } finally {
      first.kill('SIGINT')
      await exited
    }
    const done = ferry(migrateArgs(schema))
    expect(done.code, done.stderr).toBe(0)
    await expectEqualToSource(schema, done.json)
    expect(sha256File(stateDb)).toBe(before)
  })
})
