// Log rotation: `app.log` renamed to `app.log.1` (a fresh `app.log` starting), `x.jsonl.1` to
// `x.jsonl.2.gz`, logrotate's whole shifting chain. The ledger is keyed by path, so without this a
// rotated file would look new and its lines would be imported a second time. Before the logs are
// imported, every log ledger whose content is no longer at its path looks for that content — by
// the SHA-256 of its committed prefix, read through gzip where the file is compressed — among the
// files that have no ledger of their own (or an orphaned one); where found, the ledger and its
// rows move to the new path and the import continues there with only the lines after that prefix.
import { createHash } from 'node:crypto'
import { openListed } from '../inventory/open'
import { fileChunks } from '../inventory/stream'
import type { WalkEntry } from '../inventory/walk'
import { pathKey } from './ledger'
import type { MemoryDb } from './memory-db'

export interface Rotation {
  fileId: number
  from: string
  to: string
  /** The rows that moved with the ledger (already imported, not imported again). */
  rows: number
}

interface LogLedger {
  fileId: number
  path: string
  hex: string
  format: string | null
  size: number
  committedOffset: number
  prefixSha256: Buffer | null
  fileSha256: Buffer | null
}

export const isGzFormat = (format: string | null): boolean => !!format?.endsWith('.gz')

/**
 * SHA-256 of the first `k` bytes of a file (decompressed when gz) for each k in `offsets`; an
 * offset beyond the end (or past gzip damage) gets no entry. Reads no further than the largest.
 */
export async function prefixDigests(
  e: WalkEntry,
  gz: boolean,
  offsets: readonly number[],
): Promise<Map<number, Buffer>> {
  const want = [...new Set(offsets)].sort((a, b) => a - b)
  const out = new Map<number, Buffer>()
  if (!want.length) return out
  const fh = await openListed(e.abs, e, e.path)
  const h = createHash('sha256')
  let pos = 0
  let i = 0
  try {
    while (want[i] === 0) out.set(want[i++]!, h.copy().digest())
    for await (let chunk of fileChunks(fh, { gz })) {
      while (i < want.length && pos + chunk.length >= want[i]!) {
        const take = want[i]! - pos
        h.update(chunk.subarray(0, take))
        pos += take
        chunk = chunk.subarray(take)
        out.set(want[i++]!, h.copy().digest())
      }
      if (i >= want.length) break
      h.update(chunk)
      pos += chunk.length
    }
  } catch {
    /* damaged gzip or a read error: the offsets not reached have no digest */
  } finally {
    await fh.close()
  }
  return out
}

async function wholeDigest(e: WalkEntry): Promise<Buffer | null> {
  try {
    const fh = await openListed(e.abs, e, e.path)
    const h = createHash('sha256')
    try {
      for await (const c of fileChunks(fh)) h.update(c)
    } finally {
      await fh.close()
    }
    return h.digest()
  } catch {
    return null
  }
}

/** Does the file at the ledger's path still begin with what the ledger imported from it? */
async function holds(l: LogLedger, f: { entry: WalkEntry; gz: boolean }): Promise<boolean> {
  try {
    if (isGzFormat(l.format)) {
      if (!f.gz || f.entry.size !== l.size || !l.fileSha256) return false
      return (await wholeDigest(f.entry))?.equals(l.fileSha256) ?? true
    }
    if (l.committedOffset === 0 || !l.prefixSha256) return true
    const d = (await prefixDigests(f.entry, f.gz, [l.committedOffset])).get(l.committedOffset)
    return d?.equals(l.prefixSha256) ?? false
  } catch {
    // Cannot read it now: leave its ledger where it is; the import reports the read error.
    return true
  }
}

export async function followRotations(
  mem: MemoryDb,
  logs: readonly { entry: WalkEntry; gz: boolean }[],
): Promise<Rotation[]> {
  const ledgers = mem
    .prepare(
      "SELECT file_id AS fileId, path, path_hex AS hex, format, size, committed_offset AS committedOffset, prefix_sha256 AS prefixSha256, file_sha256 AS fileSha256 FROM import_files WHERE importer = 'log' AND instr(path_hex, '#') = 0 ORDER BY committed_offset DESC, file_id",
    )
    .all() as LogLedger[]
  if (!ledgers.length) return []
  const byKey = new Map(logs.map((l) => [pathKey(l.entry), l]))
  const holding = new Set<string>()
  const orphans: LogLedger[] = []
  for (const l of ledgers) {
    const f = byKey.get(l.hex)
    if (f && (await holds(l, f))) holding.add(l.hex)
    // Only content that can be recognised is looked for: a plain log's committed prefix (not
    // empty), a compressed log's exact bytes.
    else if (isGzFormat(l.format) ? l.fileSha256 !== null : l.committedOffset > 0 && l.prefixSha256)
      orphans.push(l)
  }
  if (!orphans.length) return []
  const plainOffsets = orphans.filter((o) => !isGzFormat(o.format)).map((o) => o.committedOffset)
  const moves: { l: LogLedger; to: WalkEntry }[] = []
  const moved = new Set<LogLedger>()
  for (const c of logs) {
    const key = pathKey(c.entry)
    if (holding.has(key)) continue
    const digests = await prefixDigests(
      c.entry,
      c.gz,
      plainOffsets.filter((k) => c.gz || k <= c.entry.size),
    )
    let whole: Buffer | null | undefined
    let match: LogLedger | undefined
    // Longest committed prefix first (the query's order), so the fullest record wins.
    for (const o of orphans) {
      if (moved.has(o) || o.hex === key) continue
      if (isGzFormat(o.format)) {
        if (!c.gz || c.entry.size !== o.size) continue
        whole ??= await wholeDigest(c.entry)
        if (whole && o.fileSha256 && whole.equals(o.fileSha256)) match = o
      } else if (o.prefixSha256 && digests.get(o.committedOffset)?.equals(o.prefixSha256)) match = o
      if (match) break
    }
    if (match) {
      moved.add(match)
      moves.push({ l: match, to: c.entry })
    }
  }
  if (!moves.length) return []
  const targets = new Set(moves.map((m) => pathKey(m.to)))
  const movingIds = new Set(moves.map((m) => m.l.fileId))
  const rename = mem.prepare('UPDATE import_files SET path = ?, path_hex = ? WHERE file_id = ?')
  const rowsOf = mem.prepare('SELECT count(*) FROM file_events WHERE file_id = ?').pluck()
  return mem.transaction(() => {
    // A ledger still sitting at a path that now receives another's content had content that is
    // in no file any more (logrotate deleted the oldest): it keeps its rows and is reported as a
    // source that is gone. `#` never occurs in a hex key, so the detached key matches no path.
    for (const l of ledgers)
      if (targets.has(l.hex) && !movingIds.has(l.fileId))
        rename.run(l.path, `${l.hex}#${l.fileId}`, l.fileId)
    for (const m of moves) rename.run(m.l.path, `moving#${m.l.fileId}`, m.l.fileId)
    return moves.map((m) => {
      rename.run(m.to.path, pathKey(m.to), m.l.fileId)
      return {
        fileId: m.l.fileId,
        from: m.l.path,
        to: m.to.path,
        rows: rowsOf.get(m.l.fileId) as number,
      }
    })
  })()
}
