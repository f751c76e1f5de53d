import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { documentSchema } from '../../electron/core/steps/document-schema'
import type { JobContext } from '../../electron/core/jobs/job'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { CHINOOK, tempDir } from '../support/paths'
import { LONG_NAME, createQuirkyDb } from '../support/quirky-db'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

function workspaceWith(fill: (stateDb: string) => void) {
  const t = tempDir()
  cleanups.push(t.cleanup)
  mkdirSync(join(t.dir, '.claude'))
  const paths = workspacePaths(t.dir)
  fill(paths.stateDb)
  return paths
}

function ctx(): JobContext & { seen: number[] } {
  const seen: number[] = []
  return { seen, signal: new AbortController().signal, log: () => undefined, progress: (d) => seen.push(d) }
}

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')

describe('pre.document-schema', () => {
  it('documents every table of a quirky database with exact row counts and leaves the file unchanged', async () => {
    const paths = workspaceWith(createQuirkyDb)
    const before = { sha: sha(paths.stateDb), mtime: statSync(paths.stateDb).mtimeMs }
    const c = ctx()
    const ev = await documentSchema(paths, c)
    expect(sha(paths.stateDb)).toBe(before.sha)
    expect(statSync(paths.stateDb).mtimeMs).toBe(before.mtime)
    const rows = Object.fromEntries(ev.tables.map((t) => [t.name, t.rows]))
    expect(rows).toEqual({
      select: 7,
      'Mixed Case "Quoted" | pipe': 1,
      [LONG_NAME]: 1,
      parent: 1,
      child: 2,
    })
    expect(ev.tableCount).toBe(5)
    expect(ev.totalRows).toBe(12)
    expect(ev.views).toBe(1)
    expect(ev.triggers).toBe(1)
    expect(c.seen.length).toBeGreaterThan(0)
    const md = readFileSync(ev.document, 'utf8')
    expect(md).toContain('## Mixed Case "Quoted" \\| pipe')
    expect(md).toContain(`## ${LONG_NAME}`)
    expect(md).toContain('WITHOUT ROWID')
    expect(md).toContain('(parent_id) → parent (id) on delete CASCADE')
    expect(md).toContain('idx_child_expr: index on (<expr>, id)')
    expect(md).toContain('| 3 | untyped | (none) |')
    const json = JSON.parse(readFileSync(ev.json, 'utf8'))
    const long = json.tables.find((t: { name: string }) => t.name === LONG_NAME)
    expect(long.primaryKey).toEqual(['a', 'b'])
    expect(long.withoutRowid).toBe(true)
  })

  it('matches count(*) for all 11 tables of Chinook, including composite keys and NVARCHAR types', async () => {
    const paths = workspaceWith((p) => copyFileSync(CHINOOK, p))
    const ev = await documentSchema(paths, ctx())
    const db = new Database(paths.stateDb, { readonly: true })
    for (const t of ev.tables) {
      const n = db.prepare(`SELECT count(*) AS n FROM "${t.name.replace(/"/g, '""')}"`).get() as { n: number }
      expect(t.rows, t.name).toBe(n.n)
    }
    db.close()
    expect(ev.tableCount).toBe(11)
    const md = readFileSync(ev.document, 'utf8')
    expect(md).toMatch(/## PlaylistTrack[\s\S]*?\| 1 \| PlaylistId \| INTEGER \| yes \| {2}\| 1 \|[\s\S]*?\| 2 \| TrackId \| INTEGER \| yes \| {2}\| 2 \|/)
    expect(md).toContain('NVARCHAR(160)')
  })

  it('fails with a clear error and writes nothing when state.db is not a database', async () => {
    const { writeFileSync, existsSync } = await import('node:fs')
    const paths = workspaceWith((p) => writeFileSync(p, 'this is not sqlite, just text that an agent left here\n'.repeat(100)))
    const err = await documentSchema(paths, ctx()).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'SQLITE_NOT_A_DATABASE' })
    expect((err as Error).message).toContain('state.db')
    expect(existsSync(join(paths.ferryDir, 'schema.md'))).toBe(false)
  })

  it('stops between tables when cancelled', async () => {
    const paths = workspaceWith((p) => copyFileSync(CHINOOK, p))
    const ac = new AbortController()
    const c: JobContext = { signal: ac.signal, log: () => undefined, progress: (d) => d >= 2 && ac.abort() }
    await expect(documentSchema(paths, c)).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
