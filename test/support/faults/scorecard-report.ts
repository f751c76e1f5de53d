// Global setup/teardown of the 'faults' vitest project: starts an empty scorecard log, and at the
// end folds it into test-results/faults.json (the keys the issue names) and prints the table.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { SCORECARD_JSON, SCORECARD_LOG, type ScoreRecord } from './scorecard'

export interface Scorecard {
  rowsLost: number
  rowsDuplicated: number
  sourceBytesChanged: number
  faultsInjected: Record<string, number>
  faultsSurvived: Record<string, number>
  badInputs: Record<string, { tried: number; handled: number; outcomes: Record<string, string> }>
  loadHeld: Omit<Extract<ScoreRecord, { kind: 'load' }>, 'kind'> | null
  chunksRedone: { max: number; runs: number }
  sweep: boolean
  measuredAt: string
}

export function summarize(records: ScoreRecord[]): Scorecard {
  const card: Scorecard = {
    rowsLost: 0,
    rowsDuplicated: 0,
    sourceBytesChanged: 0,
    faultsInjected: {},
    faultsSurvived: {},
    badInputs: {},
    loadHeld: null,
    chunksRedone: { max: 0, runs: 0 },
    sweep: process.env.FERRY_FAULTS_SWEEP === '1',
    measuredAt: new Date().toISOString(),
  }
  for (const r of records) {
    if (r.kind === 'fault') {
      card.faultsInjected[r.type] = (card.faultsInjected[r.type] ?? 0) + 1
      card.faultsSurvived[r.type] = (card.faultsSurvived[r.type] ?? 0) + (r.survived ? 1 : 0)
    } else if (r.kind === 'badInput') {
      const c = (card.badInputs[r.category] ??= { tried: 0, handled: 0, outcomes: {} })
      c.tried++
      if (r.ok) c.handled++
      c.outcomes[r.input] = r.outcome
    } else if (r.kind === 'rows') {
      card.rowsLost += r.lost
      card.rowsDuplicated += r.duplicated
    } else if (r.kind === 'source') card.sourceBytesChanged += r.bytesChanged
    else if (r.kind === 'redo') {
      card.chunksRedone.max = Math.max(card.chunksRedone.max, r.chunks)
      card.chunksRedone.runs++
    } else if (r.kind === 'load') {
      const { kind: _k, ...load } = r
      if (!card.loadHeld || load.rows > card.loadHeld.rows) card.loadHeld = load
    }
  }
  return card
}

export function formatScorecard(c: Scorecard): string {
  const lines: string[] = ['', 'Ferry reliability scorecard' + (c.sweep ? ' (sweep)' : ''), '']
  const row = (k: string, v: string): void => void lines.push(`  ${k.padEnd(46)} ${v}`)
  row('rows lost', String(c.rowsLost))
  row('rows duplicated', String(c.rowsDuplicated))
  row('source bytes changed', String(c.sourceBytesChanged))
  row(
    'chunks redone after a crash (max)',
    `${c.chunksRedone.max} (over ${c.chunksRedone.runs} resumes)`,
  )
  lines.push(
    '',
    `  ${'fault type'.padEnd(46)} ${'injected'.padStart(8)}  ${'survived'.padStart(8)}`,
  )
  for (const t of Object.keys(c.faultsInjected).sort())
    lines.push(
      `  ${t.padEnd(46)} ${String(c.faultsInjected[t]).padStart(8)}  ${String(c.faultsSurvived[t]).padStart(8)}`,
    )
  lines.push(
    '',
    `  ${'bad input category'.padEnd(46)} ${'tried'.padStart(8)}  ${'handled'.padStart(8)}`,
  )
  for (const t of Object.keys(c.badInputs).sort())
    lines.push(
      `  ${t.padEnd(46)} ${String(c.badInputs[t]!.tried).padStart(8)}  ${String(c.badInputs[t]!.handled).padStart(8)}`,
    )
  if (c.loadHeld) {
    const l = c.loadHeld
    lines.push(
      '',
      `  largest load held: ${l.rows} rows, ${l.files} files, ${l.gb} GB, ${l.rowsPerSec} rows/s, peak RSS ${l.peakRssMb ?? '?'} MB, agent p99 write ${l.agentP99Ms ?? '?'} ms (${l.test})`,
    )
  }
  return lines.join('\n') + '\n'
}

function setup(): () => void {
  rmSync(SCORECARD_LOG, { force: true })
  return () => {
    const records = existsSync(SCORECARD_LOG)
      ? (readFileSync(SCORECARD_LOG, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l)) as ScoreRecord[])
      : []
    const card = summarize(records)
    mkdirSync(dirname(SCORECARD_JSON), { recursive: true })
    writeFileSync(SCORECARD_JSON, JSON.stringify(card, null, 2) + '\n')
    process.stdout.write(formatScorecard(card))
  }
}

export default setup
