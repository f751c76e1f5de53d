// The Monitoring screen against a real PostgreSQL target (a scratch database): after connecting in
// Settings, it samples the target and draws the charts and details; the success metrics panel then
// counts the monitoring and the availability as measured — from those samples, nothing else.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FERRY_BIN, tempDir } from '../support/paths'
import { ChecklistPage } from './pages/checklist-page'
import { MetricsPage, MonitoringPage } from './pages/metrics-page'
import { wheelUntilVisible } from './support/scroll'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB = `ferry_e2e_mon_${Math.random().toString(36).slice(2, 10)}`

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

describe('monitoring screen in the browser', () => {
  const t = tempDir('ferry-e2e-mon-')
  const demo = join(t.dir, 'demo')
  const target = (() => {
    const u = new URL(PG_URL)
    u.pathname = `/${DB}`
    return u.toString()
  })()
  let served: Served
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    await admin(`CREATE DATABASE "${DB}"`)
    execFileSync(process.execPath, [FERRY_BIN, 'demo-workspace', demo, '--events', '200'], {
      env: { ...process.env, XDG_CONFIG_HOME: join(t.dir, 'config') },
      stdio: 'pipe',
    })
    served = await startServe({ cwd: t.dir, configHome: join(t.dir, 'config'), args: ['-w', demo] })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    await new ChecklistPage(page).open(served.url)
    await page.getByTestId('workspace-path').filter({ hasText: demo }).waitFor()
  })

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await admin(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`)
    t.cleanup()
  })

  it('samples the connected target and draws connections, throughput, cache and memory', async () => {
    const mon = new MonitoringPage(page)
    await mon.connectTarget(target)
    await mon.open()
    // Two samples make a line (the sampler takes one every 5 s); a flat line has no height, so
    // "attached", not "visible".
    await mon.chart('connections').locator('path.recharts-line-curve').first().waitFor({ state: 'attached', timeout: 30_000 })
    await expect(mon.chart('connections').locator('.recharts-legend-item').allInnerTexts()).resolves.toContain('active')
    await mon.chart('memory').locator('path.recharts-line-curve').first().waitFor({ state: 'attached' })
    await mon.details().waitFor()
    await expect(mon.details().innerText()).resolves.toContain('Largest tables')
    await expect(mon.statements().innerText()).resolves.toMatch(/mean ×|shared_preload_libraries/)
    await page.screenshot({ path: join(RESULTS, 'monitoring.png'), fullPage: true })
  })

  it('scrolls with the mouse wheel to what lies below the window (a short window)', async () => {
    await page.setViewportSize({ width: 1280, height: 600 })
    try {
      const mon = new MonitoringPage(page)
      await expect(wheelUntilVisible(page, page.getByTestId('monitor-run'))).resolves.toBe(true)
      const metrics = new MetricsPage(page)
      await metrics.open()
      await expect(wheelUntilVisible(page, metrics.metric('monitoring'))).resolves.toBe(true)
      await mon.open()
    } finally {
      await page.setViewportSize({ width: 1280, height: 1000 })
    }
  })

  it('counts monitoring and availability as measured from the live samples', async () => {
    const metrics = new MetricsPage(page)
    await metrics.open()
    await expect(metrics.metric('monitoring').innerText()).resolves.toMatch(/live samples since[\s\S]*pass/)
    await expect(metrics.metric('availability').innerText()).resolves.toMatch(/100\.00 % of \d+ samples/)
    // Still nothing measured for the rest: no benchmark, no concurrency run on this workspace.
    await expect(metrics.metric('query-time').innerText()).resolves.toContain('not measured')
    expect(consoleErrors).toEqual([])
  })
})
