// JSON text → the exact text PostgreSQL's jsonb prints for it (jsonb_out), or why jsonb would
// reject or change it. The loader sends this form (equal jsonb, already normalised) and validation
// compares it with the target's jsonb::text. jsonb's rules, reproduced here:
//   object keys sorted by byte length, then bytes; a duplicate key keeps its last value (we reject
//   such values instead: jsonb would drop data silently); "key": value separated by ", ";
//   numbers as numeric prints them (1E+2 → 100, 1.50 → 1.50, -0 → 0); strings re-escaped with
//   \" \\ \b \f \n \r \t and \u00XX for other control characters; \u0000 is refused (22P05).

export type JsonCanon = { ok: true; text: string } | { ok: false; reason: string }

class JsonReject extends Error {}

const MAX_DEPTH = 1000
/** numeric_in refuses exponents beyond ±1000 (NUMERIC_MAX_PRECISION). */
const MAX_EXPONENT = 1000

export function canonicalJsonb(src: string): JsonCanon {
  const p = new Parser(src)
  try {
    p.ws()
    const text = p.value(0)
    p.ws()
    if (p.i !== src.length) p.fail('text after the JSON value')
    return { ok: true, text }
  } catch (err) {
    if (err instanceof JsonReject) return { ok: false, reason: err.message }
    throw err
  }
}

