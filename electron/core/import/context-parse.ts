// A .claude/context file as one context_sessions-like row: Markdown with optional YAML front
// matter, a JSON session dump, or a plain note. The agent comes from the front matter or JSON,
// else from the agent's folder name. The file's exact text is kept in `raw`; a file that is not
// UTF-8 is kept as its bytes and flagged, never re-encoded.
import { parseDocument } from 'yaml'
import { yamlValue, yamlValueError } from './yaml-value'
import { decodeUtf16, firstInvalidUtf8 } from '../inventory/names'
import { fromJs, JNumber, JObject, type JValue, readJson, toJsonText } from './json-text'

export type ContextFormat = 'markdown' | 'json' | 'text'

export interface ContextRow {
  format: ContextFormat
  /** The agent's folder (first folder under context/), if the file is in one. */
  folder: string | null
  agentId: string | null
  sessionId: string | null
  title: string | null
  createdAt: string | null
  /** Markdown after the front matter (the whole text for plain notes); null for JSON. */
  body: string | null
  /** Front matter, or the JSON's top-level fields other than arrays, as JSON text. */
  metadata: string | null
  parseError: string | null
  raw: string | Buffer
}

const FENCE = /^---\r?\n/
const CLOSE = /\r?\n---[ \t]*(?:\r?\n|$)/

function scalar(v: JValue | undefined): string | null {
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return String(v)
  return v instanceof JNumber ? v.text : null
}

function field(o: JObject | null, keys: string[]): string | null {
  if (!o) return null
  for (const k of keys) {
    const hit = o.entries.find(([key]) => key === k)
    if (hit) return scalar(hit[1])
  }
  return null
}

function heading(text: string): string | null {
  const m = /^#\s+(.+)$/m.exec(text)
  return m?.[1]?.trim() ?? null
}

function markdown(
  text: string,
): Pick<ContextRow, 'body' | 'metadata' | 'parseError'> & { meta: JObject | null } {
  if (!FENCE.test(text)) return { body: text, metadata: null, parseError: null, meta: null }
  const start = text.indexOf('\n') + 1
  const close = CLOSE.exec(text.slice(start - 1))
  if (!close)
    return {
      body: text,
      metadata: null,
      parseError: 'front matter opened with --- but never closed: read as plain Markdown',
      meta: null,
    }
  const yamlText = text.slice(start, start - 1 + close.index)
  const body = text.slice(start - 1 + close.index + close[0].length).replace(/^\r?\n/, '')
  const doc = parseDocument(yamlText, { intAsBigInt: true, prettyErrors: false })
  const e = doc.errors[0]
  if (e) {
    const line = (e.linePos?.[0].line ?? 0) + 1
    return {
      body,
      metadata: null,
      parseError: `front matter is not valid YAML (line ${line} of the file): ${(e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`,
      meta: null,
    }
  }
  let v: JValue
  try {
    v = fromJs(yamlValue(doc))
  } catch (err) {
    return { body, metadata: null, parseError: `front matter ${yamlValueError(err)}`, meta: null }
  }
  const meta = v instanceof JObject ? v : null
  return {
    body,
    metadata: v === null ? null : toJsonText(v),
    parseError: meta || v === null ? null : 'front matter is not a mapping of keys',
    meta,
  }
}

export function parseContext(format: ContextFormat, inContext: string, bytes: Buffer): ContextRow {
  const slash = inContext.indexOf('/')
  const folder = slash > 0 ? inContext.slice(0, slash) : null
  const base: ContextRow = {
    format,
    folder,
    agentId: null,
    sessionId: null,
    title: null,
    createdAt: null,
    body: null,
    metadata: null,
    parseError: null,
    raw: bytes,
  }
  // UTF-16 (with its byte-order mark) is decoded for the parsed columns; raw keeps its bytes.
  const utf16 = decodeUtf16(bytes)
  const bad = utf16 ? -1 : firstInvalidUtf8(bytes)
  if (bad >= 0)
    return {
      ...base,
      agentId: folder,
      parseError: `not valid UTF-8 (byte ${bad + 1}): stored as the exact bytes, not re-encoded`,
    }
  const text = utf16 ? utf16.text : bytes.toString('utf8')
  const raw = utf16 ? bytes : text
  if (format === 'json') {
    const r = readJson(text)
    if (!r.ok) return { ...base, raw, agentId: folder, parseError: r.problem.message }
    const o = r.value instanceof JObject ? r.value : null
    const top = o ? new JObject(o.entries.filter(([, v]) => !Array.isArray(v))) : null
    return {
      ...base,
      raw,
      agentId: field(o, ['agent_id', 'agent', 'agentId']) ?? folder,
      sessionId: field(o, ['session_id', 'sessionId', 'id']),
      title: field(o, ['title', 'name']),
      createdAt: field(o, ['started_at', 'created_at', 'created', 'createdAt']),
      metadata: top ? toJsonText(top) : null,
      parseError: o ? null : 'valid JSON, but not an object',
    }
  }
  const md =
    format === 'markdown'
      ? markdown(text)
      : { body: text, metadata: null, parseError: null, meta: null }
  return {
    ...base,
    raw,
    body: md.body,
    metadata: md.metadata,
    parseError: md.parseError,
    agentId: field(md.meta, ['agent', 'agent_id', 'agentId']) ?? folder,
    sessionId: field(md.meta, ['session_id', 'session', 'sessionId']),
    title: field(md.meta, ['title']) ?? (md.body ? heading(md.body) : null),
    createdAt: field(md.meta, ['created', 'created_at', 'date', 'createdAt']),
  }
}
