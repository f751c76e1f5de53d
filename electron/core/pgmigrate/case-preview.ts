// The identifier preview: which names change spelling under the chosen policy (applications
// break on case changes), which keep a spelling PostgreSQL folds (so every query must quote
// them), and what the other policy would change — shown before anything is created.
import { applyPolicy, type IdentifierPolicy } from './names'
import type { MigrationPlan, NameChange } from './types'

/** Words PostgreSQL reserves (a column named like this must always be quoted). */
const RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create ' +
    'current_catalog current_date current_role current_time current_timestamp current_user default deferrable ' +
    'desc distinct do else end except false fetch for foreign from grant group having in initially intersect ' +
    'into lateral leading limit localtime localtimestamp not null offset on only or order placing primary ' +
    'references returning select session_user some symmetric table then to trailing true union unique user ' +
    'using variadic when where window with authorization binary collation concurrently cross freeze full ilike ' +
    'inner is isnull join left like natural notnull outer overlaps right similar tablesample verbose'
  ).split(' '),
)

export interface CasePreview {
  policy: IdentifierPolicy
  /** Every identifier whose spelling changes under the policy (case, or shortened over 63 bytes). */
  changed: NameChange[]
  /** Target names an application must always double-quote (upper case, spaces, reserved words). */
  mustQuote: { kind: 'table' | 'column'; table: string | null; name: string; why: string }[]
  /** How many identifiers the other policy would change, and the first of them. */
  otherPolicy: {
    policy: IdentifierPolicy
    changes: number
    sample: { source: string; target: string }[]
  }
}

function quoteReason(name: string): string | null {
  if (RESERVED.has(name)) return 'reserved word'
  if (name !== name.toLowerCase())
    return 'upper-case letters (an unquoted name folds to lower case)'
  if (!/^[a-z_][a-z0-9_$]*$/.test(name)) return 'characters outside a-z, 0-9, _'
  return null
}

export function casePreview(plan: MigrationPlan): CasePreview {
  const policy = plan.options?.identifiers ?? 'preserve'
  const mustQuote: CasePreview['mustQuote'] = []
  const other: IdentifierPolicy = policy === 'preserve' ? 'lower' : 'preserve'
  const otherChanges: { source: string; target: string }[] = []
  const consider = (
    kind: 'table' | 'column',
    table: string | null,
    source: string,
    target: string,
  ): void => {
    const why = quoteReason(target)
    if (why) mustQuote.push({ kind, table, name: target, why })
    const alt = applyPolicy(source, other)
    if (alt !== target)
      otherChanges.push({ source: table ? `${table}.${source}` : source, target: alt })
  }
  for (const t of plan.tables) {
    consider('table', null, t.source, t.target)
    for (const c of t.columns) consider('column', t.source, c.source, c.target)
  }
  return {
    policy,
    changed: plan.names,
    mustQuote,
    otherPolicy: { policy: other, changes: otherChanges.length, sample: otherChanges.slice(0, 50) },
  }
}
