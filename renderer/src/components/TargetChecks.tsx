import type { TargetCheckResult } from '../../../shared/contract/connection'
import { ErrorNote } from './ErrorNote'

const LABEL: Record<TargetCheckResult['checks'][number]['name'], string> = {
  'server-version': 'Server version (12 or newer)',
  encoding: 'UTF8 encoding',
  'create-schema': 'May create a schema',
  'connection-slots': 'Free connection slots',
}

const ICON = { pass: '✔', warn: '!', fail: '✖' } as const

/** The production checks of the last "Check", one row each, with what to do when one is not a pass. */
export function TargetChecks({ result }: { result: TargetCheckResult }) {
  if (result.error)
    return <ErrorNote error={result.error} title="The checks could not run" testId="target-checks-error" />
  return (
    <ul className="target-checks" data-testid="target-checks" aria-label="Production checks">
      {result.checks.map((c) => (
        <li key={c.name} className={`check-${c.status}`} data-testid={`check-${c.name}`} data-status={c.status}>
          <span className="badge-icon" aria-hidden="true">
            {ICON[c.status]}
          </span>{' '}
          <strong>{LABEL[c.name]}</strong>: {c.detail}
          {c.hint ? <p className="muted small">{c.hint}</p> : null}
        </li>
      ))}
    </ul>
  )
}
