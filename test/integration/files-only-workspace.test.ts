// A workspace whose memory lives only in files (no state.db): the steps that work on state.db
// (the schema documentation, Phase 1) are skipped with the reason instead of failing, so
// `ferry run` goes on to the file import — it used to stop at pre.document-schema. They are
// skipped before their backup and baseline: nothing is copied for a step that has nothing to do.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-filesonly-')
afterAll(() => t.cleanup())
const ferry = ferryCli(join(t.dir, 'config'))

describe('a workspace without state.db', () => {
  it('skips the state.db steps with their reason and imports the files', () => {
    const ws = join(t.dir, 'ws')
    mkdirSync(join(ws, '.claude', 'logs'), { recursive: true })
    mkdirSync(join(ws, '.claude', 'context', 'pm-01'), { recursive: true })
    writeFileSync(
      join(ws, '.claude', 'logs', 'agents.jsonl'),
      '{"ts":"2026-10-01T00:00:00Z","level":"info","agent_id":"pm-01","event_type":"x","message":"hi"}\n',
    )
    writeFileSync(join(ws, '.claude', 'context', 'pm-01', 'notes.md'), '# Notes\n')

    const steps = ['pre.document-schema', 'p1', 'p2.migration-scripts']
    const results = steps.map((s) => ferry(['run', s, '-w', ws, '--json', '--yes']))
    for (const [i, r] of results.entries()) expect(r.code, `${steps[i]}: ${r.stderr}`).toBe(0)
    const states = results.flatMap(
      (r) =>
        (
          JSON.parse(r.stdout) as {
            steps: { stepId: string; status: string; evidence: Record<string, unknown> | null }[]
          }
        ).steps,
    )
    expect(states.map((s) => [s.stepId, s.status])).toEqual([
      ['pre.document-schema', 'skipped'],
      ['p1.fk-indexes', 'skipped'],
      ['p1.snapshot-store', 'skipped'],
      ['p1.migration-framework', 'skipped'],
      ['p1.test-current', 'skipped'],
      ['p2.migration-scripts', 'done'],
    ])
    expect(states[0]!.evidence).toMatchObject({
      skipped: expect.stringMatching(/^No state\.db in /),
      hint: expect.stringContaining('state.db'),
    })
    expect(states[5]!.evidence).toMatchObject({ filesToImport: 2, expectedRows: 2 })
    // Skipped before anything ran: no backup was taken for the Phase 1 steps.
    const backups = join(ws, '.ferry', 'backups')
    expect(existsSync(backups) ? readdirSync(backups) : []).toEqual([])
    // The checklist shows them as skipped, with the reason.
    const status = ferry(['status', '-w', ws])
    expect(status.stdout).toMatch(/– pre\.document-schema .*No state\.db/)
  }, 120_000)
})
