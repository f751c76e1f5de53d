import type { StorageMix } from '../format/profile'

/**
 * Storage classes found in a column as a thin stacked bar plus the words ("text 98 % · null
 * 2 %"): the words carry the meaning, the bar is a glance. Widths are set through the CSSOM,
 * which the page's CSP (style-src 'self') allows.
 */
export function StorageBar({ mix }: { mix: StorageMix }) {
  return (
    <span
      className="storage"
      title={mix.parts.map((p) => `${p.cls}: ${p.count.toLocaleString('en-US')}`).join('\n')}
    >
      <span className="storage-bar" aria-hidden="true">
        {mix.parts.map((p) => (
          <span
            key={p.cls}
            className={`storage-part cls-${p.cls}`}
            style={{ width: `${Math.max(2, p.fraction * 100)}%` }}
          />
        ))}
      </span>
      <span className="storage-text">{mix.text}</span>
    </span>
  )
}
