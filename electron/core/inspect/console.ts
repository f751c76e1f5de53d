// The read-only SQL console. SQLite: a connection of its own opened read-only with query_only, and
// a statement is refused before it runs unless SQLite says it is read-only and returns rows.
// PostgreSQL: BEGIN READ ONLY with a statement timeout, the extended protocol (one statement, so
// nothing can follow a COMMIT), rows fetched through a cursor up to the cap, and always ROLLBACK.
import type Database from 'better-sqlite3'
import type pg from 'pg'
import { FerryError } from '../../../shared/contract/envelope'
import type { ExplainResult, SqlResult } from '../../../shared/contract/inspect'
import { pgCell, sqliteCell } from './cells'
import { pgPlanTree, sqlitePlanTree } from './explain-tree'

export const ROW_CAP = 1000
export const STATEMENT_TIMEOUT_MS = 10_000

const READ_ONLY_HINT =
  'The console only reads. Changes to the data go through the checklist steps, which back up first.'

function prepareReadOnly(db: Database.Database, sql: string, label: string): Database.Statement {
  let stmt: Database.Statement
  try {
    stmt = db.prepare(sql)
  } catch (err) {
    const message = (err as Error).message
    if (/more than one statement/i.test(message)) {
      throw new FerryError(
        'SQL_ERROR',
        'The console runs one statement at a time.',
        'Remove everything after the first statement.',
      )
    }
    throw new FerryError('SQL_ERROR', `${label}: ${message}`, 'Fix the statement and run it again.')
  }
  if (!stmt.readonly) {
    throw new FerryError(
      'READ_ONLY',
      `This statement would change ${label}, so it was not run.`,
      READ_ONLY_HINT,
    )
  }
  return stmt
}

export function runSqlite(db: Database.Database, sql: string, label: string): SqlResult {
  const started = performance.now()
  const stmt = prepareReadOnly(db, sql, label)
  if (!stmt.reader) {
    throw new FerryError(
      'READ_ONLY',
      `Only statements that return rows (SELECT, EXPLAIN, PRAGMA …) run here; this one was not run on ${label}.`,
      READ_ONLY_HINT,
    )
  }
  const columns = stmt.columns().map((c) => ({ name: c.name, type: c.type }))
  const rows: SqlResult['rows'] = []
  let capped = false
  const deadline = Date.now() + STATEMENT_TIMEOUT_MS
  try {
    for (const raw of stmt.raw(true).safeIntegers(true).iterate() as IterableIterator<unknown[]>) {
      if (rows.length === ROW_CAP) {
        capped = true
        break
      }
      rows.push(raw.map(sqliteCell))
      if (Date.now() > deadline) {
        throw new FerryError(
          'QUERY_TIMEOUT',
          `The statement ran longer than ${STATEMENT_TIMEOUT_MS / 1000} s on ${label} and was stopped.`,
          'Add a WHERE clause or a LIMIT.',
        )
      }
    }
  } catch (err) {
    if (err instanceof FerryError) throw err
    throw new FerryError(
      'SQL_ERROR',
      `${label}: ${(err as Error).message}`,
      'Fix the statement and run it again.',
    )
  }
  return { columns, rows, capped, cap: ROW_CAP, ms: elapsed(started) }
}

