// Log rotation on real files: import, rotate (rename, gzip, logrotate's shifting chain, the oldest
// deleted), append, import again — exactly the new lines arrive, no line is in memory.db twice,
// and p2.validate's reconciliation still holds for every file.
import { appendFileSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobContext } from '../../electron/core/jobs/job'
import { validateStep } from '../../electron/core/import/steps'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-rotation-')
const ws = join(t.dir, 'ws')
const logs = join(ws, '.claude', 'logs')
const paths = workspacePaths(ws)
const progress: { done: number; total: number | null; unit: string; detail: unknown }[] = []
const ctx: JobContext = {
  progress: (done, total, unit, _m, detail) => void progress.push({ done, total, unit, detail }),
  log: () => undefined,
  signal: new AbortController().signal,
}
type Ev = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

const textLines = (tag: string, n: number): string =>
  Array.from(
    { length: n },
    (_, i) =>
      `2026-03-01T10:${String(i % 60).padStart(2, '0')}:00Z INFO [agent-1] ${tag} line ${i}\n`,
  ).join('')
const jsonLines = (tag: string, n: number): string =>
  Array.from(
    { length: n },
    (_, i) =>
      JSON.stringify({
        ts: '2026-03-01T10:00:00Z',
        level: 'info',
        agent_id: 'agent-2',
        event_type: tag,
        message: `${tag} ${i}`,
      }) + '\n',
  ).join('')

function db<T>(fn: (d: Database.Database) => T): T {
  const d = new Database(join(ws, '.claude', 'memory.db'), { readonly: true })
  try {
    return fn(d)
  } finally {
    d.close()
  }
}
const events = (): number =>
  db((d) => d.prepare('SELECT count(*) FROM file_events').pluck().get() as number)
/** Every generated line is unique, so a content hash stored twice is a line imported twice. */
const duplicates = (): number =>
  db(
    (d) =>
      d
        .prepare(
          'SELECT count(*) FROM (SELECT content_sha256 FROM file_events GROUP BY content_sha256 HAVING count(*) > 1)',
        )
        .pluck()
        .get() as number,
  )

async function importAgain(): Promise<{ ev: Ev; added: number }> {
  const before = events()
  const ev = (await validateStep(paths, ctx)) as Ev
  expect(ev.differences).toEqual([])
  expect(ev.ok).toBe(true)
  expect(duplicates()).toBe(0)
  const added = events() - before
  expect(ev.totals.rowsAdded - ev.totals.rowsRemoved).toBe(added)
  return { ev, added }
}

describe('log rotation: already-imported lines are recognised by content, not by path', () => {
  beforeAll(async () => {
    mkdirSync(logs, { recursive: true })
    writeFileSync(join(logs, 'app.log'), textLines('A', 100))
    writeFileSync(join(logs, 'x.jsonl'), jsonLines('X', 100))
    await validateStep(paths, ctx)
  })
  afterAll(() => t.cleanup())

  it('imported both logs once, reporting progress as bytes with the rows written', () => {
    expect(events()).toBe(200)
    const bytes = progress.filter((p) => p.unit === 'bytes')
    const last = bytes[bytes.length - 1]!
    expect(last.done).toBe(last.total)
    expect(last.detail).toEqual({ rows: 200 })
  })

  it('after app.log → app.log.1 (with 7 lines written just before) and x.jsonl → x.jsonl.1.gz, imports only the new lines', async () => {
    appendFileSync(join(logs, 'app.log'), textLines('A2', 7))
    renameSync(join(logs, 'app.log'), join(logs, 'app.log.1'))
    writeFileSync(join(logs, 'app.log'), textLines('B', 30))
    writeFileSync(join(logs, 'x.jsonl.1.gz'), gzipSync(readFileSync(join(logs, 'x.jsonl'))))
    rmSync(join(logs, 'x.jsonl'))
    writeFileSync(join(logs, 'x.jsonl'), jsonLines('Y', 20))
    const { ev, added } = await importAgain()
    expect(added).toBe(7 + 30 + 20)
    expect(ev.rotations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          from: '.claude/logs/app.log',
          to: '.claude/logs/app.log.1',
          rows: 100,
        }),
        expect.objectContaining({
          from: '.claude/logs/x.jsonl',
          to: '.claude/logs/x.jsonl.1.gz',
          rows: 100,
        }),
      ]),
    )
    expect(ev.rotations).toHaveLength(2)
    expect(ev.sourcesGone).toEqual([])
  })

  it('follows a whole shifting chain (.1 → .2, .1.gz → .2.gz, the live log → .1) and imports only the new live lines', async () => {
    renameSync(join(logs, 'app.log.1'), join(logs, 'app.log.2'))
    renameSync(join(logs, 'app.log'), join(logs, 'app.log.1'))
    writeFileSync(join(logs, 'app.log'), textLines('C', 10))
    renameSync(join(logs, 'x.jsonl.1.gz'), join(logs, 'x.jsonl.2.gz'))
    renameSync(join(logs, 'x.jsonl'), join(logs, 'x.jsonl.1'))
    writeFileSync(join(logs, 'x.jsonl'), jsonLines('Z', 5))
    const { ev, added } = await importAgain()
    expect(added).toBe(15)
    expect(ev.rotations).toHaveLength(4)
    expect(events()).toBe(200 + 57 + 15)
  })

  it('when logrotate deletes the oldest file, keeps its rows (reported as gone) and still imports only the new lines', async () => {
    rmSync(join(logs, 'app.log.2'))
    renameSync(join(logs, 'app.log.1'), join(logs, 'app.log.2'))
    renameSync(join(logs, 'app.log'), join(logs, 'app.log.1'))
    writeFileSync(join(logs, 'app.log'), textLines('D', 4))
    const { ev, added } = await importAgain()
    expect(added).toBe(4)
    expect(ev.sourcesGone).toEqual([{ path: '.claude/logs/app.log.2', rows: 107 }])
  })

  it('adds nothing when run again without changes', async () => {
    const { ev, added } = await importAgain()
    expect(added).toBe(0)
    expect(ev.rotations).toEqual([])
  })
})
