// Issue 6 in the browser: on a migrated demo workspace with its target connected, the Agents
// screen lists every agent on sqlite; switching one to postgres changes only that agent's flag,
// and the agent's next write through the library lands in PostgreSQL.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forAgent } from '../../electron/core/agent-store/index'
import { admin, buildFixture, type Fixture } from '../integration/agent-store-support'
import { AgentsPage } from './pages/agents-page'
import { ChecklistPage } from './pages/checklist-page'
import { MigrationPage } from './pages/migration-page'
import { wheelUntilVisible } from './support/scroll'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

describe('agents screen in the browser', () => {
  let fx: Fixture
  let served: Served
  let browser: Browser
  let page: Page
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    fx = await buildFixture('ase2e', { events: 300 })
    served = await startServe({ cwd: fx.dir, configHome: join(fx.dir, 'config'), args: ['-w', fx.ws] })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    await new ChecklistPage(page).open(served.url)
    await page.getByTestId('workspace-path').filter({ hasText: fx.ws }).waitFor()
    await new MigrationPage(page).connectTarget(fx.url)
  }, 200_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await fx?.cleanup()
  })

  it('switches one agent from sqlite to postgres; only its flag changes and its next write lands in PostgreSQL', async () => {
    const agents = new AgentsPage(page)
    await agents.open()
    await agents.rows().first().waitFor()
    const before = await agents.backends()
    const ids = Object.keys(before)
    expect(ids.length).toBeGreaterThan(2)
    expect(new Set(Object.values(before))).toEqual(new Set(['sqlite']))
    const agent = ids[0]!

    await agents.backendSelect(agent).selectOption('postgres')
    await agents.switchOutcome().waitFor()
    await expect(agents.switchOutcome().innerText()).resolves.toContain(`${agent}: sqlite → postgres`)
    await page.waitForFunction(
      (id) => (document.querySelector(`[data-testid="agent-backend-${id}"]`) as HTMLSelectElement | null)?.value === 'postgres',
      agent,
    )
    const after = await agents.backends()
    expect(after).toEqual({ ...before, [agent]: 'postgres' })

    const { backend, store } = await forAgent(agent, { workspace: fx.ws, postgresUrl: fx.url })
    expect(backend).toBe('postgres')
    await store!.recordEvent({ type: 'e2e.switched' })
    await store!.close()
    const n = await admin(fx.url, async (c) =>
      (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM "agent_memory"."events" WHERE "agent_id" = $1 AND "event_type" = 'e2e.switched'`, [agent])).rows[0]!.n,
    )
    expect(n).toBe(1)
    await expect(agents.sweep().innerText()).resolves.toContain('Not measured')
    await page.screenshot({ path: join(RESULTS, 'agents.png'), fullPage: true })
    expect(consoleErrors).toEqual([])
  })

  it('in a short window the agent table keeps its height and the page scrolls to the concurrency card', async () => {
    await page.setViewportSize({ width: 1280, height: 600 })
    try {
      const agents = new AgentsPage(page)
      const table = page.getByTestId('agents-table')
      const box = await table.evaluate((el) => {
        const holder = el.parentElement!.getBoundingClientRect()
        return { table: el.getBoundingClientRect().height, holder: holder.height }
      })
      // Every row shown: the table's box is not squeezed inside its scroll holder.
      expect(box.holder).toBeGreaterThanOrEqual(box.table)
      await expect(agents.rows().count()).resolves.toBeGreaterThan(2)
      await expect(wheelUntilVisible(page, agents.sweep())).resolves.toBe(true)
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 })
    }
  })
})
