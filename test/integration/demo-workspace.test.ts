import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { gunzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type DemoSummary, createDemoWorkspace } from '../../electron/core/workspace/demo'
import { SHARED } from '../support/paths'

const EVENTS = 3000

// Read from the plan's own index list (MIGRATION-PLAN.md §1.1): the test must not trust the
// generator's list.
const PLAN_FOREIGN_KEYS = [
  ...readFileSync(join(SHARED, 'MIGRATION-PLAN.md'), 'utf8').matchAll(
    /CREATE INDEX IF NOT EXISTS \w+ ON (\w+)\((\w+)\);/g,
  ),
].map((m) => [m[1]!, m[2]!] as const)
const PLAN_TABLES = [
  'agents',
  'tasks',
  'agent_messages',
  'memory_snapshots',
  'context_sessions',
  'performance_metrics',
  'git_state',
  'pull_requests',
  'configurations',
  'events',
  'projects',
  'project_tasks',
  'checkpoints',
]
const JSON_COLUMNS = [
  ['agents', 'configuration'],
  ['tasks', 'payload'],
  ['agent_messages', 'payload'],
  ['context_sessions', 'metadata'],
  ['memory_snapshots', 'content'],
  ['performance_metrics', 'tags'],
  ['pull_requests', 'labels'],
  ['configurations', 'config_value'],
  ['events', 'payload'],
  ['projects', 'settings'],
  ['checkpoints', 'state'],
] as const

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

/** sha256 of every file under context/, logs/ and config/, keyed by relative path. */
function fileHashes(root: string): Record<string, string> {
  const hashes: Record<string, string> = {}
  for (const area of ['context', 'logs', 'config']) {
    for (const file of filesUnder(join(root, '.claude', area))) {
      hashes[relative(root, file)] = createHash('sha256').update(readFileSync(file)).digest('hex')
    }
  }
  return hashes
}

function tableHashes(stateDb: string): Record<string, string> {
  const db = new Database(stateDb, { readonly: true })
  try {
    const out: Record<string, string> = {}
    for (const table of PLAN_TABLES) {
      const hash = createHash('sha256')
      for (const row of db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).iterate()) {
        hash.update(JSON.stringify(row) + '\n')
      }
      out[table] = hash.digest('hex')
    }
    return out
  } finally {
    db.close()
  }
}

function withDb<T>(stateDb: string, read: (db: Database.Database) => T): T {
  const db = new Database(stateDb, { readonly: true })
  try {
    return read(db)
  } finally {
    db.close()
  }
}

function jsonlLines(logs: string): string[] {
  const text =
    readFileSync(join(logs, 'agents.jsonl'), 'utf8') +
    readFileSync(join(logs, 'agents.jsonl.1'), 'utf8') +
    gunzipSync(readFileSync(join(logs, 'agents.jsonl.2.gz'))).toString('utf8')
  return text.split('\n').filter((line) => line.length > 0)
}

