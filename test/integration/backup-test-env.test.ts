// pre.test-env against a real PostgreSQL: the sandbox workspace restored from the latest verified
// backup, swapped in whole, and its own database on the target (dropped afterwards).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, realpathSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { FERRY_BIN, tempDir } from '../support/paths'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const t = tempDir('ferry-test-env-')
const ws = join(t.dir, 'ws')
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(t.dir, 'config'),
  FERRY_FAULT_POINT: '',
  FERRY_FAULT_ACTION: '',
}
let dbName = ''

function ferry(args: string[]) {
  const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
    env,
    encoding: 'utf8',
    timeout: 120_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function fingerprint(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const d of readdirSync(join(root, '.claude'), { recursive: true, withFileTypes: true })) {
    if (d.isFile())
      out[relative(root, join(d.parentPath, d.name))] = createHash('sha256')
        .update(readFileSync(join(d.parentPath, d.name)))
        .digest('hex')
  }
  return out
}

async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL, application_name: 'ferry-test' })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

describe('pre.test-env', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 3000 })
    dbName = `ferry_sandbox_${createHash('sha256').update(realpathSync(ws)).digest('hex').slice(0, 8)}`
    await withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(dbName)}`))
  })
  afterAll(async () => {
    await withAdmin((c) =>
      c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(dbName)} WITH (FORCE)`),
    )
    t.cleanup()
  })

  it('restores a fresh verified backup into .ferry/sandbox and creates the sandbox database, password never shown', async () => {
    const withPassword = PG_URL.replace(
      'postgres://postgres@',
      'postgres://postgres:hunter2secret@',
    )
    const r = ferry(['run', 'pre.test-env', '-w', ws, '--target', withPassword, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const step = JSON.parse(r.stdout).steps[0]
    expect(step.status).toBe('done')
    const ev = step.evidence
    expect(ev).toMatchObject({
      sandbox: '.ferry/sandbox',
      backupTaken: true,
      replacedPrevious: false,
      verified: true,
      database: dbName,
      databaseCreated: true,
      databaseEncoding: 'UTF8',
    })
    expect(r.stdout + r.stderr).not.toContain('hunter2secret')
    expect(ev.databaseUrl).toBe(
      withPassword.replace('hunter2secret', '***').replace(/\/[^/]*$/, `/${dbName}`),
    )
    expect(ev.target).toContain('***')
    // The sandbox is a workspace of its own, file for file the workspace it came from.
    const sandbox = join(ws, '.ferry', 'sandbox')
    expect(fingerprint(sandbox)).toEqual(fingerprint(ws))
    expect(ev.files).toBe(Object.keys(fingerprint(ws)).length)
    expect(JSON.parse(readFileSync(join(sandbox, 'sandbox.json'), 'utf8')).backupId).toBe(
      ev.backupId,
    )
    const backups = JSON.parse(ferry(['backups', '-w', ws, '--json', '--quick']).stdout).backups
    expect(backups).toMatchObject([{ id: ev.backupId, reason: 'test-env', verified: true }])
    const found = await withAdmin((c) =>
      c.query('SELECT datname FROM pg_database WHERE datname = $1', [dbName]),
    )
    expect(found.rowCount).toBe(1)
  })

  it('replaces the previous sandbox whole on a second run, from the latest verified backup, keeping the database', () => {
    const sandbox = join(ws, '.ferry', 'sandbox')
    writeFileSync(join(sandbox, '.claude', 'rehearsal-leftover.txt'), 'left by a rehearsal')
    const manual = JSON.parse(ferry(['backup', '-w', ws, '--json']).stdout).backup
    const r = ferry(['run', 'pre.test-env', '-w', ws, '--target', PG_URL, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = JSON.parse(r.stdout).steps[0].evidence
    expect(ev).toMatchObject({
      backupId: manual.id,
      backupTaken: false,
      replacedPrevious: true,
      databaseCreated: false,
      database: dbName,
    })
    expect(existsSync(join(sandbox, '.claude', 'rehearsal-leftover.txt'))).toBe(false)
    expect(fingerprint(sandbox)).toEqual(fingerprint(ws))
    expect(readdirSync(join(ws, '.ferry')).filter((n) => n.startsWith('.sandbox-'))).toEqual([])
  })
})
