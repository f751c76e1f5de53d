// Page object for the Inventory screen: the selectors live here, not in the tests.
import type { Locator, Page } from 'playwright-core'

export class InventoryPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-inventory').click()
    await this.page.getByTestId('inventory-screen').waitFor()
  }

  emptyState(): Locator {
    return this.page.getByTestId('inventory-empty')
  }

  takeInventory(): Locator {
    return this.page.getByTestId('inventory-run')
  }

  facts(): Locator {
    return this.page.getByTestId('inventory-facts')
  }

  fact(key: string): Locator {
    return this.page.getByTestId(`inventory-fact-${key}`)
  }

  async waitForEntries(timeout = 120_000): Promise<void> {
    await this.page.getByTestId('inventory-entries').waitFor({ timeout })
  }

  entry(path: string): Locator {
    return this.page.locator(`[data-testid="inventory-entry"][data-path="${path}"]`)
  }

  entries(): Locator {
    return this.page.getByTestId('inventory-entry')
  }

  filter(): Locator {
    return this.page.getByTestId('inventory-filter')
  }

  problemsOnly(): Locator {
    return this.page.getByTestId('inventory-problems-only')
  }

  sortBy(column: string): Locator {
    return this.page.getByTestId(`sort-${column}`)
  }

  chart(): Locator {
    return this.page.getByTestId('inventory-chart')
  }
}
