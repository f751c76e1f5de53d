// A done step whose evidence stopped holding: the checklist keeps "done" (the step ran) and adds
// a warning naming what is missing — never "backed up" for a backup that was deleted since.
import { appendFileSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ferryCli } from '../support/ferry-cli'
import { tempDir } from '../support/paths'

const t = tempDir('ferry-evidence-')
const ws = join(t.dir, 'ws')
const ferry = ferryCli(join(t.dir, 'config'))

interface Step {
  id: string
  state: { status: string; evidence: Record<string, unknown> | null }
  warning: string | null
}

function steps(): Map<string, Step> {
  const r = ferry(['status', '-w', ws, '--json'])
  expect(r.code, r.stderr).toBe(0)
  const plan = (JSON.parse(r.stdout) as { plan: { phases: { steps: Step[] }[] } }).plan
  return new Map(plan.phases.flatMap((p) => p.steps).map((s) => [s.id, s]))
}

describe('warnings on done steps whose evidence no longer holds', () => {
  beforeAll(() => {
    expect(ferry(['demo-workspace', ws, '--events', '500']).code).toBe(0)
    for (const step of ['pre.backup', 'pre.document-schema'])
      expect(ferry(['run', step, '-w', ws]).code).toBe(0)
  })
  afterAll(() => t.cleanup())

  it('has none right after the steps ran', () => {
    const s = steps()
    expect(s.get('pre.backup')!.state.status).toBe('done')
    expect(s.get('pre.backup')!.warning).toBeNull()
    expect(s.get('pre.document-schema')!.warning).toBeNull()
    expect(s.get('pre.test-env')!.warning).toBeNull()
  })

  it('names a deleted backup and an edited schema document, in JSON and in the text', () => {
    const before = steps()
    const id = before.get('pre.backup')!.state.evidence!.id as string
    const doc = join(ws, '.ferry', 'schema.md')
    appendFileSync(doc, '\nedited by hand\n')
    // Moved aside, not deleted: the backup comes back for the next test.
    renameSync(join(ws, '.ferry', 'backups', id), join(t.dir, 'moved-backup'))
    const s = steps()
    expect(s.get('pre.backup')!.state.status).toBe('done')
    expect(s.get('pre.backup')!.warning).toBe(
      `The backup this step took (${id}) is no longer in .ferry/backups/, and there is no other: nothing protects the workspace until a new one is taken. Run this step again (or Backups → Back up now).`,
    )
    expect(s.get('pre.document-schema')!.warning).toContain(
      'The schema document (.ferry/schema.md) was changed after this step wrote it',
    )
    const text = ferry(['status', '-w', ws]).stdout
    expect(text).toContain(
      `      ▲ The backup this step took (${id}) is no longer in .ferry/backups/`,
    )
    renameSync(join(t.dir, 'moved-backup'), join(ws, '.ferry', 'backups', id))
    rmSync(doc)
    expect(steps().get('pre.document-schema')!.warning).toContain(
      'The schema document this step wrote (.ferry/schema.md) is gone',
    )
    expect(steps().get('pre.backup')!.warning).toBeNull()
  })

  it('names the newest backup when the step’s own is gone but another exists, and clears on a re-run', () => {
    const first = steps().get('pre.backup')!.state.evidence!.id as string
    expect(ferry(['run', 'pre.backup', '-w', ws]).code).toBe(0)
    const second = steps().get('pre.backup')!.state.evidence!.id as string
    expect(second).not.toBe(first)
    expect(ferry(['run', 'pre.document-schema', '-w', ws]).code).toBe(0)
    rmSync(join(ws, '.ferry', 'backups', second), { recursive: true })
    expect(steps().get('pre.backup')!.warning).toBe(
      `The backup this step took (${second}) is no longer in .ferry/backups/; the newest one there is ${first}.`,
    )
    expect(ferry(['run', 'pre.backup', '-w', ws]).code).toBe(0)
    const s = steps()
    expect(s.get('pre.backup')!.warning).toBeNull()
    expect(s.get('pre.document-schema')!.warning).toBeNull()
  })
})
