// Page object for the Schema screen: the selectors live here, not in the tests.
import type { Locator, Page } from 'playwright-core'

export class SchemaPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-schema').click()
    await this.page.getByTestId('schema-screen').waitFor()
  }

  emptyState(): Locator {
    return this.page.getByTestId('schema-empty')
  }

  runButton(): Locator {
    return this.page.getByTestId('schema-run')
  }

  facts(): Locator {
    return this.page.getByTestId('schema-facts')
  }

  filter(): Locator {
    return this.page.getByTestId('table-filter')
  }

  tableItem(name: string): Locator {
    return this.page.getByTestId(`table-${name}`)
  }

  async waitForTables(timeout = 60_000): Promise<void> {
    await this.page.locator('.table-item').first().waitFor({ timeout })
  }

  async selectTable(name: string): Promise<void> {
    await this.tableItem(name).click()
    await this.detail().locator('#table-title').filter({ hasText: name }).waitFor()
  }

  detail(): Locator {
    return this.page.getByTestId('schema-detail')
  }

  column(name: string): Locator {
    return this.detail().getByTestId(`column-${name}`)
  }

  foreignKey(columns: string): Locator {
    return this.detail().getByTestId(`fk-${columns}`)
  }
}
