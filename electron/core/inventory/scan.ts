// The deep look at one listed file: lines and records (streamed), whether it parses and where it
// first does not, whether it is valid UTF-8 and where it first is not, secret-looking keys; and,
// for a file the import takes, the rows it will give — computed by the importers' own readers,
// so the dry run's expected counts are the import's counts.
import { decodeUtf16, firstInvalidUtf8, utf16Bom } from './names'
import { osError, openListed, readListed } from './open'
import { fileChunks, LineSplitter } from './stream'
import type { WalkEntry } from './walk'
import { type ConfigFormat, parseConfig } from '../import/config-parse'
import { configRecords, contextRecord } from '../import/import-whole'
import { type Disposition, WHOLE_FILE_LIMIT } from '../import/map'
import { logPass } from '../import/read-log'
import type { Scrubber } from '../import/secrets'

export interface Problem {
  line: number | null
  message: string
}

export interface FileScan {
  lines: number | null
  records: number | null
  /** Rows the import will write for this file (files it takes only). */
  expectedRows: number | null
  parse: 'ok' | 'errors' | 'failed' | 'not-checked' | 'n/a'
  parseErrors: number
  /** The first few problems, by line. */
  problems: Problem[]
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'invalid' | 'binary' | 'n/a'
  encodingError: { line: number | null; byte: number } | null
  secrets: number | null
  /** A read that stopped early (a truncated .gz, an over-long line) or failed. */
  readError: { code: string; message: string } | null
  /** A file the plan would import but whose content makes it a skip (e.g. config that does not parse). */
  skip: { code: string; reason: string } | null
}

const MAX_PROBLEMS = 5

function empty(): FileScan {
  return {
    lines: null,
    records: null,
    expectedRows: null,
    parse: 'n/a',
    parseErrors: 0,
    problems: [],
    encoding: 'n/a',
    encodingError: null,
    secrets: null,
    readError: null,
    skip: null,
  }
}

const lineOfOffset = (text: Buffer, offset: number): number => {
  let n = 1
  for (let i = text.indexOf(10); i >= 0 && i < offset; i = text.indexOf(10, i + 1)) n++
  return n
}

function countLines(b: Buffer): number {
  let n = 0
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++
  return b.length > 0 && b[b.length - 1] !== 10 ? n + 1 : n
}

async function scanLog(
  e: WalkEntry,
  d: Extract<Disposition, { importer: 'log' }>,
  scrub: Scrubber,
): Promise<FileScan> {
  const s = empty()
  let records = 0
  s.encoding = 'utf-8'
  const r = await logPass(e, {
    format: d.format,
    gz: d.gz,
    scrub,
    onRow: (row) => {
      records++
      if (row.text === null) {
        s.encoding = 'invalid'
        s.encodingError ??= {
          line: row.record.lineNo,
          byte: row.record.offset + firstInvalidUtf8(row.record.bytes),
        }
      }
      if (row.parseError) {
        s.parseErrors++
        if (s.problems.length < MAX_PROBLEMS)
          s.problems.push({ line: row.record.lineNo, message: row.parseError })
      }
    },
  })
  s.lines = r.lines
  s.records = records
  s.expectedRows = records
  s.readError = r.error
  s.parse = r.error ? 'failed' : s.parseErrors ? 'errors' : 'ok'
  if (r.error && s.problems.length < MAX_PROBLEMS)
    s.problems.push({ line: null, message: r.error.message })
  return s
}

function scanWholeText(s: FileScan, bytes: Buffer): string | null {
  s.lines = countLines(bytes)
  if (utf16Bom(bytes)) {
    const u = decodeUtf16(bytes)
    if (u) {
      s.encoding = u.encoding
      s.lines = countLines(Buffer.from(u.text))
      return u.text
    }
  }
  const bad = firstInvalidUtf8(bytes)
  if (bad >= 0) {
    s.encoding = 'invalid'
    s.encodingError = { line: lineOfOffset(bytes, bad), byte: bad }
    return null
  }
  s.encoding = 'utf-8'
  return bytes.toString('utf8')
}

