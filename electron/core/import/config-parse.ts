// .claude/config files (JSON, YAML, TOML, INI, .env) as key/value rows: nested keys flattened to dotted
// paths, values as JSON text with numbers exactly as written, secret-looking values replaced by
// "***" here, before anything else sees them. A file that does not parse yields no rows and a
// located problem whose message never quotes the file (it may be the line with the password).
import { visit } from 'jsonc-parser'
import { parse as parseIni } from 'ini'
import { parse as parseToml, TomlError } from 'smol-toml'
import { parseAllDocuments } from 'yaml'
import { yamlValue, yamlValueError } from './yaml-value'
import { fromJs, JObject, type JValue, JNumber, readJson, toJsonText } from './json-text'
import { looksSecret, REDACTED, secretCandidates } from './secrets'

export type ConfigFormat = 'json' | 'yaml' | 'toml' | 'env' | 'ini'

export interface ConfigRow {
  /** 0-based position of the key in the file. */
  index: number
  key: string
  /** JSON text; `"***"` for secrets; null for an .env line that is not KEY=VALUE. */
  value: string | null
  isSecret: boolean
  /** Known for .env files. */
  line: number | null
  parseError: string | null
}

export interface ConfigParse {
  rows: ConfigRow[]
  /** Why the whole file could not be read as key/values. */
  problem: { line: number | null; message: string } | null
  /** The raw secret values, for scrubbing elsewhere; never stored. */
  secretValues: string[]
  /** 'jsonc': a .json file read with its comments and trailing commas left out. */
  dialect?: 'jsonc'
}

/**
 * The text with JSONC's extras blanked out (comments, a comma before `}` or `]`), every other
 * character at its place so a problem's line and column still point into the file; null when the
 * text has none of them. Found by jsonc-parser's visitor (a string holding `//` stays as it is).
 */
export function jsoncAsJson(text: string): string | null {
  const out = text.split('')
  const blank = (from: number, to: number): void => {
    for (let i = from; i < to; i++) if (out[i] !== '\n' && out[i] !== '\r') out[i] = ' '
  }
  let changed = false
  let comma = -1
  const token = (): void => {
    comma = -1
  }
  const close = (): void => {
    if (comma >= 0) {
      blank(comma, comma + 1)
      changed = true
    }
    comma = -1
  }
  visit(
    text,
    {
      onComment: (offset, length) => {
        blank(offset, offset + length)
        changed = true
      },
      onSeparator: (ch, offset) => {
        comma = ch === ',' ? offset : -1
      },
      onObjectBegin: token,
      onObjectProperty: token,
      onArrayBegin: token,
      onLiteralValue: token,
      onObjectEnd: close,
      onArrayEnd: close,
    },
    { allowTrailingComma: true, disallowComments: false },
  )
  return changed ? out.join('') : null
}

const SIMPLE_KEY = /^[A-Za-z0-9_-]+$/
const seg = (k: string): string => (SIMPLE_KEY.test(k) ? k : JSON.stringify(k))
const join = (prefix: string, k: string): string => (prefix ? `${prefix}.${k}` : k)

function flatten(v: JValue, key: string, out: [string, JValue][]): void {
  if (v instanceof JObject && v.entries.length > 0) {
    for (const [k, x] of v.entries) flatten(x, join(key, seg(k)), out)
  } else if (Array.isArray(v) && v.some((x) => x instanceof JObject || Array.isArray(x))) {
    v.forEach((x, i) => flatten(x, `${key || '$'}[${i}]`, out))
  } else out.push([key || '$', v])
}

function scalarText(v: JValue): string | null {
  if (typeof v === 'string') return v
  if (v instanceof JNumber) return v.text
  return null
}

function rowsOf(root: JValue, secrets: string[]): ConfigRow[] {
  const leaves: [string, JValue][] = []
  flatten(root, '', leaves)
  return leaves.map(([key, v], index) => {
    const text = scalarText(v)
    const isSecret = looksSecret(key, text)
    if (isSecret) {
      if (text !== null) secrets.push(...secretCandidates(text))
      else if (Array.isArray(v))
        for (const x of v) if (scalarText(x) !== null) secrets.push(scalarText(x) as string)
    }
    return {
      index,
      key,
      value: isSecret ? JSON.stringify(REDACTED) : toJsonText(v),
      isSecret,
      line: null,
      parseError: null,
    }
  })
}

/** The first key given twice in one INI section (`key[]` lines build a list and may repeat). */
function duplicateIniKey(text: string): { key: string; line: number; first: number } | null {
  const seen = new Map<string, number>()
  let section = ''
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim()
    if (t === '' || t.startsWith(';') || t.startsWith('#')) continue
    const sec = /^\[(.*)\]$/.exec(t)
    if (sec) {
      section = sec[1]!.trim()
      continue
    }
    const key = (t.includes('=') ? t.slice(0, t.indexOf('=')) : t).trim()
    if (key.endsWith('[]')) continue
    const full = section ? `${section}.${key}` : key
    const first = seen.get(full)
    if (first !== undefined) return { key: full, line: i + 1, first }
    seen.set(full, i + 1)
  }
  return null
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? '')
    .replace(/^Invalid TOML document: /, '')
    .replace(/ at line \d+, column \d+:?$/, '')
    .replace(/:$/, '')
}

