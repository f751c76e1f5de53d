import { connectionBanner } from '../store/selectors'
import { useFerry, useNow } from '../store/use-ferry'

/** Says plainly when the page cannot reach the backend, and why. */
export function ConnectionBanner({ onRetry }: { onRetry(): void }) {
  const connection = useFerry((s) => s.connection)
  const now = useNow(1000)
  const banner = connectionBanner(connection, now)
  if (!banner) return null
  return (
    <div
      className={`banner tone-${banner.tone}`}
      role={banner.tone === 'bad' ? 'alert' : 'status'}
      data-testid="connection-banner"
    >
      <p>
        <strong>{banner.text}</strong>
        {banner.hint ? <span className="banner-hint"> {banner.hint}</span> : null}
      </p>
      {banner.canRetry ? (
        <button type="button" onClick={onRetry}>
          Retry now
        </button>
      ) : null}
    </div>
  )
}
