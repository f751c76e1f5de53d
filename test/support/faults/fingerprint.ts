// Fingerprints for "nothing lost or changed in the source" (RELIABILITY: what every fault test
// checks): a workspace as the sha256 of every file's bytes (-wal/-shm/-journal included, links by
// their target text), and a database as per-table canonical checksums — SQLite values read by
// storage class as exact bytes (never through JS numbers or lossy UTF-8 decoding), PostgreSQL
// rows through their own output functions.
import { createHash } from 'node:crypto'
import { lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'

export type Fingerprint = Record<string, string>

/** path (relative, '/'-separated) → sha256 of its bytes; `exclude` names top-level-relative prefixes. */
export function workspaceFingerprint(root: string, exclude: string[] = ['.ferry']): Fingerprint {
  const out: Fingerprint = {}
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name)
      const rel = relative(root, abs).split(sep).join('/')
      if (exclude.some((e) => rel === e || rel.startsWith(`${e}/`))) continue
      const st = lstatSync(abs)
      if (st.isSymbolicLink()) out[rel] = `link:${readlinkSync(abs)}`
      else if (st.isDirectory()) walk(abs)
      else if (st.isFile()) out[rel] = createHash('sha256').update(fileBytes(abs)).digest('hex')
      else out[rel] = `special:${st.mode.toString(8)}`
    }
  }
  walk(root)
  return out
}

/**
 * A file's bytes; for a WAL index (-shm) its 136-byte header (two WalIndexHdr copies and
 * WalCkptInfo) is zeroed. Any reader in another process rewrites it: its read mark, and on its
 * first read a wal-index recovery (iChange, checksums, nBackfillAttempted) — measured here with a
 * plain read-only better-sqlite3 SELECT, Ferry not involved. The header is derived from the -wal;
 * the index's hash tables after it, and every byte of the -wal and the database, count.
 */
const SHM_HEADER = 136

function fileBytes(abs: string): Buffer {
  const b = readFileSync(abs)
  if (abs.endsWith('-shm') && b.length >= SHM_HEADER) b.fill(0, 0, SHM_HEADER)
  return b
}

/** The entries that differ between two fingerprints (added, removed or changed), for messages. */
export function diffFingerprints(a: Fingerprint, b: Fingerprint): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)])
  return [...keys].filter((k) => a[k] !== b[k]).sort()
}

/** Bytes of the files that changed (added/removed count their whole size): the scorecard's unit. */
export function changedBytes(root: string, a: Fingerprint, b: Fingerprint): number {
  let n = 0
  for (const k of diffFingerprints(a, b)) {
    try {
      n += lstatSync(join(root, k)).size
    } catch {
      n += 1 // removed: counted, size unknown
    }
  }
  return n
}

const ROW_HASH_MOD = 2n ** 64n

function rowHash(parts: Buffer[]): bigint {
  const h = createHash('sha256')
  for (const p of parts) h.update(String(p.length)).update(':').update(p)
  return BigInt('0x' + h.digest('hex').slice(0, 16))
}

/**
 * table → "rows:checksum" over every row of every table (sqlite_% excluded). Each value is its
 * storage class plus exact bytes: integers as decimal (safe integers), reals as their 8 IEEE
 * bytes, text and blobs as raw bytes (CAST AS BLOB: invalid UTF-8 and NUL kept). Rows are
 * hashed and summed mod 2^64, so order does not matter and a duplicate changes the sum.
 */
export function sqliteFingerprint(file: string): Fingerprint {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .pluck()
      .all() as string[]
    const out: Fingerprint = {}
    for (const t of tables) {
      const cols = db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]
      const sel = cols
        .map((c) => {
          const qc = `"${c.replace(/"/g, '""')}"`
          return `typeof(${qc}), CASE WHEN typeof(${qc}) IN ('text','blob') THEN CAST(${qc} AS BLOB) ELSE ${qc} END`
        })
        .join(', ')
      const st = db
        .prepare(`SELECT ${sel} FROM "${t.replace(/"/g, '""')}"`)
        .raw(true)
        .safeIntegers(true)
      let rows = 0
      let sum = 0n
      for (const r of st.iterate() as IterableIterator<unknown[]>) {
        rows++
        const parts: Buffer[] = []
        for (let i = 0; i < r.length; i += 2) {
          const v = r[i + 1]
          parts.push(Buffer.from(String(r[i])))
          if (v === null) parts.push(Buffer.alloc(0))
          else if (typeof v === 'bigint') parts.push(Buffer.from(v.toString()))
          else if (typeof v === 'number') {
            const b = Buffer.alloc(8)
            b.writeDoubleBE(v)
            parts.push(b)
          } else parts.push(Buffer.from(v as Buffer))
        }
        sum = (sum + rowHash(parts)) % ROW_HASH_MOD
      }
      out[t] = `${rows}:${sum.toString(16)}`
    }
    return out
  } finally {
    db.close()
  }
}

/** `PRAGMA integrity_check` of a SQLite file, read-only: 'ok' or the problems joined. */
export function integrityCheck(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ')
  } finally {
    db.close()
  }
}

/**
 * table → "rows:checksum" of every base table of a PostgreSQL schema: the row's text form
 * (record_out, i.e. each column's output function) hashed with md5, first 8 bytes summed.
 */
export async function pgFingerprint(url: string, schema: string): Promise<Fingerprint> {
  const client = new pg.Client({
    connectionString: url,
    options: '-c TimeZone=UTC -c extra_float_digits=1',
  })
  client.on('error', () => undefined)
  await client.connect()
  try {
    const tables = (
      await client.query<{ t: string }>(
        "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1",
        [schema],
      )
    ).rows.map((r) => r.t)
    const out: Fingerprint = {}
    for (const t of tables) {
      const rel = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(t)}`
      const r = await client.query<{ n: string; s: string }>(
        `SELECT count(*)::text AS n, coalesce(sum(('x' || left(md5(x::text), 16))::bit(64)::bigint::numeric), 0)::text AS s FROM ${rel} x`,
      )
      out[t] = `${r.rows[0]!.n}:${r.rows[0]!.s}`
    }
    return out
  } finally {
    await client.end()
  }
}