class Parser {
  i = 0
  /** The last string() read had no escape sequence. */
  plain = true
  /** The last string() read is all ASCII (its UTF-8 bytes are its UTF-16 code units). */
  ascii = true
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new JsonReject(`invalid JSON for jsonb at character ${this.i + 1}: ${what}`)
  }

  ws(): void {
    const s = this.s
    let c = s.charCodeAt(this.i)
    while (c === 32 || c === 9 || c === 10 || c === 13) c = s.charCodeAt(++this.i)
  }

  value(depth: number): string {
    if (depth > MAX_DEPTH) this.fail('nesting deeper than 1000 levels')
    // Dispatch on char codes, with no one-character strings or literal arrays made per value.
    const s = this.s
    const c = s.charCodeAt(this.i)
    if (c === 123) return this.object(depth)
    if (c === 91) return this.array(depth)
    if (c === 34) {
      const str = this.string()
      return this.plain ? `"${str}"` : quoteJson(str)
    }
    if (c === 45 || (c >= 48 && c <= 57)) return this.number()
    if (c === 116 && s.startsWith('true', this.i)) return this.literal('true')
    if (c === 102 && s.startsWith('false', this.i)) return this.literal('false')
    if (c === 110 && s.startsWith('null', this.i)) return this.literal('null')
    return this.fail(Number.isNaN(c) ? 'unexpected end' : `unexpected ${JSON.stringify(s[this.i])}`)
  }

  literal(lit: string): string {
    this.i += lit.length
    return lit
  }

  object(depth: number): string {
    this.i++
    // Parallel arrays, not a Map: objects are small, and most arrive with their keys in order.
    const keys: string[] = []
    const quoted: string[] = []
    const values: string[] = []
    let seen: Set<string> | null = null
    let ascii = true
    this.ws()
    if (this.s.charCodeAt(this.i) === 125) {
      this.i++
      return '{}'
    }
    for (;;) {
      this.ws()
      if (this.s.charCodeAt(this.i) !== 34) this.fail('expected a key')
      const key = this.string()
      const q = this.plain ? `"${key}"` : quoteJson(key)
      ascii &&= this.ascii
      this.ws()
      if (this.s.charCodeAt(this.i++) !== 58) this.fail('expected ":"')
      this.ws()
      const v = this.value(depth + 1)
      // A linear search for small objects; a Set once an object has many keys.
      if (seen === null && keys.length >= 16) seen = new Set(keys)
      if (seen ? seen.has(key) : keys.includes(key))
        throw new JsonReject(
          `duplicate key ${JSON.stringify(key)}: jsonb would keep only the last value`,
        )
      keys.push(key)
      seen?.add(key)
      quoted.push(q)
      values.push(v)
      this.ws()
      const sep = this.s.charCodeAt(this.i++)
      if (sep === 125) break
      if (sep !== 44) this.fail('expected "," or "}"')
    }
    const cmp = ascii ? compareAsciiKeys : compareJsonbKeys
    let sorted = true
    for (let k = 1; k < keys.length && sorted; k++) sorted = cmp(keys[k - 1]!, keys[k]!) < 0
    const order = sorted ? null : keys.map((_, k) => k).sort((a, b) => cmp(keys[a]!, keys[b]!))
    let out = '{'
    for (let k = 0; k < keys.length; k++) {
      const at = order ? order[k]! : k
      out += `${k ? ', ' : ''}${quoted[at]!}: ${values[at]!}`
    }
    return out + '}'
  }

  array(depth: number): string {
    this.i++
    const items: string[] = []
    this.ws()
    if (this.s[this.i] === ']') {
      this.i++
      return '[]'
    }
    for (;;) {
      this.ws()
      items.push(this.value(depth + 1))
      this.ws()
      const sep = this.s[this.i++]
      if (sep === ']') break
      if (sep !== ',') this.fail('expected "," or "]"')
    }
    return `[${items.join(', ')}]`
  }

  /**
   * The string's value. Sets `plain` when it had no escape: then its value needs none either (a
   * control character or a bare quote cannot occur in it), so its jsonb form is just "value".
   */
  string(): string {
    const s = this.s
    let out = ''
    let start = ++this.i
    let ascii = true
    this.plain = true
    for (;;) {
      const c = s.charCodeAt(this.i)
      if (Number.isNaN(c)) this.fail('unterminated string')
      if (c === 34) break
      if (c < 32) this.fail('control character in a string')
      if (c !== 92) {
        if (c > 127) ascii = false
        this.i++
        continue
      }
      this.plain = false
      out += s.slice(start, this.i)
      const e = s[this.i + 1]
      this.i += 2
      if (e === 'u') {
        const u = this.unicodeEscape()
        if (u.charCodeAt(0) > 127) ascii = false
        out += u
      } else {
        const simple = SIMPLE_ESCAPES[e ?? '']
        if (simple === undefined) this.fail('invalid escape')
        out += simple
      }
      start = this.i
    }
    out += s.slice(start, this.i)
    this.i++
    this.ascii = ascii
    return out
  }

  unicodeEscape(): string {
    const hi = this.hex4()
    if (hi === 0) throw new JsonReject('\\u0000 cannot be stored in jsonb (PostgreSQL error 22P05)')
    if (hi >= 0xdc00 && hi <= 0xdfff) this.fail('Unicode low surrogate without a high surrogate')
    if (hi < 0xd800 || hi > 0xdbff) return String.fromCharCode(hi)
    if (this.s[this.i] !== '\\' || this.s[this.i + 1] !== 'u')
      this.fail('Unicode high surrogate without a low surrogate')
    this.i += 2
    const lo = this.hex4()
    if (lo < 0xdc00 || lo > 0xdfff) this.fail('Unicode high surrogate without a low surrogate')
    return String.fromCharCode(hi, lo)
  }

  hex4(): number {
    const h = this.s.slice(this.i, this.i + 4)
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail('invalid \\u escape')
    this.i += 4
    return parseInt(h, 16)
  }

  number(): string {
    // Most numbers are plain integers, which numeric prints as written (but -0 as 0): no regex.
    const s = this.s
    let j = this.i
    const neg = s.charCodeAt(j) === 45
    if (neg) j++
    const from = j
    let c = s.charCodeAt(j)
    if (c === 48) c = s.charCodeAt(++j)
    else while (c >= 48 && c <= 57) c = s.charCodeAt(++j)
    if (j > from && c !== 46 && c !== 101 && c !== 69) {
      const int = s.slice(from, j)
      this.i = j
      return neg && int !== '0' ? `-${int}` : int
    }
    NUMBER.lastIndex = this.i
    const m = NUMBER.exec(this.s)
    if (!m) this.fail('invalid number')
    this.i += m[0].length
    return numericOut(m[1] === '-', m[2] ?? '', m[3] ?? '', Number(m[4] ?? '0'))
  }
}

