// The plan's DDL as text, for people: the versioned migration p3.schema applies (tables, before
// the load), the statements the post-load phase will run (keys, indexes, foreign keys, CHECKs,
// views — in the pre-flight's terms), and each table side by side with its SQLite definition
// (the UI shows it as a diff-style preview).
import { createTableSql, foreignKeySql, indexItemsSql, preloadDdl } from './ddl'
import { viewColumnList } from './ddl-extra'
import { q, qq } from './names'
import { FERRY_TABLES } from './translate'
import type { MigrationPlan } from './types'

export function migrationUpSql(plan: MigrationPlan, source: string): string {
  const stmts = preloadDdl(plan).filter((s) => !s.startsWith('CREATE SCHEMA'))
  return [
    `-- Ferry p3.schema: the tables of ${source}, translated (types from the values present).`,
    `-- Keys, indexes, foreign keys, CHECKs and views are added after the load (see the step's evidence).`,
    ...stmts.map((s) => `${s};`),
    '',
  ].join('\n')
}

export function migrationDownSql(plan: MigrationPlan): string {
  const names = [...plan.tables.map((t) => t.target), ...FERRY_TABLES]
  return [
    '-- Undo of the Ferry p3.schema migration: drops the tables it created (and their data).',
    ...(plan.views ?? []).map((v) => `DROP VIEW IF EXISTS ${qq(plan.schema, v.target)} CASCADE;`),
    ...names.map((n) => `DROP TABLE IF EXISTS ${qq(plan.schema, n)} CASCADE;`),
    ...(plan.collations ?? []).map((n) => `DROP COLLATION IF EXISTS ${qq(plan.schema, n)};`),
    '',
  ].join('\n')
}

export function postLoadSql(plan: MigrationPlan): string {
  const out: string[] = ['-- After the load:']
  for (const t of plan.tables) {
    const T = qq(plan.schema, t.target)
    for (const c of t.columns.filter((x) => x.generatedSql))
      out.push(
        `-- if (${c.generatedSql}) gives every loaded ${c.target}: ${c.target} becomes GENERATED ALWAYS AS (${c.generatedSql}) STORED (the column is re-added, last)`,
      )
    if (t.primaryKey)
      out.push(
        `ALTER TABLE ${T} ADD CONSTRAINT ${q(t.primaryKey.name)} PRIMARY KEY (${t.primaryKey.columns.map(q).join(', ')});`,
      )
    for (const u of t.uniques)
      out.push(
        `ALTER TABLE ${T} ADD CONSTRAINT ${q(u.name)} UNIQUE (${u.columns.map(q).join(', ')});`,
      )
    for (const ix of t.indexes) {
      out.push(
        `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${q(ix.name)} ON ${T} USING ${ix.method} (${indexItemsSql(plan.schema, ix)})${ix.where ? ` WHERE ${ix.where}` : ''};`,
      )
    }
    for (const fk of t.foreignKeys) {
      const stmt = `ALTER TABLE ${T} ADD CONSTRAINT ${q(fk.name)} ${foreignKeySql(plan.schema, fk)} NOT VALID;`
      out.push(fk.action === 'skip' ? `-- skipped (violations, skip-constraint): ${stmt}` : stmt)
      if (fk.action !== 'skip')
        out.push(
          `${fk.action === 'not-valid' ? '-- stays NOT VALID (violations): ' : ''}ALTER TABLE ${T} VALIDATE CONSTRAINT ${q(fk.name)};`,
        )
    }
    for (const ck of t.checks ?? []) {
      const stmt = `ALTER TABLE ${T} ADD CONSTRAINT ${q(ck.name)} CHECK (${ck.sql}) NOT VALID;`
      out.push(ck.action === 'skip' ? `-- skipped (violations, skip-constraint): ${stmt}` : stmt)
      if (ck.action !== 'skip')
        out.push(
          `${ck.action === 'not-valid' ? '-- stays NOT VALID (violations): ' : ''}ALTER TABLE ${T} VALIDATE CONSTRAINT ${q(ck.name)};`,
        )
    }
    for (const c of t.columns.filter((x) => x.identity))
      out.push(
        `-- the identity of ${t.target}.${c.target} continues after max(${c.target})${t.autoincrementSeq ? ` and SQLite's AUTOINCREMENT counter ${t.autoincrementSeq}` : ''} (setval)`,
      )
  }
  for (const v of plan.views ?? [])
    out.push(`CREATE VIEW ${qq(plan.schema, v.target)}${viewColumnList(v)} AS ${v.sql};`)
  return out.join('\n')
}

/** Each table's SQLite definition next to its PostgreSQL one (for a diff-style preview). */
export function tableDiffs(
  plan: MigrationPlan,
  sqliteSql: Map<string, string | null>,
): { table: string; target: string; sqlite: string; postgres: string }[] {
  return plan.tables.map((t) => ({
    table: t.source,
    target: t.target,
    sqlite: sqliteSql.get(t.source) ?? '',
    postgres: `${createTableSql(plan.schema, t)};`,
  }))
}
