// Page object for the Agents screen: the selectors live here, not in the tests.
import type { Locator, Page } from 'playwright-core'

export class AgentsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-agents').click()
    await this.page.getByTestId('agents-screen').waitFor()
  }

  rows(): Locator {
    return this.page.getByTestId('agents-table').locator('tbody tr')
  }

  backendSelect(agentId: string): Locator {
    return this.page.getByTestId(`agent-backend-${agentId}`)
  }

  /** Every agent's selected backend, by agent id. */
  async backends(): Promise<Record<string, string>> {
    const selects = this.page.getByTestId('agents-table').locator('select')
    const out: Record<string, string> = {}
    for (let i = 0; i < (await selects.count()); i++) {
      const s = selects.nth(i)
      const id = (await s.getAttribute('data-testid'))!.replace('agent-backend-', '')
      out[id] = await s.inputValue()
    }
    return out
  }

  switchOutcome(): Locator {
    return this.page.getByTestId('agent-switch-outcome')
  }

  sweep(): Locator {
    return this.page.getByTestId('concurrency-sweep')
  }
}
