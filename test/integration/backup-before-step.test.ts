// The plan's "Multiple Backups: before each migration phase": a step that changes the workspace
// refuses to start when its automatic backup fails, and changes nothing. A damaged state.db is
// backed up byte for byte, and the changing steps then refuse to start on it.
import { createHash } from 'node:crypto'
import { closeSync, openSync, readFileSync, utimesSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { ferryCli } from '../support/ferry-cli'

const t = tempDir('ferry-backup-first-')
const ws = join(t.dir, 'ws')
const ferry = ferryCli(join(t.dir, 'config'))

function schemaOf(): string {
  const db = new Database(join(ws, '.claude', 'state.db'), { readonly: true })
  const rows = db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all()
  db.close()
  return JSON.stringify(rows)
}

describe('automatic backup before a changing step', () => {
  beforeAll(() => {
    expect(ferry(['demo-workspace', ws, '--events', '2000']).code).toBe(0)
  })
  afterAll(() => t.cleanup())

  it('refuses p1.fk-indexes when the backup dies, leaving state.db as it was', () => {
    const before = schemaOf()
    const r = ferry(['run', 'p1.fk-indexes', '-w', ws, '--json'], {
      FERRY_FAULT_POINT: 'backup:after-copy-before-manifest',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(r.code).toBe(1)
    const step = JSON.parse(r.stdout).steps[0]
    expect(step.status).toBe('failed')
    expect(step.error.code).toBe('BACKUP_FAILED')
    expect(step.error.message).toContain('did not start')
    expect(schemaOf()).toBe(before)
    const backups = JSON.parse(ferry(['backups', '-w', ws, '--json']).stdout)
    expect(JSON.stringify(backups)).not.toContain('auto:p1.fk-indexes')
  })

  it('runs it once the backup succeeds, and records which backup it took', () => {
    const r = ferry(['run', 'p1.fk-indexes', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const step = JSON.parse(r.stdout).steps[0]
    expect(step.evidence.created).toBe(15)
    expect(step.evidence.backupId).toMatch(/^\d{8}T\d{6}Z-/)
  })
})

describe('a damaged state.db', () => {
  const ws2 = join(t.dir, 'damaged')
  const file = join(ws2, '.claude', 'state.db')
  const sha = (): string => createHash('sha256').update(readFileSync(file)).digest('hex')

  beforeAll(() => {
    expect(ferry(['demo-workspace', ws2, '--events', '2000']).code).toBe(0)
    // Pages 3 to 5 overwritten: b-tree pages SQLite can no longer read (the schema still can).
    const pageSize = 4096
    const fd = openSync(file, 'r+')
    for (let p = 3; p <= 5; p++)
      writeSync(fd, Buffer.alloc(pageSize, 0xff).fill(0x0d, 0, 1), 0, pageSize, (p - 1) * pageSize)
    closeSync(fd)
  })

  it('is backed up byte for byte, flagged, and the changing steps refuse to start on it', () => {
    const before = sha()
    const b = ferry(['run', 'pre.backup', '-w', ws2, '--json'])
    expect(b.code, b.stderr).toBe(0)
    const ev = JSON.parse(b.stdout).steps[0].evidence
    expect(ev.integrityOk).toBe(false)
    expect(ev.damaged).toEqual([
      { path: '.claude/state.db', reason: expect.stringContaining('.claude/state.db is damaged') },
    ])
    // The backup holds the database's exact bytes.
    const copy = join(ws2, '.ferry', 'backups', ev.id, '.claude', 'state.db')
    expect(createHash('sha256').update(readFileSync(copy)).digest('hex')).toBe(before)

    for (const step of ['p1.fk-indexes', 'p2.validate']) {
      const r = ferry(['run', step, '-w', ws2, '--json'])
      expect(r.code).toBe(1)
      const s = JSON.parse(r.stdout).steps[0]
      expect(s.status).toBe('failed')
      expect(s.error.code).toBe('SOURCE_DAMAGED')
      expect(s.error.message).toContain(`${step} did not start`)
      expect(s.error.hint).toContain('.recover')
    }
    expect(sha()).toBe(before)

    // The top bar's source status says so too, while state.db is the file the backup found damaged.
    const status = () =>
      JSON.parse(ferry(['status', '-w', ws2, '--json']).stdout).workspace.source.stateDb as {
        error: string | null
      }
    expect(status().error).toMatch(
      /^\.claude\/state\.db is damaged: .* \(found by backup \d{8}T\d{6}Z-[0-9a-f]{6}\)/,
    )
    // Once the file changes (repaired, replaced), that finding no longer applies.
    utimesSync(file, new Date(), new Date(Date.now() - 60_000))
    expect(status().error).toBeNull()
  })
})
