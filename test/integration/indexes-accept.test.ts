// `ferry indexes proposals|accept` on a demo workspace after Phase 1: the chosen composite index
// becomes migration NNNN_workload_indexes (ledger row with checksum), an unknown name changes
// nothing, and `ferry migrations undo` removes exactly that index.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { ferryCli } from '../support/ferry-cli'

const t = tempDir('ferry-indexes-accept-')
const ws = join(t.dir, 'ws')
const stateDb = join(ws, '.claude', 'state.db')
const migrationsDir = join(ws, '.ferry', 'migrations', 'state')
const ferry = ferryCli(join(t.dir, 'config'))


function indexNames(): string[] {
  const db = new Database(stateDb, { readonly: true })
  try {
    return db
      .prepare('SELECT name FROM sqlite_schema WHERE type = ? ORDER BY name')
      .pluck()
      .all('index') as string[]
  } finally {
    db.close()
  }
}

function ledger(): { version: number; name: string; checksum: string }[] {
  const db = new Database(stateDb, { readonly: true })
  try {
    return db
      .prepare('SELECT version, name, checksum FROM schema_migrations ORDER BY version')
      .all() as {
      version: number
      name: string
      checksum: string
    }[]
  } finally {
    db.close()
  }
}

interface Proposal {
  index: string
  table: string
  recommended: boolean
  p95Before: number
  p95After: number
  applied: boolean
}

describe('ferry indexes', () => {
  let chosen: string
  beforeAll(() => {
    const demo = ferry(['demo-workspace', ws, '--events', '20000', '--json'])
    expect(demo.code, demo.stderr).toBe(0)
    const p1 = ferry(['run', 'p1', '-w', ws, '--yes', '--json'])
    expect(p1.code, p1.stderr).toBe(0)
  })
  afterAll(() => t.cleanup())

  it('lists the proposals of p1.test-current with before/after and recommended', () => {
    const r = ferry(['indexes', 'proposals', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout) as { ok: boolean; status: string; proposals: Proposal[] }
    expect(out).toMatchObject({ ok: true, status: 'done' })
    const p = out.proposals.find((x) => x.index.startsWith('idx_events_agent_id_created_at'))
    expect(p).toBeDefined()
    expect(p).toMatchObject({ table: 'events', applied: false })
    expect(typeof p!.p95Before).toBe('number')
    expect(typeof p!.p95After).toBe('number')
    expect(typeof p!.recommended).toBe('boolean')
    chosen = p!.index
  })

  it('refuses an unknown name and creates nothing', () => {
    const indexesBefore = indexNames()
    const ledgerBefore = ledger()
    const filesBefore = readdirSync(migrationsDir).sort()
    const r = ferry(['indexes', 'accept', 'idx_not_proposed', '-w', ws, '--json'])
    expect([1, 2]).toContain(r.code)
    const out = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string } }
    expect(out.ok).toBe(false)
    expect(out.error.code).toBe('UNKNOWN_PROPOSAL')
    expect(out.error.message).toContain('idx_not_proposed')
    expect(indexNames()).toEqual(indexesBefore)
    expect(ledger()).toEqual(ledgerBefore)
    expect(readdirSync(migrationsDir).sort()).toEqual(filesBefore)
  })

  it('leaves state.db untouched when the worker dies after writing the migration', () => {
    const indexesBefore = indexNames()
    const ledgerBefore = ledger()
    const r = ferry(['indexes', 'accept', chosen, '-w', ws, '--json'], {
      FERRY_FAULT_POINT: 'indexes-accept:after-write-migration',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(r.code).toBe(1)
    expect(indexNames()).toEqual(indexesBefore)
    expect(ledger()).toEqual(ledgerBefore)
    // The draft it wrote is pending; the next accept moves it aside and writes its own.
    expect(readdirSync(migrationsDir).some((f) => /^\d{4}_workload_indexes\.sql$/.test(f))).toBe(
      true,
    )
  })

  it('applies the chosen index as a migration with a checksum, and undo removes exactly it', () => {
    const indexesBefore = indexNames()
    expect(indexesBefore).not.toContain(chosen)
    const r = ferry(['indexes', 'accept', chosen, '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = (
      JSON.parse(r.stdout) as {
        accept: {
          migration: { version: number; name: string; file: string; checksum: string }
          indexes: { index: string; p95Before: number; p95After: number; query: string }[]
          backupId: string
          undo: string
        }
      }
    ).accept
    expect(ev.migration.name).toBe('workload_indexes')
    expect(ev.migration.file).toMatch(/^\.ferry\/migrations\/state\/\d{4}_workload_indexes\.sql$/)
    expect(existsSync(join(ws, ev.migration.file))).toBe(true)
    expect(existsSync(join(ws, ev.migration.file.replace(/\.sql$/, '.down.sql')))).toBe(true)
    expect(ev.indexes.length).toBeGreaterThan(0)
    for (const row of ev.indexes) {
      expect(row.index).toBe(chosen)
      expect(row.p95Before).toBeGreaterThan(0)
      expect(row.p95After).toBeGreaterThan(0)
    }
    expect(ev.backupId).toMatch(/\S/)
    expect(existsSync(join(ws, '.ferry', 'backups', ev.backupId))).toBe(true)
    expect(ev.undo).toContain('ferry migrations undo')

    const db = new Database(stateDb, { readonly: true })
    const list = db
      .prepare('SELECT name FROM pragma_index_list(?)')
      .pluck()
      .all('events') as string[]
    const cols = db
      .prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno')
      .pluck()
      .all(chosen) as string[]
    db.close()
    expect(list).toContain(chosen)
    expect(cols).toEqual(['agent_id', 'created_at'])
    const row = ledger().find((l) => l.version === ev.migration.version)
    expect(row).toMatchObject({ name: 'workload_indexes', checksum: ev.migration.checksum })
    expect(row!.checksum).toMatch(/^[0-9a-f]{64}$/)
    expect(indexNames()).toEqual([...indexesBefore, chosen].sort())

    // Accepting it again is refused: it exists now.
    const again = ferry(['indexes', 'accept', chosen, '-w', ws, '--json'])
    expect(again.code).toBe(1)
    expect((JSON.parse(again.stdout) as { error: { code: string } }).error.code).toBe(
      'PROPOSAL_STALE',
    )

    const undo = ferry(['migrations', 'undo', '-w', ws])
    expect(undo.code, undo.stderr).toBe(0)
    expect(indexNames()).toEqual(indexesBefore)
    expect(ledger().some((l) => l.version === ev.migration.version)).toBe(false)
  })
})
