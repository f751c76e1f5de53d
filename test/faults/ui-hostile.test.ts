// Issue 8 (Electron and IPC) in the browser: Markdown context files carrying `<script>` and an
// `<img onerror>`, and a file whose very name is an `<img onerror>`, imported into memory.db and
// shown by the UI — the Inventory lists them, the Tables screen shows their body in the grid and
// in the cell viewer — run nothing: a canary global stays unset, no element from the content
// reaches the DOM, and the text is shown as text. Checked twice: once with the page's CSP
// bypassed (the rendering alone must be safe) and once with it (no violation reported at all).
// Part of the faults project so its outcome is in the scorecard (test:faults builds the renderer).
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FERRY_BIN, tempDir } from '../support/paths'
import { ChecklistPage } from '../e2e/pages/checklist-page'
import { InventoryPage } from '../e2e/pages/inventory-page'
import { TablesPage } from '../e2e/pages/tables-page'
import { RESULTS, launchChromium, startServe, type Served } from '../e2e/support/serve'
import { score } from '../support/faults/scorecard'

const SCRIPT = '<script>window.__canary=1</script>'
const IMG = '<img src=x onerror="window.__canary=2">'
const NAMED = '<img src=x onerror=window.__canary=3>.md'
const FILES: Record<string, string> = {
  'xss-script.md': `# Notes\n\nBefore ${SCRIPT} after.\n`,
  'xss-img.md': `# Picture\n\n${IMG}\n`,
  [NAMED]: `# Named\n\n<svg onload="window.__canary=4"></svg>\n`,
}

/** Records CSP violations and makes sure the canary starts unset, before any page script. */
const INIT = `window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));`

describe('hostile workspace content in the browser', () => {
  const t = tempDir('ferry-e2e-hostile-')
  const demo = join(t.dir, 'demo')
  const config = join(t.dir, 'config')
  let served: Served
  let browser: Browser
  const pageErrors: string[] = []

  const ferry = (...args: string[]): void => {
    execFileSync(process.execPath, [FERRY_BIN, ...args], {
      env: { ...process.env, XDG_CONFIG_HOME: config },
      stdio: 'pipe',
    })
  }

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    ferry('demo-workspace', demo, '--events', '300')
    const dir = join(demo, '.claude', 'context', 'hostile')
    mkdirSync(dir, { recursive: true })
    for (const [name, body] of Object.entries(FILES)) writeFileSync(join(dir, name), body)
    // The inventory (Inventory screen) and the import into memory.db (Tables screen).
    ferry('run', 'p2.migration-scripts', '-w', demo, '--json')
    ferry('run', 'p2.validate', '-w', demo, '--json')
    served = await startServe({ cwd: t.dir, configHome: config, args: ['-w', demo] })
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    t.cleanup()
  })

  const injected = (page: Page): Promise<{ canary: unknown; elements: number; csp: string[] }> =>
    page.evaluate(() => {
      const w = window as unknown as { __canary?: unknown; __cspViolations?: string[] }
      return {
        canary: w.__canary,
        elements: document.querySelectorAll(
          'script:not([src]), img[src="x"], [onerror], [onload], svg[onload]',
        ).length,
        csp: w.__cspViolations ?? [],
      }
    })

  async function visit(bypassCSP: boolean, shot: string): Promise<void> {
    // Each hostile file is one bad input in the scorecard, with the outcome seen in Chromium.
    const mode = bypassCSP ? 'CSP bypassed' : 'served CSP'
    try {
      await check(bypassCSP, shot)
    } catch (err) {
      for (const name of Object.keys(FILES))
        score.badInput('hostile content shown in the UI (Chromium)', `${name} (${mode})`, `FAILED: ${(err as Error).message.split('\n')[0]}`, false)
      throw err
    }
    for (const name of Object.keys(FILES))
      score.badInput('hostile content shown in the UI (Chromium)', `${name} (${mode})`, 'shown as text; canary unset, no element injected, no inline CSP violation')
  }

  async function check(bypassCSP: boolean, shot: string): Promise<void> {
    const context = await browser.newContext({ bypassCSP, viewport: { width: 1280, height: 800 } })
    await context.addInitScript(INIT)
    const page = await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    try {
      await new ChecklistPage(page).open(served.url)
      await page.getByTestId('workspace-path').filter({ hasText: demo }).waitFor()

      const inv = new InventoryPage(page)
      await inv.open()
      await inv.waitForEntries()
      await inv.filter().fill('hostile')
      for (const name of Object.keys(FILES)) {
        const entry = page
          .getByTestId('inventory-entry')
          .filter({ hasText: `.claude/context/hostile/${name}` })
        await entry.first().waitFor()
      }
      await page.screenshot({ path: join(RESULTS, `hostile-inventory-${shot}.png`) })

      const tables = new TablesPage(page)
      await tables.open()
      await tables.selectSource('memory')
      await tables.openTable('file_context_sessions')
      await tables.addFilter('body', 'contains', '__canary')
      await tables.count().filter({ hasText: '3 rows match' }).waitFor()
      const shown: string[] = []
      for (let i = 0; i < 3; i++) {
        await tables.cells('body').nth(i).click()
        await tables.grid().press('Enter')
        await tables.cellViewer().locator('.cell-text').waitFor()
        shown.push(await tables.cellViewer().locator('.cell-text').innerText())
        if (i === 0) await page.screenshot({ path: join(RESULTS, `hostile-cell-${shot}.png`) })
        await tables.cellViewer().getByTestId('cell-viewer-close').click()
      }
      // Shown as the very text of the files.
      expect(shown.join('\n')).toContain(SCRIPT)
      expect(shown.join('\n')).toContain(IMG)

      const seen = await injected(page)
      expect(seen.canary).toBeUndefined()
      expect(seen.elements).toBe(0)
      // zod probes once whether `new Function` is allowed (CSP answers "eval"); that is the
      // app's own code. Content that tried to run would show as an inline violation.
      expect(seen.csp.filter((v) => !/ eval$/.test(v))).toEqual([])
    } finally {
      await context.close()
    }
  }

  it('runs nothing from the content with the CSP bypassed: React renders it as text', async () => {
    await visit(true, 'nocsp')
  })

  it('runs nothing and triggers no inline-script CSP violation with the served CSP in place', async () => {
    await visit(false, 'csp')
  })

  it('logs no page errors', () => {
    expect(pageErrors, pageErrors.join('\n')).toEqual([])
  })
})
