// context/ → file_context_sessions (one row per file) and config/ → file_configurations (one row
// per key). These files are small and rewritten whole by agents, so they are read whole: an
// unchanged file (same SHA-256) is left alone, an edited one has its own rows replaced in one
// transaction with its ledger row.
import type { WalkEntry } from '../inventory/walk'
import { decodeUtf16, encodeUtf16, firstInvalidUtf8 } from '../inventory/names'
import { osError, readListed } from '../inventory/open'
import { type ConfigFormat, type ConfigRow, parseConfig } from './config-parse'
import { type ContextFormat, type ContextRow, parseContext } from './context-parse'
import { createLedger, findLedger, rowStats, saveFinished } from './ledger'
import type { FileOutcome, ImportContext } from './outcome'
import { sha256Of as sha256 } from './read-log'
import type { Scrubber } from './secrets'

export interface ConfigRecord extends ConfigRow {
  scope: 'agent' | 'global'
  agentId: string | null
  redactions: number
  sha256: Buffer
}

export interface ContextRecord extends ContextRow {
  redactions: number
  sha256: Buffer
}

export function configRowHash(r: Omit<ConfigRecord, 'sha256' | 'redactions' | 'index'>): Buffer {
  return sha256(
    JSON.stringify([r.scope, r.agentId, r.key, r.value, r.isSecret ? 1 : 0, r.line, r.parseError]),
  )
}

/** The rows a config file gives, or why it gives none. Used by the import, the plan and the check. */
export function configRecords(
  format: ConfigFormat,
  inConfig: string,
  bytes: Buffer,
  scrub: Scrubber,
): {
  rows: ConfigRecord[]
  skip: { code: string; reason: string } | null
  secrets: number
  /** 'jsonc': read without its comments and trailing commas (config-parse.ts). */
  dialect?: 'jsonc'
} {
  const utf16 = decodeUtf16(bytes)
  const bad = utf16 ? -1 : firstInvalidUtf8(bytes)
  if (bad >= 0)
    return {
      rows: [],
      secrets: 0,
      skip: {
        code: 'invalid-utf-8',
        reason: `not valid UTF-8 (byte ${bad + 1}): a config file is not stored as raw bytes, because it may hold secrets`,
      },
    }
  const p = parseConfig(format, utf16 ? utf16.text : bytes.toString('utf8'))
  if (p.problem)
    return {
      rows: [],
      secrets: 0,
      skip: {
        code: 'parse-error',
        reason: `${p.problem.message}; the file's keys are not imported until it parses`,
      },
    }
  const top = p.rows.find(
    (r) => (r.key === 'agent_id' || r.key === 'agent') && r.value?.startsWith('"'),
  )
  const name = inConfig.slice(inConfig.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '')
  const agentId = top?.value
    ? (JSON.parse(top.value) as string)
    : /(^|\/)agents\/[^/]+$/.test(inConfig)
      ? name
      : null
  const scope = agentId ? 'agent' : 'global'
  const rows = p.rows.map((r) => {
    const s = r.value && !r.isSecret ? scrub.text(r.value) : { value: r.value, hits: 0 }
    const row = { ...r, value: s.value, scope, agentId } as const
    return { ...row, redactions: s.hits, sha256: configRowHash(row) }
  })
  return {
    rows,
    skip: null,
    secrets: rows.filter((r) => r.isSecret).length,
    ...(p.dialect ? { dialect: p.dialect } : {}),
  }
}

export function contextRecord(
  format: ContextFormat,
  inContext: string,
  bytes: Buffer,
  scrub: Scrubber,
): ContextRecord {
  // Secrets are found in a UTF-16 file's text (its bytes hold them as UTF-16), and the scrubbed
  // text is encoded back: with nothing to scrub, the very same bytes.
  const utf16 = decodeUtf16(bytes)
  const t = utf16 ? scrub.text(utf16.text) : null
  const s =
    utf16 && t
      ? { value: t.hits ? encodeUtf16(t.value, utf16.encoding) : bytes, hits: t.hits }
      : scrub.buffer(bytes)
  const row = parseContext(format, inContext, s.value)
  return { ...row, redactions: s.hits, sha256: sha256(row.raw) }
}

const under = (e: WalkEntry, dir: string): string => e.inClaude.slice(dir.length + 1)

