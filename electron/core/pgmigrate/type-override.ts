// Per-column type choices (`--type table.column=pgtype`, or the p3.schema step's `types` map).
// A choice names a real column and a type the loader can write; the values that do not fit it
// are counted and sampled before any data moves, and at load time they go to the reject log.
import { FerryError } from '../../../shared/contract/envelope'
import { OVERRIDE_TYPES as SHARED_OVERRIDE_TYPES } from '../../../shared/contract/schema-options'
import type { TableInfo } from '../sqlite/introspect'
import { quoteIdent, type SqliteDb } from '../sqlite/open'
import type { Decision } from './decide'
import { BLOCKS, binary, sampleBlockers } from './profile'
import type { PgType, TableKey } from './types'

export const OVERRIDE_TYPES: readonly PgType[] = SHARED_OVERRIDE_TYPES

const ALIASES: Record<string, string> = {
  int8: 'bigint',
  float8: 'double precision',
  bool: 'boolean',
  'timestamp with time zone': 'timestamptz',
}

/** `orders.total=numeric(10,2)` → ['orders', 'total', 'numeric(10,2)'] (the last dot before '=' splits). */
export function parseTypeSpec(spec: string): { table: string; column: string; type: string } {
  const eq = spec.lastIndexOf('=')
  const left = eq > 0 ? spec.slice(0, eq) : ''
  const dot = left.lastIndexOf('.')
  if (eq <= 0 || dot <= 0 || dot === left.length - 1 || eq === spec.length - 1)
    throw new FerryError(
      'BAD_TYPE_OVERRIDE',
      `"${spec}" is not a type choice of the form table.column=type`,
      `Write it like --type agents.configuration=jsonb; types: ${OVERRIDE_TYPES.join(', ')}, numeric(p,s).`,
    )
  return { table: left.slice(0, dot), column: left.slice(dot + 1), type: spec.slice(eq + 1).trim() }
}

export function checkOverrideType(raw: string, where: string): string {
  const t = raw.trim().toLowerCase().replace(/\s+/g, ' ')
  const a = ALIASES[t] ?? t
  if ((OVERRIDE_TYPES as readonly string[]).includes(a)) return a
  const m = /^numeric\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$/.exec(a)
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 1000 && Number(m[2] ?? 0) <= Number(m[1]))
    return `numeric(${m[1]},${m[2] ?? 0})`
  throw new FerryError(
    'BAD_TYPE_OVERRIDE',
    `Unknown or unsupported type "${raw}" for ${where}`,
    `Choose one of: ${OVERRIDE_TYPES.join(', ')}, numeric(p,s) (p 1–1000, s ≤ p).`,
  )
}

/** Checks every choice against the source schema; the map is keyed `table\0column` (source names). */
export function checkOverrides(
  infos: TableInfo[],
  types: Record<string, string>,
): Map<string, string> {
  const out = new Map<string, string>()
  for (const [ref, raw] of Object.entries(types)) {
    const { table, column } = parseTypeSpec(`${ref}=${raw}`)
    const info =
      infos.find((t) => t.name === table) ??
      infos.find((t) => t.name.toLowerCase() === table.toLowerCase())
    if (!info)
      throw new FerryError(
        'BAD_TYPE_OVERRIDE',
        `--type ${ref}: the database has no table "${table}"`,
        `Tables: ${infos
          .map((t) => t.name)
          .slice(0, 30)
          .join(', ')}.`,
      )
    const col =
      info.columns.find((c) => c.name === column) ??
      info.columns.find((c) => c.name.toLowerCase() === column.toLowerCase())
    if (!col || col.hidden === 1)
      throw new FerryError(
        'BAD_TYPE_OVERRIDE',
        `--type ${ref}: table "${info.name}" has no column "${column}"`,
        `Columns of ${info.name}: ${info.columns.map((c) => c.name).join(', ')}.`,
      )
    out.set(`${info.name}\u0000${col.name}`, checkOverrideType(raw, `${info.name}.${col.name}`))
  }
  return out
}

/** The user's type instead of Ferry's decision, with the values that will not fit counted. */
export function applyTypeOverride(
  db: SqliteDb,
  table: string,
  key: TableKey,
  primaryKey: string[],
  column: string,
  decided: Decision,
  wanted: string,
): Decision & { overriddenFrom: string } {
  const m = /^numeric\((\d+),(\d+)\)$/.exec(wanted)
  const type = (m ? 'numeric' : wanted) as PgType
  const bounds = m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined
  const from =
    decided.type === 'numeric' && decided.precision !== null
      ? `numeric(${decided.precision},${decided.scale ?? 0})`
      : decided.type
  const pred = BLOCKS[type]!(binary(column), bounds)
  const blocking = Number(
    db
      .prepare(`SELECT count(*) FROM ${quoteIdent(table)} WHERE ${pred}`)
      .pluck()
      .safeIntegers(true)
      .get() as bigint,
  )
  const notes = [`type chosen by the user (Ferry's choice from the values: ${from})`]
  if (blocking > 0) {
    const s = sampleBlockers(db, table, key, primaryKey, column, type, bounds)
    notes.push(
      `${blocking} value(s) do not fit ${wanted} and will go to the reject log (${s.labels.join('; ')})`,
    )
  }
  return {
    type,
    precision: bounds?.precision ?? null,
    scale: bounds?.scale ?? null,
    rejected: [],
    notes,
    forecastRejects: blocking,
    overriddenFrom: from,
  }
}
