// The on-disk shape of a backup: `.ferry/backups/<id>/manifest.json` (written once, never
// edited) and `verification.json` (the latest verification result, rewritten by re-verification).
import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'
import { z } from 'zod'
import { FerryError } from '../../../shared/contract/envelope'
import type { WorkspacePaths } from '../workspace/resolve'

export const MANIFEST_FORMAT = 'ferry-backup/1'
export const MANIFEST_FILE = 'manifest.json'
export const VERIFICATION_FILE = 'verification.json'

/** `20261129T174501Z-a1b2c3`: sorts by time, unique enough for one workspace. */
export const BACKUP_ID = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/

export function newBackupId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')
  return `${stamp}-${randomBytes(3).toString('hex')}`
}

export const SqliteFacts = z.object({
  pageCount: z.number().int().nonnegative(),
  pageSize: z.number().int().positive(),
  /** From the file header: 'wal' (bytes 18/19 = 2) or 'rollback'. */
  journalMode: z.enum(['wal', 'rollback']),
  /** `PRAGMA integrity_check` on the copy: ['ok'] or its messages. */
  integrity: z.array(z.string()),
  /**
   * 'table-scan' when integrity_check could not run because the schema names a collation only the
   * database's application defines (listed): every table was read in full instead.
   */
  integrityMethod: z.enum(['pragma', 'table-scan']).optional(),
  appCollations: z.array(z.string()).optional(),
})
export type SqliteFacts = z.infer<typeof SqliteFacts>

export const ManifestEntry = z.object({
  /**
   * Relative to the workspace root, '/'-separated, always under `.claude/`; where the backup
   * folder keeps the entry. Escaped (\\xNN) when the name's bytes are not valid UTF-8.
   */
  path: z.string(),
  /** The exact bytes of the path (hex), when they are not valid UTF-8: what a restore recreates. */
  pathHex: z
    .string()
    .regex(/^(?:[0-9a-f]{2})+$/)
    .optional(),
  kind: z.enum(['dir', 'file', 'sqlite', 'symlink', 'skipped']),
  size: z.number().int().nonnegative().optional(),
  mode: z.number().int().nonnegative().optional(),
  mtime: z.string().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** symlink: the link text, never followed (escaped when it is not valid UTF-8). */
  target: z.string().optional(),
  /** symlink: the link text's exact bytes (hex), when they are not valid UTF-8. */
  targetHex: z
    .string()
    .regex(/^(?:[0-9a-f]{2})+$/)
    .optional(),
  /** skipped: why. */
  reason: z.string().optional(),
  sqlite: SqliteFacts.optional(),
  /** Something worth knowing about how this entry was taken. */
  note: z.string().optional(),
  /** file: a SQLite database SQLite could not read in full, so its bytes were copied; why. */
  damaged: z.string().optional(),
})
export type ManifestEntry = z.infer<typeof ManifestEntry>

export const Manifest = z.object({
  format: z.literal(MANIFEST_FORMAT),
  id: z.string().regex(BACKUP_ID),
  createdAt: z.string(),
  reason: z.string(),
  /** The workspace it was taken from (informational: a backup can be restored elsewhere). */
  root: z.string(),
  entries: z.array(ManifestEntry),
  totals: z.object({
    files: z.number().int().nonnegative(),
    bytes: z.number().nonnegative(),
    sqlite: z.number().int().nonnegative(),
    symlinks: z.number().int().nonnegative(),
    dirs: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
  }),
  warnings: z.array(z.string()),
  backupMs: z.number().nonnegative(),
})
export type Manifest = z.infer<typeof Manifest>

export const Verification = z.object({
  verifiedAt: z.string(),
  ok: z.boolean(),
  problems: z.array(z.string()),
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
})
export type Verification = z.infer<typeof Verification>

export function backupsDir(paths: WorkspacePaths): string {
  return join(paths.ferryDir, 'backups')
}

/** The folder of backup `id`; the id is checked first, so it can never name another folder. */
export function backupDir(paths: WorkspacePaths, id: string): string {
  if (!BACKUP_ID.test(id)) {
    throw new FerryError(
      'BACKUP_NOT_FOUND',
      `"${id}" is not a backup id`,
      'Backup ids look like 20261129T174501Z-a1b2c3; run "ferry backups" to list them.',
    )
  }
  return join(backupsDir(paths), id)
}

/** Workspace-relative path with '/' separators (what manifests and evidence show). */
export function relPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/')
}

/**
 * Turns a manifest path into a path under `root`, refusing anything that could leave it: the
 * manifest is a file, and a file's content never chooses where Ferry writes (RELIABILITY rule 9).
 */
export function entryPath(root: string, path: string): string {
  const parts = path.split('/')
  const bad =
    isAbsolute(path) ||
    // A backslash is an ordinary character of a name on Linux and macOS (and how a name that
    // is not UTF-8 is spelt, \\xNN); only on Windows is it a separator that could climb out.
    (process.platform === 'win32' && path.includes('\\')) ||
    path.includes('\0') ||
    parts[0] !== '.claude'
  if (bad || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new FerryError(
      'BACKUP_MANIFEST_INVALID',
      `The manifest names a path outside .claude/: ${JSON.stringify(path)}`,
      'The backup has been tampered with or damaged; use another backup.',
    )
  }
  return join(root, ...parts)
}

/**
 * Where a restore puts an entry under `root`: its exact bytes when the manifest has them (a name
 * that is not valid UTF-8), checked like entryPath; otherwise entryPath.
 */
export function restorePath(
  root: string,
  e: Pick<ManifestEntry, 'path' | 'pathHex'>,
): string | Buffer {
  if (e.pathHex === undefined) return entryPath(root, e.path)
  const raw = Buffer.from(e.pathHex, 'hex')
  const parts = raw.toString('latin1').split('/')
  if (
    raw.includes(0) ||
    parts[0] !== '.claude' ||
    parts.some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new FerryError(
      'BACKUP_MANIFEST_INVALID',
      `The manifest names a path outside .claude/: ${e.path} (hex ${e.pathHex})`,
      'The backup has been tampered with or damaged; use another backup.',
    )
  }
  return Buffer.concat([Buffer.from(root.replace(/\/+$/, '')), Buffer.from('/'), raw])
}

export async function readManifest(dir: string): Promise<Manifest> {
  let text: string
  try {
    text = await readFile(join(dir, MANIFEST_FILE), 'utf8')
  } catch (err) {
    throw new FerryError(
      'BACKUP_INCOMPLETE',
      `${join(dir, MANIFEST_FILE)} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      'This backup is incomplete or damaged; use another backup.',
    )
  }
  const parsed = Manifest.safeParse(safeJson(text))
  if (!parsed.success) {
    throw new FerryError(
      'BACKUP_MANIFEST_INVALID',
      `${join(dir, MANIFEST_FILE)} is not a valid backup manifest: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`,
      'This backup is damaged; use another backup.',
    )
  }
  return parsed.data
}

export async function readVerification(dir: string): Promise<Verification | null> {
  try {
    const parsed = Verification.safeParse(
      JSON.parse(await readFile(join(dir, VERIFICATION_FILE), 'utf8')),
    )
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Entries whose content is stored in the backup folder (and has a SHA-256). */
export function contentEntries(m: Manifest): ManifestEntry[] {
  return m.entries.filter((e) => e.kind === 'file' || e.kind === 'sqlite')
}
