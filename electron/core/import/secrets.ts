// Secrets never reach memory.db. A config value whose key looks secret (token, password, api key
// …) or that is a URL with a password is stored as "***" with a flag; and every such value found
// anywhere in the workspace (config files, state.db rows flagged is_secret) is also scrubbed from
// log lines, context files and state.db cells, where agents tend to echo them.

export const REDACTED = '***'

const SECRET_KEY =
  /(?:token(?!s|_?(?:count|limit|usage|budget))|secret|passw(?:or)?d|passphrase|pwd|credential|authorization|cookie|(?:api|private|secret|access|encryption|signing|master|license|ssh|client|session)[-_. ]?key|apikey|dsn|connection[-_. ]?string)/i
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^@\s/]+@/i

/** Keys that name where a secret lives (an env var, a file), not the secret itself. */
const REFERENCE = /[-_.](?:env|file|path|var|name)$/i

export function isSecretKey(key: string): boolean {
  // Any segment counts (`secrets.github` is a secret); only the last can make it a reference.
  const last = key.slice(key.lastIndexOf('.') + 1)
  return SECRET_KEY.test(key) && !REFERENCE.test(last)
}

export function looksSecret(key: string, value: string | null): boolean {
  return isSecretKey(key) || (value !== null && URL_WITH_PASSWORD.test(value))
}

/**
 * Values shorter than this, or plain numbers, are redacted where their key says so but not hunted
 * elsewhere: replacing "8080" in every log line would alter far more than it protects.
 */
export const MIN_SCRUB_LENGTH = 8

function huntable(v: string): boolean {
  return (
    v.length >= MIN_SCRUB_LENGTH && !/^[-+]?[\d.,_ ]+$/.test(v) && !/^(?:true|false|null)$/i.test(v)
  )
}

/**
 * Replaces known secret values inside text or bytes. Longest first, so a secret that contains
 * another is removed whole.
 */
export class Scrubber {
  private readonly texts: string[]
  private readonly bytes: Buffer[]
  readonly tooShort: number

  constructor(values: Iterable<string>) {
    const all = [...new Set(values)].filter((v) => v.length > 0)
    this.tooShort = all.filter((v) => !huntable(v)).length
    this.texts = all.filter(huntable).sort((a, b) => b.length - a.length)
    this.bytes = this.texts.map((t) => Buffer.from(t, 'utf8'))
  }

  get size(): number {
    return this.texts.length
  }

  text(s: string): { value: string; hits: number } {
    let hits = 0
    let value = s
    for (const t of this.texts) {
      if (!value.includes(t)) continue
      const parts = value.split(t)
      hits += parts.length - 1
      value = parts.join(REDACTED)
    }
    return { value, hits }
  }

  buffer(b: Buffer): { value: Buffer; hits: number } {
    let hits = 0
    let value = b
    for (const t of this.bytes) {
      let at = value.indexOf(t)
      if (at < 0) continue
      const parts: Buffer[] = []
      let from = 0
      while (at >= 0) {
        parts.push(value.subarray(from, at), Buffer.from(REDACTED))
        hits++
        from = at + t.length
        at = value.indexOf(t, from)
      }
      parts.push(value.subarray(from))
      value = Buffer.concat(parts)
    }
    return { value, hits }
  }
}

/** The secret inside a stored value: the value itself, or the string a JSON string value holds. */
export function secretCandidates(value: string): string[] {
  const out: string[] = []
  const t = value.trim()
  if (t.startsWith('"') && t.endsWith('"')) {
    try {
      // The string inside: replacing it keeps the stored JSON valid ("***").
      const inner = JSON.parse(t) as unknown
      if (typeof inner === 'string') out.push(inner)
    } catch {
      /* not a JSON string: the value itself is the secret */
    }
  }
  if (out.length === 0) out.push(value)
  const m = URL_WITH_PASSWORD.exec(value)
  if (m) {
    const pw = /:([^@\s/:]+)@/.exec(value.slice(value.indexOf('//') + 2))
    if (pw?.[1]) out.push(pw[1])
  }
  return out
}
