// Bad files in the workspace (issue 8): malformed JSON (truncated, BOM, trailing commas, 100k-deep
// nesting), text that is not UTF-8 (Latin-1, UTF-16 with BOM, invalid sequences), NUL bytes, a
// binary file named .md — each imported with its exact bytes and a flag, or skipped with a reason;
// never a crash, never a silent U+FFFD. And a symlink to a canary file outside the workspace: the
// canary's unique content appears nowhere — not in memory.db, the backup, the journal, PostgreSQL.
import { randomBytes } from 'node:crypto'
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { tempDir } from '../support/paths'
import { ferryRunner, type Run } from '../support/faults/cli'
import { changedBytes, workspaceFingerprint, type Fingerprint } from '../support/faults/fingerprint'
import { migrateArgs } from '../support/faults/migrate-case'
import { dropSchema, pgQuery, qi } from '../support/faults/pg'
import { score } from '../support/faults/scorecard'

const tmp = tempDir('ferry-faults-files-')
const ws = join(tmp.dir, 'ws')
const claude = join(ws, '.claude')
const ferry = ferryRunner(join(tmp.dir, 'config'))
const CANARY = `CANARY-${randomBytes(12).toString('hex')}`
const schema = `files_${randomBytes(4).toString('hex')}`
// Ferry's own additions, excluded from the source fingerprint by name.
const OWN = [
  '.ferry',
  '.claude/memory.db',
  '.claude/memory.db-wal',
  '.claude/memory.db-shm',
  '.claude/memory.db-journal',
]

const utf16 = Buffer.concat([
  Buffer.from([0xff, 0xfe]),
  Buffer.from('# UTF-16 note\nhéllo\n', 'utf16le'),
])
export const BAD: Record<string, { category: string; bytes: Buffer }> = {
  'context/bad/truncated.json': {
    category: 'malformed JSON',
    bytes: Buffer.from('{"session_id": "s1", "messages": [{"role": "user", "content": "hi"'),
  },
  'context/bad/bom.json': {
    category: 'malformed JSON',
    bytes: Buffer.from('\ufeff{"session_id": "s2", "title": "with a BOM"}'),
  },
  'context/bad/trailing.json': {
    category: 'malformed JSON',
    bytes: Buffer.from('{"session_id": "s3", "tags": [1, 2,],}'),
  },
  'context/bad/deep.json': {
    category: 'malformed JSON',
    bytes: Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)),
  },
  'context/bad/latin1.md': {
    category: 'not UTF-8',
    bytes: Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9]), Buffer.from(' au lait\n')]),
  },
  'context/bad/utf16.md': { category: 'not UTF-8', bytes: utf16 },
  'context/bad/invalid.md': {
    category: 'not UTF-8',
    bytes: Buffer.from([
      0x23, 0x20, 0xc3, 0x28, 0x0a, 0xf0, 0x28, 0x8c, 0xbc, 0x0a, 0xed, 0xa0, 0x80, 0x0a,
    ]),
  },
  'context/bad/nul.md': { category: 'NUL bytes', bytes: Buffer.from('# before\u0000after\n') },
  'context/bad/image.md': {
    category: 'binary named .md',
    bytes: Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      randomBytes(4096),
    ]),
  },
  'config/truncated.json': {
    category: 'malformed JSON',
    bytes: Buffer.from('{"model": "x", "limits": {"tokens": 10'),
  },
  'logs/mixed.jsonl': {
    category: 'malformed JSON',
    bytes: Buffer.from(
      '{"ts":"2026-01-01T00:00:00Z","level":"info","message":"ok 1"}\n' +
        '{"ts":"2026-01-01T00:00:01Z","level":"info","message":"cut\n' +
        '{"ts":"2026-01-01T00:00:02Z","level":"info","message":"trailing",}\n' +
        '{"ts":"2026-01-01T00:00:03Z","level":"info","message":"nul \\u0000 escaped"}\n' +
        '{"ts":"2026-01-01T00:00:04Z","level":"info","message":"raw nul \u0000 byte"}\n' +
        '{"ts":"2026-01-01T00:00:05Z","level":"info","message":"ok 2"}\n',
    ),
  },
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

