// The success metrics panel, computed from evidence only: each of the plan's nine metrics with its
// target, the measured value, pass/fail, how and when it was measured and where the evidence is.
// A metric with no evidence is "not measured" (pass null) — nothing passes without a measurement.
// Pure (no Node, no DOM): the backend computes it for metrics.get, the unit tests call it directly.
import type { BenchReport } from '../contract/bench'
import type { MetricRow, MetricsView } from '../contract/metrics'
import type { Evidence, StepState } from '../contract/types'

export interface MetricsInput {
  /** Each step's state from the journal (missing: never ran). */
  state: (stepId: string) => StepState | null
  bench: BenchReport | null
  /** The live monitor's samples (the backend's sampler), if it has taken any. */
  monitor: { availability: number | null; samples: number; from: string | null; to: string | null } | null
  /** Statements run in the read-only SQL console of this workspace (null: no console in this build). */
  sqlConsoleUses: number | null
}

type Obj = Record<string, unknown>
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null)
const done = (s: StepState | null): Evidence | null => (s && s.status === 'done' && s.evidence ? s.evidence : null)
const ms = (v: number): string => (v < 10 ? `${v.toFixed(3)} ms` : `${Math.round(v)} ms`)

type Row = Omit<MetricRow, 'measured' | 'pass' | 'at' | 'note' | 'evidence'>
const notMeasured = (r: Row, note: string, stepId: string | null = null, screen: string | null = null): MetricRow => ({
  ...r,
  measured: null,
  pass: null,
  at: null,
  evidence: { stepId, screen },
  note,
})

function queryTime(i: MetricsInput): MetricRow {
  const row: Row = {
    id: 'query-time',
    group: 'Performance',
    metric: 'Query Response Time',
    target: '< 100 ms for typical queries (p95 of the typical workload)',
    how: 'p4.benchmark: every query of the typical workload on PostgreSQL, p95 of up to 30 timed runs',
  }
  const pg = i.bench?.backends.find((b) => b.id === 'postgres')
  if (!i.bench) return notMeasured(row, 'p4.benchmark has not run in this workspace', 'p4.benchmark', 'benchmarks')
  if (!pg?.measured) return notMeasured(row, `PostgreSQL was not measured: ${pg?.reason ?? 'no result'}`, 'p4.benchmark', 'benchmarks')
  const timed = pg.queries.filter((q) => q.p95 !== null)
  if (!timed.length) return notMeasured(row, 'no query could be timed on PostgreSQL', 'p4.benchmark', 'benchmarks')
  const worst = timed.reduce((a, b) => (b.p95! > a.p95! ? b : a))
  const over = timed.filter((q) => q.p95! >= 100)
  const skipped = pg.queries.length - timed.length
  return {
    ...row,
    measured: `max p95 ${ms(worst.p95!)} (${worst.query}); ${timed.length - over.length} of ${timed.length} queries under 100 ms`,
    pass: over.length === 0,
    at: pg.at,
    evidence: { stepId: 'p4.benchmark', screen: 'benchmarks' },
    note: skipped ? `${skipped} quer${skipped === 1 ? 'y' : 'ies'} not measured on PostgreSQL` : null,
  }
}

function verdictRow(row: Row, i: MetricsInput, pick: (ev: Evidence) => unknown, missing: string): MetricRow {
  const st = i.state('p4.concurrency')
  const ev = done(st)
  if (!ev) return notMeasured(row, 'p4.concurrency has not run in this workspace', 'p4.concurrency')
  const v = obj(pick(ev))
  if (!v || typeof v.pass !== 'boolean') return notMeasured(row, typeof v?.reason === 'string' ? v.reason : missing, 'p4.concurrency')
  return { ...row, measured: String(v.reason ?? ''), pass: v.pass, at: st!.finishedAt, evidence: { stepId: 'p4.concurrency', screen: 'benchmarks' }, note: null }
}

