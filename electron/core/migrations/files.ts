// Migration files on disk: `NNNN_slug.sql` plus an optional `NNNN_slug.down.sql`. Reading them
// never follows a link; writing one is exclusive (temp file, fsync, rename), and an applied file
// is never rewritten — that is what its checksum in the ledger is for.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import { join, relative } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'
import { fsyncDir, writeFileAtomic } from '../fs/atomic'
import { migrationChecksum } from './checksum'
import type { AvailableMigration, StrayFile } from './plan'
import { versionLabel } from './plan'

const UP = /^(\d{4,9})_([a-z0-9][a-z0-9_-]*)\.sql$/i
const DOWN = /^(\d{4,9})_([a-z0-9][a-z0-9_-]*)\.down\.sql$/i

/** A migration as loaded: what the planner needs plus the SQL text and absolute paths. */
export interface MigrationFile extends AvailableMigration {
  path: string
  sql: string
  downPath: string | null
  downSql: string | null
}

export interface MigrationFolder {
  migrations: MigrationFile[]
  strays: StrayFile[]
}

const decoder = new TextDecoder('utf-8', { fatal: true })

function readText(path: string): string {
  return decoder.decode(readFileSync(path))
}

/**
 * Loads every migration of a folder (a missing folder has none). `base` is the folder paths are
 * shown relative to (the workspace root).
 */
export function loadMigrationFolder(dir: string, base: string): MigrationFolder {
  const migrations: MigrationFile[] = []
  const strays: StrayFile[] = []
  if (!existsSync(dir)) return { migrations, strays }
  const show = (name: string): string => relative(base, join(dir, name))
  const names = readdirSync(dir).sort()
  const downs = new Map<string, string>()
  for (const name of names) {
    const d = DOWN.exec(name)
    if (d) downs.set(`${d[1]}_${d[2]}`, name)
  }
  const usedDowns = new Set<string>()
  for (const name of names) {
    const path = join(dir, name)
    const st = lstatSync(path)
    if (st.isDirectory()) continue
    if (!name.toLowerCase().endsWith('.sql')) continue
    if (DOWN.test(name)) continue
    if (st.isSymbolicLink()) {
      strays.push({
        file: show(name),
        reason: 'it is a symbolic link (Ferry does not follow links)',
      })
      continue
    }
    const m = UP.exec(name)
    if (!m) {
      strays.push({ file: show(name), reason: 'the name does not match NNNN_slug.sql' })
      continue
    }
    let sql: string
    try {
      sql = readText(path)
    } catch (err) {
      strays.push({
        file: show(name),
        reason: `it cannot be read as UTF-8 text (${(err as Error).message})`,
      })
      continue
    }
    const key = `${m[1]}_${m[2]}`
    const downName = downs.get(key) ?? null
    let downSql: string | null = null
    if (downName) {
      usedDowns.add(downName)
      const downPath = join(dir, downName)
      if (lstatSync(downPath).isSymbolicLink()) {
        strays.push({
          file: show(downName),
          reason: 'it is a symbolic link (Ferry does not follow links)',
        })
      } else {
        try {
          downSql = readText(downPath)
        } catch (err) {
          strays.push({
            file: show(downName),
            reason: `it cannot be read as UTF-8 text (${(err as Error).message})`,
          })
        }
      }
    }
    migrations.push({
      version: Number(m[1]),
      name: m[2]!,
      file: show(name),
      path,
      checksum: migrationChecksum(sql),
      sql,
      downFile: downSql !== null && downName ? show(downName) : null,
      downPath: downSql !== null && downName ? join(dir, downName) : null,
      downSql,
    })
  }
  for (const [, downName] of downs) {
    if (!usedDowns.has(downName))
      strays.push({
        file: show(downName),
        reason: 'it is a down script with no matching up script',
      })
  }
  return { migrations, strays }
}

export function migrationFileName(version: number, slug: string): string {
  return `${versionLabel(version)}_${slug}.sql`
}

/**
 * Writes a new migration (and its down script) into `dir`. Refuses to replace a file unless
 * `replace` is set, which callers use only for a draft that was never applied.
 */
export function writeMigration(
  dir: string,
  version: number,
  slug: string,
  up: string,
  down: string | null,
  opts: { replace?: boolean } = {},
): { path: string; downPath: string | null } {
  if (!/^[a-z0-9][a-z0-9_-]*$/i.test(slug)) {
    throw new FerryError(
      'INVALID_MIGRATION_NAME',
      `"${slug}" is not a valid migration slug`,
      'Use letters, digits, _ and -.',
    )
  }
  mkdirSync(dir, { recursive: true })
  const path = join(dir, migrationFileName(version, slug))
  const downPath = join(dir, `${versionLabel(version)}_${slug}.down.sql`)
  if (!opts.replace && (existsSync(path) || existsSync(downPath))) {
    throw new FerryError(
      'MIGRATION_EXISTS',
      `${path} already exists`,
      'Migration files are never overwritten; choose the next version.',
    )
  }
  // The down script goes first: an up script without its down script would be applied but not undoable.
  if (down !== null) writeFileAtomic(downPath, down)
  writeFileAtomic(path, up)
  return { path, downPath: down !== null ? downPath : null }
}

/** Moves a migration's files aside (into `<dir>/reverted/`), so the version is free again. */
export function retireMigration(
  dir: string,
  m: { path: string; downPath: string | null },
  stamp: string,
): string[] {
  const target = join(dir, 'reverted')
  mkdirSync(target, { recursive: true })
  const moved: string[] = []
  // The up script first: a left-over down script is reported as a stray, never applied.
  for (const p of [m.path, m.downPath]) {
    if (!p || !existsSync(p)) continue
    const dest = join(target, `${stamp}-${p.slice(dir.length + 1)}`)
    renameSync(p, dest)
    moved.push(dest)
  }
  fsyncDir(target)
  fsyncDir(dir)
  return moved
}
