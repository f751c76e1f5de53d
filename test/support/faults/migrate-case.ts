// A migrate-sqlite scenario shared by the crash tests: one demo state.db, a golden run, and the
// check every faulted run must pass after its resume (RELIABILITY "what every test checks").
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { type Run } from './cli'
import { pgFingerprint, type Fingerprint } from './fingerprint'
import { PG_URL, pgQuery, qi } from './pg'
import { score } from './scorecard'

export const BATCH = 400

export const migrateArgs = (file: string, schema: string, url = PG_URL): string[] => [
  'migrate-sqlite',
  file,
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

/** The user tables of a migrated schema (Ferry's own ferry_* bookkeeping left out). */
export async function userFingerprint(schema: string, url = PG_URL): Promise<Fingerprint> {
  const fp = await pgFingerprint(url, schema)
  return Object.fromEntries(Object.entries(fp).filter(([t]) => !t.startsWith('ferry_')))
}

export async function ledgerBatches(schema: string): Promise<number> {
  const [r] = await pgQuery<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${qi(schema, 'ferry_ledger')}`,
  ).catch(() => [{ n: '0' }])
  return Number(r!.n)
}

/** Rows lost and duplicated against the golden fingerprint's per-table row counts. */
export function rowDelta(
  golden: Fingerprint,
  got: Fingerprint,
): { lost: number; duplicated: number } {
  let lost = 0
  let duplicated = 0
  for (const [t, g] of Object.entries(golden)) {
    const want = Number(g.split(':')[0])
    const have = Number((got[t] ?? '0:0').split(':')[0])
    if (have < want) lost += want - have
    if (have > want) duplicated += have - want
  }
  return { lost, duplicated }
}

/** The resumed run finished, validated equal, and the target equals the golden run's. */
export async function expectConverged(
  resumed: Run,
  schema: string,
  golden: Fingerprint,
  test: string,
  url = PG_URL,
): Promise<void> {
  expect(resumed.code, resumed.stderr.slice(-2000)).toBe(0)
  expect(resumed.json?.validation?.equal).toBe(true)
  const got = await userFingerprint(schema, url)
  const d = rowDelta(golden, got)
  score.rows(d.lost, d.duplicated, test)
  expect(d).toEqual({ lost: 0, duplicated: 0 })
  expect(got).toEqual(golden)
}

/** pids of the direct children of `pid` (the CLI's worker), from /proc. */
export function childPids(pid: number): number[] {
  const out: number[] = []
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue
    try {
      const stat = readFileSync(join('/proc', d, 'stat'), 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      if (ppid === pid) out.push(Number(d))
    } catch {
      // the process ended while we looked
    }
  }
  return out
}
