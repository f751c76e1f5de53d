// Crash and resume of the PostgreSQL copy (issue 8, "Crash and resume"): the worker killed -9 at
// each named fault point in turn (SQLite's own loop: kill at k, resume, check, move k on), random
// kills in the sweep, and two runs at once. Every run must converge to the golden fingerprint with
// at most one chunk redone, and the source state.db must not change by a byte.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { tempDir } from '../support/paths'
import { errorProblems, ferryRunner } from '../support/faults/cli'
import { changedBytes, workspaceFingerprint, type Fingerprint } from '../support/faults/fingerprint'
import {
  childPids,
  expectConverged,
  ledgerBatches,
  migrateArgs,
  userFingerprint,
} from '../support/faults/migrate-case'
import { dropSchema, pgQuery, qi } from '../support/faults/pg'
import { score } from '../support/faults/scorecard'
import { randomBytes } from 'node:crypto'

const SWEEP = process.env.FERRY_FAULTS_SWEEP === '1'
/** The sweep's 50 random kills; the normal run (and CI) takes a bounded 4. */
const RANDOM_KILLS = SWEEP ? 50 : 4
const tmp = tempDir('ferry-faults-crash-')
const ws = join(tmp.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const ferry = ferryRunner(join(tmp.dir, 'config'))
const schemas: string[] = []
let golden: Fingerprint
let wsBefore: Fingerprint
let totalBatches = 0

function newSchema(prefix: string): string {
  const s = `${prefix}_${randomBytes(4).toString('hex')}`
  schemas.push(s)
  return s
}

/** The same migration on two load threads, the events table split in two key ranges. */
function threadedArgs(schema: string): string[] {
  const args = migrateArgs(stateDb, schema)
  args[args.indexOf('--workers') + 1] = '2'
  return [...args, '--threads', 'on', '--split-rows', '1000']
}

/** kill -9 at point#k, resume, check; returns nothing, asserts everything. */
async function killAndResume(point: string, k: number): Promise<void> {
  const name = `${point}#${k}`
  const schema = newSchema('crash')
  const killed = ferry.run(migrateArgs(stateDb, schema), {
    FERRY_FAULT_POINT: name,
    FERRY_FAULT_ACTION: 'kill',
  })
  expect(killed.code, killed.stderr.slice(-1000)).toBe(1)
  expect(killed.json?.error?.code).toBe('WORKER_DIED')
  expect(errorProblems(killed)).toEqual([])
  const committed = await ledgerBatches(schema)
  // One worker, so batch k is the k-th COPY: before its COMMIT k-1 are committed, after it k.
  if (point === 'pgmigrate:before-batch-commit') expect(committed).toBe(k - 1)
  if (point === 'pgmigrate:after-batch-commit') expect(committed).toBe(k)
  const resumed = ferry.run(migrateArgs(stateDb, schema))
  await expectConverged(resumed, schema, golden, name)
  const redone = point === 'pgmigrate:before-batch-commit' ? k - committed : 0
  score.redo(redone, name)
  expect(redone).toBeLessThanOrEqual(1)
  score.fault(`kill -9 at ${point}`, true, name)
  await dropSchema(schema)
}

function sweepPoints(): [string, number][] {
  const mid = Math.ceil(totalBatches / 2)
  const all = Array.from({ length: totalBatches }, (_, i) => i + 1)
  // The normal run takes a bounded k (a middle batch before its commit, the last one after it);
  // the sweep takes every k.
  const before = SWEEP ? all : [mid]
  const after = SWEEP ? all : [totalBatches]
  return [
    ['pgmigrate:after-schema', 1],
    ...before.map((k): [string, number] => ['pgmigrate:before-batch-commit', k]),
    ...after.map((k): [string, number] => ['pgmigrate:after-batch-commit', k]),
    ['pgmigrate:after-load', 1],
  ]
}

describe('crash and resume of the PostgreSQL copy', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 2000, seed: 11 })
    wsBefore = workspaceFingerprint(ws)
    const schema = newSchema('golden')
    const r = ferry.run(migrateArgs(stateDb, schema))
    expect(r.code, r.stderr).toBe(0)
    golden = await userFingerprint(schema)
    totalBatches = await ledgerBatches(schema)
    expect(totalBatches).toBeGreaterThan(3)
  })
  afterAll(async () => {
    const after = workspaceFingerprint(ws)
    score.source(changedBytes(ws, wsBefore, after), 'pg-crash: state.db and workspace')
    for (const s of schemas) await dropSchema(s)
    tmp.cleanup()
  })

  it(
    'kill -9 at every fault point (bounded k; all k with FERRY_FAULTS_SWEEP=1) converges to the golden run',
    { timeout: SWEEP ? 1_800_000 : 600_000 },
    async () => {
      const points = sweepPoints()
      for (const [point, k] of points) await killAndResume(point, k)
      expect(workspaceFingerprint(ws)).toEqual(wsBefore)
    },
  )

  it(
    `${RANDOM_KILLS} random kills of the worker mid-run (half of them on load threads) each converge on the next run`,
    { timeout: SWEEP ? 1_800_000 : 300_000 },
    async () => {
      for (let i = 0; i < RANDOM_KILLS; i++) {
        const schema = newSchema('random')
        const args = i % 2 ? threadedArgs(schema) : migrateArgs(stateDb, schema)
        const { child, exited } = ferry.start(args)
        // A random moment in the first ~2.5 s (a whole run takes about 3 s on this machine).
        await new Promise((res) => setTimeout(res, 300 + Math.floor(Math.random() * 2200)))
        for (const pid of childPids(child.pid!)) process.kill(pid, 'SIGKILL')
        const first = await exited
        const resumed = ferry.run(args)
        await expectConverged(resumed, schema, golden, `random kill ${i}`)
        score.fault(
          `kill -9 at a random moment${i % 2 ? ' (load threads)' : ''}`,
          true,
          `random ${i} (first exit ${first.code})`,
        )
        await dropSchema(schema)
      }
    },
  )

  it.each([
    ['one stream', false],
    ['load threads, events split in two', true],
  ])(
    'stops at a batch boundary within 5 s on Ctrl+C (SIGINT) and resumes from there (%s)',
    async (_name, threaded) => {
      const schema = newSchema('sigint')
      const args = threaded ? threadedArgs(schema) : migrateArgs(stateDb, schema)
      // Batch 2 stalls after its commit, so the run is surely mid-load when interrupted.
      const run = ferry.start(args, {
        FERRY_FAULT_POINT: 'pgmigrate:after-batch-commit#2',
        FERRY_FAULT_ACTION: 'pause:1500',
      })
      for (let i = 0; i < 1200 && (await ledgerBatches(schema)) < 2; i++)
        await new Promise((res) => setTimeout(res, 50))
      const asked = Date.now()
      run.child.kill('SIGINT')
      const stopped = await run.exited
      const stopMs = Date.now() - asked
      expect(stopped.code).not.toBe(0)
      expect(stopped.json?.error?.code).toBe('CANCELLED')
      // RELIABILITY: a graceful quit stops at a chunk boundary within 5 s.
      expect(stopMs).toBeLessThan(5000)
      // Every committed batch is whole: the target holds exactly the rows the ledger records.
      const ledger = await pgQuery<{ t: string; n: string }>(
        `SELECT table_name AS t, sum(rows)::text AS n FROM ${qi(schema, 'ferry_ledger')} GROUP BY 1`,
      )
      expect(ledger.length).toBeGreaterThan(0)
      for (const { t, n } of ledger) {
        const [c] = await pgQuery<{ n: string }>(`SELECT count(*)::text AS n FROM ${qi(schema, t)}`)
        expect(c!.n, t).toBe(n)
      }
      const resumed = ferry.run(args)
      await expectConverged(resumed, schema, golden, 'sigint')
      score.fault(
        `graceful quit (SIGINT) mid-load${threaded ? ' (load threads)' : ''}`,
        true,
        `stopped in ${stopMs} ms`,
      )
    },
  )

  it('refuses a second run while the first holds the schema; once the holder is killed a new run takes it at once', async () => {
    const schema = newSchema('busy')
    const first = ferry.start(migrateArgs(stateDb, schema), {
      FERRY_FAULT_POINT: 'pgmigrate:after-schema',
      FERRY_FAULT_ACTION: 'hang',
    })
    for (let i = 0; i < 600; i++) {
      const [r] = await pgQuery<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
        qi(schema, 'ferry_run'),
      ])
      if (r!.t) break
      await new Promise((res) => setTimeout(res, 50))
    }
    const second = ferry.run(migrateArgs(stateDb, schema))
    expect(second.json?.error?.code).toBe('TARGET_BUSY')
    expect(errorProblems(second)).toEqual([])
    score.fault('second run while the first holds the lock', true, 'busy')
    // The holder dies without a chance to clean up: kill -9 of the CLI process the user started.
    first.child.kill('SIGKILL')
    await first.exited
    const third = ferry.run(migrateArgs(stateDb, schema))
    expect(third.json?.error?.code, third.stdout.slice(0, 500)).not.toBe('TARGET_BUSY')
    await expectConverged(third, schema, golden, 'after holder killed')
    score.fault('kill -9 of the lock holder', true, 'busy')
  })
})
