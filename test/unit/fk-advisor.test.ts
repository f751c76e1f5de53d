import { describe, expect, it } from 'vitest'
import {
  adviseFromSchema,
  isConventionColumn,
  type TableShape,
} from '../../electron/core/sqlite/fk-advisor'
import {
  parseFkMigration,
  renderFkMigration,
} from '../../electron/core/sqlite/fk-advisor-migration'
import { deriveCompositeIndexes } from '../../electron/core/sqlite/fk-advisor-composite'
import type { WorkloadQuery } from '../../electron/core/workload/queries'

const col = (name: string, declaredType = 'TEXT', pkPosition = 0) => ({
  name,
  declaredType,
  notNull: false,
  defaultValue: null,
  pkPosition,
  hidden: 0,
})

function table(name: string, cols: string[], extra: Partial<TableShape> = {}): TableShape {
  return {
    name,
    columns: cols.map((c) => col(c)),
    primaryKey: [],
    foreignKeys: [],
    indexes: [],
    virtual: false,
    ...extra,
  }
}

const fk = (columns: string[], refTable: string, refColumns: (string | null)[] = columns) => ({
  columns,
  refTable,
  refColumns,
  onUpdate: 'NO ACTION',
  onDelete: 'NO ACTION',
})
const index = (name: string, columns: string[], partial = false) => ({
  name,
  unique: false,
  origin: 'c',
  partial,
  columns,
})

describe('the foreign-key index advisor (pure)', () => {
  it('matches the plan\u2019s naming conventions', () => {
    for (const n of [
      'agent_id',
      'PARENT_TASK_ID',
      'from_agent',
      'to_agent',
      'author_agent',
      'session_id',
    ])
      expect(isConventionColumn(n), n).toBe(true)
    for (const n of ['id', 'agentid', 'ArtistId', 'agent', 'ideas'])
      expect(isConventionColumn(n), n).toBe(false)
  })

  it('proposes declared and convention columns, but not a primary key or a column that already leads an index', () => {
    const tasks = table('tasks', ['task_id', 'agent_id', 'parent_task_id', 'owner_id', 'status'], {
      primaryKey: ['task_id'],
      foreignKeys: [fk(['agent_id'], 'agents'), fk(['parent_task_id'], 'tasks', ['task_id'])],
      indexes: [
        index('idx_tasks_owner_status', ['owner_id', 'status']),
        index('idx_tasks_status_agent', ['status', 'agent_id']),
      ],
    })
    const messages = table('agent_messages', ['message_id', 'from_agent', 'to_agent'], {
      primaryKey: ['message_id'],
      indexes: [index('idx_partial_to', ['to_agent'], true)],
    })
    const advice = adviseFromSchema(
      [tasks, messages],
      [
        'tasks',
        'agent_messages',
        'idx_tasks_owner_status',
        'idx_tasks_status_agent',
        'idx_partial_to',
      ],
    )
    expect(advice.proposals.map((p) => [p.index, p.column, p.reason])).toEqual([
      ['idx_tasks_agent_id', 'agent_id', 'declared REFERENCES'],
      ['idx_tasks_parent_task_id', 'parent_task_id', 'declared REFERENCES'],
      ['idx_agent_messages_from_agent', 'from_agent', 'naming convention'],
      // a partial index does not serve every lookup
      ['idx_agent_messages_to_agent', 'to_agent', 'naming convention'],
    ])
    expect(advice.proposals[0]).toMatchObject({
      sql: 'CREATE INDEX "idx_tasks_agent_id" ON "tasks" ("agent_id")',
      downSql: 'DROP INDEX IF EXISTS "idx_tasks_agent_id"',
      references: 'agents(agent_id)',
    })
    expect(advice.covered).toEqual(
      expect.arrayContaining([
        {
          table: 'tasks',
          column: 'task_id',
          reason: 'naming convention',
          coveredBy: 'the primary key',
        },
        {
          table: 'tasks',
          column: 'owner_id',
          reason: 'naming convention',
          coveredBy: 'index "idx_tasks_owner_status"',
        },
        {
          table: 'agent_messages',
          column: 'message_id',
          reason: 'naming convention',
          coveredBy: 'the primary key',
        },
      ]),
    )
  })

  it('indexes a composite key as a whole, covered by an index on the same columns in any order', () => {
    const line = table('line', ['order_no', 'line_no', 'sku'], {
      primaryKey: ['order_no', 'line_no'],
      foreignKeys: [fk(['order_no'], 'orders'), fk(['sku', 'line_no'], 'stock', [null, null])],
    })
    const advice = adviseFromSchema([line], [])
    expect(advice.proposals.map((p) => [p.index, p.columns, p.references])).toEqual([
      ['idx_line_sku_line_no', ['sku', 'line_no'], 'stock(primary key)'],
    ])
    const covered = adviseFromSchema(
      [{ ...line, indexes: [index('ix', ['line_no', 'sku', 'order_no'])] }],
      [],
    )
    expect(covered.proposals).toEqual([])
  })

  it('quotes identifiers, avoids taken names, notes names PostgreSQL would truncate, and skips Ferry\u2019s ledger and virtual tables', () => {
    // 60 characters but 64 bytes: PostgreSQL's limit is in bytes.
    const long = 'tâches_planifiées_très_longuës'
    const odd = table('we"ird table', ['x_id'])
    const advice = adviseFromSchema(
      [
        odd,
        table(long, ['another_long_reference_id']),
        table('schema_migrations', ['version', 'run_id']),
        table('docs', ['doc_id'], { virtual: true }),
        table('docs_content', ['c_id']),
      ],
      ['idx_we"ird table_x_id'],
      ['schema_migrations'],
    )
    expect(advice.proposals.map((p) => p.index)).toEqual([
      'idx_we"ird table_x_id_2',
      `idx_${long}_another_long_reference_id`,
    ])
    expect(advice.proposals[0]!.sql).toBe(
      'CREATE INDEX "idx_we""ird table_x_id_2" ON "we""ird table" ("x_id")',
    )
    expect(advice.proposals[0]!.notes[0]).toContain('already taken')
    const name = `idx_${long}_another_long_reference_id`
    expect(name.length).toBeLessThanOrEqual(63)
    expect(advice.proposals[1]!.notes[0]).toContain(
      `is ${Buffer.byteLength(name)} bytes; PostgreSQL truncates identifiers to 63 bytes`,
    )
  })

  it('writes the advice as a deterministic migration pair that lists its indexes', () => {
    const advice = adviseFromSchema(
      [table('events', ['event_id', 'agent_id'], { primaryKey: ['event_id'] })],
      [],
    )
    const a = renderFkMigration(advice.proposals)
    expect(renderFkMigration(advice.proposals)).toEqual(a)
    expect(a.up).toContain('CREATE INDEX "idx_events_agent_id" ON "events" ("agent_id");')
    expect(a.down).toContain('DROP INDEX IF EXISTS "idx_events_agent_id";')
    expect(parseFkMigration(a.up)).toEqual([
      {
        index: 'idx_events_agent_id',
        table: 'events',
        columns: ['agent_id'],
        reason: 'naming convention',
        references: null,
      },
    ])
  })
})

