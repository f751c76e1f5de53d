// The "old system" column: the typical workload's questions answered the way the agents answered
// them before memory.db — by listing .claude/ and reading the files: every log streamed line by
// line, every config and context file read and parsed. Only the questions whose data lives in
// files have an equivalent (events ← logs/, configurations ← config/, context sessions ←
// context/); tasks, messages, snapshots … exist only in state.db and are skipped with that reason.
// Each equivalent also names the same question on memory.db's file-derived table, so the answers
// can be checked against each other (the counts must be equal: same files, same parsers).
import { openListed } from '../inventory/open'
import { fileChunks, LineSplitter, LineTooLongError } from '../inventory/stream'
import { walkClaude, type WalkEntry } from '../inventory/walk'
import { configRecords, contextRecord } from '../import/import-whole'
import { parseEventRecord, type EventFields } from '../import/log-event'
import { RecordAssembler } from '../import/log-records'
import { dispose } from '../import/map'
import { Scrubber } from '../import/secrets'

/** A matching record: its sort key (newest first) and the answer's columns. */
interface Hit {
  sort: string
  row: unknown[]
}

export interface FileEquivalent {
  /** The WORKLOAD query it answers. */
  query: string
  source: 'logs' | 'config' | 'context'
  /** How many answer rows the question wants (null: all of them, in `sort` order ascending). */
  limit: number | null
  /** The same question on memory.db: the number of matching rows (before any LIMIT). */
  memoryCountSql: string
  /** Whether the question takes the workload's parameter (the agent). */
  param: boolean
  match: (rec: Record<string, unknown>, param: unknown) => Hit | null
}

const NO_SECRETS = new Scrubber([])

const eventHit = (e: EventFields, cols: (keyof EventFields)[]): Hit => ({
  sort: e.ts ?? '',
  row: cols.map((c) => e[c]),
})

export const FILE_EQUIVALENTS: readonly FileEquivalent[] = [
  {
    query: 'agent_recent_events',
    source: 'logs',
    limit: 50,
    param: true,
    memoryCountSql: 'SELECT count(*) FROM "file_events" WHERE "agent_id" = ?',
    match: (r, a) =>
      r.agentId === a
        ? eventHit(r as unknown as EventFields, ['eventType', 'level', 'message', 'ts'])
        : null,
  },
  {
    query: 'agent_recent_errors',
    source: 'logs',
    limit: 20,
    param: true,
    memoryCountSql:
      'SELECT count(*) FROM "file_events" WHERE "agent_id" = ? AND "level" = \'error\'',
    match: (r, a) =>
      r.agentId === a && r.level === 'error'
        ? eventHit(r as unknown as EventFields, ['eventType', 'message', 'ts'])
        : null,
  },
  {
    query: 'recent_events',
    source: 'logs',
    limit: 50,
    param: false,
    memoryCountSql: 'SELECT count(*) FROM "file_events"',
    match: (r) => eventHit(r as unknown as EventFields, ['agentId', 'eventType', 'level', 'ts']),
  },
  {
    query: 'agent_configuration',
    source: 'config',
    limit: null,
    param: true,
    memoryCountSql: 'SELECT count(*) FROM "file_configurations" WHERE "agent_id" = ?',
    match: (r, a) =>
      r.agentId === a ? { sort: String(r.key), row: [r.key, r.value, r.isSecret ? 1 : 0] } : null,
  },
  {
    query: 'agent_active_sessions',
    source: 'context',
    limit: null,
    param: true,
    memoryCountSql:
      'SELECT count(*) FROM "file_context_sessions" WHERE "agent_id" = ? AND json_valid("metadata") AND json_extract("metadata", \'$.status\') = \'active\'',
    match: (r, a) => {
      if (r.agentId !== a || typeof r.metadata !== 'string') return null
      let status: unknown
      try {
        status = (JSON.parse(r.metadata) as { status?: unknown }).status
      } catch {
        return null
      }
      return status === 'active'
        ? { sort: String(r.createdAt ?? ''), row: [r.sessionId, r.title, r.createdAt] }
        : null
    },
  },
]

/** Streams one log's records as parsed events (the way the agents' own tools tailed them). */
async function eachEvent(
  e: WalkEntry,
  format: 'jsonl' | 'text',
  gz: boolean,
  on: (f: EventFields) => void,
): Promise<void> {
  const fh = await openListed(e.abs, e, e.path)
  const asm = new RecordAssembler(format, (rec) => on(parseEventRecord(format, rec)))
  const split = new LineSplitter((l) => asm.line(l), 0, 1)
  try {
    for await (const chunk of fileChunks(fh, { gz })) split.push(chunk)
    split.finish()
  } catch (err) {
    // A damaged .gz or a runaway line ends that file, as it ends the import's read of it.
    if (!(err instanceof LineTooLongError) && (err as { code?: string }).code !== 'GZIP_DAMAGED')
      throw err
  } finally {
    await fh.close()
  }
  asm.flush()
}

export interface FileAnswer {
  /** Matching records (before the limit). */
  count: number
  rows: unknown[][]
  filesRead: number
}

/** Answers one question from the files under `root`/.claude, from scratch (list, read, parse). */
export async function answerFromFiles(
  root: string,
  q: FileEquivalent,
  param: unknown,
): Promise<FileAnswer> {
  const hits: Hit[] = []
  let count = 0
  let filesRead = 0
  const take = (rec: Record<string, unknown>): void => {
    const h = q.match(rec, param)
    if (!h) return
    count++
    hits.push(h)
    // Keep memory bounded while scanning a big log: only the newest `limit` can be the answer.
    if (q.limit !== null && hits.length > q.limit * 4) {
      hits.sort((x, y) => (x.sort < y.sort ? 1 : x.sort > y.sort ? -1 : 0))
      hits.length = q.limit
    }
  }
  for (const e of walkClaude(root)) {
    if (e.top !== q.source) continue
    const d = dispose(e)
    if (d.action !== 'import') continue
    filesRead++
    if (d.importer === 'log')
      await eachEvent(e, d.format, d.gz, (f) => take(f as unknown as Record<string, unknown>))
    else if (d.importer === 'config' || d.importer === 'context') {
      const fh = await openListed(e.abs, e, e.path)
      let bytes: Buffer
      try {
        bytes = await fh.readFile()
      } finally {
        await fh.close()
      }
      const rel = e.inClaude.slice(q.source.length + 1)
      if (d.importer === 'config')
        for (const r of configRecords(d.format, rel, bytes, NO_SECRETS).rows)
          take(r as unknown as Record<string, unknown>)
      else
        take(contextRecord(d.format, rel, bytes, NO_SECRETS) as unknown as Record<string, unknown>)
    }
  }
  if (q.limit !== null) hits.sort((x, y) => (x.sort < y.sort ? 1 : x.sort > y.sort ? -1 : 0))
  else hits.sort((x, y) => (x.sort < y.sort ? -1 : x.sort > y.sort ? 1 : 0))
  return {
    count,
    rows: (q.limit === null ? hits : hits.slice(0, q.limit)).map((h) => h.row),
    filesRead,
  }
}
