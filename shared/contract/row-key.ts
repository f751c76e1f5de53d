// How a row's key reads to people. The engine names a row of a rowid table by its rowid ("42")
// and a row of a WITHOUT ROWID table by its primary-key values as tagged JSON
// ('[{"t":"A"},{"i":"2"}]', types kept: 1 and '1' are different keys in SQLite) — exact, but not
// for reading. keyDisplay gives SQL literals instead: 'A', (2, 'x'), x'00ff', NULL.

/** One key value with its SQLite storage class kept (keys.ts writes keys as a JSON array of these). */
export type Tagged = { i: string } | { r: number } | { t: string } | { b: string } | null

const MAX_TEXT = 60

function literal(t: Tagged): string {
  if (t === null) return 'NULL'
  if ('i' in t) return t.i
  if ('r' in t) return String(t.r)
  if ('b' in t) return `x'${t.b.length > MAX_TEXT ? `${t.b.slice(0, MAX_TEXT)}…` : t.b}'`
  const s = t.t.length > MAX_TEXT ? `${t.t.slice(0, MAX_TEXT)}…` : t.t
  return `'${s.replace(/'/g, "''")}'`
}

function isTagged(v: unknown): v is Tagged {
  if (v === null) return true
  if (typeof v !== 'object' || Array.isArray(v)) return false
  const keys = Object.keys(v as object)
  if (keys.length !== 1) return false
  const [k] = keys
  const x = (v as Record<string, unknown>)[k!]
  return k === 'r' ? typeof x === 'number' : ['i', 't', 'b'].includes(k!) && typeof x === 'string'
}

/** A key as people read it; a key text that is not tagged JSON (a rowid) as it is. */
export function keyDisplay(key: string): string {
  if (!key.startsWith('[')) return key
  let parsed: unknown
  try {
    parsed = JSON.parse(key)
  } catch {
    return key
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every(isTagged)) return key
  const parts = (parsed as Tagged[]).map(literal)
  return parts.length === 1 ? parts[0]! : `(${parts.join(', ')})`
}