function consistency(i: MetricsInput): MetricRow {
  const row: Row = {
    id: 'consistency',
    group: 'Reliability',
    metric: 'Data Consistency',
    target: 'Zero data integrity violations',
    how: 'p2.validate reconciles every file and state.db row into memory.db; p3.migrate compares memory.db and PostgreSQL row by row (counts and checksums)',
  }
  const p2 = i.state('p2.validate')
  const p3 = i.state('p3.migrate')
  const e2 = done(p2)
  const e3 = done(p3)
  const ok2 = e2 ? e2.ok === true : null
  const ok3 = e3 ? obj(e3.validation)?.equal === true : null
  // A failed validation is a measured violation too.
  const failed2 = p2?.status === 'failed' && p2.error?.code === 'VALIDATION_FAILED' ? false : ok2
  const failed3 = p3?.status === 'failed' && p3.error?.code === 'VALIDATION_FAILED' ? false : ok3
  const parts = [
    failed2 === null ? 'Phase 2: not measured' : `Phase 2: ${failed2 ? 'memory.db reconciles with the sources' : 'differences found'}`,
    failed3 === null ? 'Phase 3: not measured' : `Phase 3: ${failed3 ? 'PostgreSQL equals memory.db' : 'differences found'}`,
  ]
  if (failed2 === false || failed3 === false)
    return { ...row, measured: parts.join('; '), pass: false, at: (failed3 === false ? p3 : p2)?.finishedAt ?? null, evidence: { stepId: failed3 === false ? 'p3.migrate' : 'p2.validate', screen: null }, note: null }
  if (failed2 === null || failed3 === null)
    return notMeasured(row, `${parts.join('; ')} — both validations are needed`, failed2 === null ? 'p2.validate' : 'p3.migrate')
  return { ...row, measured: parts.join('; '), pass: true, at: p3!.finishedAt, evidence: { stepId: 'p3.migrate', screen: null }, note: 'also p2.validate' }
}

function availability(i: MetricsInput): MetricRow {
  const row: Row = {
    id: 'availability',
    group: 'Reliability',
    metric: 'Availability',
    target: '99.9 % database uptime',
    how: 'Share of monitoring samples (every 5 s while the app runs with a target connected) that the target answered',
  }
  const m = i.monitor
  if (m && m.samples > 0 && m.availability !== null)
    return {
      ...row,
      measured: `${(m.availability * 100).toFixed(2)} % of ${m.samples} samples`,
      pass: m.availability >= 0.999,
      at: m.to,
      evidence: { stepId: null, screen: 'monitoring' },
      note: `from ${m.from ?? '?'} to ${m.to ?? '?'}; a short window says little about 99.9 %`,
    }
  const st = i.state('p4.monitor')
  const ev = done(st)
  if (ev && typeof ev.availability === 'number' && typeof ev.samples === 'number')
    return {
      ...row,
      measured: `${(ev.availability * 100).toFixed(2)} % of ${ev.samples} samples (p4.monitor snapshot)`,
      pass: ev.availability >= 0.999,
      at: st!.finishedAt,
      evidence: { stepId: 'p4.monitor', screen: 'monitoring' },
      note: 'a short snapshot says little about 99.9 %; the Monitoring screen samples continuously',
    }
  return notMeasured(row, 'no monitoring samples yet: connect a target and open Monitoring, or run p4.monitor', 'p4.monitor', 'monitoring')
}

function recovery(i: MetricsInput): MetricRow {
  const row: Row = {
    id: 'recovery',
    group: 'Reliability',
    metric: 'Recovery Time',
    target: '< 5 minutes from any failure',
    how: 'pre.backup restores the new backup into a scratch folder and verifies every file (the restore drill), timed',
  }
  const st = i.state('pre.backup')
  const ev = done(st)
  if (!ev || typeof ev.restoreDrillMs !== 'number') return notMeasured(row, 'the restore drill has not run (pre.backup)', 'pre.backup', 'backups')
  return { ...row, measured: `restore drill ${(ev.restoreDrillMs / 1000).toFixed(1)} s`, pass: ev.restoreDrillMs < 5 * 60_000, at: st!.finishedAt, evidence: { stepId: 'pre.backup', screen: 'backups' }, note: null }
}

