// Shared by the pgmigrate*.test.ts files: the test server, a fresh schema per test (dropped after),
// queries, and fingerprints of source files (the source must never change).
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import {
  migrateSqlite,
  type MigrateOptions,
  type MigrateResult,
} from '../../electron/core/pgmigrate/migrate'

export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export function schemaName(prefix: string): string {
  return `${prefix}_${randomBytes(4).toString('hex')}`
}

export async function query<T extends pg.QueryResultRow = Record<string, unknown>>(
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({
    connectionString: PG_URL,
    options: '-c TimeZone=UTC -c extra_float_digits=1',
  })
  client.on('error', () => undefined)
  await client.connect()
  try {
    return (await client.query<T>(sql, params)).rows
  } finally {
    await client.end()
  }
}

export async function dropSchema(schema: string): Promise<void> {
  await query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`)
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

export function migrate(
  file: string,
  schema: string,
  extra: Partial<MigrateOptions> = {},
): Promise<MigrateResult> {
  return migrateSqlite({
    file,
    url: PG_URL,
    schema,
    workers: 2,
    validate: true,
    signal: new AbortController().signal,
    ...extra,
  })
}

export const qi = (schema: string, table: string): string =>
  `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(table)}`
