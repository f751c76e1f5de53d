// Local resources (issue 8): the backup hits a file-size limit (ulimit -f: the copy's write fails
// with EFBIG) or a full disk (a small tmpfs mounted on .ferry/backups: ENOSPC, or SQLITE_FULL for
// the database copy) — a clear error naming the file and the cause, the workspace unchanged, no
// backup listed as complete, and the next run with the limit lifted (the tmpfs grown) succeeds.
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, statSync, statfsSync } from 'node:fs'
import Database from 'better-sqlite3'
import { runImport } from '../../electron/core/import/run'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { FERRY_BIN, tempDir } from '../support/paths'
import { errorProblems, ferryRunner, type Run } from '../support/faults/cli'
import { changedBytes, workspaceFingerprint } from '../support/faults/fingerprint'
import { score } from '../support/faults/scorecard'
import { mountTmpfs, remountTmpfs, tmpfsUnavailable, unmount } from '../support/faults/tmpfs'

const tmp = tempDir('ferry-faults-local-')
const ws = join(tmp.dir, 'ws')
const configHome = join(tmp.dir, 'config')
const ferry = ferryRunner(configHome)
// A workspace of its own for the disk-full test, its backups folder on a tmpfs.
const wsFull = join(tmp.dir, 'ws-full')
const backupsFull = join(wsFull, '.ferry', 'backups')
const noTmpfs = tmpfsUnavailable()
// And one whose whole .claude/ is a tmpfs, for the Phase 2 import's memory.db build.
const wsImport = join(tmp.dir, 'ws-import')
const claudeFull = join(wsImport, '.claude')

/** `ferry …` under `ulimit -f <kb>`: no file it writes may grow past that many KiB. */
function ferryLimited(kb: number, args: string[]): Run {
  const r = spawnSync(
    'bash',
    ['-c', `ulimit -f ${kb}; exec "$0" "$@"`, process.execPath, FERRY_BIN, ...args],
    {
      env: {
        ...process.env,
        XDG_CONFIG_HOME: configHome,
        FERRY_FAULT_POINT: '',
        FERRY_FAULT_ACTION: '',
      },
      encoding: 'utf8',
      timeout: 170_000,
    },
  )
  let json: unknown
  try {
    json = JSON.parse(r.stdout)
  } catch {
    json = null
  }
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, json }
}

