// Page object for the Migration screen (live p3.migrate view, reconciliation, reject queue, compare).
import type { Locator, Page } from 'playwright-core'

export class MigrationPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-migration').click()
    await this.page.getByTestId('migration-screen').waitFor()
  }

  /** Settings → Connections: a PostgreSQL URL as the target, connected. */
  async connectTarget(url: string): Promise<void> {
    await this.page.getByTestId('nav-settings').click()
    await this.page.locator('input[name="target-kind"][value="url"]').check()
    await this.page.getByTestId('target-url').fill(url)
    await this.page.getByTestId('target-connect').click()
    await this.page
      .getByTestId('target-status')
      .filter({ hasText: /connected/i })
      .waitFor({ timeout: 30_000 })
  }

  emptyState(): Locator {
    return this.page.getByTestId('migration-empty')
  }

  migrateNow(): Locator {
    return this.page.getByTestId('migration-run')
  }

  state(): Locator {
    return this.page.getByTestId('migration-state')
  }

  async waitForState(word: string, timeout = 120_000): Promise<void> {
    await this.state().filter({ hasText: word }).waitFor({ timeout })
  }

  tables(): Locator {
    return this.page.getByTestId('migration-table')
  }

  table(name: string): Locator {
    return this.page.locator(`[data-testid="migration-table"][data-table="${name}"]`)
  }

  totals(): Locator {
    return this.page.getByTestId('migration-totals')
  }

  chart(): Locator {
    return this.page.getByTestId('migration-chart')
  }

  reconciliation(): Locator {
    return this.page.getByTestId('reconciliation')
  }

  /** How many pixels the card holding `inner` is wider than its box (0: nothing sticks out). */
  cardOverflowX(inner: Locator): Promise<number> {
    return inner.evaluate((el) => {
      const card = el.closest('section') ?? el
      return card.scrollWidth - card.clientWidth
    })
  }

  foreignKey(name: string): Locator {
    return this.page.locator(`[data-testid="recon-fk"][data-name="${name}"]`)
  }

  check(name: string): Locator {
    return this.page.locator(`[data-testid="recon-check"][data-name="${name}"]`)
  }

  rejectQueue(): Locator {
    return this.page.getByTestId('reject-queue')
  }

  rejectedLink(): Locator {
    return this.page.getByTestId('migration-rejected')
  }

  rejectRows(): Locator {
    return this.page.getByTestId('reject-row')
  }

  rejectRow(table: string, key: string): Locator {
    return this.page.locator(`[data-testid="reject-row"][data-table="${table}"][data-key="${key}"]`)
  }

  async pickReject(table: string, key: string): Promise<void> {
    await this.rejectRow(table, key).locator('input[type="checkbox"]').check()
  }

  rule(): Locator {
    return this.page.getByTestId('reject-rule')
  }

  retry(): Locator {
    return this.page.getByTestId('reject-retry')
  }

  retryOutcome(): Locator {
    return this.page.getByTestId('retry-outcome')
  }

  rejectsEmpty(): Locator {
    return this.page.getByTestId('rejects-empty')
  }

  recordedRules(): Locator {
    return this.page.getByTestId('reject-rules')
  }

  compareTable(): Locator {
    return this.page.getByTestId('compare-table')
  }

  compareRow(table: string, key: string): Locator {
    return this.page.locator(
      `[data-testid="compare-rows"][data-table="${table}"] [data-testid="compare-row"][data-key="${key}"]`,
    )
  }

  compareRows(): Locator {
    return this.page.getByTestId('compare-row')
  }

  /** Delta sync's lag card (DeltaLag.tsx). */
  deltaLag(): Locator {
    return this.page.getByTestId('delta-lag')
  }

  deltaLagRow(table: string): Locator {
    return this.page.locator(`[data-testid="delta-lag-row"][data-table="${table}"]`)
  }

  recomputeLag(): Locator {
    return this.page.getByTestId('delta-lag-card').getByRole('button', { name: /lag/i })
  }
}
