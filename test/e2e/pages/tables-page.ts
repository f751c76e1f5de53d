// Page object for the Tables screen (table inspector): the selectors live here, not in the tests.
import type { Locator, Page } from 'playwright-core'

export class TablesPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-tables').click()
    await this.page.getByTestId('tables-screen').waitFor()
  }

  /** Chooses the database to browse: 'state', 'memory' or 'pg:<schema>'. */
  async selectSource(id: string): Promise<void> {
    await this.page.getByTestId('source-picker').selectOption(id)
  }

  tableItem(name: string): Locator {
    return this.page.getByTestId(`tables-item-${name}`)
  }

  async openTable(name: string): Promise<void> {
    await this.tableItem(name).click()
    await this.page.getByTestId('table-view').waitFor()
    await this.count().filter({ hasText: /rows/ }).waitFor()
  }

  count(): Locator {
    return this.page.getByTestId('view-count')
  }

  grid(): Locator {
    return this.page.getByTestId('table-grid')
  }

  /** The rendered rows with their cells loaded. */
  loadedRows(grid: Locator = this.grid()): Locator {
    return grid.locator('.grid-row').filter({ has: this.page.locator('[role="gridcell"]') })
  }

  cells(column: string, grid: Locator = this.grid()): Locator {
    return grid.locator(`[role="gridcell"][data-col="${column}"]`)
  }

  async scrollTo(fraction: number): Promise<void> {
    await this.grid().evaluate((el, f) => {
      el.scrollTop = (el.scrollHeight - el.clientHeight) * f
    }, fraction)
  }

  async addFilter(column: string, op: string, value: string): Promise<void> {
    await this.page.getByTestId('filter-column').selectOption(column)
    await this.page.getByTestId('filter-op').selectOption(op)
    await this.page.getByTestId('filter-value').fill(value)
    await this.page.getByTestId('filter-apply').click()
  }

  cellViewer(): Locator {
    return this.page.getByTestId('cell-viewer')
  }

  async openConsole(): Promise<void> {
    await this.page.getByTestId('tab-sql').click()
    await this.page.getByTestId('sql-console').waitFor()
  }

  async runSql(sql: string): Promise<void> {
    await this.page.getByTestId('sql-text').fill(sql)
    await this.page.getByTestId('sql-run').click()
    await this.page.getByTestId('sql-run').filter({ hasText: 'Run' }).waitFor()
  }

  sqlGrid(): Locator {
    return this.page.getByTestId('sql-grid')
  }

  sqlError(): Locator {
    return this.page.getByTestId('sql-error')
  }
}
