// A log record as an events row: timestamp, level, agent, type, message and payload pulled out
// for querying, while the record's exact text stays in `raw`. Nothing is dropped: a line that is
// not JSON, or not UTF-8, becomes a row with `parse_error` saying why.
import { firstInvalidUtf8 } from '../inventory/names'
import type { LogFormat } from '../inventory/kinds'
import { readJson } from './json-text'
import type { LogRecord } from './log-records'

export interface EventFields {
  ts: string | null
  level: string | null
  agentId: string | null
  eventType: string | null
  message: string | null
  payload: string | null
  parseError: string | null
  /** The record as text; null when it is not valid UTF-8 (then it is stored as bytes). */
  text: string | null
}

const EMPTY: Omit<EventFields, 'parseError' | 'text'> = {
  ts: null,
  level: null,
  agentId: null,
  eventType: null,
  message: null,
  payload: null,
}

const TEXT_HEAD =
  /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)\]?(?:\s+(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|FATAL|CRITICAL|CRIT))?(?:\s+\[([^\]\n]*)\])?:?\s?([^\n]*)/i

function str(v: unknown): string | null {
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return null
}

function pick(o: Record<string, unknown>, keys: string[]): unknown {
  for (const k of keys) if (o[k] !== undefined) return o[k]
  return undefined
}

function fromJsonLine(text: string): Omit<EventFields, 'text'> {
  let obj: unknown
  try {
    obj = JSON.parse(text)
  } catch {
    // The scanner says where, without quoting the line back.
    const r = readJson(text)
    return {
      ...EMPTY,
      parseError: r.ok
        ? 'invalid JSON'
        : r.problem.message.replace(/ at line 1, column/, ' at column'),
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
    return { ...EMPTY, parseError: 'valid JSON, but not an object' }
  const o = obj as Record<string, unknown>
  const picked = pick(o, ['data', 'payload', 'details'])
  let payload: string | null
  try {
    payload = picked === undefined ? null : JSON.stringify(picked)
  } catch (err) {
    // JSON.parse reads any depth; JSON.stringify recurses and runs out of stack (200,000 levels).
    if (!(err instanceof RangeError)) throw err
    return { ...EMPTY, parseError: 'JSON nested too deeply to read its fields: kept as raw text' }
  }
  const level = str(pick(o, ['level', 'severity', 'lvl']))
  return {
    ts: str(pick(o, ['ts', 'timestamp', 'time', '@timestamp', 'created_at'])),
    level: level === null ? null : level.toLowerCase(),
    agentId: str(pick(o, ['agent_id', 'agent', 'agentId'])),
    eventType: str(pick(o, ['event_type', 'type', 'event'])),
    message: str(pick(o, ['message', 'msg'])),
    payload,
    parseError: null,
  }
}

/** A CRLF file's line ends: terminators, not part of a parsed field (`raw` keeps them). */
const CR_AT_EOL = /\r(?=\n|$)/g

function fromTextRecord(text: string, continues: boolean): Omit<EventFields, 'text'> {
  const lines = text.includes('\r') ? text.replace(CR_AT_EOL, '') : text
  const m = TEXT_HEAD.exec(lines)
  if (!m || continues) {
    // Lines before the first timestamp, or the rest of a record cut at the size cap.
    return { ...EMPTY, message: lines, parseError: null }
  }
  const nl = lines.indexOf('\n')
  const more = nl < 0 ? '' : lines.slice(nl)
  return {
    ts: m[1] ?? null,
    level: m[2] ? m[2].toLowerCase() : null,
    agentId: m[3] ?? null,
    eventType: null,
    message: (m[4] ?? '') + more,
    payload: null,
    parseError: null,
  }
}

export function parseEventRecord(format: LogFormat, rec: LogRecord): EventFields {
  const bad = firstInvalidUtf8(rec.bytes)
  if (bad >= 0) {
    return {
      ...EMPTY,
      text: null,
      parseError: `not valid UTF-8 (byte ${bad + 1} of the record): stored as the exact bytes`,
    }
  }
  const text = rec.bytes.toString('utf8')
  const fields = format === 'jsonl' ? fromJsonLine(text) : fromTextRecord(text, rec.continues)
  return { ...fields, text }
}
