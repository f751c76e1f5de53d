// PostgreSQL faults (issue 8): Ferry's sessions terminated under it (mid-batch and idle in the
// pool), a target schema that already holds someone's tables, and connection failures whose
// messages must never carry the password or fall back to plaintext.
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { tempDir } from '../support/paths'
import { errorProblems, ferryRunner } from '../support/faults/cli'
import { pgFingerprint, sqliteFingerprint } from '../support/faults/fingerprint'
import { migrateArgs, userFingerprint } from '../support/faults/migrate-case'
import { PG_URL, dropSchema, pgQuery, terminateWhenSeen, waitForFerrySession } from '../support/faults/pg'
import { score } from '../support/faults/scorecard'

const tmp = tempDir('ferry-faults-pg-')
const ws = join(tmp.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const ferry = ferryRunner(join(tmp.dir, 'config'))
const schemas: string[] = []
const newSchema = (p: string): string => {
  const s = `${p}_${randomBytes(4).toString('hex')}`
  schemas.push(s)
  return s
}
let golden: Record<string, string>

/** Every source table's row count equals the target's, and the whole target equals the golden run. */
async function expectComplete(schema: string, test: string): Promise<void> {
  const got = await userFingerprint(schema)
  let lost = 0
  let dup = 0
  for (const [t, fp] of Object.entries(golden)) {
    const d = Number((got[t] ?? '0:0').split(':')[0]) - Number(fp.split(':')[0])
    if (d < 0) lost -= d
    else dup += d
  }
  score.rows(lost, dup, test)
  expect(got).toEqual(golden)
}

describe('PostgreSQL faults', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 2000, seed: 3 })
    const schema = newSchema('pgf_golden')
    const r = ferry.run(migrateArgs(stateDb, schema))
    expect(r.code, r.stderr).toBe(0)
    golden = await userFingerprint(schema)
  })
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s)
    tmp.cleanup()
  })

  it('survives its backend being terminated mid-batch: retried on a fresh connection, nothing twice', async () => {
    const schema = newSchema('pgf_term')
    const before = sqliteFingerprint(stateDb)
    // Batch 2's COPY and ledger row are sent, its COMMIT not yet: the session is idle in transaction.
    const run = ferry.start(migrateArgs(stateDb, schema), {
      FERRY_FAULT_POINT: 'pgmigrate:before-batch-commit#2',
      FERRY_FAULT_ACTION: 'pause:4000',
    })
    // Only a batch transaction inserts into ferry_ledger: that session, stalled before COMMIT.
    const killed = await terminateWhenSeen(schema, {
      state: 'idle in transaction',
      queryLike: 'ferry_ledger',
    })
    expect(killed).toBe(1)
    const r = await run.exited
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
    expect(r.json.validation.equal).toBe(true)
    expect(r.stderr).toMatch(/Lost the connection while loading/)
    await expectComplete(schema, 'backend terminated mid-batch')
    expect(sqliteFingerprint(stateDb)).toEqual(before)
    score.fault('pg_terminate_backend mid-batch', true, 'terminated mid-batch')
  })

  it('survives its idle pooled connections being killed (no uncaught exception) and finishes', async () => {
    const schema = newSchema('pgf_idle')
    // After the load the loader's connections sit idle in the pool while the run pauses.
    const run = ferry.start(migrateArgs(stateDb, schema), {
      FERRY_FAULT_POINT: 'pgmigrate:after-load',
      FERRY_FAULT_ACTION: 'pause:4000',
    })
    // The pool's idle sessions: Ferry's, idle, not the one holding the schema's advisory lock (its
    // last statement may be a bare COMMIT, so the schema name cannot be matched in the query text).
    const killIdlePooled = async (): Promise<number> => {
      const rows = await pgQuery<{ ok: boolean }>(
        `SELECT pg_terminate_backend(a.pid) AS ok FROM pg_stat_activity a
          WHERE a.application_name = 'ferry' AND a.state = 'idle' AND a.pid <> pg_backend_pid()
            AND a.datname = current_database()
            AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory')`,
      )
      return rows.filter((x) => x.ok).length
    }
    // Wait until the load is over (the run is paused at after-load), then kill the idle pool.
    expect(await waitForFerrySession(schema, 'idle', 90_000, 'SET loaded_at')).toBe(true)
    let killed = 0
    for (let i = 0; i < 40 && killed === 0; i++) {
      killed = await killIdlePooled()
      if (!killed) await new Promise((res) => setTimeout(res, 50))
    }
    expect(killed).toBeGreaterThan(0)
    const r = await run.exited
    expect(r.code, r.stderr.slice(-2000)).toBe(0)
    expect(r.stderr).not.toMatch(/uncaught|unhandled/i)
    expect(r.json.validation.equal).toBe(true)
    await expectComplete(schema, 'idle pooled connections killed')
    score.fault('idle pooled connections terminated', true, `${killed} idle killed`)
  })

  it('refuses a target schema that already holds user tables, leaving their rows unchanged', async () => {
    const schema = newSchema('pgf_user')
    const s = pg.escapeIdentifier(schema)
    await pgQuery(`CREATE SCHEMA ${s}`)
    await pgQuery(`CREATE TABLE ${s}.events (id int PRIMARY KEY, what text)`)
    await pgQuery(`CREATE TABLE ${s}.customers (id int PRIMARY KEY, name text)`)
    await pgQuery(
      `INSERT INTO ${s}.events SELECT g, 'user row ' || g FROM generate_series(1, 50) g`,
    )
    await pgQuery(`INSERT INTO ${s}.customers VALUES (1, 'Ada'), (2, 'Grace')`)
    const before = await pgFingerprint(PG_URL, schema)
    const r = ferry.run(migrateArgs(stateDb, schema))
    expect(errorProblems(r)).toEqual([])
    expect(r.json.error.code).toBe('SCHEMA_NOT_EMPTY')
    expect(r.json.error.message).toContain(schema)
    expect(r.json.error.message).toMatch(/customers/)
    expect(await pgFingerprint(PG_URL, schema)).toEqual(before)
    score.fault('target schema holds user tables', true, 'refused SCHEMA_NOT_EMPTY')
    score.badInput('hostile target', 'schema with 2 user tables', 'refused, user rows unchanged')
  })

  it('never prints the password when the login is refused, and never falls back to plaintext', async () => {
    const secret = `Sekr3t-${randomBytes(6).toString('hex')}`
    const u = new URL(PG_URL)
    u.username = `ferry_nobody_${randomBytes(3).toString('hex')}`
    u.password = secret
    const schema = newSchema('pgf_auth')
    const refused = ferry.run(migrateArgs(stateDb, schema, u.toString()))
    expect(errorProblems(refused, [secret, encodeURIComponent(secret)])).toEqual([])
    expect(refused.stderr).toContain(':***@')
    // TLS demanded of a server without it: an error, not a quiet plaintext connection.
    const tls = new URL(PG_URL)
    tls.password = secret
    tls.searchParams.set('sslmode', 'require')
    const noTls = ferry.run(migrateArgs(stateDb, schema, tls.toString()))
    expect(errorProblems(noTls, [secret])).toEqual([])
    expect(noTls.json.error.message).toMatch(/SSL|TLS/i)
    const [exists] = await pgQuery<{ n: string }>(
      'SELECT count(*)::text AS n FROM pg_namespace WHERE nspname = $1',
      [schema],
    )
    expect(exists!.n).toBe('0')
    score.badInput(
      'credentials',
      'unknown role with a password',
      `refused ${refused.json.error.code}, password not shown`,
    )
    score.badInput(
      'credentials',
      'sslmode=require against a server without TLS',
      `refused ${noTls.json.error.code}, no plaintext fallback`,
    )
    score.fault('login refused', true, 'auth')
  })
})
