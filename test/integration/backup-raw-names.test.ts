// Names that are not valid UTF-8 (a Latin-1 file name, a folder named in another encoding, a link
// whose text is such bytes): Linux allows them, JavaScript strings cannot hold them. A backup used
// to list them as text, fail to find them again and leave them out without a word. Now each is
// backed up under its escaped name with its exact bytes in the manifest, and restored to the very
// bytes it had; the sandbox of pre.test-env holds them too.
import Database from 'better-sqlite3'
import { createHash } from 'node:crypto'
import {
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-backup-raw-')
const ws = join(t.dir, 'ws')
const ferry = ferryCli(join(t.dir, 'config'))
const b = (s: string): Buffer => Buffer.from(s, 'latin1')
const at = (...parts: Buffer[]): Buffer =>
  Buffer.concat(parts.flatMap((p, i) => (i ? [b('/'), p] : [p])))
const sha = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex')

/** Exact relative path (hex) → SHA-256 of the content, or the link text's hex, under `.claude/`. */
function fingerprint(root: Buffer): Record<string, string> {
  const out: Record<string, string> = {}
  const visit = (dir: Buffer, rel: Buffer): void => {
    for (const name of readdirSync(dir, { encoding: 'buffer' })) {
      const abs = at(dir, name)
      const r = rel.length ? at(rel, name) : name
      const st = lstatSync(abs)
      if (st.isSymbolicLink())
        out[r.toString('hex')] = `link:${readlinkSync(abs, { encoding: 'buffer' }).toString('hex')}`
      else if (st.isDirectory()) visit(abs, r)
      else out[r.toString('hex')] = sha(readFileSync(abs))
    }
  }
  visit(at(root, b('.claude')), Buffer.alloc(0))
  return out
}

const ctx = at(b(ws), b('.claude'), b('context'))
const latin1Note = at(ctx, b('notes-caf\xe9.md'))
const latin1Dir = at(ctx, b('r\xe9sum\xe9s'))
const inDir = at(latin1Dir, b('plain.json'))
const rawLink = at(ctx, b('link-\xff'))
const rawDb = at(ctx, b('cache-\xfe.db'))

describe('backup and restore of names that are not valid UTF-8', () => {
  let before: Record<string, string>
  let id = ''

  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 200 })
    writeFileSync(latin1Note, b('# caf\xe9 notes, in Latin-1\n'))
    mkdirSync(latin1Dir)
    writeFileSync(inDir, '{"kept": true}\n')
    symlinkSync(b('target-\xfe-not-there'), rawLink)
    // A database by a name the SQLite driver cannot be given: built elsewhere, moved in.
    const tmpDb = join(t.dir, 'cache.db')
    const db = new Database(tmpDb)
    db.exec("CREATE TABLE c(k TEXT PRIMARY KEY, v TEXT); INSERT INTO c VALUES ('a', 'one')")
    db.close()
    writeFileSync(rawDb, readFileSync(tmpDb))
    before = fingerprint(b(ws))
  })
  afterAll(() => t.cleanup())

  it('backs up every one of them, with their exact bytes in the manifest, and verifies', () => {
    const r = ferry(['backup', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const { backup } = JSON.parse(r.stdout)
    id = backup.id
    expect(backup.skipped).toEqual([])
    expect(backup.files).toBe(Object.values(before).filter((v) => !v.startsWith('link:')).length)
    const manifest = JSON.parse(
      readFileSync(join(ws, '.ferry', 'backups', id, 'manifest.json'), 'utf8'),
    ) as {
      entries: {
        path: string
        pathHex?: string
        kind: string
        sha256?: string
        target?: string
        targetHex?: string
        note?: string
      }[]
    }
    const byHex = new Map(manifest.entries.filter((e) => e.pathHex).map((e) => [e.pathHex!, e]))
    const rel = (p: Buffer): string => p.subarray(Buffer.byteLength(ws) + 1).toString('hex')
    expect(byHex.get(rel(latin1Note))).toMatchObject({
      path: '.claude/context/notes-caf\\xE9.md',
      kind: 'file',
      sha256: sha(readFileSync(latin1Note)),
    })
    expect(byHex.get(rel(latin1Dir))).toMatchObject({ kind: 'dir' })
    expect(byHex.get(rel(inDir))).toMatchObject({
      path: '.claude/context/r\\xE9sum\\xE9s/plain.json',
      sha256: sha(readFileSync(inDir)),
    })
    expect(byHex.get(rel(rawLink))).toMatchObject({
      kind: 'symlink',
      target: 'target-\\xFE-not-there',
      targetHex: b('target-\xfe-not-there').toString('hex'),
    })
    expect(byHex.get(rel(rawDb))).toMatchObject({ kind: 'file', sha256: sha(readFileSync(rawDb)) })
    expect(byHex.get(rel(rawDb))!.note).toMatch(/not valid UTF-8: copied byte for byte/)
    // Stored under the escaped name in the backup folder, byte for byte.
    expect(
      readFileSync(join(ws, '.ferry', 'backups', id, '.claude', 'context', 'notes-caf\\xE9.md')),
    ).toEqual(readFileSync(latin1Note))
    const list = ferry(['backups', '-w', ws, '--json'])
    expect(list.code, list.stderr).toBe(0)
    expect(JSON.parse(list.stdout).backups[0]).toMatchObject({ id, verified: true })
  })

  it('restores each to its exact bytes after they are deleted', () => {
    rmSync(latin1Note)
    rmSync(latin1Dir, { recursive: true })
    rmSync(rawLink)
    rmSync(rawDb)
    const r = ferry(['restore', id, '-w', ws, '--yes', '--json'])
    expect(r.code, r.stderr).toBe(0)
    expect(fingerprint(b(ws))).toEqual(before)
    // The restored database is the same database (read through a copy by a UTF-8 name).
    writeFileSync(join(t.dir, 'check.db'), readFileSync(rawDb))
    const again = new Database(join(t.dir, 'check.db'), { readonly: true })
    expect(again.prepare('SELECT v FROM c WHERE k = ?').pluck().get('a')).toBe('one')
    again.close()
  })

  it('puts them in the rehearsal sandbox of pre.test-env too', () => {
    const r = ferry(['run', 'pre.test-env', '-w', ws, '--json'])
    expect(r.code, r.stderr).toBe(0)
    const sandbox = fingerprint(at(b(ws), b('.ferry'), b('sandbox')))
    for (const p of [latin1Note, inDir, rawDb]) {
      const rel = p.subarray(Buffer.byteLength(ws) + 1 + '.claude/'.length)
      expect(sandbox[rel.toString('hex')], rel.toString('latin1')).toBe(sha(readFileSync(p)))
    }
  })
})
