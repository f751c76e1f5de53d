// The plan's "Multiple Backups: before each migration phase": a step that changes the workspace
// refuses to start when its automatic backup fails, and changes nothing.
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
