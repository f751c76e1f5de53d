// The loader's two safety nets: a row PostgreSQL refuses despite the checks made while encoding is
// found by COPY's line number, quarantined with the server's reason, and its batch is redone
// (RELIABILITY rule 3); and a resumed run re-hashes the last committed batch instead of trusting
// the ledger, refusing to continue when the source changed under it.
import Database from 'better-sqlite3'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { preloadDdl } from '../../electron/core/pgmigrate/ddl'
import { loadTable } from '../../electron/core/pgmigrate/loader'
import { translateSchema } from '../../electron/core/pgmigrate/translate'
import { tempDir } from '../support/paths'
import { PG_URL, dropSchema, migrate, qi, query, schemaName } from './pgmigrate-support'

const tmp = tempDir('ferry-pgres-')
const schemas: string[] = []

function makeDb(path: string, rows: number): void {
  const db = new Database(path)
  db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)')
  const ins = db.prepare('INSERT INTO notes VALUES (?, ?)')
  for (let i = 1; i <= rows; i++) ins.run(i, i === 57 || i === 140 ? 'poison' : `note ${i}`)
  db.close()
}

describe('loader safety nets', () => {
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s)
    tmp.cleanup()
  })

  it('quarantines the rows PostgreSQL refuses by COPY line number, with its reason, and loads the rest', async () => {
    const file = join(tmp.dir, 'refused.db')
    makeDb(file, 200)
    const schema = schemaName('refused')
    schemas.push(schema)
    const db = new Database(file, { readonly: true })
    const plan = translateSchema(db, { schema })
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    try {
      for (const sql of preloadDdl(plan)) await client.query(sql)
      // A rule the encoder cannot know about: only the server refuses these rows.
      await client.query(
        `ALTER TABLE ${qi(schema, 'notes')} ADD CONSTRAINT no_poison CHECK (body <> 'poison')`,
      )
      const r = await loadTable(db, client as unknown as pg.PoolClient, plan.tables[0]!, {
        schema,
        batchRows: 100,
        batchBytes: 1 << 20,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      })
      expect(r).toMatchObject({ loadedRows: 198, rejectedRows: 2, batches: 2, retries: 2 })
    } finally {
      await client.end()
      db.close()
    }
    const rejects = await query<{ key: string; reason: string; batch: number }>(
      `SELECT key, reason, batch FROM ${qi(schema, 'ferry_rejects')} ORDER BY key::int`,
    )
    expect(rejects.map((x) => [x.key, x.batch])).toEqual([
      ['57', 1],
      ['140', 2],
    ])
    expect(rejects[0]!.reason).toMatch(/PostgreSQL refused it: .*no_poison.*\(23514\)/)
    const [n] = await query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qi(schema, 'notes')}`)
    expect(n!.n).toBe('198')
  })

  it('commits batches without waiting for the WAL flush, and returns only once they are durable', async () => {
    const file = join(tmp.dir, 'async.db')
    makeDb(file, 250)
    const schema = schemaName('async')
    schemas.push(schema)
    const db = new Database(file, { readonly: true })
    const plan = translateSchema(db, { schema })
    const client = new pg.Client({ connectionString: PG_URL })
    await client.connect()
    const settings: string[] = []
    let lastCommitLsn = ''
    try {
      for (const sql of preloadDdl(plan)) await client.query(sql)
      const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>
      // The real session, observed: its setting inside each batch, the WAL position each commit
      // ends at. (A COPY stream is handed back as it is: the loader writes to it.)
      const spy = (sql: unknown, ...rest: unknown[]): unknown =>
        typeof sql !== 'string'
          ? query(sql, ...rest)
          : query(sql, ...rest).then(async (r) => {
              if (sql.startsWith('BEGIN') || sql.startsWith('UPDATE'))
                settings.push((await query('SHOW synchronous_commit')).rows[0].synchronous_commit)
              if (sql === 'COMMIT')
                lastCommitLsn = (await query('SELECT pg_current_wal_insert_lsn()::text AS l'))
                  .rows[0].l
              return r
            })
      const spied = Object.assign(Object.create(client) as pg.Client, { query: spy })
      const r = await loadTable(db, spied as unknown as pg.PoolClient, plan.tables[0]!, {
        schema,
        batchRows: 100,
        batchBytes: 1 << 20,
        signal: new AbortController().signal,
        onProgress: () => undefined,
      })
      expect(r).toMatchObject({ loadedRows: 250, batches: 3 })
      // Three batches (the third, short, ends the table) without waiting for the flush, then the
      // one synchronous commit (the ledger row rewritten).
      expect(settings).toEqual(['off', 'off', 'off', 'on'])
      const [after] = (
        await client.query<{ setting: string; durable: boolean }>(
          `SELECT current_setting('synchronous_commit') AS setting,
                  pg_current_wal_flush_lsn() >= $1::pg_lsn AS durable`,
          [lastCommitLsn],
        )
      ).rows
      // SET LOCAL ended with each batch; the last batch's commit is on disk when loadTable returns.
      expect(after).toEqual({ setting: 'on', durable: true })
    } finally {
      await client.end()
      db.close()
    }
  })

  it('refuses to resume when a committed batch no longer matches the source', async () => {
    const file = join(tmp.dir, 'changing.db')
    makeDb(file, 300)
    const copy = join(tmp.dir, 'changing-copy.db')
    copyFileSync(file, copy)
    const schema = schemaName('changed')
    schemas.push(schema)
    const stop = new AbortController()
    await expect(
      migrate(copy, schema, {
        batchRows: 100,
        signal: stop.signal,
        onProgress: (p) => p.phase === 'load' && p.done >= 100 && stop.abort(),
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
    const [last] = await query<{ k: string }>(
      `SELECT key_to AS k FROM ${qi(schema, 'ferry_ledger')} ORDER BY batch DESC LIMIT 1`,
    )
    const edit = (body: string): void => {
      const w = new Database(copy)
      w.prepare('UPDATE notes SET body = ? WHERE id = ?').run(body, Number(last!.k))
      w.close()
    }
    edit('edited')
    await expect(migrate(copy, schema, { batchRows: 100 })).rejects.toMatchObject({
      code: 'SOURCE_CHANGED',
      message: expect.stringContaining('"notes"'),
    })
    edit(`note ${last!.k}`)
    const done = await migrate(copy, schema, { batchRows: 100 })
    expect(done).toMatchObject({ resumed: true, validation: { equal: true } })
  })
})
