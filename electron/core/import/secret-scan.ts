// Before anything is imported, every secret value the workspace declares is collected: from the
// config files (by key) and from state.db rows flagged is_secret or columns named like secrets.
// Logs are imported first (non-critical data first), so the list must exist before they are read.
import type Database from 'better-sqlite3'
import { readListed } from '../inventory/open'
import type { WalkEntry } from '../inventory/walk'
import { quoteIdent } from '../sqlite/open'
import { type ConfigFormat, parseConfig } from './config-parse'
import type { Disposition } from './map'
import { isSecretKey, secretCandidates } from './secrets'
import type { StateSchema } from './state-copy'

export interface SecretSources {
  values: string[]
  /** Where secrets were declared (counts only, never values). */
  sources: { path: string; secrets: number }[]
}

export async function collectSecrets(
  files: { entry: WalkEntry; d: Disposition }[],
  src: Database.Database | null,
  schema: StateSchema | null,
): Promise<SecretSources> {
  const values: string[] = []
  const sources: SecretSources['sources'] = []
  for (const { entry, d } of files) {
    if (d.action !== 'import' || d.importer !== 'config') continue
    let text: string
    try {
      text = (await readListed(entry.abs, entry, entry.path)).toString('utf8')
    } catch {
      continue // reported by the import itself
    }
    const p = parseConfig(d.format as ConfigFormat, text)
    if (p.secretValues.length) {
      values.push(...p.secretValues)
      sources.push({ path: entry.path, secrets: p.rows.filter((r) => r.isSecret).length })
    }
  }
  if (src && schema) {
    for (const t of schema.tables) {
      const flag = t.shape.columns.find((c) => c.toLowerCase() === 'is_secret')
      const valueCols = t.shape.columns.filter(
        (c) => /value|secret|token|passw/i.test(c) && c !== flag,
      )
      const secretCols = t.shape.columns.filter((c) => c !== flag && isSecretKey(c))
      let n = 0
      if (flag && valueCols.length) {
        const sql = `SELECT ${valueCols.map((c) => `CAST(${quoteIdent(c)} AS TEXT)`).join(', ')} FROM ${quoteIdent(t.name)} WHERE ${quoteIdent(flag)}`
        for (const row of src.prepare(sql).raw(true).iterate() as Iterable<(string | null)[]>) {
          for (const v of row) if (v) values.push(...secretCandidates(v))
          n++
        }
      }
      for (const c of secretCols) {
        for (const v of src
          .prepare(
            `SELECT DISTINCT CAST(${quoteIdent(c)} AS TEXT) FROM ${quoteIdent(t.name)} WHERE ${quoteIdent(c)} IS NOT NULL`,
          )
          .pluck()
          .iterate() as Iterable<string>) {
          values.push(...secretCandidates(v))
          n++
        }
      }
      if (n) sources.push({ path: `.claude/state.db:${t.name}`, secrets: n })
    }
  }
  return { values, sources }
}