function configFormatOf(e: WalkEntry): ConfigFormat | null {
  return e.kind === 'json' ||
    e.kind === 'yaml' ||
    e.kind === 'toml' ||
    e.kind === 'ini' ||
    e.kind === 'env'
    ? e.kind
    : null
}

/** Streams a text file only to count lines and find the first byte that is not UTF-8. */
async function scanStream(e: WalkEntry, s: FileScan): Promise<void> {
  const fh = await openListed(e.abs, e, e.path)
  let lines = 0
  s.encoding = 'utf-8'
  const split = new LineSplitter((l) => {
    lines++
    if (s.encodingError) return
    const bad = firstInvalidUtf8(l.bytes)
    if (bad >= 0) {
      s.encoding = 'invalid'
      s.encodingError = { line: l.lineNo, byte: l.offset + bad }
    }
  })
  try {
    for await (const c of fileChunks(fh)) split.push(c)
    split.finish()
  } finally {
    await fh.close()
  }
  s.lines = lines
}

export async function scanFile(e: WalkEntry, d: Disposition, scrub: Scrubber): Promise<FileScan> {
  const s = empty()
  if (e.type !== 'file' || e.class === 'ferry-output') return s
  try {
    if (d.action === 'import' && d.importer === 'log') return await scanLog(e, d, scrub)
    if (d.action === 'import' && d.importer === 'state-db') return s
    if (e.kind === 'binary' || e.kind === 'sqlite' || (e.kind === 'gz' && !e.format)) {
      s.encoding = e.kind === 'sqlite' || e.kind === 'binary' ? 'binary' : 'n/a'
      return s
    }
    if (e.size > WHOLE_FILE_LIMIT) {
      await scanStream(e, s)
      s.parse = 'not-checked'
      return s
    }
    const bytes = await readListed(e.abs, e, e.path)
    const text = scanWholeText(s, bytes)
    if (d.action === 'import' && d.importer === 'context') {
      const row = contextRecord(d.format, e.inClaude.slice('context/'.length), bytes, scrub)
      s.records = 1
      s.expectedRows = 1
      s.parse = row.parseError ? 'errors' : 'ok'
      if (row.parseError) {
        s.parseErrors = 1
        s.problems.push({ line: null, message: row.parseError })
      }
      return s
    }
    if (d.action === 'import' && d.importer === 'config') {
      const c = configRecords(d.format, e.inClaude.slice('config/'.length), bytes, scrub)
      s.secrets = c.secrets
      s.skip = c.skip
      s.records = c.rows.length
      s.expectedRows = c.skip ? 0 : c.rows.length
      const bad = c.rows.filter((r) => r.parseError)
      s.parseErrors = bad.length + (c.skip ? 1 : 0)
      s.parse = c.skip ? 'failed' : bad.length ? 'errors' : 'ok'
      if (c.skip) s.problems.push({ line: null, message: c.skip.reason })
      // The stored parse error names its line itself ("line 2: …"); the problem has it as `line`.
      for (const r of bad.slice(0, MAX_PROBLEMS))
        s.problems.push({
          line: r.line,
          message: (r.parseError as string)
            .replace(new RegExp(`^line ${r.line ?? ''}: `), '')
            .replace(new RegExp(`^line ${r.line ?? ''} `), 'this line '),
        })
      return s
    }
    // Not imported, but still looked at: does it parse, does it hold secrets?
    const format = configFormatOf(e)
    if (text !== null && format) {
      const p = parseConfig(format, text)
      s.secrets = p.rows.filter((r) => r.isSecret).length
      s.parse = p.problem ? 'failed' : 'ok'
      if (p.problem) s.problems.push(p.problem)
    } else if (text !== null && e.kind === 'md') {
      const row = contextRecord('markdown', e.inClaude, bytes, scrub)
      s.parse = row.parseError ? 'errors' : 'ok'
      if (row.parseError) s.problems.push({ line: null, message: row.parseError })
    }
    return s
  } catch (err) {
    return { ...s, readError: osError(err), parse: 'failed' }
  }
}
