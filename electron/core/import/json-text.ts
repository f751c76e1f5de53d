// A small lossless JSON reader. JSON.parse rounds integers past 2^53 and keeps only the last of
// two equal keys, and its error messages quote the input (in a config file that quote can be a
// password). This reader keeps numbers as their source text and every key in order, and reports
// the first problem by line and column only.

export class JNumber {
  constructor(readonly text: string) {}
}
export class JObject {
  constructor(readonly entries: [string, JValue][]) {}
}
export type JValue = null | boolean | string | JNumber | JValue[] | JObject

export interface JsonProblem {
  offset: number
  line: number
  column: number
  message: string
  /** Nested deeper than MAX_DEPTH: no other reading of the text is tried. */
  tooDeep?: true
}

/** Deeper JSON is a problem of its file (recursive readers would run out of stack). */
export const MAX_DEPTH = 1000
const TOO_DEEP = 'nested too deeply'

class Stop {
  constructor(
    readonly at: number,
    readonly why: string,
  ) {}
}

const ESC: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
}

function read(s: string): JValue {
  let i = 0
  const ws = (): void => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++
  }
  const fail = (why: string): never => {
    throw new Stop(i, i >= s.length ? 'unexpected end of input' : why)
  }
  const literal = <T>(word: string, v: T): T => {
    if (!s.startsWith(word, i)) fail('unexpected character')
    i += word.length
    return v
  }
  const str = (): string => {
    i++
    let out = ''
    for (let from = i; ;) {
      if (i >= s.length) fail('unterminated string')
      const c = s.charCodeAt(i)
      if (c === 0x22) {
        out += s.slice(from, i++)
        return out
      }
      if (c < 0x20) fail('control character inside a string')
      if (c !== 0x5c) {
        i++
        continue
      }
      out += s.slice(from, i)
      const e = s[i + 1] ?? ''
      if (e === 'u') {
        const h = s.slice(i + 2, i + 6)
        if (!/^[0-9a-fA-F]{4}$/.test(h)) fail('bad \\u escape')
        out += String.fromCharCode(parseInt(h, 16))
        i += 6
      } else if (ESC[e] !== undefined) {
        out += ESC[e]
        i += 2
      } else fail('bad escape in a string')
      from = i
    }
  }
  const value = (depth: number): JValue => {
    if (depth > MAX_DEPTH) fail(TOO_DEEP)
    ws()
    const c = s[i]
    if (c === '{') {
      i++
      const entries: [string, JValue][] = []
      ws()
      if (s[i] === '}') return (i++, new JObject(entries))
      for (;;) {
        ws()
        if (s[i] !== '"') fail('expected a property name in double quotes')
        const k = str()
        ws()
        if (s[i] !== ':') fail("expected ':' after a property name")
        i++
        entries.push([k, value(depth + 1)])
        ws()
        if (s[i] === ',') i++
        else if (s[i] === '}') return (i++, new JObject(entries))
        else fail("expected ',' or '}' after a property value")
      }
    }
    if (c === '[') {
      i++
      const items: JValue[] = []
      ws()
      if (s[i] === ']') return (i++, items)
      for (;;) {
        items.push(value(depth + 1))
        ws()
        if (s[i] === ',') i++
        else if (s[i] === ']') return (i++, items)
        else fail("expected ',' or ']' after an array element")
      }
    }
    if (c === '"') return str()
    if (c === 't') return literal('true', true)
    if (c === 'f') return literal('false', false)
    if (c === 'n') return literal('null', null)
    const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(s.slice(i, i + 1000))
    if (!m || m[0] === '' || m[0] === '-')
      return fail(
        c === '-' || (c !== undefined && c >= '0' && c <= '9')
          ? 'bad number'
          : 'unexpected character',
      )
    i += m[0].length
    return new JNumber(m[0])
  }
  // A byte order mark is not JSON, but editors write one; it is skipped, not an error.
  if (s.charCodeAt(0) === 0xfeff) i = 1
  const v = value(0)
  ws()
  if (i < s.length) fail('unexpected text after the JSON value')
  return v
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let last = -1
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++
    last = i
  }
  return { line, column: offset - last }
}

export function readJson(
  text: string,
): { ok: true; value: JValue } | { ok: false; problem: JsonProblem } {
  try {
    return { ok: true, value: read(text) }
  } catch (e) {
    if (!(e instanceof Stop)) throw e
    const { line, column } = lineColumn(text, e.at)
    return {
      ok: false,
      problem: {
        offset: e.at,
        line,
        column,
        message: `invalid JSON at line ${line}, column ${column}: ${e.why}`,
        ...(e.why === TOO_DEEP ? { tooDeep: true as const } : {}),
      },
    }
  }
}

/** JSON text of a value, numbers exactly as they were written. */
export function toJsonText(v: JValue): string {
  if (v instanceof JNumber) return v.text
  if (v instanceof JObject)
    return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(',')}}`
  if (Array.isArray(v)) return `[${v.map(toJsonText).join(',')}]`
  return JSON.stringify(v)
}

/** A YAML or TOML value as a JValue: big integers stay exact, dates become their text. */
export function fromJs(v: unknown): JValue {
  if (v === null || v === undefined) return null
  if (typeof v === 'bigint') return new JNumber(v.toString())
  if (typeof v === 'number') return Number.isFinite(v) ? new JNumber(JSON.stringify(v)) : String(v)
  if (typeof v === 'string' || typeof v === 'boolean') return v
  if (v instanceof Date)
    return typeof (v as { toISOString?: unknown }).toISOString === 'function'
      ? v.toISOString()
      : String(v)
  if (Array.isArray(v)) return v.map(fromJs)
  // YAML's !!set (a JavaScript Set: Object.entries would see no members) and !!binary (bytes,
  // given back as the base64 text the file holds rather than one key per byte).
  if (v instanceof Set) return [...v].map(fromJs)
  if (v instanceof Uint8Array)
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64')
  if (v instanceof Map) return new JObject([...v.entries()].map(([k, x]) => [String(k), fromJs(x)]))
  if (typeof v === 'object')
    return new JObject(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromJs(x)]))
  return String(v)
}
