// The reliability scorecard: each fault test appends what it did and what it saw to a JSONL file
// (test files run in worker processes); the project's global teardown adds it up into
// test-results/faults.json and prints it (scorecard-report.ts).
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { REPO } from '../paths'

export const SCORECARD_LOG = join(REPO, 'test-results', 'faults-scorecard.jsonl')
export const SCORECARD_JSON = join(REPO, 'test-results', 'faults.json')

export type ScoreRecord =
  | { kind: 'fault'; type: string; survived: boolean; test: string }
  | { kind: 'badInput'; category: string; input: string; outcome: string; ok: boolean }
  | { kind: 'rows'; lost: number; duplicated: number; test: string }
  | { kind: 'source'; bytesChanged: number; test: string }
  | { kind: 'redo'; chunks: number; test: string }
  | {
      kind: 'load'
      test: string
      rows: number
      files: number
      gb: number
      rowsPerSec: number
      peakRssMb: number | null
      agentP99Ms: number | null
    }

function append(r: ScoreRecord): void {
  mkdirSync(dirname(SCORECARD_LOG), { recursive: true })
  appendFileSync(SCORECARD_LOG, JSON.stringify(r) + '\n')
}

export const score = {
  fault: (type: string, survived: boolean, test: string): void =>
    append({ kind: 'fault', type, survived, test }),
  badInput: (category: string, input: string, outcome: string, ok = true): void =>
    append({ kind: 'badInput', category, input, outcome, ok }),
  rows: (lost: number, duplicated: number, test: string): void =>
    append({ kind: 'rows', lost, duplicated, test }),
  source: (bytesChanged: number, test: string): void =>
    append({ kind: 'source', bytesChanged, test }),
  redo: (chunks: number, test: string): void => append({ kind: 'redo', chunks, test }),
  load: (r: Omit<Extract<ScoreRecord, { kind: 'load' }>, 'kind'>): void =>
    append({ kind: 'load', ...r }),
}
