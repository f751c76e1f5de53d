// The foundation's end-to-end path, in Debian's Chromium against `ferry serve`: a new user sees
// the whole checklist, creates the demo workspace, documents its schema, reloads, and still sees
// the evidence.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SHARED, tempDir } from '../support/paths'
import { ChecklistPage } from './pages/checklist-page'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

const checklistTitles = readFileSync(join(SHARED, 'MIGRATION-PLAN.md'), 'utf8')
  .split('\n')
  .map((l) => /^- \[ \] (.+)$/.exec(l.trim())?.[1])
  .filter((t): t is string => Boolean(t))

describe('checklist in the browser', () => {
  const t = tempDir('ferry-e2e-')
  let served: Served
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    const cwd = join(t.dir, 'cwd')
    mkdirSync(cwd)
    served = await startServe({ cwd, configHome: join(t.dir, 'config') })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    t.cleanup()
  })

  it('shows all 20 checklist items of MIGRATION-PLAN.md', async () => {
    expect(checklistTitles).toHaveLength(20)
    const ui = new ChecklistPage(page)
    await ui.open(served.url)
    const text = await page.locator('body').innerText()
    for (const title of checklistTitles) expect(text).toContain(title)
    await page.screenshot({ path: join(RESULTS, 'checklist-empty.png') })
  })

  it('creates the demo workspace, runs pre.document-schema and shows 13 tables', async () => {
    const ui = new ChecklistPage(page)
    const demo = join(t.dir, 'demo')
    await ui.createDemo(demo)
    await expect(page.getByTestId('source-status').innerText()).resolves.toMatch(/state\.db/)
    await ui.runStep('pre.document-schema')
    await ui.waitForStatus('pre.document-schema', 'done')
    await expect(ui.evidence().innerText()).resolves.toContain('13 tables')
    await page.screenshot({ path: join(RESULTS, 'checklist-document-schema-done.png') })
  })

  it('still shows the step done with its evidence after a reload (state lives in the backend)', async () => {
    const ui = new ChecklistPage(page)
    await page.reload()
    await ui.waitForStatus('pre.document-schema', 'done')
    await ui.stepRow('pre.document-schema').click()
    await expect(ui.evidence().innerText()).resolves.toContain('13 tables')
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })

  it('warns on a done step whose evidence changed since (the schema document edited by hand)', async () => {
    const ui = new ChecklistPage(page)
    appendFileSync(join(t.dir, 'demo', '.ferry', 'schema.md'), '\nedited by hand\n')
    await page.reload()
    await ui.waitForStatus('pre.document-schema', 'done')
    const warning =
      /The schema document \(\.ferry\/schema\.md\) was changed after this step wrote it/
    await expect(page.getByTestId('step-warning-pre.document-schema').innerText()).resolves.toMatch(
      warning,
    )
    await ui.stepRow('pre.document-schema').click()
    await expect(page.getByTestId('step-warning').innerText()).resolves.toMatch(warning)
    await page.screenshot({ path: join(RESULTS, 'checklist-evidence-warning.png') })
    await ui.runStep('pre.document-schema')
    await ui.waitForStatus('pre.document-schema', 'done')
    await page.getByTestId('step-warning').waitFor({ state: 'detached' })
    await expect(page.getByTestId('step-warning-pre.document-schema').count()).resolves.toBe(0)
  })

  it('a step that fails says why, what to do, and that it recorded no evidence', async () => {
    const ui = new ChecklistPage(page)
    await ui.runStep('p2.perf-test')
    await ui.waitForStatus('p2.perf-test', 'failed')
    await expect(page.getByTestId('step-error').innerText()).resolves.toMatch(
      /no \.claude\/memory\.db to test yet[\s\S]*p2\.validate/,
    )
    await expect(page.getByTestId('evidence-none').innerText()).resolves.toMatch(
      /the step failed before recording any/,
    )
  })

  it('refuses the page without the token: the socket is rejected and the UI says so', async () => {
    const bare = await browser.newPage()
    await bare.goto(served.url.replace(/\?token=.*/, ''))
    await expect(bare.locator('body').innerText()).resolves.toMatch(/token/i)
    await bare.close()
  })
})
