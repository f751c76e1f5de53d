// A state.db whose text encoding is UTF-16 used to stop Phase 2 (STATE_DB_ENCODING, "report
// this workspace"): memory.db was always UTF-8, so its text could not be copied byte for byte.
// memory.db is now created in state.db's encoding: the tables copy exactly (p2.validate's digest
// of every cell), a lone surrogate included, and the files import beside them.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import type { JobContext } from '../../electron/core/jobs/job'
import { validateStep } from '../../electron/core/import/steps'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-utf16state-')
afterAll(() => t.cleanup())
const ctx: JobContext = {
  signal: new AbortController().signal,
  log: () => undefined,
  progress: () => undefined,
}

describe('Phase 2 with a UTF-16 state.db', () => {
  it('builds memory.db in UTF-16 and copies every text value byte for byte', async () => {
    const ws = join(t.dir, 'ws')
    mkdirSync(join(ws, '.claude', 'logs'), { recursive: true })
    writeFileSync(
      join(ws, '.claude', 'logs', 'agents.jsonl'),
      '{"ts":"2026-10-01T00:00:00Z","level":"info","agent_id":"pm-01","event_type":"x","message":"héllo"}\n',
    )
    const state = new Database(join(ws, '.claude', 'state.db'))
    state.pragma("encoding = 'UTF-16be'")
    state.exec(`CREATE TABLE agents (agent_id TEXT PRIMARY KEY, name TEXT, status TEXT);
      INSERT INTO agents VALUES ('pm-01', 'Zoë 😀', 'active'), ('qa-01', CAST(X'0041D83C' AS TEXT), 'idle');`)
    state.close()

    const ev = (await validateStep(workspacePaths(ws), ctx)) as Record<string, unknown>
    expect(ev.rows).toBeGreaterThanOrEqual(3)
    const mem = new Database(join(ws, '.claude', 'memory.db'), { readonly: true })
    try {
      expect(mem.pragma('encoding', { simple: true })).toBe('UTF-16be')
      const rows = mem
        .prepare('SELECT agent_id, hex(CAST(name AS BLOB)) AS name FROM agents ORDER BY agent_id')
        .all()
      expect(rows).toEqual([
        {
          agent_id: 'pm-01',
          name: Buffer.from('Zoë 😀', 'utf16le').swap16().toString('hex').toUpperCase(),
        },
        { agent_id: 'qa-01', name: '0041D83C' },
      ])
      expect(mem.prepare('SELECT message FROM file_events').pluck().all()).toEqual(['héllo'])
    } finally {
      mem.close()
    }
  })
})
