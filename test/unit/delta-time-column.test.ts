// Delta sync's choice of the column whose value moves when a row changes (delta-marks.ts).
import { describe, expect, it } from 'vitest'
import { timeColumn } from '../../electron/core/pgmigrate/delta-marks'
import type { ColumnPlan, TablePlan } from '../../electron/core/pgmigrate/types'

const col = (source: string, type: ColumnPlan['type'] = 'text'): ColumnPlan =>
  ({ source, target: source, type }) as ColumnPlan
const table = (...columns: ColumnPlan[]): TablePlan => ({ source: 't', columns }) as TablePlan

describe('timeColumn', () => {
  it('prefers updated_at, then the first last_activity-like column', () => {
    expect(timeColumn(table(col('last_activity'), col('updated_at')))?.source).toBe('updated_at')
    expect(timeColumn(table(col('id', 'bigint'), col('last_activity', 'timestamptz')))?.source).toBe('last_activity')
    for (const name of ['modified_at', 'lastModified', 'last_seen', 'mtime', 'row_updated_at', 'UPDATED'])
      expect(timeColumn(table(col(name)))?.source, name).toBe(name)
  })

  it('never picks created_at or a column of a type that cannot be ordered as time', () => {
    expect(timeColumn(table(col('created_at'), col('started_at')))).toBeNull()
    expect(timeColumn(table(col('updated_at', 'jsonb'), col('last_activity', 'bytea')))).toBeNull()
  })
})