describe('composite indexes derived from the workload', () => {
  const q = (name: string, tableName: string, filter: string[], sort: string[]): WorkloadQuery => ({
    name,
    description: name,
    sql: 'SELECT 1',
    tables: [tableName],
    pick: null,
    access: { table: tableName, filter, sort },
  })
  const events = {
    ...table('events', ['event_id', 'agent_id', 'level', 'created_at'], {
      primaryKey: ['event_id'],
    }),
    columns: [col('event_id', 'INTEGER', 1), col('agent_id'), col('level'), col('created_at')],
  }

  it('proposes filters then sort, drops a trailing rowid key, and skips what an index already serves', () => {
    const out = deriveCompositeIndexes(
      [
        q('recent', 'events', ['agent_id'], ['created_at']),
        q('again', 'events', ['agent_id'], ['created_at']),
        q('by_id', 'events', ['agent_id'], ['event_id']),
        q('errors', 'events', ['agent_id', 'level'], ['created_at']),
      ],
      [
        {
          ...events,
          indexes: [
            index('idx_events_level_agent_id_created_at', ['level', 'agent_id', 'created_at']),
          ],
        },
      ],
      [],
    )
    expect(out).toEqual([
      {
        index: 'idx_events_agent_id_created_at',
        table: 'events',
        columns: ['agent_id', 'created_at'],
        sql: 'CREATE INDEX "idx_events_agent_id_created_at" ON "events" ("agent_id", "created_at")',
        queries: ['recent', 'again'],
      },
    ])
  })

  it('ignores queries on tables or columns the database does not have', () => {
    expect(
      deriveCompositeIndexes(
        [q('x', 'nope', ['a'], ['b']), q('y', 'events', ['agent_id'], ['missing'])],
        [events],
        [],
      ),
    ).toEqual([])
  })
})
