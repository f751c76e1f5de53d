// The backup engine against live SQLite files: writers in other processes, rows committed only
// to the -wal, links out of the workspace, special files, databases found by their header.
import { spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createBackup } from '../../electron/core/backup/create'
import { readManifest } from '../../electron/core/backup/manifest'
import { restoreBackup } from '../../electron/core/backup/restore'
import type { JobContext } from '../../electron/core/jobs/job'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { REPO, tempDir } from '../support/paths'

const t = tempDir('ferry-backup-sqlite-')
afterAll(() => t.cleanup())
const children: ChildProcess[] = []
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL')
})

const ctx = (): JobContext => ({
  progress: () => undefined,
  log: () => undefined,
  signal: new AbortController().signal,
})
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')
let n = 0
function workspace(): { root: string; claude: string; db: string } {
  const root = join(t.dir, `ws${++n}`)
  const claude = join(root, '.claude')
  mkdirSync(join(claude, 'context'), { recursive: true })
  writeFileSync(join(claude, 'context', 'notes.md'), '# notes\n')
  return { root, claude, db: join(claude, 'state.db') }
}

// A writer in its own process: seeds 600 batches (~5 MB, so a backup takes several steps of the
// backup API), then commits a batch of 10 rows every 20 ms, or (hold) opens a write transaction
// with 5 uncommitted rows and keeps it open.
const WRITER = `
const Database = require(${JSON.stringify(join(REPO, 'node_modules', 'better-sqlite3'))})
const [file, mode, action] = process.argv.slice(2)
const db = new Database(file)
db.pragma('journal_mode = ' + mode)
db.pragma('busy_timeout = 10000')
db.exec('CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, batch INTEGER, pad TEXT)')
const ins = db.prepare('INSERT INTO t(batch, pad) VALUES (?, ?)')
const batch = db.transaction((b) => { for (let i = 0; i < 10; i++) ins.run(b, 'x'.repeat(900)) })
let b = 0
db.transaction(() => { for (; b < 600; ) batch(++b) })()
if (action === 'hold') {
  db.exec('BEGIN IMMEDIATE')
  for (let i = 0; i < 5; i++) ins.run(-1, 'uncommitted')
  process.stdout.write('ready\\n')
} else {
  process.stdout.write('ready\\n')
  setInterval(() => batch(++b), 20)
}
setInterval(() => {}, 1000)
`

async function startWriter(
  db: string,
  mode: 'WAL' | 'DELETE',
  action: 'loop' | 'hold',
): Promise<ChildProcess> {
  const script = join(t.dir, 'writer.cjs')
  if (!existsSync(script)) writeFileSync(script, WRITER)
  const child = spawn(process.execPath, [script, db, mode, action], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve())
    child.once('exit', (code) => reject(new Error(`writer exited with ${code}`)))
  })
  return child
}

function copyOf(root: string, id: string, rel = '.claude/state.db'): string {
  return join(root, '.ferry', 'backups', id, ...rel.split('/'))
}

/** Reads a database through a scratch copy: opening a WAL-mode file, even read-only, leaves a
 * -wal/-shm beside it, and the backup folder must hold exactly what its manifest lists. */
function readCopy(file: string): {
  rows: number
  batches: number
  uncommitted: number
  integrity: string
} {
  const scratch = join(t.dir, `scratch-${++n}.db`)
  copyFileSync(file, scratch)
  const db = new Database(scratch, { readonly: true })
  try {
    const r = db
      .prepare(
        'SELECT count(*) AS rows, count(DISTINCT batch) AS batches, sum(batch = -1) AS uncommitted FROM t',
      )
      .get() as { rows: number; batches: number; uncommitted: number | null }
    return {
      rows: r.rows,
      batches: r.batches,
      uncommitted: r.uncommitted ?? 0,
      integrity: String(db.pragma('integrity_check', { simple: true })),
    }
  } finally {
    db.close()
  }
}

