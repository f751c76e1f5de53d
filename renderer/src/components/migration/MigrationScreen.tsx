import { useEffect, useRef } from 'react'
import { formatBytes, formatCompact, formatNumber, formatSeconds } from '../../format/numbers'
import { MIGRATE_STEP } from '../../store/slices/migration-slice'
import { useFerry } from '../../store/use-ferry'
import { ErrorNote } from '../ErrorNote'
import { RunStepInline } from '../RunStepInline'
import { ComparePanel } from './ComparePanel'
import { DeltaLagSection } from './DeltaLag'
import { MigrationChart } from './MigrationChart'
import { MigrationTables } from './MigrationTables'
import { ReconciliationPanel } from './ReconciliationPanel'
import { RejectQueue } from './RejectQueue'
import { keyDisplay } from '../../../../shared/contract/row-key'

const STATE_VIEW = {
  idle: { icon: '○', tone: 'tone-idle', word: 'not run yet' },
  running: { icon: '●', tone: 'tone-busy', word: 'running' },
  done: { icon: '✔', tone: 'tone-ok', word: 'done' },
  failed: { icon: '✖', tone: 'tone-bad', word: 'failed' },
} as const

const PHASE = {
  profile: 'profiling',
  load: 'loading',
  constraints: 'keys and indexes',
  validate: 'validating',
} as const

