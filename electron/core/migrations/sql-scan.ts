// Just enough SQL lexing to keep the executors honest: a migration runs inside the executor's
// transaction, so a script's own BEGIN/COMMIT would split the DDL from its ledger row
// (RELIABILITY.md rule 2) and is refused before anything runs. Strings, quoted identifiers,
// comments and PostgreSQL dollar quotes are skipped; SQLite trigger bodies (BEGIN … END) are not
// transaction control.

/** The SQL with the insides of strings, quoted identifiers and comments blanked (same length). */
export function codeOnly(sql: string): string {
  const out = sql.split('')
  let i = 0
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' '
  }
  while (i < sql.length) {
    const c = sql[i]!
    const next = sql[i + 1]
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i)
      const stop = end === -1 ? sql.length : end
      blank(i, stop)
      i = stop
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end === -1 ? sql.length : end + 2
      blank(i, stop)
      i = stop
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c
      let j = i + 1
      while (j < sql.length) {
        if (sql[j] === close) {
          if (close !== ']' && sql[j + 1] === close) {
            j += 2
            continue
          }
          break
        }
        j++
      }
      blank(i + 1, j)
      i = j + 1
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i))
      if (!tag) {
        i++
        continue
      }
      const end = sql.indexOf(tag[0], i + tag[0].length)
      const stop = end === -1 ? sql.length : end + tag[0].length
      blank(i + tag[0].length, stop - tag[0].length)
      i = stop
    } else {
      i++
    }
  }
  return out.join('')
}

/** The statements of a script (split at top-level semicolons, trigger bodies kept whole), trimmed. */
export function splitStatements(sql: string): string[] {
  const code = codeOnly(sql)
  const statements: string[] = []
  const re = /[A-Za-z_]+|;/g
  let start = 0
  let first: string[] = []
  let inTrigger = false
  let caseDepth = 0
  let triggerDone = false
  let m: RegExpExecArray | null
  while ((m = re.exec(code)) !== null) {
    const tok = m[0].toUpperCase()
    if (tok === ';') {
      if (inTrigger && !triggerDone) continue
      const text = sql.slice(start, m.index).trim()
      if (text) statements.push(text)
      start = m.index + 1
      first = []
      inTrigger = false
      triggerDone = false
      caseDepth = 0
      continue
    }
    if (first.length < 4) {
      first.push(tok)
      if (first[0] === 'CREATE' && tok === 'TRIGGER') inTrigger = true
    }
    if (!inTrigger) continue
    if (tok === 'CASE') caseDepth++
    else if (tok === 'END') {
      if (caseDepth > 0) caseDepth--
      else triggerDone = true
    }
  }
  const rest = sql.slice(start).trim()
  if (codeOnly(rest).trim()) statements.push(rest)
  return statements
}

const CONTROL = new Set(['BEGIN', 'COMMIT', 'END', 'ROLLBACK', 'SAVEPOINT', 'RELEASE', 'START'])

/** Statements that start, end or nest a transaction (which the executor owns). */
export function transactionControl(sql: string): string[] {
  return splitStatements(sql).filter((s) => {
    const word = /^[A-Za-z]+/.exec(codeOnly(s).trim())?.[0]?.toUpperCase() ?? ''
    if (word === 'START') return /^START\s+TRANSACTION\b/i.test(codeOnly(s).trim())
    return CONTROL.has(word)
  })
}

/** `-- ferry:no-transaction` on a line of its own: a PostgreSQL script that must run outside a transaction. */
export function wantsNoTransaction(sql: string): boolean {
  return /^\s*--\s*ferry:no-transaction\s*$/m.test(sql)
}
