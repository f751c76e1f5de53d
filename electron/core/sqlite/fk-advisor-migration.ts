// The advisor's output as a migration file pair. The text is deterministic for a given advice (no
// timestamps), so an unapplied draft can be compared with fresh advice; each index is also listed
// in a `-- ferry:index {json}` comment so the file alone says what it created and why.
import type { FkIndexProposal, FkReason } from './fk-advisor'

export const FK_MIGRATION_SLUG = 'fk_indexes'

export interface FkMigrationEntry {
  index: string
  table: string
  columns: string[]
  reason: FkReason
  references: string | null
}

export function renderFkMigration(proposals: readonly FkIndexProposal[]): {
  up: string
  down: string
} {
  const up = [
    '-- Ferry p1.fk-indexes: an index for every foreign-key column of state.db that had none.',
    '-- Written once by the index advisor from this database\u2019s schema; immutable once applied',
    '-- (its SHA-256 is recorded in schema_migrations). The .down.sql beside it drops exactly these.',
    ...proposals.map((p) => {
      const entry: FkMigrationEntry = {
        index: p.index,
        table: p.table,
        columns: p.columns,
        reason: p.reason,
        references: p.references,
      }
      return `-- ferry:index ${JSON.stringify(entry)}`
    }),
    '',
    ...proposals.map((p) => `${p.sql};`),
    '',
  ].join('\n')
  const down = [
    '-- Undo of Ferry p1.fk-indexes: drops the indexes the migration created, and nothing else.',
    '',
    ...proposals.map((p) => `${p.downSql};`),
    '',
  ].join('\n')
  return { up, down }
}

export function parseFkMigration(sql: string): FkMigrationEntry[] {
  const out: FkMigrationEntry[] = []
  for (const line of sql.split(/\r?\n/)) {
    const m = /^-- ferry:index (\{.*\})\s*$/.exec(line)
    if (!m) continue
    try {
      out.push(JSON.parse(m[1]!) as FkMigrationEntry)
    } catch {
      // A hand-edited comment is the checksum's business, not this parser's.
    }
  }
  return out
}
