// Page object for the Backups screen.
import type { Locator, Page } from 'playwright-core'

export class BackupsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-backups').click()
    await this.page.getByTestId('backups-screen').waitFor()
  }

  backUpNow(): Locator {
    return this.page.getByTestId('backup-now')
  }

  verifyAll(): Locator {
    return this.page.getByTestId('verify-all')
  }

  rows(): Locator {
    return this.page.getByTestId('backups-table').locator('tbody > tr[data-testid^="backup-"]')
  }

  empty(): Locator {
    return this.page.getByTestId('backups-empty')
  }

  verified(id: string): Locator {
    return this.page.getByTestId(`backup-verified-${id}`)
  }

  async waitForRows(count: number, timeout = 120_000): Promise<void> {
    await this.rows()
      .nth(count - 1)
      .waitFor({ timeout })
  }

  async firstRowId(): Promise<string> {
    const testId = await this.rows().first().getAttribute('data-testid')
    return (testId ?? '').replace(/^backup-/, '')
  }

  verifyBusy(): Locator {
    return this.page.getByTestId('verify-busy')
  }

  summary(): Locator {
    return this.page.getByTestId('backups-summary')
  }

  restoreButton(id: string): Locator {
    return this.page.getByTestId(`restore-${id}`)
  }

  confirmation(): Locator {
    return this.page.getByRole('group', { name: /Confirm restoring/ })
  }

  confirmRestore(): Locator {
    return this.page.getByTestId('confirm-restore')
  }

  /** The Files cell of backup `id`, e.g. "111 files". */
  filesOf(id: string): Promise<string> {
    return this.page.getByTestId(`backup-${id}`).locator('td').nth(3).innerText()
  }

  restoreOutcome(): Locator {
    return this.page.getByTestId('restore-outcome')
  }
}