/** The live p3.migrate: per-table progress, throughput, ETA, rejects; then reconciliation and compare. */
export function MigrationScreen() {
  const root = useFerry((s) => s.workspace?.root ?? null)
  const m = useFerry((s) => s.migration)
  const error = useFerry((s) => s.migrationError)
  const recon = useFerry((s) => s.reconciliation)
  const reconBusy = useFerry((s) => s.reconciliationBusy)
  const reconError = useFerry((s) => s.reconciliationError)
  const rejects = useFerry((s) => s.rejects)
  const rejectsBusy = useFerry((s) => s.rejectsBusy)
  const rejectsError = useFerry((s) => s.rejectsError)
  const lastRetry = useFerry((s) => s.lastRetry)
  const compare = useFerry((s) => s.compare)
  const compareBusy = useFerry((s) => s.compareBusy)
  const compareError = useFerry((s) => s.compareError)
  const load = useFerry((s) => s.loadMigration)
  const loadRecon = useFerry((s) => s.loadReconciliation)
  const retry = useFerry((s) => s.retryRejects)
  const loadCompare = useFerry((s) => s.loadCompare)
  const rejectsRef = useRef<HTMLElement>(null)
  const compareRef = useRef<HTMLElement>(null)

  useEffect(() => {
    if (root) void load()
  }, [root, load])

  const v = STATE_VIEW[m?.state ?? 'idle']
  const t = m?.totals
  const finished = m !== null && m.state !== 'running' && m.state !== 'idle'
  const showRejects = (): void =>
    rejectsRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' })
  const tables = m?.tables.map((x) => x.table) ?? []

  return (
    <div className="backups-screen migration-screen" data-testid="migration-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Migration</h1>
          <span className={`badge ${v.tone}`} data-testid="migration-state">
            <span className="badge-icon" aria-hidden="true">
              {v.icon}
            </span>
            {v.word}
            {m?.state === 'running' && m.phase ? ` — ${PHASE[m.phase]}` : ''}
          </span>
          {m?.origin === 'report' ? (
            <span className="muted">(the last run, read back from .ferry/)</span>
          ) : null}
        </div>
        <p className="muted">
          <code>.claude/memory.db</code> → PostgreSQL schema{' '}
          <code>{m?.schema ?? 'agent_memory'}</code>, table by table in committed batches. This view
          is kept by the backend: reloading the page loses nothing.
        </p>
        <RunStepInline
          stepId={MIGRATE_STEP}
          label="Migrate now"
          againLabel="Run again (resumes)"
          testId="migration-run"
          briefProgress={!!(t && m && m.state !== 'idle')}
        />
        {t && m && m.state !== 'idle' ? (
          <dl className="facts" data-testid="migration-totals">
            <div>
              <dt>Rows</dt>
              <dd data-testid="migration-rows">
                {formatNumber(t.doneRows)} / {formatNumber(t.totalRows)}
              </dd>
            </div>
            <div>
              <dt>Throughput</dt>
              <dd>
                {t.rowsPerSec !== null ? `${formatCompact(t.rowsPerSec)} rows/s` : '—'} ·{' '}
                {t.mbPerSec !== null
                  ? `${formatNumber(Math.round(t.mbPerSec * 10) / 10)} MB/s`
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>Sent</dt>
              <dd>{formatBytes(t.bytes)}</dd>
            </div>
            <div>
              <dt>ETA</dt>
              <dd data-testid="migration-eta">
                {m.state === 'running'
                  ? t.etaSeconds !== null
                    ? formatSeconds(t.etaSeconds)
                    : '…'
                  : '—'}
              </dd>
            </div>
            <div>
              <dt>Rejected</dt>
              <dd>
                <button
                  type="button"
                  className="link-button"
                  data-testid="migration-rejected"
                  onClick={showRejects}
                >
                  {formatNumber(t.rejectedRows)} row(s)
                </button>
              </dd>
            </div>
          </dl>
        ) : null}
        {m?.error ? <p className="muted">Last error: {m.error}</p> : null}
      </header>
      <div className="screen-body">
        {!root ? (
          <p className="empty-state">
            No workspace open — open a folder or create the demo workspace on the Checklist screen.
          </p>
        ) : null}
        {error ? (
          <ErrorNote
            error={error}
            title="Could not read the migration's state"
            testId="migration-error"
          />
        ) : null}
        {root && m && m.state === 'idle' ? (
          <p className="empty-state" data-testid="migration-empty">
            No migration has run in this workspace yet — “Migrate now” loads memory.db into
            PostgreSQL (run p2.validate first).
          </p>
        ) : null}
        {m && m.tables.length > 0 ? (
          <section className="card" aria-labelledby="mig-tables-title">
            <h2 id="mig-tables-title">Tables</h2>
            <MigrationTables tables={m.tables} onRejects={showRejects} />
          </section>
        ) : null}
        {m && m.state !== 'idle' ? (
          <section className="card" aria-labelledby="mig-chart-title">
            <h2 id="mig-chart-title">Throughput</h2>
            <MigrationChart samples={m.samples} startedAt={m.startedAt} />
          </section>
        ) : null}
        {finished ? <DeltaLagSection /> : null}
        {finished ? (
          <section className="card" aria-labelledby="mig-recon-title">
            <div className="card-head">
              <h2 id="mig-recon-title">Post-load reconciliation</h2>
              <button type="button" disabled={reconBusy} onClick={() => void loadRecon()}>
                {reconBusy ? 'Reading…' : 'Re-check'}
              </button>
            </div>
            {reconError ? <ErrorNote error={reconError} title="Could not reconcile" /> : null}
            {recon ? (
              <ReconciliationPanel data={recon} />
            ) : reconBusy ? (
              <p className="muted">Reading the target…</p>
            ) : null}
          </section>
        ) : null}
        {finished ? (
          <section className="card" ref={rejectsRef} aria-labelledby="mig-rejects-title">
            <h2 id="mig-rejects-title">Reject queue</h2>
            {rejectsError ? (
              <ErrorNote error={rejectsError} title="Reject queue" testId="rejects-error" />
            ) : null}
            {lastRetry ? (
              <p role="status" data-testid="retry-outcome">
                Retried {lastRetry.retried} row(s) of {lastRetry.table}: {lastRetry.loaded.length}{' '}
                loaded
                {lastRetry.stillRejected.length
                  ? `, ${lastRetry.stillRejected.length} still rejected (${lastRetry.stillRejected.map((x) => `${keyDisplay(x.key)}: ${x.reason}`).join('; ')})`
                  : ''}
                {lastRetry.ruleIds.length
                  ? `; rule(s) #${lastRetry.ruleIds.join(', #')} recorded`
                  : ''}
                .
              </p>
            ) : null}
            {rejects ? (
              <RejectQueue
                data={rejects}
                busy={rejectsBusy !== null}
                onRetry={(table, keys, rules) => void retry(table, keys, rules)}
                onCompare={(table, keys) => {
                  void loadCompare({ table, keys })
                  compareRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' })
                }}
              />
            ) : (
              <p className="muted">Reading the reject log…</p>
            )}
          </section>
        ) : null}
        {finished && tables.length ? (
          <section className="card" ref={compareRef} aria-labelledby="mig-compare-title">
            <h2 id="mig-compare-title">Compare source and target</h2>
            {compareError ? <ErrorNote error={compareError} title="Could not compare" /> : null}
            <ComparePanel
              tables={tables}
              data={compare}
              busy={compareBusy}
              onLoad={(i) => void loadCompare(i)}
            />
          </section>
        ) : null}
      </div>
    </div>
  )
}