export function explainSqlite(db: Database.Database, sql: string, label: string): ExplainResult {
  const started = performance.now()
  const body = stripExplain(sql)
  prepareReadOnly(db, body, label)
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${body}`).raw(true).all() as [
    number,
    number,
    number,
    string,
  ][]
  return {
    dialect: 'sqlite',
    tree: sqlitePlanTree(rows.map(([id, parent, , detail]) => ({ id, parent, detail }))),
    raw: rows.map((r) => `${r[0]}|${r[1]}|${r[3]}`).join('\n'),
    ms: elapsed(started),
  }
}

/** The user may type EXPLAIN themselves; the console adds its own. */
function stripExplain(sql: string): string {
  return sql.replace(/^\s*explain\s+(query\s+plan\s+)?(\([^)]*\)\s*)?/i, '').replace(/[;\s]+$/, '')
}

function pgError(err: unknown, label: string): FerryError {
  if (err instanceof FerryError) return err
  const e = err as Error & { code?: string }
  if (e.code === '25006')
    return new FerryError(
      'READ_ONLY',
      `This statement would change ${label}, so PostgreSQL refused it (${e.message}). Nothing was changed.`,
      READ_ONLY_HINT,
    )
  if (e.code === '57014')
    return new FerryError(
      'QUERY_TIMEOUT',
      `The statement ran longer than ${STATEMENT_TIMEOUT_MS / 1000} s on ${label} and was cancelled.`,
      'Add a WHERE clause or a LIMIT.',
    )
  if (e.code === '42601' && /multiple commands/i.test(e.message))
    return new FerryError(
      'SQL_ERROR',
      'The console runs one statement at a time.',
      'Remove everything after the first statement.',
    )
  return new FerryError(
    'SQL_ERROR',
    `${label}: ${e.message}`,
    'Fix the statement and run it again.',
  )
}

async function readOnlyTx<T>(
  pool: pg.Pool,
  schema: string,
  label: string,
  fn: (c: pg.PoolClient) => Promise<T>,
): Promise<T> {
  let client: pg.PoolClient
  try {
    client = await pool.connect()
  } catch (err) {
    throw new FerryError(
      'TARGET_UNREACHABLE',
      `Cannot reach the target: ${(err as Error).message}`,
      'Connect the target in Settings.',
    )
  }
  try {
    await client.query('BEGIN READ ONLY')
    await client.query(`SET LOCAL statement_timeout = ${STATEMENT_TIMEOUT_MS}`)
    await client.query(`SELECT set_config('search_path', $1, true)`, [
      `"${schema.replace(/"/g, '""')}", public`,
    ])
    return await fn(client)
  } catch (err) {
    throw pgError(err, label)
  } finally {
    await client.query('ROLLBACK').catch(() => undefined)
    client.release()
  }
}

const one = (text: string) => ({
  text,
  values: [] as unknown[],
  queryMode: 'extended' as const,
  rowMode: 'array' as const,
})

export async function runPg(
  pool: pg.Pool,
  schema: string,
  sql: string,
  label: string,
): Promise<SqlResult> {
  const started = performance.now()
  const body = sql.replace(/[;\s]+$/, '')
  return readOnlyTx(pool, schema, label, async (c) => {
    let r: pg.QueryResult
    let capped: boolean
    await c.query('SAVEPOINT ferry_console')
    try {
      // A cursor stops reading at the cap; statements that cannot be one (SHOW, EXPLAIN …) run plainly.
      await c.query(one(`DECLARE ferry_console NO SCROLL CURSOR FOR ${body}`))
      r = await c.query(one(`FETCH ${ROW_CAP + 1} FROM ferry_console`))
      capped = r.rows.length > ROW_CAP
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code !== '42601' && code !== '0A000' && code !== '42P11' && code !== '34000') throw err
      await c.query('ROLLBACK TO SAVEPOINT ferry_console')
      r = await c.query(one(body))
      capped = (r.rows?.length ?? 0) > ROW_CAP
    }
    const fields = r.fields ?? []
    const rows = ((r.rows ?? []) as (string | null)[][])
      .slice(0, ROW_CAP)
      .map((row) => row.map((v, i) => pgCell(v, fields[i]?.dataTypeID ?? 25)))
    return {
      columns: fields.map((f) => ({ name: f.name, type: null })),
      rows,
      capped,
      cap: ROW_CAP,
      ms: elapsed(started),
    }
  })
}

export async function explainPg(
  pool: pg.Pool,
  schema: string,
  sql: string,
  label: string,
): Promise<ExplainResult> {
  const started = performance.now()
  const body = stripExplain(sql)
  return readOnlyTx(pool, schema, label, async (c) => {
    const r = await c.query(one(`EXPLAIN (FORMAT JSON) ${body}`))
    const text = String((r.rows as unknown[][])[0]?.[0] ?? '[]')
    return {
      dialect: 'postgres',
      tree: pgPlanTree(JSON.parse(text)),
      raw: text,
      ms: elapsed(started),
    }
  })
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10
}
