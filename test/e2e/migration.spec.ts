// Issue 5 "Progress" and issue 7's live migration view in Debian's Chromium against `ferry serve`:
// a small demo workspace (memory.db built by p2.validate on the CLI), the local PostgreSQL as a
// URL target (a database of its own, dropped after), p3.migrate started from the Migration screen.
// The page is reloaded while it runs and after: per-table progress, the chart and the
// reconciliation panel come back from the backend.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FERRY_BIN, tempDir } from '../support/paths'
import { ChecklistPage } from './pages/checklist-page'
import { MigrationPage } from './pages/migration-page'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB = `ferry_e2e_mig_${Math.random().toString(36).slice(2, 10)}`

function urlFor(db: string): string {
  const u = new URL(PG_URL)
  u.pathname = `/${db}`
  return u.toString()
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

describe('migration screen in the browser', () => {
  const t = tempDir('ferry-e2e-mig-')
  const demo = join(t.dir, 'demo')
  const env = { ...process.env, XDG_CONFIG_HOME: join(t.dir, 'config') }
  let served: Served
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    await admin(`CREATE DATABASE ${DB}`)
    execFileSync(process.execPath, [FERRY_BIN, 'demo-workspace', demo, '--events', '5000'], {
      env,
      stdio: 'pipe',
    })
    // The precondition of p3.migrate: memory.db, built and reconciled by p2.validate.
    execFileSync(process.execPath, [FERRY_BIN, 'run', 'p2.validate', '-w', demo, '--json'], {
      env,
      stdio: 'pipe',
    })
    // Three messages with a NUL byte: PostgreSQL text refuses them, so they go to the reject queue.
    const mem = new Database(join(demo, '.claude', 'memory.db'))
    mem
      .prepare('UPDATE events SET message = ? || char(0) || ? WHERE event_id IN (10, 20, 30)')
      .run('before', 'after')
    mem.close()
    served = await startServe({ cwd: t.dir, configHome: join(t.dir, 'config'), args: ['-w', demo] })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1360, height: 900 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    await new ChecklistPage(page).open(served.url)
    await page.getByTestId('workspace-path').filter({ hasText: demo }).waitFor()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await admin(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    t.cleanup()
  })

  it('starts p3.migrate from the Migration screen and shows per-table progress; a reload mid-run keeps it', async () => {
    const mig = new MigrationPage(page)
    await mig.connectTarget(urlFor(DB))
    await mig.open()
    await mig.emptyState().waitFor()
    await mig.migrateNow().click()
    await mig.tables().first().waitFor({ timeout: 60_000 })
    // Reload while the step may still be running: the per-table state comes back from the backend.
    await page.reload()
    await page.getByTestId('step-pre.backup').waitFor()
    await mig.open()
    await mig.table('events').waitFor({ timeout: 30_000 })
    await expect(mig.tables().count()).resolves.toBe(20)
    await mig.waitForState('done', 120_000)
    await expect(mig.table('events').getAttribute('data-status')).resolves.toBe('done')
    await expect(mig.table('events').innerText()).resolves.toMatch(/5,000 \/ 5,000 rows · 100%/)
    await expect(mig.totals().innerText()).resolves.toMatch(/Rows\s*15,969 \/ 15,969/)
  }, 180_000)

  it('after the run: the throughput chart, the reconciliation panel and the reject queue; a reload keeps them', async () => {
    const mig = new MigrationPage(page)
    await mig.chart().locator('.recharts-line-curve').first().waitFor({ timeout: 30_000 })
    await mig.reconciliation().waitFor({ timeout: 30_000 })
    // The demo's orphaned references: foreign keys kept NOT VALID with their orphan rows listed.
    const fk = mig.foreignKey('events_agent_id_fkey')
    await expect(fk.innerText()).resolves.toMatch(/NOT VALID[\s\S]*42[\s\S]*id=/)
    // Long orphan samples and CHECK definitions wrap inside the card, never push it past the screen.
    await expect(mig.cardOverflowX(mig.reconciliation())).resolves.toBeLessThanOrEqual(1)
    await mig.rejectQueue().waitFor()
    await page.screenshot({ path: join(RESULTS, 'migration-done.png') })
    await mig.chart().screenshot({ path: join(RESULTS, 'migration-chart.png') })
    await mig.reconciliation().screenshot({ path: join(RESULTS, 'migration-reconciliation.png') })

    await page.reload()
    await page.getByTestId('step-pre.backup').waitFor()
    await mig.open()
    await mig.waitForState('done', 30_000)
    await expect(mig.tables().count()).resolves.toBe(20)
    await mig.chart().locator('.recharts-line-curve').first().waitFor({ timeout: 30_000 })
    await mig.reconciliation().waitFor({ timeout: 30_000 })
    await expect(mig.table('events').innerText()).resolves.toMatch(/5,000 \/ 5,000 rows/)
    await page.screenshot({ path: join(RESULTS, 'migration-after-reload.png') })
  }, 120_000)

  it('lists the rejected rows with the reason; a recorded strip-NUL rule retries only those rows', async () => {
    const mig = new MigrationPage(page)
    await expect(mig.totals().innerText()).resolves.toMatch(/Rejected\s*3 row\(s\)/)
    await mig.rejectedLink().click()
    await expect(mig.rejectRows().count()).resolves.toBe(3)
    await expect(mig.rejectRow('events', '20').innerText()).resolves.toMatch(
      /message[\s\S]*NUL byte/,
    )
    for (const key of ['10', '20', '30']) await mig.pickReject('events', key)
    await mig.rule().selectOption('strip-nul')
    await mig.rejectQueue().screenshot({ path: join(RESULTS, 'migration-rejects-before.png') })
    await mig.retry().click()
    await expect(mig.retryOutcome().innerText()).resolves.toMatch(
      /Retried 3 row\(s\) of events: 3 loaded; rule\(s\) #1 recorded/,
    )
    await mig.rejectsEmpty().waitFor()
    await expect(mig.recordedRules().innerText()).resolves.toMatch(/1 recorded rule/)
    await mig.rejectQueue().screenshot({ path: join(RESULTS, 'migration-rejects-after.png') })
  }, 60_000)

  it('compares source and target rows of a migrated table side by side', async () => {
    const mig = new MigrationPage(page)
    await mig.compareTable().selectOption('agents')
    await mig.compareRows().first().waitFor({ timeout: 30_000 })
    await expect(mig.compareRows().count()).resolves.toBe(12)
    await expect(
      page.locator('[data-testid="compare-row"][data-state="equal"]').count(),
    ).resolves.toBe(12)
    // A row the strip-NUL rule changed: its message cell differs from memory.db, highlighted.
    await mig.compareTable().selectOption('events')
    const changed = mig.compareRow('events', '10')
    await changed.waitFor({ timeout: 30_000 })
    await expect(changed.getAttribute('data-state')).resolves.toBe('different')
    await expect(changed.locator('[data-diff="true"]').count()).resolves.toBe(1)
    // Short words stay whole: "memory.db", "PostgreSQL", "debug" are never split over two lines.
    const splitWords = await page.getByTestId('compare').evaluate((el) =>
      [...el.querySelectorAll('td')]
        .filter((td) => /^\S{1,12}$/.test(td.textContent ?? ''))
        .filter((td) => {
          const range = document.createRange()
          range.selectNodeContents(td)
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size > 1
        })
        .map((td) => td.textContent),
    )
    expect(splitWords).toEqual([])
    await page.getByTestId('compare').screenshot({ path: join(RESULTS, 'migration-compare.png') })
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  }, 60_000)

  it('shows delta sync\'s lag per table: rows an agent touched since the load, and the column used', async () => {
    const mig = new MigrationPage(page)
    await mig.deltaLag().waitFor({ timeout: 30_000 })
    await expect(mig.deltaLagRow('agents').innerText()).resolves.toMatch(/^agents\s+0\s+0\s+0\s+—\s+last_activity/)
    // Nothing new, but compared tables' changes are known only once the delta runs: said so.
    await expect(mig.deltaLag().innerText()).resolves.toMatch(/Every new row is copied; changes in the tables whose rows are compared/)
    // An agent keeps working: two agents' last_activity moves on.
    const mem = new Database(join(demo, '.claude', 'memory.db'))
    mem
      .prepare("UPDATE agents SET last_activity = '2099-01-01T00:00:00Z' WHERE rowid IN (SELECT rowid FROM agents ORDER BY rowid LIMIT 2)")
      .run()
    mem.close()
    await mig.recomputeLag().click()
    await expect
      .poll(() => mig.deltaLagRow('agents').innerText(), { timeout: 30_000 })
      .toMatch(/^agents\s+2\s+0\s+2\s+—\s+last_activity/)
    await expect(mig.deltaLag().innerText()).resolves.toMatch(/2 row\(s\) not yet copied/)
    // events has no time column: its 5,000 rows are compared with the target on each delta.
    await expect(mig.deltaLagRow('events').innerText()).resolves.toMatch(/every row compared/)
    await page.getByTestId('delta-lag-card').screenshot({ path: join(RESULTS, 'migration-delta-lag.png') })
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  }, 60_000)
})
