// PostgreSQL server faults (issue 8) on a cluster of the test's own (test/support/faults/cluster.ts):
// the server restarted (`pg_ctl restart -m immediate`) or down for a while when a migration is
// between two batches, and the target's disk filling up mid-load (a tablespace on a small tmpfs).
// Each checks RELIABILITY's four checks: the source unchanged, accounting closed (ledger rows ==
// table rows, the final target == the golden run), a clear error where the run stops, and a re-run
// with the same arguments that converges.
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { tempDir } from '../support/paths'
import { errorProblems, ferryRunner, type Run } from '../support/faults/cli'
import { createCluster } from '../support/faults/cluster'
import { changedBytes, workspaceFingerprint, type Fingerprint } from '../support/faults/fingerprint'
import {
  childPids,
  expectConverged,
  migrateArgs,
  userFingerprint,
} from '../support/faults/migrate-case'
import { pgQuery } from '../support/faults/pg'
import { score } from '../support/faults/scorecard'
import { remountTmpfs, tmpfsUnavailable } from '../support/faults/tmpfs'

const cluster = createCluster('ferry-faults-srv-')
const noCluster = cluster.unavailable
const noTmpfs = noCluster ?? tmpfsUnavailable()
const tmp = tempDir('ferry-faults-srv-ws-')
const ws = join(tmp.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const ferry = ferryRunner(join(tmp.dir, 'config'))
// Trust auth ignores it, so the runs work; it must still appear in no message (RELIABILITY).
const SECRET = `Srv-${randomBytes(6).toString('hex')}`
const newSchema = (p: string): string => `${p}_${randomBytes(4).toString('hex')}`
let golden: Fingerprint

/** The cluster's URL for `db`, with the password that must never be printed. */
const urlWithSecret = (db = 'postgres'): string => {
  const u = new URL(cluster.url(db))
  u.password = SECRET
  return u.toString()
}

const sleep = (ms: number): Promise<void> => new Promise((res) => setTimeout(res, ms))

/** Writes zeros into `file` until its file system is full (ENOSPC). */
function fillUp(file: string): void {
  const fd = openSync(file, 'wx')
  const zeros = Buffer.alloc(1024 * 1024)
  try {
    for (;;) {
      try {
        writeSync(fd, zeros)
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break
        throw err
      }
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * Accounting after a stop: per user table, the rows the ledger says were committed equal the rows
 * in the table (a rolled-back batch left none), and no table holds more than the source has.
 */
async function expectLedgerMatchesTables(url: string, schema: string): Promise<number> {
  const s = pg.escapeIdentifier(schema)
  const ledger = await pgQuery<{ t: string; n: string }>(
    `SELECT table_name AS t, sum(rows)::text AS n FROM ${s}.ferry_ledger GROUP BY 1`,
    [],
    url,
  )
  const byLedger = new Map(ledger.map((r) => [r.t, Number(r.n)]))
  const tables = await pgQuery<{ t: string }>(
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = $1 AND tablename NOT LIKE 'ferry\\_%'`,
    [schema],
    url,
  )
  expect(tables.length).toBe(Object.keys(golden).length)
  let committed = 0
  for (const { t } of tables) {
    const [c] = await pgQuery<{ n: string }>(
      `SELECT count(*)::text AS n FROM ${s}.${pg.escapeIdentifier(t)}`,
      [],
      url,
    )
    const rows = Number(c!.n)
    expect({ table: t, rows }).toEqual({ table: t, rows: byLedger.get(t) ?? 0 })
    expect(rows).toBeLessThanOrEqual(Number(golden[t]!.split(':')[0]))
    committed += rows
  }
  return committed
}

/**
 * A migration that stalls 3 s at a fault point (by default right after its 2nd batch commits);
 * `breakIt` runs at that moment (the point writes FERRY_FAULT_MARK when it fires) while the run
 * waits, and the run's outcome is returned.
 */
async function faultedRun(
  url: string,
  schema: string,
  breakIt: () => Promise<void> | void,
  point = 'pgmigrate:after-batch-commit#2',
): Promise<Run> {
  const mark = join(tmp.dir, `mark-${schema}`)
  const run = ferry.start(migrateArgs(stateDb, schema, url), {
    FERRY_FAULT_POINT: point,
    FERRY_FAULT_ACTION: 'pause:3000',
    FERRY_FAULT_MARK: mark,
  })
  let paused = false
  for (let i = 0; i < 2400 && !paused; i++) {
    paused = existsSync(mark)
    if (!paused) await sleep(25)
  }
  if (!paused) {
    // Never reached the fault point: end the CLI and its worker rather than leave them running.
    for (const pid of childPids(run.child.pid!)) process.kill(pid, 'SIGKILL')
    run.child.kill('SIGKILL')
    await run.exited
  }
  expect(paused).toBe(true)
  await breakIt()
  return run.exited
}

const startTime = async (): Promise<string> =>
  (
    await pgQuery<{ t: string }>('SELECT pg_postmaster_start_time()::text AS t', [], cluster.url())
  )[0]!.t

// Skipped (never passed) without initdb or mount; the reason is printed and in the test's name.
describe.skipIf(noCluster !== null)(
  `PostgreSQL server faults (a cluster of our own)${noCluster ? ` — skipped: ${noCluster}` : ''}`,
  () => {
    beforeAll(async () => {
      await cluster.start()
      await createDemoWorkspace(ws, { events: 3000, seed: 5 })
      const schema = newSchema('srv_golden')
      const r = ferry.run(migrateArgs(stateDb, schema, cluster.url()))
      expect(r.code, r.stderr.slice(-2000)).toBe(0)
      golden = await userFingerprint(schema, cluster.url())
      expect(Object.keys(golden).length).toBeGreaterThan(3)
    })
    afterAll(() => {
      // Stops the server, unmounts the tablespace's tmpfs and removes the cluster, whatever failed.
      cluster.teardown()
      tmp.cleanup()
    })

    /** The server restarted -m immediate while the run stalls at `point`: it finishes, or stops resumably and the re-run converges. */
    async function restartAt(point: string, where: string): Promise<void> {
      const url = urlWithSecret()
      const schema = newSchema('srv_restart')
      const wsBefore = workspaceFingerprint(ws)
      const startedAt = await startTime()
      const first = await faultedRun(url, schema, () => cluster.restartImmediate(), point)
      // The server really went down under the run, and the run noticed.
      expect(await startTime()).not.toBe(startedAt)
      expect(first.stderr).toMatch(/Lost the connection/)
      expect(first.stdout + first.stderr).not.toContain(SECRET)
      let outcome = 'finished in the same run'
      if (first.code === 0) {
        await expectConverged(first, schema, golden, `server restart ${where}`, url)
      } else {
        // The retry budget ran out: a clear, resumable stop, and the next run converges.
        expect(errorProblems(first, [SECRET])).toEqual([])
        expect(first.json.error.code).toBe('TARGET_CONNECTION_LOST')
        expect(first.json.error.hint).toMatch(/run the same command again/)
        await expectLedgerMatchesTables(url, schema)
        const resumed = ferry.run(migrateArgs(stateDb, schema, url))
        await expectConverged(resumed, schema, golden, `server restart ${where} (resumed)`, url)
        outcome = `stopped ${first.json.error.code}, resumed`
      }
      const after = workspaceFingerprint(ws)
      score.source(changedBytes(ws, wsBefore, after), `server restart ${where}`)
      expect(after).toEqual(wsBefore)
      score.fault(`PostgreSQL restart -m immediate ${where}`, true, outcome)
    }

    it('survives a server restart (-m immediate) between two batches: bounded retry, then finishes (or stops resumably and converges)', async () => {
      await restartAt('pgmigrate:after-batch-commit#2', 'mid-run')
    })

    it('survives a server restart after the load, before keys, indexes and constraints are built', async () => {
      await restartAt('pgmigrate:after-load', 'before key building')
    })

    it('survives a server restart in the middle of validation (after the first table)', async () => {
      await restartAt('pgmigrate:validate-table#2', 'mid-validation')
    })

    it('waits for a server that is down for 4 s (connection refused, then starting up) and finishes', async () => {
      const url = urlWithSecret()
      const schema = newSchema('srv_down4')
      const wsBefore = workspaceFingerprint(ws)
      const first = await faultedRun(url, schema, async () => {
        cluster.stop()
        // The run's pause ends after 3 s: its reconnects meet a refused port, then a starting server.
        await sleep(4_000)
        await cluster.start()
      })
      expect(first.stderr).toMatch(/Lost the connection/)
      await expectConverged(first, schema, golden, 'server down 4 s mid-run', url)
      expect(first.stdout + first.stderr).not.toContain(SECRET)
      const after = workspaceFingerprint(ws)
      score.source(changedBytes(ws, wsBefore, after), 'server down 4 s mid-run')
      expect(after).toEqual(wsBefore)
      score.fault('PostgreSQL down 4 s mid-run', true, 'reconnected and finished')
    })

    it('stops clearly and resumably when the server stays down past the retry budget; the re-run converges', async () => {
      const url = urlWithSecret()
      const schema = newSchema('srv_down')
      const wsBefore = workspaceFingerprint(ws)
      let first: Run
      try {
        first = await faultedRun(url, schema, () => cluster.stop())
      } finally {
        await cluster.start()
      }
      expect(errorProblems(first, [SECRET])).toEqual([])
      expect(first.json.error.code).toBe('TARGET_CONNECTION_LOST')
      expect(first.json.error.message).toContain('postgres://postgres:***@127.0.0.1')
      expect(first.json.error.hint).toMatch(/run the same command again to resume/)
      // Batches 1 and 2 were committed before the server went away; nothing after them.
      expect(await expectLedgerMatchesTables(url, schema)).toBeGreaterThan(0)
      const resumed = ferry.run(migrateArgs(stateDb, schema, url))
      expect(resumed.json?.resumed).toBe(true)
      await expectConverged(resumed, schema, golden, 'server down past the retry budget', url)
      const after = workspaceFingerprint(ws)
      score.source(changedBytes(ws, wsBefore, after), 'server down past the retry budget')
      expect(after).toEqual(wsBefore)
      score.fault('PostgreSQL down past the retry budget', true, 'TARGET_CONNECTION_LOST, resumed')
    })

    it.skipIf(noTmpfs !== null)(
      `target disk full mid-load: the batch rolled back, TARGET_DISK_FULL, and the run resumes once space is freed${noTmpfs ? ` — skipped: ${noTmpfs}` : ''}`,
      async () => {
        // A tablespace on a 1 MiB tmpfs as the database's default: the migration's tables and
        // indexes land there (about 3 MB in all), its catalogs and WAL stay on the real disk.
        const loc = cluster.tablespaceDir('ts-small', '1m')
        const admin = cluster.url()
        await pgQuery(`CREATE TABLESPACE ferry_small LOCATION '${loc}'`, [], admin)
        await pgQuery('CREATE DATABASE ferry_disk', [], admin)
        await pgQuery('ALTER DATABASE ferry_disk SET default_tablespace = ferry_small', [], admin)
        const url = urlWithSecret('ferry_disk')
        const schema = newSchema('srv_disk')
        const wsBefore = workspaceFingerprint(ws)

        const full = ferry.run(migrateArgs(stateDb, schema, url))
        expect(errorProblems(full, [SECRET])).toEqual([])
        expect(full.json.error.code, full.stdout.slice(0, 800)).toBe('TARGET_DISK_FULL')
        expect(full.json.error.message).toMatch(/No space left on device/)
        expect(full.json.error.message).toMatch(/loading table "\w+" \(batch \d+\)/)
        expect(full.json.error.hint).toMatch(/Free space on the PostgreSQL server/)
        expect(full.json.error.hint).toMatch(/run the same command again to resume/)
        // The failed batch left nothing: every table holds exactly what its ledger rows say.
        const committed = await expectLedgerMatchesTables(url, schema)
        const total = Object.values(golden).reduce((n, g) => n + Number(g.split(':')[0]), 0)
        expect(committed).toBeGreaterThan(0)
        expect(committed).toBeLessThan(total)

        // Space freed: the same command resumes from the ledger and converges to the golden run.
        remountTmpfs(join(loc, '..'), '64m')
        const resumed = ferry.run(migrateArgs(stateDb, schema, url))
        expect(resumed.json?.resumed).toBe(true)
        await expectConverged(resumed, schema, golden, 'target disk full', url)
        expect(resumed.stdout + resumed.stderr).not.toContain(SECRET)
        const after = workspaceFingerprint(ws)
        score.source(changedBytes(ws, wsBefore, after), 'target disk full')
        expect(after).toEqual(wsBefore)
        score.fault(
          'target disk full (53100)',
          true,
          `TARGET_DISK_FULL after ${committed} rows, resumed`,
        )
      },
    )

    it.skipIf(noTmpfs !== null)(
      `target disk full at index creation: TARGET_DISK_FULL (not "values do not satisfy the key"), resumed once space is freed${noTmpfs ? ` — skipped: ${noTmpfs}` : ''}`,
      async () => {
        const loc = cluster.tablespaceDir('ts-index', '64m')
        const admin = cluster.url()
        await pgQuery(`CREATE TABLESPACE ferry_index LOCATION '${loc}'`, [], admin)
        await pgQuery('CREATE DATABASE ferry_disk_index', [], admin)
        await pgQuery(
          'ALTER DATABASE ferry_disk_index SET default_tablespace = ferry_index',
          [],
          admin,
        )
        const url = urlWithSecret('ferry_disk_index')
        const schema = newSchema('srv_diskix')
        const wsBefore = workspaceFingerprint(ws)
        // The load fits; right after it (paused 3 s) the disk is filled up, so the keys and
        // indexes built next find no space.
        const filler = join(loc, '..', 'filler')
        const run = ferry.start(migrateArgs(stateDb, schema, url), {
          FERRY_FAULT_POINT: 'pgmigrate:after-load',
          FERRY_FAULT_ACTION: 'pause:3000',
        })
        let loaded = false
        for (let i = 0; i < 2400 && !loaded; i++) {
          const [r] = await pgQuery<{ ok: boolean }>(
            `SELECT loaded_at IS NOT NULL AS ok FROM ${pg.escapeIdentifier(schema)}.ferry_run`,
            [],
            cluster.url('ferry_disk_index'),
          ).catch(() => [{ ok: false }])
          loaded = r?.ok === true
          if (!loaded) await sleep(25)
        }
        if (loaded) fillUp(filler)
        const full = await run.exited
        expect(loaded).toBe(true)
        expect(errorProblems(full, [SECRET])).toEqual([])
        expect(full.json.error.code, full.stdout.slice(0, 800)).toBe('TARGET_DISK_FULL')
        expect(full.json.error.message).toMatch(/while creating (primary-key|unique|index) "/)
        expect(full.json.error.message).toMatch(/No space left on device/)
        expect(full.json.error.hint).toMatch(/run the same command again to resume/)
        // Every row was loaded and accounted for before the disk filled up.
        expect(await expectLedgerMatchesTables(url, schema)).toBe(
          Object.values(golden).reduce((n, g) => n + Number(g.split(':')[0]), 0),
        )

        rmSync(filler)
        const resumed = ferry.run(migrateArgs(stateDb, schema, url))
        expect(resumed.json?.resumed).toBe(true)
        expect(
          (resumed.json?.constraints ?? []).filter(
            (c: { status: string }) => c.status === 'failed',
          ),
        ).toEqual([])
        await expectConverged(resumed, schema, golden, 'target disk full at index creation', url)
        const after = workspaceFingerprint(ws)
        score.source(changedBytes(ws, wsBefore, after), 'target disk full at index creation')
        expect(after).toEqual(wsBefore)
        score.fault('target disk full at index creation (53100)', true, 'TARGET_DISK_FULL, resumed')
      },
    )
  },
)