let imported: Run
let before: Fingerprint

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...filesUnder(p))
    else if (e.isFile()) out.push(p)
  }
  return out
}

describe('bad files and a symlink out of the workspace', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 500, seed: 13 })
    for (const [rel, f] of Object.entries(BAD)) {
      mkdirSync(join(claude, rel, '..'), { recursive: true })
      writeFileSync(join(claude, rel), f.bytes)
    }
    const outside = join(tmp.dir, 'outside')
    mkdirSync(outside)
    writeFileSync(join(outside, 'canary.md'), `# secret\n${CANARY}\n`)
    symlinkSync(join(outside, 'canary.md'), join(claude, 'context', 'canary.md'))
    symlinkSync(outside, join(claude, 'context', 'outside-dir'))
    before = workspaceFingerprint(ws, OWN)
    const b = ferry.run(['backup', '-w', ws, '--json'])
    expect(b.code, b.stderr.slice(-2000)).toBe(0)
    imported = ferry.run(['run', 'p2.validate', '-w', ws, '--json'])
    expect(imported.code, imported.stderr.slice(-2000)).toBe(0)
  })
  afterAll(async () => {
    await dropSchema(schema)
    tmp.cleanup()
  })

  const evidence = (): FileEv[] => imported.json.steps[0].evidence.files as FileEv[]
  const outcome = (rel: string): FileEv => {
    const f = evidence().find((x) => x.path === `.claude/${rel}`)
    if (!f) throw new Error(`no outcome for ${rel}`)
    return f
  }

  it('gives every bad file an outcome, and keeps the bytes of each imported one exactly', () => {
    const db = new Database(join(claude, 'memory.db'), { readonly: true })
    try {
      for (const [rel, f] of Object.entries(BAD)) {
        const o = outcome(rel)
        expect(['imported', 'skipped'], rel).toContain(o.status)
        if (o.status === 'skipped') expect(o.skipReason, rel).toBeTruthy()
        if (rel.startsWith('context/') && o.status === 'imported') {
          const row = db
            .prepare(
              'SELECT c.raw, c.body FROM file_context_sessions c JOIN import_files f USING (file_id) WHERE f.path = ?',
            )
            .get(`.claude/${rel}`) as { raw: Buffer | string; body: string | null }
          const raw = Buffer.isBuffer(row.raw) ? row.raw : Buffer.from(row.raw, 'utf8')
          expect(raw.equals(f.bytes), `${rel}: raw bytes`).toBe(true)
          // No silent replacement character: U+FFFD only where the source had one.
          if (
            !f.bytes.toString('utf8').includes('\ufffd') ||
            !Buffer.from(f.bytes.toString('utf8')).equals(f.bytes)
          )
            expect(row.body ?? '', rel).not.toContain('\ufffd')
        }
        const what =
          o.status === 'skipped'
            ? `skipped (${o.skipCode})`
            : `imported, ${o.rows} rows, ${o.parseErrors} flagged${o.error ? `, ${o.error.slice(0, 60)}` : ''}`
        score.badInput(f.category, rel, what)
      }
    } finally {
      db.close()
    }
  })

  it('flags the malformed JSON lines of a log and keeps each line, the good ones parsed', () => {
    const o = outcome('logs/mixed.jsonl')
    expect(o.status).toBe('imported')
    expect(o.rows).toBe(6)
    expect(o.parseErrors).toBeGreaterThanOrEqual(2)
    const db = new Database(join(claude, 'memory.db'), { readonly: true })
    const raws = (
      db
        .prepare(
          "SELECT e.raw FROM file_events e JOIN import_files f USING (file_id) WHERE f.path = '.claude/logs/mixed.jsonl' ORDER BY source_line",
        )
        .all() as { raw: Buffer | string }[]
    ).map((r) => (Buffer.isBuffer(r.raw) ? r.raw : Buffer.from(r.raw)))
    db.close()
    const lines = BAD['logs/mixed.jsonl']!.bytes.toString('utf8').split('\n').filter(Boolean)
    expect(raws.map((r) => r.toString('utf8'))).toEqual(lines)
  })

  it('never changes the workspace (Ferry\u2019s own memory.db and .ferry aside)', () => {
    const after = workspaceFingerprint(ws, OWN)
    score.source(changedBytes(ws, before, after), 'bad files import')
    expect(after).toEqual(before)
  })

  it('carries the canary behind the symlink nowhere: memory.db, backup, journal, logs, PostgreSQL', async () => {
    expect(imported.stdout + imported.stderr).not.toContain(CANARY)
    for (const f of filesUnder(ws)) {
      if (statSync(f).size > 200 * 1024 * 1024) continue
      expect(readFileSync(f).includes(CANARY), f).toBe(false)
    }
    const m = ferry.run(migrateArgs(join(claude, 'memory.db'), schema))
    expect(m.code, m.stderr.slice(-2000)).toBe(0)
    const tables = await pgQuery<{ t: string }>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
      [schema],
    )
    expect(tables.length).toBeGreaterThan(3)
    // As text, and as the hex a bytea column prints.
    for (const { t } of tables) {
      const [hit] = await pgQuery<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${qi(schema, t)} x WHERE strpos(x::text, $1) > 0 OR strpos(x::text, encode(convert_to($1, 'UTF8'), 'hex')) > 0`,
        [CANARY],
      )
      expect(hit!.n, t).toBe('0')
    }
    score.badInput(
      'filesystem',
      'symlink to a canary file outside the workspace',
      'not followed; canary found nowhere',
    )
    score.badInput('filesystem', 'symlink to a folder outside the workspace', 'not followed')
  })
})

// state.db itself a link to a database outside the workspace: the backup can keep only the link,
// so a change through it could never be undone. Every step that would read or change it refuses,
// naming the link; the database behind it keeps every byte.
describe('a workspace database that is a link out of the workspace', () => {
  const ltmp = tempDir('ferry-faults-linkdb-')
  const lws = join(ltmp.dir, 'ws')
  const outside = join(ltmp.dir, 'elsewhere', 'state.db')
  afterAll(() => ltmp.cleanup())

  it('is neither read nor changed by any step; each refuses with LINK_OUT_OF_WORKSPACE', async () => {
    await createDemoWorkspace(lws, { events: 300 })
    mkdirSync(join(ltmp.dir, 'elsewhere'))
    renameSync(join(lws, '.claude', 'state.db'), outside)
    symlinkSync(outside, join(lws, '.claude', 'state.db'))
    const before = readFileSync(outside)
    for (const step of [
      'pre.document-schema',
      'p1.fk-indexes',
      'p1.snapshot-store',
      'p1.migration-framework',
    ]) {
      const r = ferry.run(['run', step, '-w', lws, '--json'])
      expect(r.code, `${step}: ${r.stdout.slice(0, 500)}`).not.toBe(0)
      const error = r.json.steps[0].error
      expect(error.code, step).toBe('LINK_OUT_OF_WORKSPACE')
      expect(error.message, step).toContain('.claude/state.db is a symbolic link to')
      expect(error.hint, step).toMatch(/Move the database to this path/)
      expect(r.stdout + r.stderr, step).not.toMatch(/\n\s+at .+:\d+:\d+/)
    }
    expect(readFileSync(outside).equals(before)).toBe(true)
    score.badInput(
      'filesystem',
      'state.db a symlink to a database outside the workspace',
      'refused by every step; unchanged',
    )
  })
})