function parseEnv(text: string, secrets: string[]): ConfigRow[] {
  const rows: ConfigRow[] = []
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.replace(/\r$/, '')
    const t = line.trim()
    if (t === '' || t.startsWith('#')) return
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(t)
    const index = rows.length
    if (!m) {
      rows.push({
        index,
        key: `#line ${i + 1}`,
        value: null,
        isSecret: false,
        line: i + 1,
        parseError: `line ${i + 1} is not KEY=VALUE (its text is not stored: it may hold a secret)`,
      })
      return
    }
    const key = m[1] as string
    const rest = m[2] as string
    let value = rest.replace(/\s+#.*$/, '').trim()
    let parseError: string | null = null
    if (rest.startsWith('"')) {
      const end = /^"((?:[^"\\]|\\.)*)"/.exec(rest)
      if (end)
        value = (end[1] as string).replace(
          /\\([nrt"\\])/g,
          (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c,
        )
      else parseError = `line ${i + 1}: the double quote is not closed`
    } else if (rest.startsWith("'")) {
      const end = /^'([^']*)'/.exec(rest)
      if (end) value = end[1] as string
      else parseError = `line ${i + 1}: the single quote is not closed`
    }
    const isSecret = looksSecret(key, value)
    if (isSecret) secrets.push(...secretCandidates(value), ...(parseError ? [rest] : []))
    rows.push({
      index,
      key,
      value: JSON.stringify(isSecret ? REDACTED : value),
      isSecret,
      line: i + 1,
      parseError,
    })
  })
  return rows
}

/** A file nested deeper than a parser's stack (200,000 `[`): that file's problem, not a crash. */
const isStackOverflow = (err: unknown): boolean =>
  err instanceof RangeError && /call stack/i.test(err.message)

export function parseConfig(format: ConfigFormat, text: string): ConfigParse {
  try {
    return parseConfigText(format, text)
  } catch (err) {
    if (!isStackOverflow(err)) throw err
    return {
      rows: [],
      problem: { line: null, message: `nested too deeply to read as ${format.toUpperCase()}` },
      secretValues: [],
    }
  }
}

function parseConfigText(format: ConfigFormat, text: string): ConfigParse {
  const secretValues: string[] = []
  // An empty file is a file with no keys, not a broken one.
  if (text.trim() === '') return { rows: [], problem: null, secretValues }
  if (format === 'env') return { rows: parseEnv(text, secretValues), problem: null, secretValues }
  if (format === 'json') {
    const r = readJson(text)
    if (r.ok) return { rows: rowsOf(r.value, secretValues), problem: null, secretValues }
    // JSON with comments or trailing commas (JSONC, as editors write settings files): read
    // without them; anything else wrong is reported where it is (the blanked text keeps places).
    const lenient = r.problem.tooDeep ? null : jsoncAsJson(text)
    const c = lenient === null ? r : readJson(lenient)
    if (c.ok)
      return { rows: rowsOf(c.value, secretValues), problem: null, secretValues, dialect: 'jsonc' }
    return {
      rows: [],
      problem: { line: c.problem.line, message: c.problem.message },
      secretValues,
    }
  }
  if (format === 'ini') {
    // ini keeps the last of two equal keys in a section: the file is refused instead, so no
    // value is dropped without a word.
    const dup = duplicateIniKey(text)
    if (dup)
      return {
        rows: [],
        problem: {
          line: dup.line,
          message: `duplicate INI key "${dup.key}" at line ${dup.line} (first at line ${dup.first}): readers disagree about which value counts`,
        },
        secretValues,
      }
    return { rows: rowsOf(fromJs(parseIni(text)), secretValues), problem: null, secretValues }
  }
  if (format === 'toml') {
    try {
      const v = parseToml(text, { integersAsBigInt: 'asNeeded' })
      return { rows: rowsOf(fromJs(v), secretValues), problem: null, secretValues }
    } catch (err) {
      const line = err instanceof TomlError ? err.line : null
      return {
        rows: [],
        problem: {
          line,
          message: `invalid TOML${line ? ` at line ${line}` : ''}: ${firstLine((err as Error).message)}`,
        },
        secretValues,
      }
    }
  }
  const docs = parseAllDocuments(text, { intAsBigInt: true, prettyErrors: false })
  const list = Array.isArray(docs) ? docs : []
  for (const d of list) {
    const e = d.errors[0]
    if (e) {
      const line = e.linePos?.[0].line ?? null
      return {
        rows: [],
        problem: {
          line,
          message: `invalid YAML${line ? ` at line ${line}` : ''}: ${firstLine(e.message)}`,
        },
        secretValues,
      }
    }
  }
  let values: JValue[]
  try {
    values = list.map((d) => fromJs(yamlValue(d)))
  } catch (err) {
    return {
      rows: [],
      problem: { line: null, message: `the YAML ${yamlValueError(err)}` },
      secretValues,
    }
  }
  const root: JValue =
    values.length === 1
      ? (values[0] as JValue)
      : values.length === 0
        ? null
        : new JObject(values.map((v, i) => [`[doc ${i + 1}]`, v]))
  const rows = root === null ? [] : rowsOf(root, secretValues)
  return { rows, problem: null, secretValues }
}
