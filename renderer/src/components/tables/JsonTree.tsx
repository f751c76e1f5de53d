// A JSON value as a collapsible tree (<details> per object/array: keyboard and screen-reader
// friendly without extra code). Levels below the second start collapsed.
import type { ReactNode } from 'react'

function leaf(v: unknown): ReactNode {
  if (v === null) return <span className="json-null">null</span>
  if (typeof v === 'string') return <span className="json-string">{JSON.stringify(v)}</span>
  if (typeof v === 'number') return <span className="json-number">{String(v)}</span>
  return <span className="json-bool">{String(v)}</span>
}

function Node({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const label = name === null ? null : <span className="json-key">{name}: </span>
  if (value === null || typeof value !== 'object') {
    return (
      <li>
        {label}
        {leaf(value)}
      </li>
    )
  }
  const entries = Array.isArray(value)
    ? value.map((v, i) => [String(i), v] as const)
    : Object.entries(value)
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}']
  return (
    <li>
      <details open={depth < 2}>
        <summary>
          {label}
          {open}
          <span className="muted small">
            {' '}
            {entries.length} {Array.isArray(value) ? 'items' : 'keys'}{' '}
          </span>
          {close}
        </summary>
        <ul className="json-children">
          {entries.map(([k, v]) => (
            <Node key={k} name={k} value={v} depth={depth + 1} />
          ))}
        </ul>
      </details>
    </li>
  )
}

export function JsonTree({ value }: { value: unknown }) {
  return (
    <ul className="json-tree" data-testid="json-tree">
      <Node name={null} value={value} depth={0} />
    </ul>
  )
}
