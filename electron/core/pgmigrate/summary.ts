// Plain-text summaries of a migration and a validation, for the terminal. The JSON result is the
// full record; this is what a person reads first: counts, what was refused, what is not carried.
import type { MigrateResult } from './migrate'
import type { ValidationResult } from './validate'
import type { ValidateRunResult } from './validate-run'
import { keyDisplay } from '../../../shared/contract/row-key'
import { NO_VALUES } from './decide'

const nf = new Intl.NumberFormat('en-US')
const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
/** `count(1, 'table')` → "1 table", `count(2000, 'row')` → "2,000 rows". */
const count = (n: number, noun: string): string => `${nf.format(n)} ${noun}${n === 1 ? '' : 's'}`

/** Column notes that tell of a change of form: JSON respelled, numbers read as times, text as bytes. */
const NOTEWORTHY =
  /^(jsonb keeps the JSON|timestamptz keeps the instant|timestamptz reads a time without|epoch seconds|ISO-8601 dates without|declared BLOB: )/
const NOTES_SHOWN = 12
const RENAMES_SHOWN = 20

export function describeMigration(r: MigrateResult): string {
  const loaded = r.tables.reduce((n, t) => n + t.loadedRows, 0)
  const rejected = r.tables.reduce((n, t) => n + t.rejectedRows, 0)
  const out = [
    `${r.resumed ? 'Resumed and finished' : 'Migrated'} ${r.source.file} → schema "${r.target.schema}" on ${r.target.url} (PostgreSQL ${r.target.server})`,
    `  ${count(r.tables.length, 'table')}: ${count(loaded, 'row')} loaded, ${nf.format(rejected)} rejected; load ${sec(r.timings.loadMs)} (${nf.format(r.rowsPerSec)} rows/s), keys and indexes ${sec(r.timings.constraintsMs)}, total ${sec(r.timings.totalMs)}`,
  ]
  const w = Math.min(40, Math.max(5, ...r.tables.map((t) => t.table.length)))
  for (const t of r.tables) {
    const resumed = t.resumedBatches ? `  (${t.resumedBatches} batch(es) already committed)` : ''
    out.push(
      `    ${t.table.padEnd(w)} ${nf.format(t.loadedRows).padStart(12)} ${t.loadedRows === 1 ? 'row ' : 'rows'}${t.rejectedRows ? `, ${nf.format(t.rejectedRows)} rejected` : ''}${resumed}`,
    )
  }
  const typed = r.columns.filter((c) => c.type !== 'text')
  // An empty column's type is its declared type's: "typed from their values" would overstate it.
  const unseen = typed.filter((c) => c.notes.includes(NO_VALUES)).length
  const kinds = countBy(typed.map((c) => c.type.replace(' (identity)', '').replace(/\(.*\)/, '')))
  out.push(
    r.columns.length === 0
      ? "  The database has no tables (an empty file, or only SQLite's internal tables): nothing to copy"
      : typed.length === 0
        ? `  Types: all ${count(r.columns.length, 'column')} text`
        : unseen === 0
          ? `  Types: ${nf.format(typed.length)} of ${nf.format(r.columns.length)} columns typed from their values (${kinds})`
          : `  Types: ${nf.format(typed.length)} of ${nf.format(r.columns.length)} columns typed (${kinds}): ${nf.format(typed.length - unseen)} from their values, ${nf.format(unseen)} from the declared type alone (no values yet)`,
  )
  for (const c of r.columns) {
    for (const x of c.rejectedCandidates)
      out.push(
        `    ${c.table}.${c.column} stays ${c.type}, not ${x.type}: ${x.reason} (${x.sampleRows.join('; ')})`,
      )
  }
  const noted = r.columns.flatMap((c) =>
    c.notes
      .filter((n) => NOTEWORTHY.test(n))
      .map((n) => `    ${c.table}.${c.column} (${c.type}): ${n}`),
  )
  if (noted.length) {
    out.push('  Values PostgreSQL will show in another form (nothing is lost):')
    out.push(...noted.slice(0, NOTES_SHOWN))
    if (noted.length > NOTES_SHOWN)
      out.push(`    … ${noted.length - NOTES_SHOWN} more in --json (columns[].notes)`)
  }
  // Under --identifiers lower nearly every name changes: the first ones, then a count.
  for (const n of r.names.slice(0, RENAMES_SHOWN))
    out.push(`  Renamed ${n.kind} "${n.source}" → "${n.target}" (${n.reason})`)
  if (r.names.length > RENAMES_SHOWN)
    out.push(
      `  … and ${nf.format(r.names.length - RENAMES_SHOWN)} more renamed (${countBy(r.names.slice(RENAMES_SHOWN).map((n) => n.kind))}); all of them in --json (names)`,
    )
  const pf = r.preflight
  if (pf) {
    const hit = pf.constraints.filter((c) => c.violations > 0)
    out.push(
      `  Pre-flight (before loading): ${nf.format(pf.checked)} CHECK / foreign-key constraint(s) checked, ${hit.length} with violating rows (choice: ${pf.onViolation})`,
    )
    for (const c of hit)
      out.push(
        c.mapped
          ? `    ${c.table}: ${c.name}: ${nf.format(c.violations)} row(s) mapped as chosen (${c.mapped.map((m) => `${m.column} '${m.from}' → '${m.to}' ×${m.rows}`).join(', ')}), constraint created valid; validation compares the source as mapped; e.g. ${c.sampleRows.slice(0, 3).join('; ')}`
          : `    ${c.table}: ${c.name}: ${nf.format(c.violations)} row(s) → ${c.action}${c.values.length ? `; values ${c.values.map((v) => `${v.value ?? 'NULL'} ×${v.count}`).join(', ')}` : ''}; e.g. ${c.sampleRows.slice(0, 3).join('; ')}`,
      )
    for (const c of pf.constraints.filter((x) => x.unchecked))
      out.push(`    ${c.table}: ${c.name}: not checked before loading — ${c.unchecked}`)
  }
  if (r.casePreview?.changed.length)
    out.push(
      `  Identifiers (${r.casePreview.policy}): ${r.casePreview.changed.length} changed spelling (listed above as Renamed)`,
    )
  const bad = r.constraints.filter(
    (c) => c.status === 'failed' || c.status === 'not-valid' || c.status === 'skipped',
  )
  out.push(
    `  Keys, indexes, foreign keys, CHECKs, views: ${nf.format(r.constraints.filter((c) => c.status === 'created' || c.status === 'existed').length)} in place${bad.length ? `, ${bad.length} need attention:` : ''}`,
  )
  for (const c of bad) out.push(`    ${c.table}: ${c.kind} ${c.name} ${c.status}: ${c.detail}`)
  if (r.notCarried.length) {
    out.push(`  Not carried over (${r.notCarried.length}):`)
    for (const f of r.notCarried)
      out.push(
        `    ${f.kind}${f.table && f.table !== f.name ? ` on ${f.table}` : ''} "${f.name}": ${f.detail}`,
      )
  }
  if (r.rejects.total) {
    out.push(
      `  Reject log: ${nf.format(r.rejects.total)} value(s) in "${r.target.schema}".ferry_rejects (rows not loaded, raw value kept as hex):`,
    )
    for (const x of r.rejects.rows.slice(0, 10))
      out.push(
        `    ${x.table} key ${keyDisplay(x.key)}${x.column ? ` column ${x.column}` : ''}: ${x.reason}`,
      )
  }
  if (r.validation) {
    out.push(...describeValidation(r.validation))
    if (!r.validation.equal && r.validation.sourceChanged)
      out.push(deltaHint(r.source.file, r.target.schema, r.validation))
  } else
    out.push(
      '  Validation skipped (--no-validate); run "ferry validate-sqlite" with the same arguments to compare.',
    )
  return out.join('\n')
}

