// bench:migrate's pgloader reference: pgloader exits 0 after refusing a whole table, so its time
// is printed beside the rows counted in PostgreSQL, never as a clean result on its own.
import { describe, expect, it } from 'vitest'
import {
  pgloaderLines,
  pgloaderRows,
  type BenchRun,
  type PgloaderRun,
} from '../../electron/core/pgmigrate/bench'

const pgl = (short: PgloaderRun['short'], rows: number): PgloaderRun => ({
  ms: 15_688,
  exitCode: 0,
  rows,
  sourceRows: 2_005_969,
  short,
  log: 'bench-results/pgloader-run-1.log',
})

const run = (p: PgloaderRun | null): BenchRun => ({
  run: 1,
  first: 'ferry',
  planMs: 7000,
  loadMs: 12_776,
  validateMs: 3440,
  totalMs: 33_471,
  rows: 2_005_969,
  rowsPerSec: 157_011,
  mibPerSec: 42.2,
  pipeMs: 10_581,
  pgloader: p,
  ratioToPipe: 1.21,
  pgloaderToPipe: p ? 1.48 : null,
  validateRatio: 0.27,
  peakRssMb: 251,
  tables: [],
})

describe('the pgloader reference', () => {
  it('names the tables pgloader left short, with its exit code, when it exited 0 anyway', () => {
    const p = pgl(
      [
        { table: 'file_events', rows: 0, sourceRows: 1_000_001 },
        { table: 'file_context_sessions', rows: 0, sourceRows: 89 },
      ],
      1_005_879,
    )
    expect(pgloaderRows(p)).toBe(
      '1,005,879 of 2,005,969 rows — short: file_events 0 of 1,000,001, file_context_sessions 0 of 89; exit code 0',
    )
    const [line] = pgloaderLines([run(p)])
    expect(line).toContain('pgloader run 1: 15688 ms, 1.48× the pipe')
    expect(line).toContain("Ferry's whole migration without validation 30031 ms")
    expect(line).toContain('short: file_events 0 of 1,000,001')
  })

  it('says "all rows" only when every source table arrived whole, with a failing exit code named', () => {
    expect(pgloaderRows(pgl([], 2_005_969))).toBe('all 2,005,969 rows')
    expect(pgloaderRows({ ...pgl([], 2_005_969), exitCode: null })).toBe(
      'all 2,005,969 rows; exit code none (stopped by a signal, or after 30 min)',
    )
  })

  it('says when pgloader is not installed', () => {
    expect(pgloaderLines([run(null)])).toEqual([
      'pgloader: not installed (Debian package pgloader) — no reference',
    ])
  })
})
