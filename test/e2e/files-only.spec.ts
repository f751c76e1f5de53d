// A workspace whose agents keep their memory in files only (no .claude/state.db), in Chromium
// against `ferry serve`: the steps that need state.db are skipped and say why, in the checklist
// row and on the Schema screen, instead of offering to run a step that cannot do anything.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../support/paths'
import { ChecklistPage } from './pages/checklist-page'
import { SchemaPage } from './pages/schema-page'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

describe('a files-only workspace in the browser', () => {
  const t = tempDir('ferry-e2e-files-')
  const ws = join(t.dir, 'ws')
  let served: Served
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    mkdirSync(join(ws, '.claude', 'context'), { recursive: true })
    mkdirSync(join(ws, '.claude', 'logs'), { recursive: true })
    writeFileSync(join(ws, '.claude', 'context', 'notes.md'), '# Session\nWorking on auth.\n')
    writeFileSync(join(ws, '.claude', 'logs', 'agent.log'), '2026-11-01 10:00:00 INFO started\n')
    served = await startServe({ cwd: t.dir, configHome: join(t.dir, 'config'), args: ['-w', ws] })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    await new ChecklistPage(page).open(served.url)
    await page.getByTestId('workspace-path').filter({ hasText: ws }).waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    t.cleanup()
  })

  it('skips pre.document-schema and says why in its row; the Schema screen says there is nothing to document', async () => {
    const ui = new ChecklistPage(page)
    await ui.runStep('pre.document-schema')
    await ui.waitForStatus('pre.document-schema', 'skipped')
    await expect(ui.stepRow('pre.document-schema').innerText()).resolves.toMatch(/No state\.db in /)
    const schema = new SchemaPage(page)
    await schema.open()
    await schema.emptyState().waitFor()
    const text = await schema.emptyState().innerText()
    expect(text).toMatch(/No schema to document[\s\S]*No state\.db in [\s\S]*does not have/)
    expect(text).not.toContain('first')
    await page.screenshot({ path: join(RESULTS, 'files-only-schema.png') })
    expect(consoleErrors).toEqual([])
  })
})