describe('backup of live SQLite databases', () => {
  for (const mode of ['WAL', 'DELETE'] as const) {
    it(`holds whole committed batches only while another process writes every 20 ms (${mode})`, async () => {
      const ws = workspace()
      await startWriter(ws.db, mode, 'loop')
      const seen: number[] = []
      for (let i = 0; i < 5; i++) {
        const ev = await createBackup(workspacePaths(ws.root), { reason: 'test', ctx: ctx() })
        expect(ev.verified).toBe(true)
        expect(ev.sqlite).toMatchObject([{ path: '.claude/state.db', integrity: 'ok' }])
        expect(ev.sqlite[0]!.pageCount).toBeGreaterThan(1024)
        const copy = readCopy(copyOf(ws.root, ev.id))
        expect(copy.integrity).toBe('ok')
        expect(copy.rows).toBe(copy.batches * 10)
        expect(copy.uncommitted).toBe(0)
        seen.push(copy.batches)
        expect(readdirSync(join(ws.root, '.ferry', 'backups', ev.id, '.claude')).sort()).toEqual([
          'context',
          'state.db',
        ])
      }
      // The writer really was writing while the backups were taken.
      expect(seen[4]!).toBeGreaterThan(seen[0]!)
    })

    it(`leaves out the rows of a write transaction another process holds open (${mode})`, async () => {
      const ws = workspace()
      await startWriter(ws.db, mode, 'hold')
      const ev = await createBackup(workspacePaths(ws.root), { reason: 'test', ctx: ctx() })
      const copy = readCopy(copyOf(ws.root, ev.id))
      expect(copy).toEqual({ rows: 6000, batches: 600, uncommitted: 0, integrity: 'ok' })
    })
  }

  it('includes rows committed only to the -wal, and leaves the -wal and -shm alone', async () => {
    const ws = workspace()
    const writer = new Database(ws.db)
    try {
      writer.pragma('journal_mode = WAL')
      writer.pragma('wal_autocheckpoint = 0')
      writer.exec(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, batch INTEGER, pad TEXT); INSERT INTO t(batch, pad) VALUES (1, 'only in the wal')",
      )
      // Proof the row lives only in the -wal: the main file alone does not have the table.
      const mainOnly = join(t.dir, `main-only-${n}.db`)
      copyFileSync(ws.db, mainOnly)
      const probe = new Database(mainOnly, { readonly: true })
      expect(
        probe.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 't'").get(),
      ).toEqual({ n: 0 })
      probe.close()

      const wal = readFileSync(`${ws.db}-wal`)
      const shm = readFileSync(`${ws.db}-shm`)
      const ev = await createBackup(workspacePaths(ws.root), { reason: 'test', ctx: ctx() })
      expect(readCopy(copyOf(ws.root, ev.id))).toMatchObject({ rows: 1, integrity: 'ok' })
      expect(readFileSync(`${ws.db}-wal`).equals(wal)).toBe(true)
      // The -shm is SQLite's shared-memory index. Any reader may record where it reads in the
      // read-mark slots (bytes 100-119, WalCkptInfo.aReadMark); nothing else may change.
      const after = readFileSync(`${ws.db}-shm`)
      expect(after.length).toBe(shm.length)
      const changed = [...after.keys()].filter((i) => after[i] !== shm[i])
      expect(changed.every((i) => i >= 100 && i < 120)).toBe(true)
      const m = await readManifest(join(ws.root, '.ferry', 'backups', ev.id))
      expect(
        m.entries
          .filter((e) => e.kind === 'skipped')
          .map((e) => e.path)
          .sort(),
      ).toEqual(['.claude/state.db-shm', '.claude/state.db-wal'])
      expect(m.entries.find((e) => e.path === '.claude/state.db')?.sqlite?.journalMode).toBe('wal')
      // The writer still works and sees its row.
      writer.prepare("INSERT INTO t(batch, pad) VALUES (2, 'after')").run()
      expect(writer.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2 })
    } finally {
      writer.close()
    }
  })

  it('leaves no -wal/-shm behind next to a cleanly closed WAL database', async () => {
    const ws = workspace()
    const db = new Database(ws.db)
    db.pragma('journal_mode = WAL')
    db.exec(
      'CREATE TABLE t(id INTEGER PRIMARY KEY, batch INTEGER, pad TEXT); INSERT INTO t(batch) VALUES (1)',
    )
    db.close()
    const before = sha(ws.db)
    expect(readdirSync(ws.claude).sort()).toEqual(['context', 'state.db'])
    const ev = await createBackup(workspacePaths(ws.root), { reason: 'test', ctx: ctx() })
    expect(readdirSync(ws.claude).sort()).toEqual(['context', 'state.db'])
    expect(sha(ws.db)).toBe(before)
    expect(readdirSync(join(ws.root, '.ferry', 'backups', ev.id, '.claude')).sort()).toEqual([
      'context',
      'state.db',
    ])
  })

  it('finds SQLite files by their header, records links without following them, skips special files', async () => {
    const ws = workspace()
    const outside = join(t.dir, 'outside-secret.txt')
    writeFileSync(outside, 'TOP SECRET OUTSIDE THE WORKSPACE')
    symlinkSync(outside, join(ws.claude, 'context', 'link-out'))
    symlinkSync(join(t.dir), join(ws.claude, 'dir-link'))
    const odd = new Database(join(ws.claude, 'context', 'cache.bin'))
    odd.exec("CREATE TABLE k(v); INSERT INTO k VALUES ('in a db named .bin')")
    odd.close()
    writeFileSync(
      join(ws.claude, 'fake.db'),
      'not a database at all, just text that is long enough to be read as a header'.repeat(3),
    )
    const fifo = join(ws.claude, 'pipe')
    const mk = spawn('mkfifo', [fifo])
    await new Promise((r) => mk.once('exit', r))

    const ev = await createBackup(workspacePaths(ws.root), { reason: 'test', ctx: ctx() })
    const dir = join(ws.root, '.ferry', 'backups', ev.id)
    const m = await readManifest(dir)
    const kind = (p: string) => m.entries.find((e) => e.path === p)
    expect(kind('.claude/context/cache.bin')).toMatchObject({
      kind: 'sqlite',
      sqlite: { integrity: ['ok'] },
    })
    // A quiet rollback-journal database is copied byte for byte (header counters included).
    expect(kind('.claude/context/cache.bin')?.sha256).toBe(
      sha(join(ws.claude, 'context', 'cache.bin')),
    )
    expect(kind('.claude/fake.db')).toMatchObject({ kind: 'file' })
    expect(kind('.claude/context/link-out')).toMatchObject({ kind: 'symlink', target: outside })
    expect(kind('.claude/dir-link')).toMatchObject({ kind: 'symlink', target: t.dir })
    expect(kind('.claude/pipe')).toMatchObject({
      kind: 'skipped',
      reason: expect.stringContaining('named pipe'),
    })
    expect(ev.symlinks).toHaveLength(2)
    // Nothing of the link's target reached the backup.
    const all = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile())
    for (const f of all)
      expect(readFileSync(join(f.parentPath, f.name)).includes('TOP SECRET')).toBe(false)
    expect(existsSync(join(dir, '.claude', 'context', 'link-out'))).toBe(false)
  })

  it('refuses to restore a database another process has open, and restores it once that process is gone', async () => {
    const ws = workspace()
    const writer = await startWriter(ws.db, 'WAL', 'loop')
    const ev = await createBackup(workspacePaths(ws.root), { reason: 'test', ctx: ctx() })
    const backedUp = readCopy(copyOf(ws.root, ev.id)).rows
    await expect(restoreBackup(workspacePaths(ws.root), ev.id, ctx())).rejects.toMatchObject({
      code: 'RESTORE_IN_USE',
    })
    writer.kill('SIGKILL')
    await new Promise((r) => writer.once('exit', r))
    // The killed writer left a -wal with committed batches the backup does not have.
    expect(existsSync(`${ws.db}-wal`)).toBe(true)
    const r = await restoreBackup(workspacePaths(ws.root), ev.id, ctx())
    expect(r.removedSideFiles.sort()).toEqual(['.claude/state.db-shm', '.claude/state.db-wal'])
    expect(existsSync(`${ws.db}-wal`)).toBe(false)
    expect(sha(ws.db)).toBe(sha(copyOf(ws.root, ev.id)))
    expect(readCopy(ws.db)).toMatchObject({ rows: backedUp, integrity: 'ok' })
    // The rows only the -wal held are safe in the pre-restore backup.
    const pre = readCopy(copyOf(ws.root, r.preRestoreBackupId!))
    expect(pre.integrity).toBe('ok')
    expect(pre.rows).toBeGreaterThan(backedUp)
    expect(pre.rows).toBe(pre.batches * 10)
  })
})
