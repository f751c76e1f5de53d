// Page object for the checklist screen: the selectors live here, not in the tests.
import type { Locator, Page } from 'playwright-core'

export class ChecklistPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url)
    await this.page.getByTestId('step-pre.backup').waitFor()
  }

  stepRow(id: string): Locator {
    return this.page.getByTestId(`step-${id}`)
  }

  stepStatus(id: string): Locator {
    return this.page.getByTestId(`step-status-${id}`)
  }

  async createDemo(path: string): Promise<void> {
    await this.page.getByTestId('demo-path').fill(path)
    await this.page.getByTestId('create-demo').click()
    await this.page
      .getByTestId('workspace-path')
      .filter({ hasText: path })
      .waitFor({ timeout: 120_000 })
  }

  async runStep(id: string): Promise<void> {
    await this.stepRow(id).click()
    await this.page.getByTestId('run-step').click()
  }

  async waitForStatus(id: string, text: string, timeout = 60_000): Promise<void> {
    await this.stepStatus(id).filter({ hasText: text }).waitFor({ timeout })
  }

  evidence(): Locator {
    return this.page.getByTestId('evidence-panel')
  }
}
