import type { ErrorInfo } from '../../../shared/contract/types'

interface Props {
  error: ErrorInfo
  /** What was being attempted, e.g. "Could not open the folder". */
  title?: string
  testId?: string
}

/** What failed and what to do next; the raw detail stays one click away. */
export function ErrorNote({ error, title, testId }: Props) {
  return (
    <div className="error-note" role="alert" data-testid={testId}>
      <p className="error-message">
        <span className="badge-icon" aria-hidden="true">
          ✖{' '}
        </span>
        {title ? <strong>{title}: </strong> : null}
        {error.message}
      </p>
      {error.hint ? <p className="error-hint">{error.hint}</p> : null}
      <details className="error-details">
        <summary>Details</summary>
        <dl className="kv">
          <dt>Code</dt>
          <dd>
            <code>{error.code}</code>
          </dd>
        </dl>
        {error.detail ? <pre className="raw">{error.detail}</pre> : null}
      </details>
    </div>
  )
}
