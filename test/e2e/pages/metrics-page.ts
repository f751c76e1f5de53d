// Page objects for the Monitoring screen and the success metrics panel.
import type { Locator, Page } from 'playwright-core'

export class MonitoringPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-monitoring').click()
    await this.page.getByTestId('monitoring-screen').waitFor()
  }

  idle(): Locator {
    return this.page.getByTestId('monitor-idle')
  }

  /** Settings → Connections: a PostgreSQL URL as the target, connected. */
  async connectTarget(url: string): Promise<void> {
    await this.page.getByTestId('nav-settings').click()
    await this.page.locator('input[name="target-kind"][value="url"]').check()
    await this.page.getByTestId('target-url').fill(url)
    await this.page.getByTestId('target-connect').click()
    await this.page.getByTestId('target-status').filter({ hasText: /connected/i }).waitFor({ timeout: 30_000 })
  }

  chart(name: 'connections' | 'throughput' | 'cache' | 'memory'): Locator {
    return this.page.getByTestId(`monitor-${name}`)
  }

  statements(): Locator {
    return this.page.getByTestId('monitor-statements')
  }

  details(): Locator {
    return this.page.getByTestId('monitor-details')
  }
}

export class MetricsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-metrics').click()
    await this.page.getByTestId('metrics-table').waitFor()
  }

  summary(): Locator {
    return this.page.getByTestId('metrics-summary')
  }

  metric(id: string): Locator {
    return this.page.getByTestId(`metric-${id}`)
  }

  rows(): Locator {
    return this.page.locator('[data-testid^="metric-"]').filter({ has: this.page.locator('td') })
  }
}
