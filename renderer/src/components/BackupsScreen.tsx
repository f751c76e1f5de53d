import { useEffect, useMemo } from 'react'
import { evidenceSummary } from '../format/evidence'
import { formatSeconds } from '../format/numbers'
import { backupRows, backupsSummary, restoreHighlights } from '../store/backup-selectors'
import { findStep } from '../store/selectors'
import { useFerry, useNow } from '../store/use-ferry'
import { BackupTable } from './BackupTable'
import { ErrorNote } from './ErrorNote'
import { EvidenceView } from './EvidenceView'
import { RunStepInline } from './RunStepInline'
import { useElapsed } from './use-elapsed'

function RestoreOutcomePanel() {
  const outcome = useFerry((s) => s.restoreOutcome)
  const dismiss = useFerry((s) => s.dismissRestoreOutcome)
  if (!outcome) return null
  // The restore's own sentence, when it sent one, says it best.
  const message = outcome.evidence?.message
  const summary = typeof message === 'string' ? message : evidenceSummary(outcome.evidence)
  const highlights = restoreHighlights(outcome.evidence)
  return (
    <section
      className="card restore-outcome"
      data-testid="restore-outcome"
      aria-labelledby="restore-title"
    >
      <div className="card-head">
        <h2 id="restore-title">
          {outcome.error ? (
            <span className="badge tone-bad">
              <span className="badge-icon" aria-hidden="true">
                ✖
              </span>
              Restore of {outcome.id} failed
            </span>
          ) : (
            <span className="badge tone-ok">
              <span className="badge-icon" aria-hidden="true">
                ✔
              </span>
              Restored backup {outcome.id}
            </span>
          )}
        </h2>
        <button type="button" className="icon-button" onClick={dismiss}>
          Dismiss
        </button>
      </div>
      {outcome.error ? (
        <ErrorNote error={outcome.error} title="Could not restore" testId="restore-error" />
      ) : null}
      {outcome.evidence ? (
        <>
          {summary ? <p className="evidence-summary">{summary}</p> : null}
          {highlights.length > 0 ? (
            <dl className="kv">
              {highlights.map((f) => (
                <div key={f.key} className="kv-row">
                  <dt>{f.label}</dt>
                  <dd>{f.text}</dd>
                </div>
              ))}
            </dl>
          ) : null}
          <details>
            <summary>Everything the restore recorded</summary>
            <EvidenceView evidence={outcome.evidence} />
          </details>
        </>
      ) : null}
    </section>
  )
}

/** The workspace's backups: take one, verify them all, restore one (asking once). */
export function BackupsScreen() {
  const root = useFerry((s) => s.workspace?.root ?? null)
  const backups = useFerry((s) => s.backups)
  const backupsRoot = useFerry((s) => s.backupsRoot)
  const busy = useFerry((s) => s.backupsBusy)
  const error = useFerry((s) => s.backupsError)
  const restoring = useFerry((s) => s.restoring)
  const highlighted = useFerry((s) => s.highlightedBackup)
  const plan = useFerry((s) => s.plan)
  const loadBackups = useFerry((s) => s.loadBackups)
  const restoreBackup = useFerry((s) => s.restoreBackup)
  const now = useNow(10_000)
  const verifyElapsed = useElapsed(busy === 'verify')
  const restoreElapsed = useElapsed(restoring !== null)

  useEffect(() => {
    void loadBackups()
  }, [root, loadBackups])

  const current = root !== null && backupsRoot === root ? backups : null
  const rows = useMemo(
    () => (current ? backupRows(current, now, (id) => findStep(plan, id)?.step.title ?? null) : []),
    [current, now, plan],
  )

  return (
    <div className="backups-screen" data-testid="backups-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Backups</h1>
          {current ? (
            <span className="muted" data-testid="backups-summary">
              {backupsSummary(current)}
            </span>
          ) : null}
        </div>
        <p className="muted">
          Verified copies of <code>.claude/</code> in <code>.ferry/backups/</code>. Steps that
          change the workspace take one first.
        </p>
        <div className="actions">
          <RunStepInline stepId="pre.backup" label="Back up now" testId="backup-now" />
          <button
            type="button"
            data-testid="verify-all"
            disabled={
              !root || busy === 'verify' || restoring !== null || (current?.length ?? 0) === 0
            }
            onClick={() => void loadBackups({ verify: true })}
          >
            {busy === 'verify' ? 'Verifying…' : 'Verify all'}
          </button>
          <button
            type="button"
            disabled={!root || busy !== null}
            onClick={() => void loadBackups()}
          >
            {busy === 'list' ? 'Reading…' : 'Refresh'}
          </button>
        </div>
        {busy === 'verify' ? (
          <p className="busy-note" role="status" data-testid="verify-busy">
            <span className="badge tone-busy">
              <span className="badge-icon" aria-hidden="true">
                ●
              </span>
              verifying
            </span>{' '}
            Re-reading every file of every backup and checking its SHA-256…{' '}
            {formatSeconds(verifyElapsed)}
          </p>
        ) : null}
        {restoring ? (
          <p className="busy-note" role="status" data-testid="restore-busy">
            <span className="badge tone-busy">
              <span className="badge-icon" aria-hidden="true">
                ●
              </span>
              restoring
            </span>{' '}
            Backing up the current state, then restoring {restoring}…{' '}
            {formatSeconds(restoreElapsed)}
          </p>
        ) : null}
      </header>

      <div className="screen-body">
        {!root ? (
          <p className="empty-state">
            No workspace open — open a folder or create the demo workspace on the Checklist screen.
          </p>
        ) : null}
        {error ? (
          <div className="notice">
            <ErrorNote error={error} title="Could not list the backups" testId="backups-error" />
            <button type="button" onClick={() => void loadBackups()}>
              Try again
            </button>
          </div>
        ) : null}
        <RestoreOutcomePanel />
        {root && !current && !error ? <p className="muted">Reading the list of backups…</p> : null}
        {current && current.length === 0 ? (
          <p className="empty-state" data-testid="backups-empty">
            No backups yet — “Back up now” takes a verified copy of every file in .claude/.
          </p>
        ) : null}
        {current && current.length > 0 ? (
          <BackupTable
            rows={rows}
            backups={current}
            highlighted={highlighted}
            restoring={restoring}
            onRestore={(id) => void restoreBackup(id)}
          />
        ) : null}
      </div>
    </div>
  )
}