const scratch = mkdtempSync(join(tmpdir(), 'ferry-demo-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('createDemoWorkspace', () => {
  let first: DemoSummary
  let second: DemoSummary
  let otherSeed: DemoSummary
  const progress: [number, number][] = []

  beforeAll(async () => {
    first = await createDemoWorkspace(join(scratch, 'first'), {
      events: EVENTS,
      seed: 7,
      onProgress: (done, total) => progress.push([done, total]),
    })
    second = await createDemoWorkspace(join(scratch, 'second'), { events: EVENTS, seed: 7 })
    otherSeed = await createDemoWorkspace(join(scratch, 'other'), { events: EVENTS, seed: 8 })
  })

  it('creates the 13 tables of the plan with the row counts it reports', () => {
    expect(Object.keys(first.tables).sort()).toEqual([...PLAN_TABLES].sort())
    expect(first.tables.events).toBe(EVENTS)
    withDb(first.stateDb, (db) => {
      const tables = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
        .pluck()
        .all()
      expect([...tables].sort()).toEqual([...PLAN_TABLES].sort())
      for (const table of PLAN_TABLES) {
        const count = db.prepare(`SELECT count(*) FROM ${table}`).pluck().get()
        expect(count, table).toBe(first.tables[table])
        expect(count, table).toBeGreaterThan(0)
      }
    })
    expect(first.files.context).toBe(filesUnder(join(first.root, '.claude/context')).length)
    expect(first.files.logs).toBe(filesUnder(join(first.root, '.claude/logs')).length)
    expect(first.files.config).toBe(filesUnder(join(first.root, '.claude/config')).length)
  })

  it('declares the foreign keys of the plan and indexes none of them', () => {
    withDb(first.stateDb, (db) => {
      for (const [table, column] of PLAN_FOREIGN_KEYS) {
        const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]
        expect(
          columns.map((c) => c.name),
          `${table}.${column}`,
        ).toContain(column)
        const fks = db.prepare(`PRAGMA foreign_key_list(${table})`).all() as { from: string }[]
        expect(
          fks.map((fk) => fk.from),
          `${table}.${column}`,
        ).toContain(column)
        const indexes = db.prepare(`PRAGMA index_list(${table})`).all() as { name: string }[]
        for (const index of indexes) {
          const info = db.prepare(`PRAGMA index_info(${JSON.stringify(index.name)})`).all()
          const indexed = (info as { name: string }[]).map((c) => c.name)
          expect(indexed, `${index.name} covers ${table}.${column}`).not.toContain(column)
        }
      }
      const declared = PLAN_TABLES.flatMap((table) =>
        (db.prepare(`PRAGMA foreign_key_list(${table})`).all() as { from: string }[]).map(
          (fk) => `${table}.${fk.from}`,
        ),
      )
      expect(declared.sort()).toEqual(PLAN_FOREIGN_KEYS.map(([t, c]) => `${t}.${c}`).sort())
    })
  })

  it('stores timestamps as ISO-8601 text and booleans as 0/1', () => {
    withDb(first.stateDb, (db) => {
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/
      for (const value of db.prepare('SELECT created_at FROM events').pluck().all()) {
        expect(value).toMatch(iso)
      }
      for (const value of db.prepare('SELECT last_activity FROM agents').pluck().all()) {
        expect(value).toMatch(iso)
      }
      const flags = db.prepare('SELECT DISTINCT is_read FROM agent_messages').pluck().all()
      expect([...flags].sort()).toEqual([0, 1])
      const nulls = db.prepare('SELECT count(*) FROM tasks WHERE parent_task_id IS NULL').pluck()
      expect(nulls.get()).toBeGreaterThan(0)
    })
  })

  it('writes identical rows and files for the same seed, different ones for another seed', () => {
    const a = fileHashes(first.root)
    expect(Object.keys(a).length).toBeGreaterThan(20)
    expect(fileHashes(second.root)).toEqual(a)
    expect(tableHashes(second.stateDb)).toEqual(tableHashes(first.stateDb))
    expect(fileHashes(otherSeed.root)).not.toEqual(a)
    const other = tableHashes(otherSeed.stateDb)
    const same = tableHashes(first.stateDb)
    for (const table of ['agents', 'tasks', 'events']) expect(other[table]).not.toBe(same[table])
  })

  it('leaves the dirt of a real system in state.db', () => {
    withDb(first.stateDb, (db) => {
      const count = (sql: string) => db.prepare(sql).pluck().get() as number
      expect(
        count('SELECT count(*) FROM tasks WHERE agent_id NOT IN (SELECT agent_id FROM agents)'),
      ).toBeGreaterThan(0)
      expect(
        count('SELECT count(*) FROM events WHERE agent_id NOT IN (SELECT agent_id FROM agents)'),
      ).toBeGreaterThan(0)
      const statuses = db.prepare('SELECT DISTINCT status FROM agents').pluck().all()
      expect(
        statuses.filter((s) => !['active', 'idle', 'crashed', 'sleeping'].includes(s as string)),
      ).not.toHaveLength(0)
      const types = db.prepare('SELECT DISTINCT agent_type FROM agents').pluck().all()
      expect([...types].sort()).toEqual(['frontend', 'integration', 'pm', 'service-mesh'])
      // One malformed JSON value, in tasks.payload: agents.configuration is all JSON, so the
      // plan's jsonb + GIN index applies to it, while tasks.payload shows a column kept as text.
      const malformed: Record<string, number> = {}
      for (const [table, column] of JSON_COLUMNS) {
        const n = count(
          `SELECT count(*) FROM ${table} WHERE ${column} IS NOT NULL AND json_valid(${column}) = 0`,
        )
        if (n > 0) malformed[`${table}.${column}`] = n
      }
      expect(malformed).toEqual({ 'tasks.payload': 1 })
      const cut = db
        .prepare('SELECT payload FROM tasks WHERE json_valid(payload) = 0')
        .pluck()
        .get() as string
      // A JSON object a crashed writer cut off: it starts like the others and never closes.
      expect(cut).toMatch(/^\{"project":/)
      expect(() => JSON.parse(cut) as unknown).toThrow()
      expect(
        count('SELECT count(*) FROM memory_snapshots WHERE length(content) > 65536'),
      ).toBeGreaterThanOrEqual(5)
      expect(
        count('SELECT count(*) FROM memory_snapshots WHERE length(content) < 8192'),
      ).toBeGreaterThan(0)
    })
  })

  it('writes logs with exactly one malformed JSONL line and about one line per event', () => {
    const logs = join(first.root, '.claude/logs')
    const lines = jsonlLines(logs)
    const broken = lines.filter((line) => {
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>
        return !['ts', 'level', 'agent_id', 'event_type', 'message'].every((k) => k in parsed)
      } catch {
        return true
      }
    })
    expect(broken).toHaveLength(1)
    const text = readFileSync(join(logs, 'orchestrator.log'), 'utf8').split('\n').filter(Boolean)
    expect(text[0]).toMatch(/^2026-10-01T\d{2}:\d{2}:\d{2}Z INFO \[[a-z0-9-]+\] /)
    const total = lines.length + text.length
    expect(total).toBeGreaterThan(EVENTS * 0.95)
    expect(total).toBeLessThan(EVENTS * 1.1)
  })

  it('writes context notes, session files and config in several formats with a secret', () => {
    const claude = join(first.root, '.claude')
    const context = filesUnder(join(claude, 'context')).map((f) => relative(claude, f))
    expect(context.some((f) => /^context\/[a-z-]+-\d{2}\/sessions\/ses_\w+\.json$/.test(f))).toBe(
      true,
    )
    const notes = context.filter((f) => f.endsWith('.md'))
    const withFrontMatter = notes.filter((f) =>
      readFileSync(join(claude, f), 'utf8').startsWith('---\n'),
    )
    expect(withFrontMatter.length).toBeGreaterThan(10)
    expect(withFrontMatter.length).toBeLessThan(notes.length)
    const note = readFileSync(join(claude, withFrontMatter[0] as string), 'utf8')
    for (const key of ['agent', 'session_id', 'title', 'created'])
      expect(note).toMatch(new RegExp(`\\n${key}: `))
    const config = readdirSync(join(claude, 'config'))
    expect(config).toEqual(
      expect.arrayContaining(['system.json', 'agents.yaml', 'database.toml', '.env']),
    )
    const env = readFileSync(join(claude, 'config/.env'), 'utf8')
    expect(env).toMatch(/^ANTHROPIC_API_KEY=sk-ant-demo-\S+$/m)
    expect(env).toMatch(/^DATABASE_PASSWORD=\S+$/m)
    expect(readdirSync(join(claude, 'config/agents')).length).toBeGreaterThanOrEqual(8)
  })

  it('reports progress that only grows and ends at the total', () => {
    expect(progress.length).toBeGreaterThan(3)
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]![0]).toBeGreaterThanOrEqual(progress[i - 1]![0])
    }
    const [done, total] = progress[progress.length - 1]!
    expect(done).toBe(total)
  })
})

