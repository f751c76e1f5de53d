// Plain-text summary of a delta run (or of the lag, for --dry-run), for the terminal.
import type { DeltaResult } from './delta'

const nf = new Intl.NumberFormat('en-US')

export function describeDelta(r: DeltaResult): string {
  const out: string[] = []
  const w = Math.min(40, Math.max(5, ...r.lag.map((t) => t.table.length)))
  if (r.dryRun) {
    const lag = r.lag.reduce((n, t) => n + t.lag, 0)
    out.push(
      `Lag of schema "${r.target.schema}" on ${r.target.url} behind ${r.source.file}: ${nf.format(lag)} row(s) not yet copied`,
    )
  } else {
    out.push(
      `${r.resumed ? 'Resumed and finished' : 'Finished'} delta run ${r.run} ${r.source.file} → schema "${r.target.schema}" on ${r.target.url}: ${nf.format(r.copied)} row(s) copied in ${(r.ms / 1000).toFixed(1)} s`,
    )
    for (const t of r.tables) {
      const parts = [`${nf.format(t.newRows)} new (${t.newBatches} batch(es))`]
      if (t.status === 'ok')
        parts.push(
          `${nf.format(t.changedApplied)} changed via ${t.timeColumn} (${nf.format(t.changedRows)} examined, ${t.changedBatches} batch(es))`,
        )
      else if (t.status === 'compared')
        parts.push(
          `${nf.format(t.changedApplied)} changed (${nf.format(t.changedRows)} compared${t.compared ? `: ${nf.format(t.compared.differing)} of ${nf.format(t.compared.buckets)} key-hash bucket(s) differed, ${nf.format(t.compared.staged)} row(s) re-read` : ''}; ${t.changedBatches} batch(es))`,
        )
      if (t.changedRejected.length)
        parts.push(
          `${t.changedRejected.length} changed row(s) refused: ${t.changedRejected.slice(0, 5).join(', ')}`,
        )
      if (t.deleted.count)
        parts.push(
          `${t.deleted.count} deleted in SQLite${t.deleted.applied ? `, ${t.deleted.applied} deleted on the target` : ' (kept; --delta-deletes deletes them)'}`,
        )
      if (t.deleted.note) parts.push(t.deleted.note)
      out.push(`    ${t.table.padEnd(w)} ${parts.join('; ')}`)
    }
  }
  out.push('  Lag now (rows not yet copied):')
  for (const t of r.lag) {
    const how =
      t.status === 'ok'
        ? `time column ${t.timeColumn}`
        : t.status === 'compared'
          ? `compared: ${t.reason}`
          : `full recopy needed: ${t.reason}`
    const del = t.deletedRows ? `, ${nf.format(t.deletedRows)} deleted in SQLite` : ''
    out.push(
      `    ${t.table.padEnd(w)} ${nf.format(t.lag).padStart(10)}  (${nf.format(t.newRows)} new, ${t.changedRows === null ? '? changed' : `${nf.format(t.changedRows)} changed`}${del}; ${how})`,
    )
  }
  return out.join('\n')
}
