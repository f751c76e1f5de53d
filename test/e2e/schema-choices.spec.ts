// Issue 5's pre-flight choices in Debian's Chromium against `ferry serve`: p3.schema runs from the
// checklist, its panel lists the demo's violated constraints (the out-of-list agent status, the
// orphaned references) and every column's type; the user maps 'zombie' to an allowed status,
// loads one foreign key without its constraint, gives agents.configuration another type and
// translates again; then p3.migrate loads it. Checked in PostgreSQL and on disk, not just on screen.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FERRY_BIN, tempDir } from '../support/paths'
import { ChecklistPage } from './pages/checklist-page'
import { ChoicesPage } from './pages/choices-page'
import { MigrationPage } from './pages/migration-page'
import { RESULTS, launchChromium, startServe, type Served } from './support/serve'

const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const DB = `ferry_e2e_choice_${Math.random().toString(36).slice(2, 10)}`

function urlFor(db: string): string {
  const u = new URL(PG_URL)
  u.pathname = `/${db}`
  return u.toString()
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query<T>(sql)).rows
  } finally {
    await c.end()
  }
}

describe('p3.schema choices in the browser', () => {
  const t = tempDir('ferry-e2e-choice-')
  const demo = join(t.dir, 'demo')
  const env = { ...process.env, XDG_CONFIG_HOME: join(t.dir, 'config') }
  let served: Served
  let browser: Browser
  let page: Page
  let fk = ''
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true })
    await query(PG_URL, `CREATE DATABASE ${DB}`)
    execFileSync(process.execPath, [FERRY_BIN, 'demo-workspace', demo, '--events', '800'], { env, stdio: 'pipe' })
    execFileSync(process.execPath, [FERRY_BIN, 'run', 'p2.validate', '-w', demo, '--json'], { env, stdio: 'pipe' })
    served = await startServe({ cwd: t.dir, configHome: join(t.dir, 'config'), args: ['-w', demo] })
    browser = await launchChromium()
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } })
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()))
    page.on('pageerror', (e) => consoleErrors.push(e.message))
    await new ChecklistPage(page).open(served.url)
    await page.getByTestId('workspace-path').filter({ hasText: demo }).waitFor()
    await new MigrationPage(page).connectTarget(urlFor(DB))
    await page.getByTestId('nav-checklist').click()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await served?.stop()
    await query(PG_URL, `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`)
    t.cleanup()
  })

  it('runs p3.schema and lists the violated constraints with their values, every column type and the DDL side by side', async () => {
    const ui = new ChecklistPage(page)
    const choices = new ChoicesPage(page)
    await ui.runStep('p3.schema')
    await ui.waitForStatus('p3.schema', 'done', 90_000)
    await choices.constraintRow('valid_agent_status').waitFor({ timeout: 30_000 })
    await expect(choices.constraintRow('valid_agent_status').innerText()).resolves.toMatch(
      /valid_agent_status[\s\S]*\b1\b[\s\S]*'zombie' ×1[\s\S]*NOT VALID/,
    )
    // The orphaned references: a foreign key with violating rows is listed too.
    const fkRow = page.locator('[data-testid^="choice-row-"]').filter({ hasText: 'REFERENCES' }).first()
    fk = ((await fkRow.getAttribute('data-testid')) ?? '').replace('choice-row-', '')
    expect(fk).not.toBe('')
    await expect(choices.typeRow('agents.configuration').innerText()).resolves.toMatch(/jsonb/)
    // In the panel's narrow column at 1280 px the type choices fit: names and notes wrap.
    await page.setViewportSize({ width: 1280, height: 1000 })
    try {
      const overflow = await page
        .getByTestId('choice-types')
        .evaluate((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth)
      expect(overflow).toBeLessThanOrEqual(1)
    } finally {
      await page.setViewportSize({ width: 1500, height: 1000 })
    }
    // The demo's JSON is compact ({"a":1}); jsonb prints it spaced and key-sorted: said up front.
    await expect(choices.typeRow('agents.configuration').innerText()).resolves.toMatch(
      /jsonb keeps the JSON, not its spelling: \d+ of the first \d+ values/,
    )
    await choices.ddl().locator('summary').click()
    await page.getByTestId('ddl-table').selectOption('agents')
    await expect(page.getByTestId('ddl-postgres').innerText()).resolves.toMatch(/"configuration" jsonb/)
    await expect(page.getByTestId('ddl-sqlite').innerText()).resolves.toMatch(/CREATE TABLE/)
    await choices.panel().screenshot({ path: join(RESULTS, 'schema-choices-before.png') })
    // No choice made yet: the evidence says so under its heading, not a bare "Choices".
    await expect(ui.evidence().getByTestId('evidence-view').innerText()).resolves.toMatch(
      /Choices\s*none\s*Maps\s*none\s*Types\s*none/,
    )
  }, 120_000)

  it('a stop choice ends p3.schema before anything is written, naming the rows; the choice can be undone from the same panel', async () => {
    const ui = new ChecklistPage(page)
    const choices = new ChoicesPage(page)
    await choices.choice('valid_agent_status').selectOption('stop')
    await choices.apply().click()
    await ui.waitForStatus('p3.schema', 'failed', 90_000)
    await expect(page.getByTestId('step-error').innerText()).resolves.toMatch(/chosen to stop[\s\S]*zombie/)
    // The failed run keeps the last evidence: the constraint is still listed, with the saved choice.
    await expect(choices.choice('valid_agent_status').inputValue()).resolves.toBe('stop')
    await choices.panel().screenshot({ path: join(RESULTS, 'schema-choices-stopped.png') })
    await choices.choice('valid_agent_status').selectOption('')
    await choices.apply().click()
    await ui.waitForStatus('p3.schema', 'done', 90_000)
    await expect(choices.outcome('valid_agent_status').innerText()).resolves.toMatch(/NOT VALID/)
  }, 180_000)

  it('refuses to save a map until every violating value has an allowed value', async () => {
    const choices = new ChoicesPage(page)
    await choices.choice('valid_agent_status').selectOption('map')
    await expect(choices.problem().innerText()).resolves.toMatch(/Map every violating value of valid_agent_status: 'zombie'/)
    await expect(choices.apply().isDisabled()).resolves.toBe(true)
    await expect(choices.save().isDisabled()).resolves.toBe(true)
    // Only the CHECK's own values are offered.
    const offered = await choices.map('valid_agent_status', 'zombie').locator('option').allInnerTexts()
    expect(offered).toEqual(['choose…', 'active', 'idle', 'crashed', 'sleeping'])
  })

  it('saves the choices, translates again and shows what they did; the options file holds them', async () => {
    const ui = new ChecklistPage(page)
    const choices = new ChoicesPage(page)
    await choices.map('valid_agent_status', 'zombie').selectOption('crashed')
    await choices.choice(fk).selectOption('skip-constraint')
    await choices.typeFilter().fill('agents.config')
    await choices.type('agents.configuration').selectOption('text')
    await expect(choices.problem().count()).resolves.toBe(0)
    await choices.apply().click()
    await expect
      .poll(() => choices.outcome('valid_agent_status').innerText(), { timeout: 90_000 })
      .toMatch(/mapped 'zombie' → 'crashed' \(1 row\(s\)\); created valid/)
    await ui.waitForStatus('p3.schema', 'done', 90_000)
    await expect(choices.outcome(fk).innerText()).resolves.toMatch(/not created \(loaded without it\)/)
    await expect(choices.typeRow('agents.configuration').innerText()).resolves.toMatch(/text\s*chosen/)
    await expect(ui.evidence().innerText()).resolves.toMatch(/replaced \(options changed before any data was loaded\)/)
    const saved = JSON.parse(readFileSync(join(demo, '.ferry', 'p3-options.json'), 'utf8')) as unknown
    expect(saved).toEqual({
      identifiers: 'preserve',
      onViolation: 'not-valid',
      choices: { [fk]: 'skip-constraint' },
      maps: { valid_agent_status: { zombie: 'crashed' } },
      types: { 'agents.configuration': 'text' },
    })
    await choices.panel().screenshot({ path: join(RESULTS, 'schema-choices-after.png') })
  }, 120_000)

  it('p3.migrate loads by those choices: the mapped status in PostgreSQL, memory.db unchanged, the CHECK valid, no skipped foreign key', async () => {
    const mig = new MigrationPage(page)
    await mig.open()
    await mig.migrateNow().click()
    await mig.waitForState('done', 120_000)
    const target = urlFor(DB)
    const mem = new Database(join(demo, '.claude', 'memory.db'), { readonly: true })
    const zombie = mem.prepare("SELECT agent_id FROM agents WHERE status = 'zombie'").pluck().all() as string[]
    mem.close()
    expect(zombie).toHaveLength(1)
    const rows = await query<{ status: string }>(
      target,
      `SELECT status FROM agent_memory.agents WHERE agent_id = ${pg.escapeLiteral(zombie[0]!)}`,
    )
    expect(rows).toEqual([{ status: 'crashed' }])
    const cons = await query<{ conname: string; convalidated: boolean }>(
      target,
      "SELECT conname, convalidated FROM pg_constraint WHERE connamespace = 'agent_memory'::regnamespace ORDER BY conname",
    )
    expect(cons.find((c) => c.conname === 'valid_agent_status')).toEqual({ conname: 'valid_agent_status', convalidated: true })
    expect(cons.map((c) => c.conname)).not.toContain(fk)
    const type = await query<{ data_type: string }>(
      target,
      "SELECT data_type FROM information_schema.columns WHERE table_schema = 'agent_memory' AND table_name = 'agents' AND column_name = 'configuration'",
    )
    expect(type).toEqual([{ data_type: 'text' }])
    expect(consoleErrors, consoleErrors.join('\n')).toEqual([])
  }, 180_000)
})