describe('createDemoWorkspace refusals', () => {
  it('refuses a folder that is not empty and leaves it untouched', async () => {
    const dir = join(scratch, 'busy')
    mkdirSync(dir)
    writeFileSync(join(dir, 'notes.txt'), 'mine')
    await expect(createDemoWorkspace(dir, { events: 10 })).rejects.toThrow(/busy is not empty/)
    expect(readdirSync(dir)).toEqual(['notes.txt'])
    expect(readdirSync(scratch).filter((name) => name.includes('ferry-demo'))).toEqual([])
  })

  it('fills an existing empty folder', async () => {
    const dir = join(scratch, 'empty')
    mkdirSync(dir)
    const summary = await createDemoWorkspace(dir, { events: 10 })
    expect(summary.tables.events).toBe(10)
    expect(readdirSync(dir)).toEqual(['.claude'])
  })

  it('stops with code CANCELLED and leaves nothing behind when aborted', async () => {
    const dir = join(scratch, 'cancelled')
    const controller = new AbortController()
    const run = createDemoWorkspace(dir, {
      events: 30_000,
      signal: controller.signal,
      onProgress: (_done, _total, message) => {
        if (message.startsWith('Events')) controller.abort()
      },
    })
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(readdirSync(scratch)).not.toContain('cancelled')
    expect(readdirSync(scratch).filter((name) => name.includes('ferry-demo'))).toEqual([])
  })
})
