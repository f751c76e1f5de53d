// What p2.rehearsal leaves for p2.validate to compare with: per file its rows and the SHA-256 of
// the bytes imported; per state.db table its rows and digest. A file or table whose content is the
// same in the sandbox and the workspace must give the same rows; one that changed since the
// sandbox was taken (agents kept writing) is listed, not compared.
import type { Difference, Reconciliation } from './reconcile'
import type { ImportRun } from './run'

export interface RehearsalRecord {
  at: string
  backupId: string | null
  ok: boolean
  importMs: number
  reconcileMs: number
  rowsAdded: number
  errors: { path: string; error: string }[]
  files: {
    path: string
    pathHex?: string
    status: string
    rows: number
    fileSha256: string | null
    skipCode: string | null
  }[]
  stateTables: { table: string; rows: number; digest: string }[]
}

const keyOf = (f: { path: string; pathHex?: string }): string =>
  f.pathHex ?? Buffer.from(f.path, 'utf8').toString('hex')

export function rehearsalRecord(
  run: ImportRun,
  rec: Reconciliation,
  fileHashes: Map<string, string>,
  reconcileMs: number,
  backupId: string | null,
): RehearsalRecord {
  return {
    at: new Date().toISOString(),
    backupId,
    ok: rec.ok,
    importMs: run.importMs,
    reconcileMs,
    rowsAdded: run.rowsAdded,
    errors: run.files
      .filter((f) => f.error)
      .map((f) => ({ path: f.path, error: f.error as string })),
    files: run.files.map((f) => ({
      path: f.path,
      ...(f.pathHex ? { pathHex: f.pathHex } : {}),
      status: f.status,
      rows: f.rows ?? 0,
      fileSha256: fileHashes.get(keyOf(f)) ?? null,
      skipCode: f.skip?.code ?? null,
    })),
    stateTables: run.stateTables.map((t) => ({ table: t.table, rows: t.rows, digest: t.digest })),
  }
}

export interface RehearsalComparison {
  compared: true
  at: string
  backupId: string | null
  filesCompared: number
  tablesCompared: number
  changedSinceRehearsal: string[]
  onlyInWorkspace: string[]
  onlyInRehearsal: string[]
  differences: Difference[]
}

export function compareWithRehearsal(
  r: RehearsalRecord,
  run: ImportRun,
  fileHashes: Map<string, string>,
): RehearsalComparison {
  const differences: Difference[] = []
  const changed: string[] = []
  const theirs = new Map(r.files.map((f) => [keyOf(f), f]))
  const ours = new Set<string>()
  let filesCompared = 0
  for (const f of run.files) {
    const k = keyOf(f)
    ours.add(k)
    const t = theirs.get(k)
    if (!t) continue
    const sha = fileHashes.get(k) ?? null
    // Only files read in both runs can be compared; the same bytes must give the same rows.
    if (f.importer === 'state-db' || sha === null || t.fileSha256 === null) continue
    if (sha !== t.fileSha256) {
      changed.push(f.path)
      continue
    }
    filesCompared++
    if (f.status !== t.status)
      differences.push({
        path: f.path,
        what: `rehearsal ${t.status}, real run ${f.status} (same file content)`,
      })
    else if ((f.rows ?? 0) !== t.rows)
      differences.push({
        path: f.path,
        what: 'rows in the rehearsal vs the real run (same file content)',
        expected: t.rows,
        actual: f.rows ?? 0,
      })
  }
  let tablesCompared = 0
  for (const t of run.stateTables) {
    const x = r.stateTables.find((s) => s.table === t.table)
    if (!x) continue
    if (x.digest !== t.digest) {
      changed.push(`.claude/state.db:${t.table}`)
      continue
    }
    tablesCompared++
    if (x.rows !== t.rows)
      differences.push({
        table: t.table,
        what: 'rows in the rehearsal vs the real run',
        expected: x.rows,
        actual: t.rows,
      })
  }
  return {
    compared: true,
    at: r.at,
    backupId: r.backupId,
    filesCompared,
    tablesCompared,
    changedSinceRehearsal: changed,
    onlyInWorkspace: run.files.filter((f) => !theirs.has(keyOf(f))).map((f) => f.path),
    onlyInRehearsal: r.files.filter((f) => !ours.has(keyOf(f))).map((f) => f.path),
    differences,
  }
}