describe('local resources', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 3000, seed: 21 })
  })
  afterAll(() => {
    try {
      unmount(backupsFull)
      unmount(claudeFull)
    } finally {
      tmp.cleanup()
    }
  })

  it('fails a backup that hits the file-size limit clearly, changes nothing, and succeeds once the limit is gone', () => {
    const before = workspaceFingerprint(ws)
    const limited = ferryLimited(1024, ['backup', '-w', ws, '--json'])
    expect(errorProblems(limited)).toEqual([])
    expect(limited.json.error.code).toBe('BACKUP_WRITE_FAILED')
    expect(limited.json.error.message).toContain('state.db')
    expect(limited.json.error.hint).toMatch(/file-size limit/)
    const after = workspaceFingerprint(ws)
    score.source(changedBytes(ws, before, after), 'backup under ulimit -f')
    expect(after).toEqual(before)
    const listed = ferry.run(['backups', '-w', ws, '--json'])
    expect(listed.json.backups).toEqual([])
    const ok = ferry.run(['backup', '-w', ws, '--json'])
    expect(ok.code, ok.stderr.slice(-1500)).toBe(0)
    const verified = ferry.run(['backups', '-w', ws, '--json'])
    expect(verified.code).toBe(0)
    expect(verified.json.backups).toHaveLength(1)
    expect(verified.json.backups[0].verified).toBe(true)
    score.fault('file-size limit (EFBIG) during backup', true, 'ulimit -f 1024')
  })

  it.skipIf(noTmpfs !== null)(
    `fails a backup on a full disk (ENOSPC, SQLITE_FULL) clearly, naming the file; nothing listed; succeeds once there is space${noTmpfs ? ` — skipped: ${noTmpfs}` : ''}`,
    async () => {
      await createDemoWorkspace(wsFull, { events: 3000, seed: 22 })
      const claude = join(wsFull, '.claude')
      const db = statSync(join(claude, 'state.db')).size
      // The other files of .claude/, in whole tmpfs pages: with room for them and 256 KiB more,
      // only the 3 MB database copy runs out of space.
      const files = Object.keys(workspaceFingerprint(wsFull))
        .filter((f) => f !== '.claude/state.db')
        .reduce((n, f) => n + Math.ceil(statSync(join(wsFull, f)).size / 4096) * 4096, 0)
      expect(db).toBeGreaterThan(files + 1024 * 1024)
      mkdirSync(backupsFull, { recursive: true })
      const before = workspaceFingerprint(wsFull)
      const full = (r: Run): void => {
        expect(errorProblems(r)).toEqual([])
        expect(r.json.error.code).toBe('BACKUP_DISK_FULL')
        expect(r.json.error.message).toMatch(
          /disk holding \.ferry\/backups is full \(no space left/,
        )
        expect(r.json.error.hint).toMatch(/Free space on that disk, then run the backup again/)
        // Nothing half-written stays, and nothing is listed as a backup.
        expect(readdirSync(backupsFull)).toEqual([])
        const listed = ferry.run(['backups', '-w', wsFull, '--json'])
        expect(listed.code).toBe(0)
        expect(listed.json.backups).toEqual([])
        expect(workspaceFingerprint(wsFull)).toEqual(before)
      }

      // 64 KiB: a plain file's streamed copy fails with ENOSPC.
      mountTmpfs(backupsFull, '64k')
      const tiny = ferry.run(['backup', '-w', wsFull, '--json'])
      full(tiny)
      const named = /^(\.claude\/\S+) could not be backed up/.exec(tiny.json.error.message)
      expect(named, tiny.json.error.message).not.toBeNull()
      expect(statSync(join(wsFull, named![1]!)).isFile()).toBe(true)

      // Room for everything but the database: its copy through the backup API fails (SQLITE_FULL).
      remountTmpfs(backupsFull, `${Math.ceil((files + 256 * 1024) / 1024)}k`)
      const dbFull = ferry.run(['backup', '-w', wsFull, '--json'])
      full(dbFull)
      expect(dbFull.json.error.message).toMatch(/^\.claude\/state\.db could not be backed up/)
      expect(dbFull.json.error.message).toContain('SQLITE_FULL')

      // Space freed: the same command succeeds, and the backup verifies.
      remountTmpfs(backupsFull, '64m')
      const ok = ferry.run(['backup', '-w', wsFull, '--json'])
      expect(ok.code, ok.stderr.slice(-1500)).toBe(0)
      const verified = ferry.run(['backups', '-w', wsFull, '--json'])
      expect(verified.json.backups).toHaveLength(1)
      expect(verified.json.backups[0].verified).toBe(true)
      const after = workspaceFingerprint(wsFull)
      score.source(changedBytes(wsFull, before, after), 'backup on a full disk')
      expect(after).toEqual(before)
      score.fault('disk full (ENOSPC) during backup', true, `tmpfs 64k: ${named![1]}`)
      score.fault('disk full (SQLITE_FULL) during backup', true, 'tmpfs without room for state.db')
    },
  )

  it.skipIf(noTmpfs !== null)(
    'fails the import whose memory.db no longer fits clearly, changes no source byte, and resumes once space is freed',
    async () => {
      const src = join(tmp.dir, 'ws-import-src')
      await createDemoWorkspace(src, { events: 3000, seed: 22 })
      mkdirSync(claudeFull, { recursive: true })
      mountTmpfs(claudeFull, '64m')
      cpSync(join(src, '.claude'), claudeFull, { recursive: true })
      // Room for what is there and 256 KiB more: the memory.db build runs out of space.
      const used = statfsSync(claudeFull)
      const usedKb = Math.ceil(((used.blocks - used.bfree) * used.bsize) / 1024)
      remountTmpfs(claudeFull, `${usedKb + 256}k`)
      const sources = (fp: Record<string, string>): Record<string, string> =>
        Object.fromEntries(Object.entries(fp).filter(([k]) => !k.includes('memory.db')))
      const before = sources(workspaceFingerprint(wsImport))
      const paths = workspacePaths(wsImport)
      const quiet = { signal: new AbortController().signal, progress: () => {}, log: () => {} }
      const err = await runImport(paths, quiet).then(
        () => null,
        (e: unknown) => e as { code?: string; message?: string; hint?: string },
      )
      expect(err?.code).toBe('IMPORT_DISK_FULL')
      expect(err?.message).toContain('.claude/.memory.db.building')
      expect(err?.message).toMatch(/is full/)
      expect(err?.hint).toMatch(/resumes from its ledger/)
      expect(existsSync(join(claudeFull, 'memory.db'))).toBe(false)
      const after = sources(workspaceFingerprint(wsImport))
      score.source(changedBytes(wsImport, before, after), 'import on a full disk')
      expect(after).toEqual(before)
      remountTmpfs(claudeFull, '64m')
      const ok = await runImport(paths, quiet)
      expect(ok.firstBuild).toBe(true)
      const mem = new Database(join(claudeFull, 'memory.db'), { readonly: true })
      const state = new Database(join(claudeFull, 'state.db'), { readonly: true })
      try {
        for (const t of ['events', 'agents', 'tasks'])
          expect(mem.prepare(`SELECT count(*) FROM ${t}`).pluck().get(), t).toBe(
            state.prepare(`SELECT count(*) FROM ${t}`).pluck().get(),
          )
      } finally {
        mem.close()
        state.close()
      }
      expect(readdirSync(claudeFull).filter((n) => n.startsWith('.memory.db.building'))).toEqual([])
      score.fault(
        'disk full (SQLITE_FULL) during the memory.db import',
        true,
        `tmpfs ${usedKb + 256}k`,
      )
    },
  )
})
