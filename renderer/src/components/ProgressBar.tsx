import type { Progress } from '../../../shared/contract/types'
import { progressView } from '../store/selectors'

/**
 * Done/total, rate and ETA under a bar; an unknown total shows a moving stripe instead. `brief`:
 * the percentage and message only, where the screen shows its own counts, rate and ETA.
 */
export function ProgressBar({
  progress,
  label,
  brief = false,
}: {
  progress: Progress
  label: string
  brief?: boolean
}) {
  const v = progressView(progress)
  const percent = v.fraction === null ? undefined : Math.round(v.fraction * 100)
  return (
    <div className="progress" data-testid="step-progress">
      <div
        className={`progress-track${percent === undefined ? ' indeterminate' : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={[v.percentText, v.countText, v.etaText].filter(Boolean).join(', ')}
      >
        <div
          className="progress-fill"
          style={{ width: percent === undefined ? undefined : `${percent}%` }}
        />
      </div>
      <p className="progress-text">
        {v.percentText ? <strong>{v.percentText}</strong> : null}
        {brief ? null : (
          <>
            {v.countText ? <span>{v.countText}</span> : null}
            {v.rateText ? <span>{v.rateText}</span> : null}
            <span>{v.etaText}</span>
          </>
        )}
      </p>
      {progress.message ? <p className="progress-message">{progress.message}</p> : null}
    </div>
  )
}
