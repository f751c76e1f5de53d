// Issue 4 in the browser: the Inventory screen asks for an inventory, takes one by running
// p2.migration-scripts, and shows the totals and every file with what the import will do.
import { execFileSync } from 'node:child_process'
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FERRY_BIN, tempDir } from '../support/paths'
import { ChecklistPage } from './pages/checklist-page'
import { InventoryPage } from './pages/inventory-page'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

describe('inventory screen in the browser', () => {
  const t = tempDir('ferry-e2e-inv-')
  const demo = join(t.dir, 'demo')
  let served: Served
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    execFileSync(process.execPath, [FERRY_BIN, 'demo-workspace', demo, '--events', '2000'], {
      env: { ...process.env, XDG_CONFIG_HOME: join(t.dir, 'config') },
      stdio: 'pipe',
    })
    // Hostile entries the inventory must list without following or opening them.
    const context = join(demo, '.claude', 'context')
    symlinkSync('/etc/hostname', join(context, 'outside-link'))
    execFileSync('mkfifo', [join(context, 'pipe')])
    writeFileSync(Buffer.from(`${context}/bad\xff.md`, 'latin1'), 'x')
    writeFileSync(join(context, 'latin1.md'), Buffer.from('ok\n\xff\xfe bad\n', 'latin1'))
    served = await startServe({ cwd: t.dir, configHome: join(t.dir, 'config'), args: ['-w', demo] })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    await new ChecklistPage(page).open(served.url)
    await page.getByTestId('workspace-path').filter({ hasText: demo }).waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    t.cleanup()
  })

  it('says there is no inventory yet and takes one with “Take inventory”', async () => {
    const inv = new InventoryPage(page)
    await inv.open()
    await inv.emptyState().waitFor()
    await expect(inv.emptyState().innerText()).resolves.toContain('No inventory yet')
    await inv.takeInventory().click()
    await inv.waitForEntries()
    await expect(inv.fact('files').innerText()).resolves.toMatch(/Files\s*\d/)
    await expect(inv.fact('import').innerText()).resolves.toMatch(/To import\s*[\d,]+ files/)
    await expect(inv.fact('secrets').innerText()).resolves.toMatch(/Secrets found\s*\d+ in/)
    // The workspace's truncated and malformed files, counted in the headline too.
    await expect(inv.fact('parse').innerText()).resolves.toMatch(/Parse problems\s*[\d,]+ files?$/)
    // The chart is loaded on demand: wait for its drawing, then read the axis label's unit.
    await inv.chart().locator('.recharts-bar-rectangle').first().waitFor()
    await expect(inv.chart().innerText()).resolves.toMatch(/size \((B|KB|MB)\)/)
  })

  it('lists .env marked as holding secrets, and agents.jsonl going to events', async () => {
    const inv = new InventoryPage(page)
    const env = inv.entry('.claude/config/.env')
    await expect(env.count()).resolves.toBe(1)
    await expect(env.getByTestId('secret-mark').innerText()).resolves.toMatch(/secret/)
    const log = inv.entry('.claude/logs/agents.jsonl')
    await expect(log.innerText()).resolves.toMatch(/→ events \([\d,]+ rows\)/)
    await page.screenshot({ path: join(RESULTS, 'inventory.png') })
    await inv.filter().scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(RESULTS, 'inventory-entries.png') })
  })

  it('filters to the problems and sorts by size', async () => {
    const inv = new InventoryPage(page)
    await inv.problemsOnly().check()
    // The demo's rotated log ends with a truncated line.
    await expect(inv.entry('.claude/logs/agents.jsonl.1').innerText()).resolves.toMatch(
      /1 error — line [\d,]+/,
    )
    await expect(inv.entry('.claude/config/.env').count()).resolves.toBe(0)
    // ▲ on each hostile entry, with its reason; the invalid name shown escaped, as given.
    const hostile = page.locator('tr.inv-hostile')
    await expect(hostile.count()).resolves.toBe(4)
    await expect(inv.entry('.claude/context/outside-link').innerText()).resolves.toMatch(
      /▲[\s\S]*outside the workspace/,
    )
    await expect(inv.entry('.claude/context/outside-link').innerText()).resolves.toMatch(
      /skipped: a symbolic link/,
    )
    await expect(inv.entry('.claude/context/pipe').innerText()).resolves.toMatch(/special file/)
    await expect(hostile.filter({ hasText: 'bad\\xFF.md' }).count()).resolves.toBe(1)
    await expect(inv.entry('.claude/context/latin1.md').innerText()).resolves.toMatch(
      /invalid UTF-8 at line 2/,
    )
    await page.screenshot({ path: join(RESULTS, 'inventory-problems.png') })
    await inv.problemsOnly().uncheck()
    await inv.sortBy('size').click()
    await expect(inv.entries().first().getAttribute('data-path')).resolves.toBe('.claude/state.db')
    await inv.filter().fill('agents.jsonl')
    await expect(inv.entries().count()).resolves.toBe(3)
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })
})