export async function importWhole(
  ctx: ImportContext,
  e: WalkEntry,
  importer: 'context' | 'config',
  format: ContextFormat | ConfigFormat,
): Promise<FileOutcome> {
  const { mem } = ctx
  const table = importer === 'context' ? 'file_context_sessions' : 'file_configurations'
  const base = {
    path: e.path,
    ...(e.pathHex ? { pathHex: e.pathHex } : {}),
    importer,
    format,
    table,
  }
  let bytes: Buffer
  try {
    bytes = await readListed(e.abs, e, e.path)
  } catch (err) {
    const x = osError(err)
    return {
      ...base,
      status: 'skipped',
      skip: { code: 'read-error', reason: `cannot be read: ${x.code} ${x.message}` },
    }
  }
  ctx.bytes(bytes.length)
  const fileSha = sha256(bytes)
  const found = findLedger(mem, e)
  if (found?.fileSha256?.equals(fileSha)) {
    const secrets =
      importer === 'config'
        ? (mem
            .prepare('SELECT count(*) FROM file_configurations WHERE file_id = ? AND is_secret = 1')
            .pluck()
            .get(found.fileId) as number)
        : undefined
    return {
      ...base,
      status: 'imported',
      action: 'unchanged',
      added: 0,
      removed: 0,
      ...rowStats(mem, table, found.fileId),
      ...(secrets !== undefined ? { secrets } : {}),
      error: null,
    }
  }
  if (importer === 'config') {
    const c = configRecords(format as ConfigFormat, under(e, 'config'), bytes, ctx.scrub)
    if (c.skip) {
      const kept = found ? rowStats(mem, table, found.fileId).rows : 0
      return {
        ...base,
        status: 'skipped',
        skip: {
          ...c.skip,
          reason: kept
            ? `${c.skip.reason} (${kept} rows from an earlier import are kept)`
            : c.skip.reason,
        },
      }
    }
    const insert = mem.prepare(
      'INSERT INTO file_configurations (file_id, source_index, source_line, scope, agent_id, config_key, config_value, is_secret, content_sha256, parse_error, redactions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    const r = replace(
      ctx,
      e,
      importer,
      c.dialect ?? String(format),
      found?.fileId,
      bytes.length,
      fileSha,
      (fileId) => {
        for (const x of c.rows)
          insert.run(
            fileId,
            x.index,
            x.line,
            x.scope,
            x.agentId,
            x.key,
            x.value,
            x.isSecret ? 1 : 0,
            x.sha256,
            x.parseError,
            x.redactions,
          )
        return c.rows.length
      },
    )
    await ctx.afterBatch()
    return {
      ...base,
      ...(c.dialect ? { format: c.dialect } : {}),
      status: 'imported',
      action: found ? 'replaced' : 'new',
      ...r,
      secrets: c.secrets,
      error: null,
    }
  }
  const x = contextRecord(format as ContextFormat, under(e, 'context'), bytes, ctx.scrub)
  const insert = mem.prepare(
    'INSERT INTO file_context_sessions (file_id, format, folder, agent_id, session_id, title, created_at, body, metadata, raw, content_sha256, parse_error, redactions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  const r = replace(
    ctx,
    e,
    importer,
    String(format),
    found?.fileId,
    bytes.length,
    fileSha,
    (fileId) => {
      insert.run(
        fileId,
        x.format,
        x.folder,
        x.agentId,
        x.sessionId,
        x.title,
        x.createdAt,
        x.body,
        x.metadata,
        x.raw,
        x.sha256,
        x.parseError,
        x.redactions,
      )
      return 1
    },
  )
  await ctx.afterBatch()
  return { ...base, status: 'imported', action: found ? 'replaced' : 'new', ...r, error: null }
}

function replace(
  ctx: ImportContext,
  e: WalkEntry,
  importer: string,
  format: string,
  fileId: number | undefined,
  size: number,
  fileSha: Buffer,
  insertRows: (fileId: number) => number,
) {
  const { mem } = ctx
  const table = importer === 'context' ? 'file_context_sessions' : 'file_configurations'
  let removed = 0
  let added = 0
  let id = fileId
  mem.transaction(() => {
    id ??= createLedger(mem, e, importer, format, ctx.now()).fileId
    removed = mem.prepare(`DELETE FROM ${table} WHERE file_id = ?`).run(id).changes
    added = insertRows(id)
    saveFinished(mem, id, { size, fileSha256: fileSha, error: null, now: ctx.now() })
  })()
  ctx.rows?.(added)
  return { added, removed, ...rowStats(mem, table, id as number) }
}
