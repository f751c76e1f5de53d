import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ALL_STEPS, PLAN, expandSelector, findStep } from '../../shared/plan/plan'
import { SHARED } from '../support/paths'

/** The checklist items of the user's plan, read from the plan itself. */
function checklistOfPlan(): { section: string; items: string[] }[] {
  const text = readFileSync(join(SHARED, 'MIGRATION-PLAN.md'), 'utf8')
  const body = text.slice(text.indexOf('## Migration Checklist'), text.indexOf('## Risk Mitigation'))
  const sections: { section: string; items: string[] }[] = []
  for (const line of body.split('\n')) {
    if (line.startsWith('### ')) sections.push({ section: line.slice(4).trim(), items: [] })
    const m = /^- \[ \] (.+)$/.exec(line.trim())
    if (m) sections.at(-1)!.items.push(m[1]!.trim())
  }
  return sections
}

describe('the plan model', () => {
  it('lists every checklist item of MIGRATION-PLAN.md, verbatim and in order, in five sections', () => {
    const plan = checklistOfPlan()
    expect(plan).toHaveLength(5)
    expect(PLAN.map((p) => p.steps.map((s) => s.title))).toEqual(plan.map((s) => s.items))
    expect(ALL_STEPS).toHaveLength(20)
  })

  it('uses the step ids of DESIGN.md, unique and prefixed by their phase', () => {
    const ids = ALL_STEPS.map((s) => s.id)
    expect(new Set(ids).size).toBe(20)
    for (const s of ALL_STEPS) expect(s.id.startsWith(`${s.phase}.`)).toBe(true)
    expect(findStep('pre.document-schema')?.available).toBe(true)
    expect(findStep('p3.migrate')?.title).toBe('Migrate data with validation')
  })

  it('expands a step, a phase and all, and rejects an unknown selector', () => {
    expect(expandSelector('p1')?.map((s) => s.id)).toEqual(['p1.fk-indexes', 'p1.snapshot-store', 'p1.migration-framework', 'p1.test-current'])
    expect(expandSelector('all')).toHaveLength(20)
    expect(expandSelector('pre.backup')?.[0]?.title).toBe('Backup all current data files')
    expect(expandSelector('p9')).toBeUndefined()
  })
})
