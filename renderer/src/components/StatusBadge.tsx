import type { StatusView } from '../store/selectors'

interface Props {
  status: StatusView
  /** Defaults to the status word; "running 41 %" while running. */
  text?: string
  testId?: string
}

/** Shape + colour + word: the icon and the word carry the meaning, the colour only repeats it. */
export function StatusBadge({ status, text, testId }: Props) {
  return (
    <span className={`badge tone-${status.tone}`} data-testid={testId}>
      <span className="badge-icon" aria-hidden="true">
        {status.icon}
      </span>
      <span className="badge-word">{text ?? status.word}</span>
    </span>
  )
}
