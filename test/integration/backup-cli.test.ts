// `ferry backup`, `ferry backups`, `ferry restore` and `ferry run pre.backup` as a user types
// them: real processes, a realistic demo workspace, SHA-256 of every file before and after.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { tempDir } from '../support/paths'
import { ferryCli } from '../support/ferry-cli'

const t = tempDir('ferry-backup-cli-')
const ws = join(t.dir, 'ws')
const ferry = ferryCli(join(t.dir, 'config'))


/** path → SHA-256 (or link text) of everything under .claude/. */
function fingerprint(root: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const d of readdirSync(join(root, '.claude'), { recursive: true, withFileTypes: true })) {
    const abs = join(d.parentPath, d.name)
    const rel = relative(root, abs)
    if (d.isSymbolicLink()) out[rel] = `link:${readlinkSync(abs)}`
    else if (d.isFile()) out[rel] = createHash('sha256').update(readFileSync(abs)).digest('hex')
  }
  return out
}

let first = { id: '', files: {} as Record<string, string> }
const backupIds = () => readdirSync(join(ws, '.ferry', 'backups')).filter((n) => !n.startsWith('.'))

describe('ferry backup / backups / restore', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 5000 })
  })
  afterAll(() => t.cleanup())

  it('takes a verified backup whose every file matches the workspace byte for byte', () => {
    const r = ferry(['backup', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const { backup } = JSON.parse(r.stdout)
    expect(backup).toMatchObject({
      reason: 'manual',
      verified: true,
      integrityOk: true,
      path: `.ferry/backups/${backup.id}`,
    })
    expect(backup.id).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/)
    const now = fingerprint(ws)
    expect(backup.files).toBe(Object.keys(now).length)
    expect(fingerprint(join(ws, '.ferry', 'backups', backup.id))).toEqual(now)
    first = { id: backup.id, files: now }
    const manifest = JSON.parse(
      readFileSync(join(ws, '.ferry', 'backups', backup.id, 'manifest.json'), 'utf8'),
    )
    for (const e of manifest.entries.filter(
      (x: { kind: string }) => x.kind === 'file' || x.kind === 'sqlite',
    )) {
      expect(e.sha256, e.path).toBe(now[e.path])
      expect(e).toHaveProperty('mode')
      expect(e).toHaveProperty('mtime')
    }
    expect(
      manifest.entries.find((e: { path: string }) => e.path === '.claude/state.db'),
    ).toMatchObject({ kind: 'sqlite', sqlite: { integrity: ['ok'] } })
  })

  it('lists a backup with one corrupted byte as unverified, naming the file and both hashes', () => {
    const r = ferry(['backup', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const id = JSON.parse(r.stdout).backup.id as string
    const victim = join(ws, '.ferry', 'backups', id, '.claude', 'context', 'README.md')
    const bytes = readFileSync(victim)
    const expected = createHash('sha256').update(bytes).digest('hex')
    bytes[10] = bytes[10]! ^ 0x01
    writeFileSync(victim, bytes)
    const actual = createHash('sha256').update(bytes).digest('hex')

    const list = ferry(['backups', '-w', ws, '--json'])
    expect(list.code).toBe(1)
    const out = JSON.parse(list.stdout)
    const bad = out.backups.find((b: { id: string }) => b.id === id)
    expect(bad.verified).toBe(false)
    expect(bad.problems).toEqual([
      `.claude/context/README.md: SHA-256 mismatch, expected ${expected}, actual ${actual}`,
    ])
    expect(
      out.backups
        .filter((b: { id: string }) => b.id !== id)
        .every((b: { verified: boolean }) => b.verified),
    ).toBe(true)
    // Newest first, and the quick listing remembers what the full one found.
    expect(out.backups[0].id).toBe(id)
    const quick = JSON.parse(ferry(['backups', '-w', ws, '--json', '--quick']).stdout)
    expect(quick.backups.find((b: { id: string }) => b.id === id).verified).toBe(false)
    const human = ferry(['backups', '-w', ws])
    expect(human.stdout).toContain('.claude/context/README.md: SHA-256 mismatch')
    rmSync(join(ws, '.ferry', 'backups', id), { recursive: true })
  })

  it('refuses to restore without --yes (exit 2), saying what would be replaced, and changes nothing', () => {
    const id = backupIds()[0]!
    const before = fingerprint(ws)
    const r = ferry(['restore', id, '-w', ws])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--yes')
    expect(r.stderr).toContain('back up the current state first')
    expect(r.stderr).toContain('.claude/state.db')
    expect(fingerprint(ws)).toEqual(before)
    expect(backupIds()).toHaveLength(1)
    const unknown = ferry(['restore', '20200101T000000Z-abcdef', '-w', ws, '--yes'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('ferry backups')
  })

  it('restores every file byte-identical after the context folder is deleted, and reports the recovery time', () => {
    const id = backupIds()[0]!
    const before = fingerprint(ws)
    rmSync(join(ws, '.claude', 'context'), { recursive: true })
    writeFileSync(join(ws, '.claude', 'written-after.md'), 'an agent wrote this after the backup\n')
    const r = ferry(['restore', id, '-w', ws, '--yes', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const ev = JSON.parse(r.stdout).restore
    const after = fingerprint(ws)
    expect(after['.claude/written-after.md']).toBeDefined()
    delete after['.claude/written-after.md']
    expect(after).toEqual(before)
    expect(ev).toMatchObject({
      id,
      verified: true,
      keptFiles: 1,
      keptSample: ['.claude/written-after.md'],
      recoveryUnder5Min: true,
    })
    expect(ev.message).toContain('1 file not in the backup was kept')
    expect(ev.verifiedFiles).toBe(Object.keys(before).length)
    expect(typeof ev.recoveryMs).toBe('number')
    expect(ev.recoveryMs).toBeGreaterThan(0)
    // The state before the restore was backed up first, and it holds the file written later.
    const list = JSON.parse(ferry(['backups', '-w', ws, '--json']).stdout).backups
    expect(list.find((b: { id: string }) => b.id === ev.preRestoreBackupId)).toMatchObject({
      reason: 'pre-restore',
      verified: true,
    })
    expect(
      existsSync(
        join(ws, '.ferry', 'backups', ev.preRestoreBackupId, '.claude', 'written-after.md'),
      ),
    ).toBe(true)
    const human = ferry(['restore', id, '-w', ws, '--yes'])
    expect(human.code, human.stderr).toBe(0)
    expect(human.stdout).toMatch(/Recovery time: .* ms; plan target < 5 minutes: met/)
  })

  it('finishes a restore that was killed half-way through its renames when it is run again', () => {
    rmSync(join(ws, '.claude', 'context'), { recursive: true })
    const killed = ferry(['restore', first.id, '-w', ws, '--yes', '--json'], {
      FERRY_FAULT_POINT: 'restore:after-rename#5',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    expect(JSON.parse(killed.stdout).error.code).toBe('WORKER_DIED')
    const half = Object.keys(fingerprint(ws))
    expect(half.some((p) => p.includes('.ferry-restore-'))).toBe(true)
    const again = ferry(['restore', first.id, '-w', ws, '--yes', '--json'])
    expect(again.code, again.stderr).toBe(0)
    const after = fingerprint(ws)
    delete after['.claude/written-after.md']
    expect(after).toEqual(first.files)
  })

  it('never lists a killed backup as complete, and the next backup succeeds and clears its leftovers', () => {
    const complete = backupIds()
    const killed = ferry(['backup', '-w', ws, '--json'], {
      FERRY_FAULT_POINT: 'backup:after-copy-before-manifest',
      FERRY_FAULT_ACTION: 'kill',
    })
    expect(killed.code).toBe(1)
    expect(JSON.parse(killed.stdout).error.code).toBe('WORKER_DIED')
    const leftovers = readdirSync(join(ws, '.ferry', 'backups')).filter((n) =>
      n.startsWith('.tmp-'),
    )
    expect(leftovers).toHaveLength(1)
    const list = JSON.parse(ferry(['backups', '-w', ws, '--json']).stdout).backups
    expect(list.map((b: { id: string }) => b.id).sort()).toEqual([...complete].sort())

    const again = ferry(['backup', '-w', ws, '--json'])
    expect(again.code, again.stderr).toBe(0)
    expect(JSON.parse(again.stdout).backup.verified).toBe(true)
    expect(readdirSync(join(ws, '.ferry', 'backups')).filter((n) => n.startsWith('.tmp-'))).toEqual(
      [],
    )
    expect(backupIds()).toHaveLength(complete.length + 1)
  })

  it('runs pre.backup with a restore drill whose time is recorded and whose scratch folder is gone', () => {
    const r = ferry(['run', 'pre.backup', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const step = JSON.parse(r.stdout).steps[0]
    expect(step.status).toBe('done')
    const ev = step.evidence
    expect(ev).toMatchObject({
      reason: 'manual',
      verified: true,
      integrityOk: true,
      restoreDrillUnder5Min: true,
    })
    expect(ev.sqlite[0]).toMatchObject({ path: '.claude/state.db', integrity: 'ok' })
    expect(ev.sqlite[0].pageCount).toBeGreaterThan(0)
    expect(ev.drill).toMatchObject({ files: ev.files, verifiedFiles: ev.files, verified: true })
    expect(typeof ev.restoreDrillMs).toBe('number')
    expect(existsSync(join(ws, ev.drill.path))).toBe(false)
    expect(readdirSync(join(ws, '.ferry')).filter((n) => n.startsWith('drill-'))).toEqual([])
  })
})
