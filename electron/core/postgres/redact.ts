// Every PostgreSQL address Ferry shows, logs or puts in an error goes through here first, so a
// password never reaches the UI, a log file or a bug report (RELIABILITY: "postgres://user:***@host").

const MASK = '***'
export const INVALID_URL_PLACEHOLDER = '(invalid URL)'

/** Query parameters that carry a secret: libpq's `password` and `sslpassword`, in any case. */
function isSecretParam(name: string): boolean {
  return /password/i.test(name)
}

/**
 * `postgres://user:pw@host:5432/db?password=x` → `postgres://user:***@host:5432/db?password=***`.
 * Never throws: anything that does not parse as a URL becomes `(invalid URL)`, because the raw
 * text could be a password pasted into the wrong field.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url.trim())
    if (parsed.password !== '') parsed.password = MASK
    const secretKeys = [...new Set([...parsed.searchParams.keys()].filter(isSecretParam))]
    for (const key of secretKeys) parsed.searchParams.set(key, MASK)
    return parsed.toString()
  } catch {
    return INVALID_URL_PLACEHOLDER
  }
}

/** The secrets a URL carries (password in the authority and in the query), raw and decoded. */
export function secretsInUrl(url: string): string[] {
  const found: string[] = []
  try {
    const parsed = new URL(url.trim())
    if (parsed.password !== '') found.push(parsed.password, safeDecode(parsed.password))
    for (const [key, value] of parsed.searchParams)
      if (isSecretParam(key) && value) found.push(value)
  } catch {
    // an unparsable URL is never displayed, so there is nothing to add
  }
  return [...new Set(found.filter((s) => s !== ''))]
}

/**
 * Replaces every occurrence of each secret (and its percent-encoded form) with `***`, then masks
 * anything that still looks like a password in a URL or a `password=` setting, in case a library
 * echoed a connection string we did not know about.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = String(text)
  const variants = new Set<string>()
  for (const secret of secrets) {
    if (!secret) continue
    variants.add(secret)
    variants.add(safeEncode(secret))
    variants.add(safeDecode(secret))
  }
  // Longest first, so a secret that contains another is masked whole.
  for (const v of [...variants].filter(Boolean).sort((a, b) => b.length - a.length)) {
    out = out.split(v).join(MASK)
  }
  out = out.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, `$1${MASK}@`)
  out = out.replace(/((?:ssl)?password\s*=\s*)('[^']*'|[^\s&'"]+)/gi, `$1${MASK}`)
  return out
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function safeEncode(s: string): string {
  try {
    return encodeURIComponent(s)
  } catch {
    return s
  }
}
