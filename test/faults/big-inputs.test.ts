// Big inputs, streamed (issue 8, "Local resources" / "Bad files"): a 50 MB single-line JSON log
// record and a 50 MB single-line .json config are imported without a crash, each with a clear
// outcome (imported with its exact bytes, or skipped with the reason), and the source unchanged.
// Under FERRY_FAULTS_SWEEP=1 also a 600 MB log file — over V8's maximum string length, so it
// must be streamed — imported with every line accounted for.
import { createHash } from 'node:crypto'
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { tempDir } from '../support/paths'
import { ferryRunner, type Run } from '../support/faults/cli'
import { changedBytes, workspaceFingerprint, type Fingerprint } from '../support/faults/fingerprint'
import { score } from '../support/faults/scorecard'

const SWEEP = process.env.FERRY_FAULTS_SWEEP === '1'
const MB = 1024 * 1024
const tmp = tempDir('ferry-faults-big-')
const ws = join(tmp.dir, 'ws')
const claude = join(ws, '.claude')
const ferry = ferryRunner(join(tmp.dir, 'config'), 600_000)
const OWN = [
  '.ferry',
  '.claude/memory.db',
  '.claude/memory.db-wal',
  '.claude/memory.db-shm',
  '.claude/memory.db-journal',
]
const LOG = 'logs/huge-line.jsonl'
const CONFIG = 'config/huge.json'
const BIG_LOG = 'logs/600mb.jsonl'
const BIG_LOG_LINE = 1024
const LOG_HEAD = '{"ts":"2026-01-01T00:00:00Z","level":"info","message":"'

/** Writes a file in 1 MiB pieces: the test never holds it whole either. */
function writeStreamed(file: string, head: string, fill: number, tail: string): Buffer {
  const h = createHash('sha256')
  const fd = openSync(file, 'w')
  const put = (b: Buffer): void => {
    writeSync(fd, b)
    h.update(b)
  }
  put(Buffer.from(head))
  const piece = Buffer.alloc(MB, 'a')
  for (let left = fill; left > 0; left -= MB) put(left >= MB ? piece : piece.subarray(0, left))
  put(Buffer.from(tail))
  closeSync(fd)
  return h.digest()
}

/** `lines` JSON log lines of exactly BIG_LOG_LINE bytes each (newline included). */
function writeManyLines(file: string, lines: number): void {
  const fd = openSync(file, 'w')
  const perChunk = 4096
  for (let i = 0; i < lines; i += perChunk) {
    const parts: string[] = []
    for (let j = i; j < Math.min(lines, i + perChunk); j++) {
      const head = `{"ts":"2026-01-01T00:00:00Z","level":"info","n":${j},"message":"`
      parts.push(head + 'm'.repeat(BIG_LOG_LINE - head.length - 3) + '"}\n')
    }
    writeSync(fd, parts.join(''))
  }
  closeSync(fd)
}

interface FileEv {
  path: string
  status: string
  rows: number
  parseErrors: number
  error: string | null
  skipCode: string | null
  skipReason: string | null
}

describe('big inputs are streamed, never crash, and each gets a clear outcome', () => {
  let run: Run & { peakRssMb: number | null }
  let before: Fingerprint
  /** The whole step, for the scorecard's rows/s (a measurement, never asserted). */
  let runSeconds = 0
  const sha: Record<string, Buffer> = {}
  const bigLines = 600 * 1024 // 600 MiB of 1 KiB lines

  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 200, seed: 8 })
    mkdirSync(join(claude, 'logs'), { recursive: true })
    mkdirSync(join(claude, 'config'), { recursive: true })
    sha[LOG] = writeStreamed(join(claude, LOG), LOG_HEAD, 50 * MB, '"}\n')
    sha[CONFIG] = writeStreamed(join(claude, CONFIG), '{"model":"big","prompt":"', 50 * MB, '"}')
    if (SWEEP) writeManyLines(join(claude, BIG_LOG), bigLines)
    before = workspaceFingerprint(ws, OWN)
    const started = performance.now()
    run = ferry.measured(['run', 'p2.validate', '-w', ws, '--json'])
    runSeconds = (performance.now() - started) / 1000
  })
  afterAll(() => tmp.cleanup())

  const outcome = (rel: string): FileEv => {
    const files = (run.json?.steps?.[0]?.evidence?.files ?? []) as FileEv[]
    const f = files.find((x) => x.path === `.claude/${rel}`)
    if (!f)
      throw new Error(
        `no outcome for ${rel}: ${run.stdout.slice(0, 500)} ${run.stderr.slice(-1500)}`,
      )
    return f
  }

  it('finishes the import (no crash, no signal) and reports both 50 MB files', () => {
    expect(run.signal).toBeNull()
    expect(run.code, run.stderr.slice(-2000)).toBe(0)
    for (const rel of [LOG, CONFIG]) {
      const o = outcome(rel)
      expect(['imported', 'skipped'], rel).toContain(o.status)
      if (o.status === 'skipped') expect(o.skipReason, rel).toBeTruthy()
      score.badInput(
        'big input',
        `50 MB single line: ${rel}`,
        o.status === 'skipped'
          ? `skipped (${o.skipCode}: ${o.skipReason})`
          : `imported, ${o.rows} rows${o.error ? `, ${o.error}` : ''}; peak RSS ${run.peakRssMb ?? '?'} MB`,
      )
    }
  })

  it('keeps the 50 MB log record whole: one row holding exactly the line', () => {
    const o = outcome(LOG)
    if (o.status !== 'imported') return
    expect(o.rows).toBe(1)
    const db = new Database(join(claude, 'memory.db'), { readonly: true })
    try {
      const r = db
        .prepare(
          `SELECT length(b) AS n, CAST(substr(b, 1, ?) AS TEXT) AS head, CAST(substr(b, -2) AS TEXT) AS tail
           FROM (SELECT CAST(e.raw AS BLOB) AS b FROM file_events e JOIN import_files f USING (file_id) WHERE f.path = ?)`,
        )
        .get(LOG_HEAD.length, `.claude/${LOG}`) as { n: number; head: string; tail: string }
      // The line without its newline, byte for byte in length, head and tail.
      expect(r).toEqual({ n: LOG_HEAD.length + 50 * MB + 2, head: LOG_HEAD, tail: '"}' })
    } finally {
      db.close()
    }
  })

  it.runIf(SWEEP)('streams a 600 MB log file: every line is a row', () => {
    const o = outcome(BIG_LOG)
    expect(o.status).toBe('imported')
    expect(o.rows).toBe(bigLines)
    score.load({
      test: 'import of a 600 MB log',
      rows: o.rows,
      files: 1,
      gb: 0.6,
      rowsPerSec: Math.round(o.rows / runSeconds),
      peakRssMb: run.peakRssMb,
      agentP99Ms: null,
    })
    score.badInput(
      'big input',
      '600 MB log file',
      `imported, ${o.rows} rows; peak RSS ${run.peakRssMb ?? '?'} MB`,
    )
  })

  it('never changes the workspace (Ferry\u2019s own memory.db and .ferry aside)', () => {
    const after = workspaceFingerprint(ws, OWN)
    score.source(changedBytes(ws, before, after), 'big inputs import')
    expect(after).toEqual(before)
  })
})