export function computeMetrics(i: MetricsInput): MetricsView {
  const rows: MetricRow[] = [
    queryTime(i),
    verdictRow(
      {
        id: 'concurrency',
        group: 'Performance',
        metric: 'Concurrent Operations',
        target: '10+ agents without blocking (N = 10: zero failed operations, no lock wait over 100 ms)',
        how: 'p4.concurrency: simulated agents through the agent store library on PostgreSQL, swept over N',
      },
      i,
      (ev) => obj(ev.postgres)?.verdict,
      "p4.concurrency's evidence has no PostgreSQL verdict",
    ),
    notMeasured(
      {
        id: 'memory',
        group: 'Performance',
        metric: 'Memory Usage',
        target: '< 500 MB total database memory',
        how: "The database server's resident memory — which Ferry cannot read through SQL",
      },
      "Ferry does not read the server's memory use; the Monitoring screen shows the database's size on disk and Ferry's own memory instead",
      null,
      'monitoring',
    ),
    consistency(i),
    availability(i),
    recovery(i),
    verdictRow(
      {
        id: 'schema-changes',
        group: 'Developer Experience',
        metric: 'Migration Ease',
        target: 'Schema changes deployable without downtime',
        how: 'p4.concurrency: agents keep working while CREATE INDEX CONCURRENTLY runs on PostgreSQL',
      },
      i,
      (ev) => obj(ev.duringIndex)?.verdict,
      'the concurrent-index run was not part of the last p4.concurrency run',
    ),
    i.sqlConsoleUses && i.sqlConsoleUses > 0
      ? {
          id: 'debugging',
          group: 'Developer Experience',
          metric: 'Debugging',
          target: 'Rich query capabilities for troubleshooting',
          how: 'The read-only SQL console with EXPLAIN (Tables screen)',
          measured: `read-only SQL console used ${i.sqlConsoleUses} time(s) in this workspace`,
          pass: true,
          at: null,
          evidence: { stepId: null, screen: 'tables' },
          note: null,
        }
      : notMeasured(
          { id: 'debugging', group: 'Developer Experience', metric: 'Debugging', target: 'Rich query capabilities for troubleshooting', how: 'The read-only SQL console with EXPLAIN (Tables screen)' },
          i.sqlConsoleUses === null ? 'this build has no SQL console' : 'the read-only SQL console has not been used in this workspace',
          null,
          'tables',
        ),
    monitoring(i),
  ]
  return {
    rows,
    passed: rows.filter((r) => r.pass === true).length,
    failed: rows.filter((r) => r.pass === false).length,
    notMeasured: rows.filter((r) => r.pass === null).length,
  }
}

function monitoring(i: MetricsInput): MetricRow {
  const row: Row = {
    id: 'monitoring',
    group: 'Developer Experience',
    metric: 'Monitoring',
    target: 'Real-time performance dashboards',
    how: 'The Monitoring screen samples pg_stat_activity, pg_stat_database, locks and statements every 5 s',
  }
  if (i.monitor && i.monitor.samples > 0)
    return { ...row, measured: `${i.monitor.samples} live samples since ${i.monitor.from ?? '?'}`, pass: true, at: i.monitor.to, evidence: { stepId: null, screen: 'monitoring' }, note: null }
  const st = i.state('p4.monitor')
  const ev = done(st)
  if (ev && typeof ev.samples === 'number' && ev.samples > 0)
    return { ...row, measured: `p4.monitor recorded ${ev.samples} samples`, pass: true, at: st!.finishedAt, evidence: { stepId: 'p4.monitor', screen: 'monitoring' }, note: null }
  return notMeasured(row, 'no target has been monitored yet', 'p4.monitor', 'monitoring')
}
