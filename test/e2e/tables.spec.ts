// Issue 7 in the browser: the Tables screen on a demo workspace's state.db — open events, scroll
// far down the virtualized grid, filter by one agent, open a JSON cell, count in the console (the
// number sqlite3 gives) and see DELETE refused with the count unchanged.
import Database from 'better-sqlite3'
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FERRY_BIN, tempDir } from '../support/paths'
import { ChecklistPage } from './pages/checklist-page'
import { TablesPage } from './pages/tables-page'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

const EVENTS = 20_000

describe('table inspector in the browser', () => {
  const t = tempDir('ferry-e2e-tables-')
  const demo = join(t.dir, 'demo')
  const stateDb = join(demo, '.claude', 'state.db')
  let served: Served
  let browser: Browser
  let page: Page
  let tables: TablesPage
  const consoleErrors: string[] = []

  const sqliteCount = (): number => {
    const db = new Database(stateDb, { readonly: true, fileMustExist: true })
    try {
      return db.prepare('SELECT count(*) FROM events').pluck().get() as number
    } finally {
      db.close()
    }
  }

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    execFileSync(
      process.execPath,
      [FERRY_BIN, 'demo-workspace', demo, '--events', String(EVENTS)],
      {
        env: { ...process.env, XDG_CONFIG_HOME: join(t.dir, 'config') },
        stdio: 'pipe',
      },
    )
    served = await startServe({ cwd: t.dir, configHome: join(t.dir, 'config'), args: ['-w', demo] })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    await new ChecklistPage(page).open(served.url)
    await page.getByTestId('workspace-path').filter({ hasText: demo }).waitFor()
    tables = new TablesPage(page)
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    t.cleanup()
  })

  it('lists the tables of state.db and opens events with its exact row count', async () => {
    await tables.open()
    await tables.tableItem('events').waitFor()
    await expect(tables.tableItem('events').innerText()).resolves.toContain(
      `${EVENTS.toLocaleString('en-US')} rows`,
    )
    await tables.openTable('events')
    await expect(tables.count().innerText()).resolves.toBe(`${EVENTS.toLocaleString('en-US')} rows`)
    await tables.cells('event_id').first().waitFor()
    await expect(tables.cells('event_id').first().innerText()).resolves.toBe('1')
    await expect(tables.grid().locator('.grid-th').first().innerText()).resolves.toContain(
      'INTEGER',
    )
    await page.screenshot({ path: join(RESULTS, 'tables-events.png') })
  })

  it('scrolls far down the virtualized grid and shows those rows, not the first ones', async () => {
    await tables.scrollTo(0.9)
    const target = tables
      .loadedRows()
      .filter({ has: page.locator('.grid-rownum', { hasText: /^18,/ }) })
    await target.first().waitFor({ timeout: 30_000 })
    const ids = (await tables.cells('event_id').allInnerTexts()).map(Number)
    expect(Math.min(...ids)).toBeGreaterThan(17_000)
    // Only a window of rows is in the DOM.
    await expect(tables.grid().locator('.grid-row').count()).resolves.toBeLessThan(200)
    await page.screenshot({ path: join(RESULTS, 'tables-scrolled.png') })
  })

  it("filters agent_id = one agent and shows only that agent's rows", async () => {
    const db = new Database(stateDb, { readonly: true })
    const agent = db
      .prepare(
        'SELECT agent_id FROM events WHERE agent_id IS NOT NULL GROUP BY agent_id ORDER BY count(*) DESC LIMIT 1',
      )
      .pluck()
      .get() as string
    const expected = db
      .prepare('SELECT count(*) FROM events WHERE agent_id = ?')
      .pluck()
      .get(agent) as number
    db.close()
    await tables.scrollTo(0)
    await tables.addFilter('agent_id', 'eq', agent)
    await tables
      .count()
      .filter({ hasText: `${expected.toLocaleString('en-US')} rows match` })
      .waitFor()
    await tables.cells('agent_id').first().waitFor()
    const seen = await tables.cells('agent_id').allInnerTexts()
    expect(seen.length).toBeGreaterThan(5)
    expect(new Set(seen)).toEqual(new Set([agent]))
    await page.screenshot({ path: join(RESULTS, 'tables-filtered.png') })
  })

  it('moves the active cell with the arrow keys', async () => {
    await tables.cells('event_id').first().click()
    await tables.grid().press('ArrowDown')
    await tables.grid().press('ArrowDown')
    await tables.grid().press('ArrowRight')
    const active = tables.grid().locator('[role="gridcell"][aria-selected="true"]')
    await expect(active.getAttribute('data-col')).resolves.toBe('agent_id')
    await expect(active.locator('xpath=..').locator('.grid-rownum').innerText()).resolves.toBe('3')
  })

  it('opens a JSON cell in the viewer as a collapsible tree', async () => {
    const cell = tables.cells('payload').filter({ hasText: /^\{/ }).first()
    await cell.click()
    await tables.grid().press('Enter')
    await tables.cellViewer().waitFor()
    await tables.cellViewer().getByTestId('json-tree').waitFor()
    await expect(tables.cellViewer().locator('details').count()).resolves.toBeGreaterThan(0)
    await page.screenshot({ path: join(RESULTS, 'tables-json-cell.png') })
    await tables.cellViewer().getByTestId('cell-viewer-close').click()
  })

  it('counts events in the console as sqlite3 does, and refuses DELETE with the count unchanged', async () => {
    const expected = sqliteCount()
    await tables.openConsole()
    await tables.runSql('SELECT count(*) FROM events')
    await expect(tables.sqlGrid().locator('[role="gridcell"]').first().innerText()).resolves.toBe(
      String(expected),
    )
    await page.screenshot({ path: join(RESULTS, 'tables-console-count.png') })
    await tables.runSql('DELETE FROM events')
    await tables.sqlError().waitFor()
    await expect(tables.sqlError().innerText()).resolves.toMatch(
      /Refused: This statement would change .*state\.db, so it was not run/,
    )
    await page.screenshot({ path: join(RESULTS, 'tables-console-refused.png') })
    expect(sqliteCount()).toBe(expected)
    await tables.runSql('SELECT count(*) FROM events')
    await expect(tables.sqlGrid().locator('[role="gridcell"]').first().innerText()).resolves.toBe(
      String(expected),
    )
    await tables.page.getByTestId('sql-history').locator('summary').click()
    await expect(tables.page.getByTestId('sql-history').innerText()).resolves.toContain(
      'DELETE FROM events',
    )
  })

  it('logs no errors in the page console', () => {
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  })
})
