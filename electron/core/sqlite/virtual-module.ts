// What a virtual table is, from its CREATE VIRTUAL TABLE statement: the module, and for full-text
// tables where their text lives (content=). The FTS and R*Tree modules are built into SQLite, so
// their rows can be read anywhere; other modules come from extensions.

export const FTS_MODULES: ReadonlySet<string> = new Set(['fts3', 'fts4', 'fts5'])
export const RTREE_MODULES: ReadonlySet<string> = new Set(['rtree', 'rtree_i32'])

/** The module name and its arguments from `CREATE VIRTUAL TABLE … USING module(args)`. */
export function virtualModule(sql: string | null): { module: string; args: string } | null {
  const m = /\bUSING\s+("?)([A-Za-z_][A-Za-z0-9_]*)\1\s*(?:\(([\s\S]*)\))?\s*;?\s*$/i.exec(
    sql ?? '',
  )
  return m ? { module: m[2]!.toLowerCase(), args: m[3] ?? '' } : null
}

/** FTS's content= option: undefined when absent, '' for a contentless table, else the table. */
export function ftsContent(args: string): string | undefined {
  const m = /(?:^|,)\s*content\s*=\s*(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)"|([^,\s)]*))/i.exec(args)
  if (!m) return undefined
  if (m[1] !== undefined) return m[1].replace(/''/g, "'")
  if (m[2] !== undefined) return m[2].replace(/""/g, '"')
  return m[3] ?? ''
}

/**
 * Whether a virtual table's rows are its own data that can be read and copied: an FTS table that
 * keeps its text (no content= option) or an R*Tree table; otherwise why not.
 */
export function ownRows(
  sql: string | null,
): { own: true; module: string } | { own: false; module: string; why: string } {
  const mod = virtualModule(sql)
  const name = mod?.module ?? 'unknown'
  if (mod && RTREE_MODULES.has(name)) return { own: true, module: name }
  if (!mod || !FTS_MODULES.has(name))
    return {
      own: false,
      module: name,
      why: `module ${name}, which only SQLite with that extension has`,
    }
  const content = ftsContent(mod.args)
  if (content === undefined) return { own: true, module: name }
  return content === ''
    ? {
        own: false,
        module: name,
        why: `contentless full-text table (${name}, content=''): SQLite keeps no copy of its text`,
      }
    : {
        own: false,
        module: name,
        why: `full-text index (${name}) over table "${content}", whose rows hold its text`,
      }
}
