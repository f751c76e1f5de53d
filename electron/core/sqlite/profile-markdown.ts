// The "Data profile" section of .ferry/schema.md: the findings first (what needs a decision), then
// per table what each column holds. Every cell is escaped: values are data, not Markdown.
import { mdCell } from '../steps/schema-markdown'
import type { ProfiledTable } from './profile'
import type { ColumnProfile, Finding, ProfileValue, StorageCounts } from './profile-types'

const nf = new Intl.NumberFormat('en-US')
const CLASSES: (keyof StorageCounts)[] = ['integer', 'real', 'text', 'blob']

const val = (v: ProfileValue | ProfileValue[]): string => {
  if (Array.isArray(v)) return `(${v.map(val).join(', ')})`
  const s = v === null ? 'NULL' : String(v)
  return s.length > 40 ? `${s.slice(0, 40)}…` : s
}

function notes(p: ColumnProfile): string {
  const out: string[] = []
  if (p.json)
    out.push(
      `JSON: ${nf.format(p.json.valid)} valid, ${nf.format(p.json.invalid)} invalid${p.json.nulEscapes ? `, ${p.json.nulEscapes} with \\u0000` : ''}`,
    )
  if (p.timestamps)
    out.push(
      `ISO-8601: ${nf.format(p.timestamps.iso)} (${nf.format(p.timestamps.withZone)} with zone), other ${nf.format(p.timestamps.notIso)}`,
    )
  if (p.boolean)
    out.push(
      `0/1: ${nf.format(p.boolean.zeros)}/${nf.format(p.boolean.ones)}${p.boolean.other ? `, other ${nf.format(p.boolean.other)}` : ''}`,
    )
  if (p.intMin !== null && !p.boolean) out.push(`integers ${p.intMin} … ${p.intMax}`)
  if (p.nulBytes) out.push(`${p.nulBytes} with NUL bytes`)
  if (p.invalidUtf8) out.push(`${p.invalidUtf8} not UTF-8`)
  const nonNull = p.storage.integer + p.storage.real + p.storage.text + p.storage.blob
  const distinct = p.values?.filter((v) => v.type !== 'null').length ?? 0
  if (p.values && !p.boolean) {
    if (distinct * 2 > nonNull) out.push(`${distinct} distinct values`)
    else {
      const shown = p.values.slice(0, 8).map((v) => `${val(v.value)} ×${nf.format(v.count)}`)
      out.push(
        `values: ${shown.join(', ')}${p.values.length > 8 ? `, … (${p.values.length} distinct)` : ''}`,
      )
    }
  } else if (p.highCardinality) out.push('more than 20 distinct values')
  return out.join('; ')
}

function tableProfile(t: ProfiledTable): string[] {
  const lines = [`### ${mdCell(t.name)}`, '']
  if (t.profile.skipped) return [...lines, `Not profiled: ${mdCell(t.profile.skipped)}`, '']
  lines.push(
    `${nf.format(t.profile.rowsScanned)} row${t.profile.rowsScanned === 1 ? '' : 's'} scanned in ${nf.format(t.profile.ms)} ms.`,
    '',
  )
  lines.push(
    '| column | declared | stored as | nulls | max bytes | notes |',
    '|---|---|---|---|---|---|',
  )
  for (const c of t.columns) {
    const p = c.profile
    if (!p) continue
    const stored =
      CLASSES.filter((k) => p.storage[k] > 0)
        .map((k) => `${k} ${nf.format(p.storage[k])}`)
        .join(', ') || '(all NULL)'
    const max = Math.max(p.maxTextBytes ?? 0, p.maxBlobBytes ?? 0)
    lines.push(
      `| ${mdCell(c.name)} | ${mdCell(c.declaredType) || '(none)'} | ${stored} | ${nf.format(p.nulls)} | ${max ? nf.format(max) : ''} | ${mdCell(notes(p))} |`,
    )
  }
  lines.push('')
  for (const fk of t.profile.foreignKeys) {
    const target = `${mdCell(fk.refTable)} (${fk.refColumns.map(mdCell).join(', ')})`
    const what = fk.skipped
      ? `not checked: ${mdCell(fk.skipped)}`
      : fk.orphans
        ? `${nf.format(fk.orphans)} orphans, e.g. ${fk.samples.map((s) => mdCell(val(s))).join(', ')}`
        : 'every reference resolves'
    lines.push(`- (${fk.columns.map(mdCell).join(', ')}) → ${target}: ${what}`)
  }
  for (const chk of t.profile.checks) {
    lines.push(
      `- ${mdCell(chk.column)} IN (${chk.allowed.map(mdCell).join(', ')}) [${chk.source}]: ${chk.outside ? `${nf.format(chk.outside)} outside (${chk.samples.map((s) => `${mdCell(val(s.value))} ×${s.count}`).join(', ')})` : 'all inside'}`,
    )
  }
  if (t.profile.foreignKeys.length || t.profile.checks.length) lines.push('')
  return lines
}

export function renderProfileMarkdown(tables: ProfiledTable[], findings: Finding[]): string {
  const rows = tables.reduce((n, t) => n + t.profile.rowsScanned, 0)
  const lines = [
    '',
    '## Data profile',
    '',
    `What the columns hold, as opposed to what they declare, over ${nf.format(rows)} rows. Phase 3 chooses PostgreSQL types from this (also in schema.json, per column under \`profile\`).`,
    '',
    '### Findings',
    '',
  ]
  if (!findings.length) lines.push('No problems found.', '')
  else {
    lines.push('| table | column | kind | count | samples | detail |', '|---|---|---|---|---|---|')
    for (const f of findings) {
      lines.push(
        `| ${mdCell(f.table)} | ${mdCell(f.column)} | ${f.kind} | ${nf.format(f.count)} | ${mdCell(f.samples.map(val).join(', '))} | ${mdCell(f.detail)} |`,
      )
    }
    lines.push('')
  }
  return [...lines, ...tables.flatMap(tableProfile)].join('\n')
}
