// The Phase 2 import on real files: a demo workspace plus the hostile entries of
// import-hostile.ts, imported into memory.db by the step functions themselves (p2.migration-scripts
// and p2.validate, without the worker and the automatic backup around them).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobContext } from '../../electron/core/jobs/job'
import { migrationScriptsStep, validateStep } from '../../electron/core/import/steps'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'
import {
  BAD_NAME,
  envSecrets,
  hostileWorkspace,
  LATIN1_LOG,
  utf16le,
  windowsNote,
} from './import-hostile'

const t = tempDir('ferry-import-')
const ws = join(t.dir, 'ws')
const paths = workspacePaths(ws)
const memPath = join(ws, '.claude', 'memory.db')
const ctx: JobContext = {
  progress: () => undefined,
  log: () => undefined,
  signal: new AbortController().signal,
}

type Ev = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any
interface FileEv {
  path: string
  pathHex?: string
  status: string
  action: string | null
  rows: number
  added: number
  removed: number
  parseErrors: number
  error: string | null
  skipCode: string | null
  skipReason: string | null
  expectedRows: number | null
  writtenRows: number | null
  hashesMatch: boolean | null
}

const byPath = (ev: Ev, path: string): FileEv => {
  const f = (ev.files as FileEv[]).find((x) => x.path === path)
  if (!f) throw new Error(`no outcome for ${path}`)
  return f
}
const mem = (): Database.Database => new Database(memPath, { readonly: true })
const count = (sql: string, ...args: unknown[]): number => {
  const db = mem()
  try {
    return db
      .prepare(sql)
      .pluck()
      .get(...args) as number
  } finally {
    db.close()
  }
}

let plan: Ev
let first: Ev

