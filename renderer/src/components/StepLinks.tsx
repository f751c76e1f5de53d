import type { ReactElement } from 'react'
import type { PlanStep } from '../../../shared/contract/types'
import { useFerry } from '../store/use-ferry'

/** Where a step's results can be looked at more closely: the Backups and Schema screens. */
export function StepLinks({ step }: { step: PlanStep }) {
  const openBackups = useFerry((s) => s.openBackups)
  const setScreen = useFerry((s) => s.setScreen)
  const hasWorkspace = useFerry((s) => s.workspace !== null)
  if (!hasWorkspace) return null
  const evidence = step.state.evidence
  const backupId =
    typeof evidence?.backupId === 'string'
      ? evidence.backupId
      : step.id === 'pre.backup' && typeof evidence?.id === 'string'
        ? evidence.id
        : null
  const links: ReactElement[] = []
  if (step.id === 'pre.backup' || backupId) {
    links.push(
      <button
        key="backups"
        type="button"
        data-testid="open-backups"
        onClick={() => openBackups(backupId)}
      >
        Open backups
      </button>,
    )
  }
  if (step.id === 'pre.document-schema') {
    links.push(
      <button
        key="schema"
        type="button"
        data-testid="open-schema"
        onClick={() => setScreen('schema')}
      >
        Open schema
      </button>,
    )
  }
  if (links.length === 0) return null
  return (
    <div className="actions step-links">
      {backupId && step.id !== 'pre.backup' ? (
        <span className="muted small">
          Backup taken first: <code>{backupId}</code>
        </span>
      ) : null}
      {links}
    </div>
  )
}