export function describeValidateRun(r: ValidateRunResult): string {
  return [
    `Validated ${r.source.file} against schema "${r.target.schema}" on ${r.target.url}`,
    ...describeValidation(r.validation),
    ...(r.validation.equal
      ? []
      : [
          // The usual cause after a good load: agents kept writing to SQLite (the plan keeps the
          // old system running). A delta carries exactly that; anything left is a real difference.
          deltaHint(r.source.file, r.target.schema, r.validation),
        ]),
  ].join('\n')
}

function deltaHint(file: string, schema: string, v: ValidationResult): string {
  return `  → ${v.sourceChanged ? 'SQLite was written to' : 'If SQLite was written to'} since the load, "ferry migrate-sqlite ${file} --target <url> --schema ${schema} --delta" copies those changes${extraInTarget(v) ? ' (add --delta-deletes to delete the rows deleted from SQLite since)' : ''}; validate again after it${v.sourceChanged ? ' (for a final equal validation, stop the programs writing to it first)' : ''}. Rows still different then are listed above by key (the Migration screen compares them side by side).`
}

/** PostgreSQL holds rows SQLite no longer has (deleted there since the load). */
const extraInTarget = (v: ValidationResult): boolean =>
  v.tables.some(
    (t) =>
      !t.equal &&
      (t.targetRows > t.expectedRows || !!t.differences?.some((d) => d.kind === 'extra-in-target')),
  )

function describeValidation(v: ValidationResult): string[] {
  const out = [
    v.equal
      ? `  Validation: every table equal — row count and checksum (${count(v.tables.length, 'table')}, ${sec(v.ms)}; source side ${v.tables[0]?.method === 'ledger' ? "from the load's ledger" : 're-read from SQLite'})`
      : `  Validation: ${v.differentTables.length} table(s) DIFFERENT: ${v.differentTables.join(', ')}`,
  ]
  if (!v.equal && v.sourceChanged)
    out.push(
      '    SQLite was written to by another program during this run (its data_version moved): rows written after Ferry read them show as differences until a delta copies them.',
    )
  for (const t of v.tables.filter((x) => !x.equal)) {
    out.push(
      `    ${t.table}: expected ${count(t.expectedRows, 'row')} (${nf.format(t.sourceRows)} in SQLite, ${nf.format(t.rejectedRows)} in the reject log), ${nf.format(t.targetRows)} in PostgreSQL; checksums ${t.sourceChecksum} vs ${t.targetChecksum}${t.unloadableRows ? `; ${t.unloadableRows} row(s) neither loaded nor in the reject log${v.sourceChanged ? ' (rows added while the load ran are among them)' : ''}` : ''}`,
    )
    if (t.differences?.length)
      out.push(
        `      differing rows (key: what): ${t.differences.map((d) => `${keyDisplay(d.key)}: ${d.kind}`).join(', ')} (${t.bisectNote})`,
      )
    else if (t.bisectNote) out.push(`      ${t.bisectNote}`)
  }
  return out
}

function countBy(xs: string[]): string {
  const m = new Map<string, number>()
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1)
  return [...m].map(([k, n]) => `${nf.format(n)} ${k}`).join(', ')
}