describe('Phase 2 import into memory.db', () => {
  beforeAll(async () => {
    await hostileWorkspace(ws)
    plan = await migrationScriptsStep(paths, ctx)
    first = await validateStep(paths, ctx)
  })
  afterAll(() => t.cleanup())

  it('accounts for every file under .claude: imported with a row count or skipped with a reason, and the totals reconcile', () => {
    expect(first.ok).toBe(true)
    expect(first.differences).toEqual([])
    const files = first.files as FileEv[]
    expect(first.totals).toMatchObject({ reconciles: true, sourceFiles: files.length })
    expect(first.totals.imported + first.totals.skipped).toBe(files.length)
    for (const f of files) {
      if (f.status === 'imported') expect(f.rows, f.path).toBeGreaterThanOrEqual(0)
      else expect(f.skipReason, f.path).toMatch(/\w{5,}/)
    }
    // Every listed non-folder source entry of the dry run has an outcome, and the other way round.
    const planned = (plan.files as { path: string }[]).map((f) => f.path).sort()
    expect(files.map((f) => f.path).sort()).toEqual(planned)
    expect(existsSync(join(ws, '.ferry', 'validate.json'))).toBe(true)
  })

  it('predicted in the dry run exactly the rows the import wrote', () => {
    for (const p of plan.files as { path: string; action: string; expectedRows: number | null }[]) {
      const f = byPath(first, p.path)
      if (p.action === 'import' && f.status === 'imported')
        expect(f.rows, p.path).toBe(p.expectedRows)
      else expect(f.status, p.path).toBe('skipped')
    }
    expect(plan.dryRun).toBe(true)
    expect(plan.memoryDb).toEqual({ path: '.claude/memory.db', exists: false })
  })

  it('keeps the malformed JSONL line as a flagged raw row, byte for byte', () => {
    const lines = readFileSync(join(ws, '.claude', 'logs', 'agents.jsonl.1'), 'utf8').split('\n')
    const bad = lines.filter((l) => {
      try {
        JSON.parse(l)
        return false
      } catch {
        return l !== ''
      }
    })
    expect(bad).toHaveLength(1)
    const db = mem()
    const row = db
      .prepare(
        "SELECT e.raw, e.parse_error AS parseError, e.source_line AS line FROM file_events e JOIN import_files f USING (file_id) WHERE f.path = '.claude/logs/agents.jsonl.1' AND e.parse_error IS NOT NULL",
      )
      .all() as { raw: string; parseError: string; line: number }[]
    db.close()
    expect(row).toHaveLength(1)
    expect(row[0]?.raw).toBe(bad[0])
    expect(row[0]?.line).toBe(lines.indexOf(bad[0] as string) + 1)
    expect(row[0]?.parseError).toMatch(/^invalid JSON at column \d+/)
  })

  it('stores no secret value anywhere in memory.db, and flags the redacted keys', () => {
    const secrets = envSecrets(ws)
    expect(secrets).toHaveLength(4)
    expect(existsSync(`${memPath}-wal`)).toBe(false)
    const bytes = readFileSync(memPath)
    for (const s of secrets) {
      expect(bytes.includes(Buffer.from(s)), s.slice(0, 6)).toBe(false)
      expect(bytes.includes(Buffer.from(s, 'utf16le')), `${s.slice(0, 6)} as UTF-16`).toBe(false)
    }
    expect(bytes.includes(Buffer.from('hunter2-broken-json'))).toBe(false)
    // Every text file of context/ is a context row; an .env there is not (it may hold secrets).
    expect(bytes.includes(Buffer.from('stray-secret-0099'))).toBe(false)
    expect(byPath(first, '.claude/context/stray.env')).toMatchObject({ status: 'skipped' })
    for (const f of ['transcript.jsonl', 'plan.yaml'])
      expect(byPath(first, `.claude/context/${f}`), f).toMatchObject({
        status: 'imported',
        rows: 1,
      })
    expect(
      count(
        "SELECT count(*) FROM file_context_sessions c JOIN import_files f USING (file_id) WHERE f.path = '.claude/context/plan.yaml' AND c.format = 'text' AND CAST(c.raw AS TEXT) = 'steps:' || char(10) || '  - read' || char(10)",
      ),
    ).toBe(1)
    // Every text file of logs/ is read as lines (an .env there is not: it may hold secrets).
    expect(bytes.includes(Buffer.from('log-secret-0055'))).toBe(false)
    expect(byPath(first, '.claude/logs/stray.env')).toMatchObject({ status: 'skipped' })
    expect(byPath(first, '.claude/logs/worker.err')).toMatchObject({ status: 'imported' })
    expect(
      count(
        "SELECT count(*) FROM file_events e JOIN import_files f USING (file_id) WHERE f.path = '.claude/logs/worker.err' AND CAST(e.raw AS TEXT) LIKE '%ValueError: boom%'",
      ),
    ).toBe(1)
    // An INI file's keys are imported, its password redacted.
    expect(bytes.includes(Buffer.from('ini-secret-0077'))).toBe(false)
    expect(byPath(first, '.claude/config/service.ini')).toMatchObject({
      status: 'imported',
      rows: 2,
    })
    // A JSONC file's keys are imported; its comments (one holding an old key) are not.
    expect(bytes.includes(Buffer.from('sk-in-a-comment-0042'))).toBe(false)
    expect(byPath(first, '.claude/config/editor.json')).toMatchObject({
      status: 'imported',
      rows: 2,
    })
    expect(
      count(
        "SELECT count(*) FROM import_files WHERE path = '.claude/config/editor.json' AND format = 'jsonc'",
      ),
    ).toBe(1)
    expect(
      count(
        'SELECT count(*) FROM file_configurations WHERE is_secret = 1 AND config_value = \'"***"\'',
      ),
    ).toBe(5)
    expect(
      count('SELECT count(*) FROM configurations WHERE is_secret = 1 AND config_value = \'"***"\''),
    ).toBe(2)
    expect(byPath(first, '.claude/config/broken.json')).toMatchObject({
      status: 'skipped',
      skipCode: 'parse-error',
    })
    // The two state.db secrets are the .env's API key and token again: four distinct values,
    // and the INI file's password.
    expect(first.secrets.declared).toBe(5)
    expect(first.secrets.sources.map((x: { path: string }) => x.path)).toEqual([
      '.claude/config/.env',
      '.claude/config/service.ini',
      '.claude/state.db:configurations',
    ])
  })

  it('imports UTF-16 text (byte-order mark first): parsed from its text, raw kept as UTF-16, the secret in it redacted', () => {
    const note = byPath(first, '.claude/context/windows-note.md')
    expect(note).toMatchObject({ status: 'imported', rows: 1, parseErrors: 0 })
    const db = mem()
    const row = db
      .prepare(
        "SELECT c.raw, c.body, c.title, c.redactions, c.parse_error AS parseError FROM file_context_sessions c JOIN import_files f USING (file_id) WHERE f.path = '.claude/context/windows-note.md'",
      )
      .get() as {
      raw: Buffer
      body: string
      title: string
      redactions: number
      parseError: string | null
    }
    const config = db
      .prepare(
        "SELECT c.config_key AS k, c.config_value AS v, c.agent_id AS agent FROM file_configurations c JOIN import_files f USING (file_id) WHERE f.path = '.claude/config/windows.json' ORDER BY c.source_index",
      )
      .all()
    db.close()
    // The file's own bytes with the secret replaced by *** — still UTF-16, still with its mark.
    expect(Buffer.isBuffer(row.raw)).toBe(true)
    expect(row.raw.equals(utf16le(windowsNote('***')))).toBe(true)
    expect(row).toMatchObject({
      body: windowsNote('***'),
      title: 'Windows note',
      redactions: 1,
      parseError: null,
    })
    expect(config).toEqual([
      { k: 'agent_id', v: '"pm-01"', agent: 'pm-01' },
      { k: 'retries', v: '3', agent: 'pm-01' },
    ])
  })

  it('skips the symlink to /etc/passwd as outside the workspace and stores nothing of it', () => {
    const f = byPath(first, '.claude/context/leak.md')
    expect(f).toMatchObject({ status: 'skipped', skipCode: 'outside-workspace' })
    expect(f.skipReason).toContain('/etc/passwd')
    expect(byPath(first, '.claude/context/inside-link.md')).toMatchObject({
      status: 'skipped',
      skipCode: 'symlink',
    })
    const passwd = readFileSync('/etc/passwd', 'utf8').split('\n')[0] as string
    expect(passwd.length).toBeGreaterThan(5)
    expect(readFileSync(memPath).includes(Buffer.from(passwd))).toBe(false)
  })

  it('reports the FIFO as a special file without opening it', () => {
    expect(byPath(first, '.claude/logs/pipe.log')).toMatchObject({
      status: 'skipped',
      skipCode: 'special',
      skipReason: 'a special file (fifo): never opened',
    })
  })

  it('imports a log line that is not UTF-8 as its exact bytes, flagged, and the next line normally', () => {
    const db = mem()
    const rows = db
      .prepare(
        "SELECT typeof(raw) AS type, raw, parse_error AS err, message FROM file_events e JOIN import_files f USING (file_id) WHERE f.path = '.claude/logs/latin1.log' ORDER BY source_offset",
      )
      .all() as { type: string; raw: Buffer | string; err: string | null; message: string | null }[]
    db.close()
    expect(rows).toHaveLength(2)
    expect(rows[0]?.type).toBe('blob')
    expect(
      Buffer.from(rows[0]?.raw as Buffer).equals(LATIN1_LOG.subarray(0, LATIN1_LOG.indexOf(0x0a))),
    ).toBe(true)
    expect(rows[0]?.err).toMatch(/not valid UTF-8 \(byte 38 of the record\)/)
    expect(rows[1]).toMatchObject({ type: 'text', err: null, message: 'ok' })
  })

  it('imports an empty file with zero rows', () => {
    expect(byPath(first, '.claude/logs/empty.jsonl')).toMatchObject({
      status: 'imported',
      rows: 0,
      error: null,
    })
  })

  it('reads a truncated .gz up to the damage: a clear error, the lines before it imported', () => {
    const cut = byPath(first, '.claude/logs/cut.jsonl.3.gz')
    const whole = byPath(first, '.claude/logs/agents.jsonl.2.gz')
    expect(cut.status).toBe('imported')
    expect(cut.error).toMatch(
      /^GZIP_DAMAGED: the gzip data ends early \(the file is truncated\) after \d+ compressed bytes$/,
    )
    expect(cut.rows).toBeGreaterThan(0)
    expect(cut.rows).toBeLessThan(whole.rows)
    expect(cut.hashesMatch).toBe(true)
  })

  it('shows a file name that is not UTF-8 escaped and imports it under its exact bytes', () => {
    const f = (first.files as FileEv[]).find((x) => x.pathHex)
    expect(f).toMatchObject({ path: '.claude/context/caf\\xE9.md', status: 'imported', rows: 1 })
    expect(
      Buffer.from(f?.pathHex as string, 'hex').equals(
        Buffer.concat([Buffer.from('.claude/context/'), BAD_NAME]),
      ),
    ).toBe(true)
    expect(count('SELECT count(*) FROM import_files WHERE path_hex = ?', f?.pathHex)).toBe(1)
  })

  it('reports the folder past the depth limit, the binary file and files outside the plan as skipped', () => {
    const deep = (first.files as FileEv[]).find((x) => x.skipCode === 'too-deep')
    expect(deep?.skipReason).toMatch(/deeper than 48 levels/)
    expect(byPath(first, '.claude/logs/core.bin')).toMatchObject({
      status: 'skipped',
      skipCode: 'binary',
    })
    expect(byPath(first, '.claude/settings.json')).toMatchObject({
      status: 'skipped',
      skipCode: 'not-in-plan',
    })
  })

  it('copies state.db exactly: storage classes, 2^63-1, invalid UTF-8 text, NUL bytes, WITHOUT ROWID tables', () => {
    const q =
      'SELECT id, typeof(n) AS tn, CAST(n AS TEXT) AS n, typeof(r) AS tr, r, typeof(t) AS tt, hex(t) AS t, hex(b) AS b FROM quirks ORDER BY id'
    const src = new Database(paths.stateDb, { readonly: true })
    const want = src.prepare(q).all()
    src.close()
    const db = mem()
    expect(db.prepare(q).all()).toEqual(want)
    expect(db.prepare('SELECT k, v FROM pairs ORDER BY k').all()).toEqual([
      { k: 'x', v: '1' },
      { k: 'y', v: '2' },
    ])
    db.close()
    expect(
      (first.stateTables as { table: string; digestMatch: boolean }[]).every((x) => x.digestMatch),
    ).toBe(true)
    expect(first.integrityCheck).toBe('ok')
  })

  it("copies a full-text table's rows and rowids with its index rebuilt; lists the FTS tables that hold no rows of their own", () => {
    const db = mem()
    try {
      expect(
        db.prepare('SELECT rowid, title, body FROM notes_fts ORDER BY rowid').raw(true).all(),
      ).toEqual([
        [7, 'deploy notes', 'rotate the staging keys'],
        [42, 'naïve 😀', null],
      ])
      // The module built its index from the copied rows: a search finds them.
      expect(
        db.prepare("SELECT rowid FROM notes_fts WHERE notes_fts MATCH 'staging'").pluck().all(),
      ).toEqual([7])
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE name LIKE '%fts%' AND type = 'table'")
        .pluck()
        .all()
      expect(tables).toContain('notes_fts')
      expect(tables).not.toContain('quirks_fts')
      expect(tables).not.toContain('blind_fts')
    } finally {
      db.close()
    }
    const copied = (first.stateTables as { table: string; digestMatch: boolean }[]).find(
      (x) => x.table === 'notes_fts',
    )
    expect(copied?.digestMatch).toBe(true)
    const skipped = first.stateSkipped as { name: string; reason: string }[]
    expect(skipped.find((x) => x.name === 'quirks_fts')?.reason).toMatch(/over table "quirks"/)
    expect(skipped.find((x) => x.name === 'blind_fts')?.reason).toMatch(/contentless/)
    expect(skipped.find((x) => x.name === 'notes_fts_content')?.reason).toMatch(/shadow table/)
    expect(skipped.find((x) => x.name === 'notes_fts')).toBeUndefined()
  })

  it("reports state.db's own foreign-key orphans as inherited, not as import errors", () => {
    expect(first.foreignKeys.inherited).toBeGreaterThan(0)
    expect(first.foreignKeys.introduced).toEqual([])
  })

  it('adds zero rows on a second run', async () => {
    const before =
      count('SELECT count(*) FROM file_events') +
      count('SELECT count(*) FROM file_configurations') +
      count('SELECT count(*) FROM file_context_sessions')
    const again = await validateStep(paths, ctx)
    expect(again.ok).toBe(true)
    expect(again.firstBuild).toBe(false)
    expect(again.totals).toMatchObject({ rowsAdded: 0, rowsRemoved: 0 })
    expect(
      (again.files as FileEv[])
        .filter((f) => f.status === 'imported')
        .every((f) => f.action === 'unchanged'),
    ).toBe(true)
    expect(
      count('SELECT count(*) FROM file_events') +
        count('SELECT count(*) FROM file_configurations') +
        count('SELECT count(*) FROM file_context_sessions'),
    ).toBe(before)
  })

  it('imports exactly the 1,000 new events after 1,000 lines are appended to a JSONL log', async () => {
    const log = join(ws, '.claude', 'logs', 'agents.jsonl')
    const before = count('SELECT count(*) FROM file_events')
    const lines = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify({
        ts: `2026-11-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
        level: 'info',
        agent_id: 'pm-01',
        event_type: 'test.appended',
        message: `appended ${i}`,
      }),
    )
    appendFileSync(log, lines.join('\n') + '\n')
    const ev = await validateStep(paths, ctx)
    expect(ev.ok).toBe(true)
    expect(byPath(ev, '.claude/logs/agents.jsonl')).toMatchObject({
      action: 'appended',
      added: 1000,
      removed: 0,
    })
    expect(ev.totals).toMatchObject({ rowsAdded: 1000, rowsRemoved: 0 })
    expect(count('SELECT count(*) FROM file_events') - before).toBe(1000)
    expect(count("SELECT count(*) FROM file_events WHERE event_type = 'test.appended'")).toBe(1000)
  })

  it('replaces only its own rows when a context file is edited or a log is rewritten', async () => {
    const note = join(ws, '.claude', 'context', 'README.md')
    const others = () =>
      mem()
        .prepare(
          "SELECT group_concat(id) FROM (SELECT c.id FROM file_context_sessions c JOIN import_files f USING (file_id) WHERE f.path != '.claude/context/README.md' ORDER BY c.id)",
        )
        .pluck()
        .get()
    const othersBefore = others()
    writeFileSync(note, readFileSync(note, 'utf8') + '\nEdited by a person.\n')
    const orch = join(ws, '.claude', 'logs', 'orchestrator.log')
    writeFileSync(orch, '2026-12-01T00:00:00Z INFO [orchestrator] log rotated by copytruncate\n')
    const eventsElsewhere = count(
      "SELECT count(*) FROM file_events e JOIN import_files f USING (file_id) WHERE f.path != '.claude/logs/orchestrator.log'",
    )
    const ev = await validateStep(paths, ctx)
    expect(ev.ok).toBe(true)
    expect(byPath(ev, '.claude/context/README.md')).toMatchObject({
      action: 'replaced',
      added: 1,
      removed: 1,
      rows: 1,
    })
    expect(byPath(ev, '.claude/logs/orchestrator.log')).toMatchObject({
      action: 'replaced',
      rows: 1,
      added: 1,
    })
    expect(others()).toBe(othersBefore)
    expect(
      count(
        "SELECT count(*) FROM file_events e JOIN import_files f USING (file_id) WHERE f.path != '.claude/logs/orchestrator.log'",
      ),
    ).toBe(eventsElsewhere)
    expect(
      count("SELECT count(*) FROM file_context_sessions WHERE body LIKE '%Edited by a person.%'"),
    ).toBe(1)
  })

  it('leaves the source files and state.db as they were', () => {
    const src = new Database(paths.stateDb, { readonly: true })
    expect(src.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(
      src
        .prepare(
          "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'file_%' OR name LIKE 'import_%'",
        )
        .pluck()
        .get(),
    ).toBe(0)
    src.close()
    expect(readFileSync(join(ws, '.claude', 'logs', 'latin1.log')).equals(LATIN1_LOG)).toBe(true)
  })

  it('refuses to import again over rows written to memory.db since (agents on the agent store), writing nothing', async () => {
    const table = (first.stateTables as { table: string; rows: number }[]).find((x) => x.rows > 1)!
    const w = new Database(memPath)
    w.pragma('foreign_keys = OFF') // an agent's delete, whatever references the row
    w.prepare(
      `DELETE FROM "${table.table}" WHERE rowid = (SELECT max(rowid) FROM "${table.table}")`,
    ).run()
    w.close()
    const kept = count(`SELECT count(*) FROM "${table.table}"`)
    const events = count('SELECT count(*) FROM file_events')
    appendFileSync(join(ws, '.claude', 'logs', 'agents.jsonl'), '{"level":"info","msg":"after"}\n')
    await expect(validateStep(paths, ctx)).rejects.toMatchObject({
      code: 'MEMORY_DB_CHANGED',
      message: expect.stringContaining(`${table.table} (`),
      hint: expect.stringContaining('p3.migrate'),
    })
    expect(count(`SELECT count(*) FROM "${table.table}"`)).toBe(kept)
    expect(count('SELECT count(*) FROM file_events')).toBe(events)
  })
})