const NUMBER = /(-?)(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?/y

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

/** numeric_out of numeric_in(text): the scale is max(0, fraction digits - exponent). */
function numericOut(neg: boolean, int: string, frac: string, exp: number): string {
  if (!frac && !exp) return neg && int !== '0' ? `-${int}` : int
  if (Math.abs(exp) > MAX_EXPONENT)
    throw new JsonReject(`number exponent ${exp} is out of numeric's range`)
  const digits = int + frac
  const point = int.length + exp
  const scale = Math.max(0, frac.length - exp)
  let ip: string
  let fp: string
  if (point <= 0) [ip, fp] = ['0', '0'.repeat(-point) + digits]
  else if (point >= digits.length) [ip, fp] = [digits + '0'.repeat(point - digits.length), '']
  else [ip, fp] = [digits.slice(0, point), digits.slice(point)]
  ip = ip.replace(/^0+(?=\d)/, '')
  const zero = !/[1-9]/.test(digits)
  return `${neg && !zero ? '-' : ''}${ip}${scale > 0 ? `.${fp}` : ''}`
}

const ESCAPE_OUT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** PostgreSQL's escape_json(). */
export function quoteJson(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`
  return `"${s.replace(ESCAPES, (c) => ESCAPE_OUT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`
}

// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f]/
// eslint-disable-next-line no-control-regex
const ESCAPES = /["\\\u0000-\u001f]/g

const ASCII = /^[\x20-\x7e]*$/

/** compareJsonbKeys for ASCII keys: UTF-16 length and order are UTF-8's. */
const compareAsciiKeys = (a: string, b: string): number =>
  a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)

/** jsonb orders keys by UTF-8 length, then bytewise. */
function compareJsonbKeys(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  const ba = Buffer.from(a, 'utf8')
  const bb = Buffer.from(b, 'utf8')
  return ba.length - bb.length || Buffer.compare(ba, bb)
}

/**
 * Whether jsonb keeps this JSON (no duplicate key, no \u0000) — the profile's question, asked of
 * every JSON object or array SQLite's json_valid accepted, so it is answered without building
 * the canonical text: a scan of the strings and the object keys. Anything rarer (an escaped key,
 * a \uD800-\uDFFF escape, a number with an exponent, deep nesting) is left to canonicalJsonb.
 */
export function jsonbKeeps(src: string): boolean {
  const fast = scanJsonb(src)
  return fast ?? canonicalJsonb(src).ok
}

/** true / false when the scan can tell; undefined to ask canonicalJsonb. */
function scanJsonb(s: string): boolean | undefined {
  // Per open object: its keys so far (null for an array) and whether a key comes next.
  const keys: (string[] | null)[] = []
  const expectKey: boolean[] = []
  const n = s.length
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 34) {
      // A string: find its end, checking escapes.
      let j = i + 1
      let escaped = false
      for (;;) {
        if (j >= n) return undefined
        const d = s.charCodeAt(j)
        if (d === 34) break
        if (d === 92) {
          escaped = true
          if (s.charCodeAt(j + 1) === 117) {
            const h = s.slice(j + 2, j + 6).toLowerCase()
            if (h === '0000') return false
            if (h >= 'd800' && h <= 'dfff') return undefined
            j += 6
          } else j += 2
        } else j++
      }
      const top = keys.length - 1
      if (top >= 0 && expectKey[top]) {
        if (escaped) return undefined
        const k = s.slice(i + 1, j)
        const list = keys[top]!
        if (list.includes(k)) return false
        list.push(k)
        expectKey[top] = false
        if (list.length > 64) return undefined // a Set would be needed: leave it to the parser
      }
      i = j
    } else if (c === 123) {
      if (keys.length > 900) return undefined
      keys.push([])
      expectKey.push(true)
    } else if (c === 91) {
      if (keys.length > 900) return undefined
      keys.push(null)
      expectKey.push(false)
    } else if (c === 125 || c === 93) {
      keys.pop()
      expectKey.pop()
    } else if (c === 44) {
      const top = keys.length - 1
      if (top >= 0 && keys[top] !== null) expectKey[top] = true
    } else if (c === 101 || c === 69) {
      // An exponent (true/false/null have no 'e' or 'E' outside strings … but "true" and
      // "false" do: only a digit before it makes it a number's exponent).
      const prev = s.charCodeAt(i - 1)
      if (prev >= 48 && prev <= 57) return undefined
    }
  }
  return true
}
