// Issue 6 in the browser: the Benchmarks screen runs p4.benchmark on a small demo workspace and
// draws the latency chart with one series per measured backend; what could not be measured here
// (state.db after Phase 1, memory.db, PostgreSQL, concurrency) is listed with its reason.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FERRY_BIN, tempDir } from '../support/paths'
import { BenchmarksPage } from './pages/benchmarks-page'
import { ChecklistPage } from './pages/checklist-page'
import { MetricsPage, MonitoringPage } from './pages/metrics-page'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

describe('benchmarks screen in the browser', () => {
  const t = tempDir('ferry-e2e-bench-')
  const demo = join(t.dir, 'demo')
  let served: Served
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    execFileSync(process.execPath, [FERRY_BIN, 'demo-workspace', demo, '--events', '1500'], {
      env: { ...process.env, XDG_CONFIG_HOME: join(t.dir, 'config') },
      stdio: 'pipe',
    })
    served = await startServe({ cwd: t.dir, configHome: join(t.dir, 'config'), args: ['-w', demo] })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
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

  it('says there is no benchmark yet, then runs p4.benchmark and charts one series per measured backend', async () => {
    const bench = new BenchmarksPage(page)
    await bench.open()
    await bench.emptyState().waitFor()
    await expect(bench.emptyState().innerText()).resolves.toContain('No benchmark yet')
    await expect(bench.chart('throughput').innerText()).resolves.toContain('Not measured: p4.concurrency has not run')
    await bench.runBenchmark().click()
    await bench.latencyChart().locator('.recharts-bar-rectangle').first().waitFor({ timeout: 180_000 })
    // Files (the old system) and the state.db baseline are measurable on a fresh workspace.
    const legend = await bench.legendEntries().allInnerTexts()
    expect(legend).toEqual(['Files (old system)', 'state.db before Phase 1'])
    await expect(bench.barSeries().count()).resolves.toBe(2)
    const gaps = await bench.notMeasured().innerText()
    expect(gaps).toContain('state.db after Phase 1: Phase 1 has not changed')
    expect(gaps).toContain('memory.db: there is no .claude/memory.db yet')
    expect(gaps).toContain('PostgreSQL: p3.migrate has not run')
    await expect(bench.chart('sizes').innerText()).resolves.toContain('Database sizes')
    await page.screenshot({ path: join(RESULTS, 'benchmarks.png'), fullPage: true })
  })

  it('switches the latency chart to p50 and keeps one series per backend', async () => {
    const bench = new BenchmarksPage(page)
    await bench.metric('p50').click()
    await expect(bench.latencyChart().locator('figcaption').innerText()).resolves.toContain('(p50, ms')
    await expect(bench.legendEntries().count()).resolves.toBe(2)
  })

  it('shows Monitoring idle without a target, and every success metric as not measured without evidence', async () => {
    const mon = new MonitoringPage(page)
    await mon.open()
    await mon.idle().waitFor()
    await expect(mon.idle().innerText()).resolves.toContain('No PostgreSQL target is connected')
    const metrics = new MetricsPage(page)
    await metrics.open()
    await expect(metrics.rows().count()).resolves.toBe(9)
    // The benchmark ran, but not on PostgreSQL: the query-time metric must not pass.
    const q = await metrics.metric('query-time').innerText()
    expect(q).toContain('not measured')
    expect(q).toContain('PostgreSQL was not measured: p3.migrate has not run')
    await expect(metrics.summary().innerText()).resolves.toMatch(/^0 pass · 0 fail · 9 not measured$/)
    await page.screenshot({ path: join(RESULTS, 'metrics.png'), fullPage: true })
    expect(consoleErrors).toEqual([])
  })
})
