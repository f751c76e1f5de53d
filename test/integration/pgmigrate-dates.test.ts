// A column of ISO-8601 dates alone (YYYY-MM-DD, what SQLite's date() writes) becomes date, not
// timestamptz: as timestamptz each value was midnight UTC, which a client in a time zone west of
// UTC reads as the day before. Columns with a time of day stay timestamptz.
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { dropSchema, migrate, PG_URL, qi, query, schemaName, sha256File } from './pgmigrate-support'

const t = tempDir('ferry-dates-')
const schema = schemaName('dates')
const overSchema = schemaName('dates_over')
afterAll(async () => {
  await dropSchema(schema)
  await dropSchema(overSchema)
  t.cleanup()
})

function makeDb(name: string): string {
  const file = join(t.dir, name)
  const db = new Database(file)
  db.exec(`CREATE TABLE d (
      id INTEGER PRIMARY KEY,
      day DATE,
      due TEXT DEFAULT (date('now')),
      at TIMESTAMP,
      mixed TEXT,
      CHECK (due IS NULL OR due >= '0050-01-01'));
    INSERT INTO d VALUES
      (1, '2024-01-01', '2024-12-31', '2024-01-01 10:00:00', '2024-01-01'),
      (2, '2024-02-29', '0099-03-01', '2024-01-01T23:30:00Z', '2024-01-01T10:00:00Z'),
      (3, NULL, NULL, NULL, NULL);
    CREATE INDEX d_open ON d (day) WHERE at IS NULL AND mixed NOTNULL;`)
  db.close()
  return file
}

describe('date-only columns', () => {
  it('become date, the same day in every time zone, validated; timestamps stay timestamptz', async () => {
    const file = makeDb('dates.db')
    const before = sha256File(file)
    const r = await migrate(file, schema)
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
    const types = await query<{ column_name: string; data_type: string }>(
      `SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = $1 AND table_name = 'd' ORDER BY ordinal_position`,
      [schema],
    )
    expect(Object.fromEntries(types.map((x) => [x.column_name, x.data_type]))).toEqual({
      id: 'bigint',
      day: 'date',
      due: 'date',
      at: 'timestamp with time zone',
      mixed: 'timestamp with time zone',
    })
    // A partial index that only tests timestamptz columns for NULL means the same: carried.
    expect(
      await query(
        `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'd_open'`,
        [schema],
      ),
    ).toEqual([
      {
        indexdef: expect.stringMatching(
          /\(day\) WHERE \(\(at IS NULL\) AND \(mixed IS NOT NULL\)\)$/,
        ),
      },
    ])
    // Read from a session west of UTC: the dates are the same days.
    const c = new pg.Client({ connectionString: PG_URL })
    await c.connect()
    try {
      await c.query(`SET TimeZone = 'America/Los_Angeles'`)
      const rows = await c.query<{ day: string | null; due: string | null }>(
        `SELECT to_char(day, 'YYYY-MM-DD') AS day, to_char(due, 'YYYY-MM-DD') AS due FROM ${qi(schema, 'd')} ORDER BY id`,
      )
      expect(rows.rows).toEqual([
        { day: '2024-01-01', due: '2024-12-31' },
        { day: '2024-02-29', due: '0099-03-01' },
        { day: null, due: null },
      ])
      // The default is carried (today's UTC date); the CHECK compared text in SQLite, which a
      // date does not always mean the same way ('2024-1-1' = '2024-01-01' as dates): reported.
      expect(r.notCarried).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            kind: 'check',
            table: 'd',
            detail: expect.stringContaining('column due becomes date'),
          }),
        ]),
      )
      await c.query(`INSERT INTO ${qi(schema, 'd')} (id) VALUES (4)`)
      const [today] = (
        await c.query<{ ok: boolean }>(
          `SELECT due = (now() AT TIME ZONE 'UTC')::date AS ok FROM ${qi(schema, 'd')} WHERE id = 4`,
        )
      ).rows
      expect(today!.ok).toBe(true)
    } finally {
      await c.end()
    }
    expect(sha256File(file)).toBe(before)
  })

  it('forecasts the values a date chosen by hand cannot take, and quarantines them', async () => {
    const file = makeDb('override.db')
    const r = await migrate(file, overSchema, { types: { 'd.at': 'date' } })
    const at = r.columns.find((x) => x.table === 'd' && x.column === 'at')!
    expect(at).toMatchObject({ type: 'date', forecastRejects: 2 })
    expect(r.tables[0]).toMatchObject({ loadedRows: 1, rejectedRows: 2 })
    expect(r.validation?.tables.every((x) => x.equal)).toBe(true)
  })
})
