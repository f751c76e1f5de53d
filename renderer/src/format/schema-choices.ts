// p3.schema's evidence → the rows of the choices panel (violated constraints, column types, the
// DDL side by side), and the panel's draft → the options the backend stores. Pure, so unit-tested.
import type { SchemaOptions, SchemaOptionsInput } from '../../../shared/contract/schema-options'
import type { Evidence } from '../../../shared/contract/types'

export type ConstraintChoice = 'stop' | 'skip-constraint' | 'not-valid' | 'map'

export interface ConstraintRow {
  name: string
  table: string
  kind: 'check' | 'foreign-key'
  definition: string
  violations: number
  values: { value: string | null; count: number }[]
  sampleRows: string[]
  /** The values a CHECK list allows; present when violators can be mapped. */
  allowed: string[] | null
  /** The choice the last run applied, and what it did. */
  applied: ConstraintChoice
  action: 'create' | 'not-valid' | 'skip'
  mapped: { from: string; to: string; rows: number }[]
}

export interface ColumnRow {
  /** `table.column` (source names): the key of a type choice. */
  ref: string
  declared: string
  type: string
  /** Candidate types the values refused, e.g. "jsonb: 1 value is not a JSON object or array". */
  blocked: string[]
  forecastRejects: number
  overridden: boolean
  /** What to know of the values in this type (read as UTC, JSON respelled by jsonb …). */
  notes: string[]
}

export interface DdlRow {
  table: string
  target: string
  sqlite: string
  postgres: string
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v == null ? '' : String(v))
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}

const CHOICES = new Set<ConstraintChoice>(['stop', 'skip-constraint', 'not-valid', 'map'])

/** Every constraint of the pre-flight with violating rows (or mapped ones), in the evidence's order. */
export function constraintRows(evidence: Evidence | null): ConstraintRow[] {
  const pf = obj(evidence?.preflight)
  return arr(pf.constraints)
    .map(obj)
    .filter((c) => num(c.violations) > 0)
    .map((c) => {
      const choice = str(c.choice) as ConstraintChoice
      const action = str(c.action)
      return {
        name: str(c.name),
        table: str(c.table),
        kind: c.kind === 'foreign-key' ? ('foreign-key' as const) : ('check' as const),
        definition: str(c.definition),
        violations: num(c.violations),
        values: arr(c.values).map((v) => {
          const o = obj(v)
          return { value: o.value === null ? null : str(o.value), count: num(o.count) }
        }),
        sampleRows: arr(c.sampleRows).map(str),
        allowed: Array.isArray(c.allowed) ? c.allowed.map(str) : null,
        applied: CHOICES.has(choice) ? choice : 'not-valid',
        action: action === 'create' || action === 'skip' ? action : ('not-valid' as const),
        mapped: arr(c.mapped).map((m) => {
          const o = obj(m)
          return { from: str(o.from), to: str(o.to), rows: num(o.rows) }
        }),
      }
    })
}

/** Every column with its type, the candidates its values refused, and the forecast rejects. */
export function columnRows(evidence: Evidence | null): ColumnRow[] {
  return arr(obj(evidence?.types).columns)
    .map(obj)
    .map((c) => {
      const notes = arr(c.notes).map(str)
      return {
        ref: `${str(c.table)}.${str(c.column)}`,
        declared: str(c.declaredType),
        type: str(c.type),
        blocked: arr(c.rejectedCandidates)
          .map(obj)
          .map(
            (r) =>
              `${str(r.type)}: ${str(r.reason) || `${num(r.count).toLocaleString('en-US')} value(s) do not fit`}`,
          ),
        forecastRejects: num(c.forecastRejects),
        overridden: notes.some((n) => n.startsWith('type chosen by the user')),
        notes: notes.filter((n) => !n.startsWith('type chosen by the user')),
      }
    })
}

export function ddlRows(evidence: Evidence | null): DdlRow[] {
  return arr(evidence?.tables)
    .map(obj)
    .map((t) => ({
      table: str(t.table),
      target: str(t.target),
      sqlite: str(t.sqlite),
      postgres: str(t.postgres),
    }))
}

/** What the panel edits: '' means "the default" (the global choice, or Ferry's type). */
export interface ChoicesDraft {
  identifiers: 'preserve' | 'lower'
  onViolation: 'stop' | 'skip-constraint' | 'not-valid'
  choices: Record<string, ConstraintChoice | ''>
  maps: Record<string, Record<string, string>>
  types: Record<string, string>
}

export function draftFrom(o: SchemaOptions): ChoicesDraft {
  const choices: ChoicesDraft['choices'] = { ...o.choices }
  for (const name of Object.keys(o.maps)) choices[name] = 'map'
  return {
    identifiers: o.identifiers,
    onViolation: o.onViolation,
    choices,
    maps: structuredClone(o.maps),
    types: { ...o.types },
  }
}

/** The draft as stored options: defaults left out, maps kept only for constraints chosen 'map'. */
export function optionsFrom(d: ChoicesDraft): SchemaOptionsInput {
  const choices: Record<string, 'stop' | 'skip-constraint' | 'not-valid'> = {}
  const maps: Record<string, Record<string, string>> = {}
  for (const [name, c] of Object.entries(d.choices)) {
    if (c === 'map')
      maps[name] = Object.fromEntries(
        Object.entries(d.maps[name] ?? {}).filter(([, to]) => to !== ''),
      )
    else if (c !== '') choices[name] = c
  }
  const types = Object.fromEntries(Object.entries(d.types).filter(([, t]) => t !== ''))
  return { identifiers: d.identifiers, onViolation: d.onViolation, choices, maps, types }
}

/**
 * Why the draft cannot be saved yet, or null: a map must give every violating value of its
 * constraint an allowed value (the backend refuses a partial map too; here it is said before).
 */
export function draftProblem(d: ChoicesDraft, rows: ConstraintRow[]): string | null {
  for (const r of rows) {
    if (d.choices[r.name] !== 'map') continue
    const map = d.maps[r.name] ?? {}
    const missing = r.values.filter((v) => v.value === null || !map[v.value])
    if (missing.length)
      return `Map every violating value of ${r.name}: ${missing.map((v) => (v.value === null ? 'NULL (cannot be mapped)' : `'${v.value}'`)).join(', ')}`
  }
  return null
}

/**
 * Saved choices the last run's rows do not show (a first run that failed, or names the schema no
 * longer has): listed apart so they can always be seen and undone.
 */
export function savedElsewhere(
  d: ChoicesDraft,
  constraints: ConstraintRow[],
  columns: ColumnRow[],
): { names: string[]; refs: string[] } {
  const shown = new Set(constraints.map((r) => r.name))
  const cols = new Set(columns.map((c) => c.ref))
  return {
    names: Object.keys(d.choices).filter((n) => !shown.has(n) && d.choices[n] !== ''),
    refs: Object.keys(d.types).filter((r) => !cols.has(r) && d.types[r] !== ''),
  }
}

/** One line for a constraint's outcome in the last run. */
export function outcomeText(r: ConstraintRow): string {
  if (r.mapped.length)
    return `mapped ${r.mapped.map((m) => `'${m.from}' → '${m.to}' (${m.rows.toLocaleString('en-US')} row(s))`).join(', ')}; created valid`
  if (r.action === 'skip') return 'not created (loaded without it)'
  if (r.action === 'not-valid')
    return 'added NOT VALID after the load (violating rows kept and listed)'
  return 'created'
}
