// Page object for the Benchmarks screen: the selectors live here, not in the tests.
import type { Locator, Page } from 'playwright-core'

export class BenchmarksPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-benchmarks').click()
    await this.page.getByTestId('benchmarks-screen').waitFor()
  }

  emptyState(): Locator {
    return this.page.getByTestId('bench-none')
  }

  runBenchmark(): Locator {
    return this.page.getByTestId('bench-run')
  }

  latencyChart(): Locator {
    return this.page.getByTestId('bench-latency-chart')
  }

  /** The latency chart's legend entries: one per measured backend. */
  legendEntries(): Locator {
    return this.latencyChart().locator('.recharts-legend-item')
  }

  /** One bar series per backend. */
  barSeries(): Locator {
    return this.latencyChart().locator('.recharts-bar')
  }

  metric(m: 'p50' | 'p95'): Locator {
    return this.page.getByTestId(`bench-metric-${m}`)
  }

  chart(name: 'throughput' | 'migration' | 'sizes'): Locator {
    return this.page.getByTestId(`bench-${name}`)
  }

  notMeasured(): Locator {
    return this.page.getByTestId('bench-not-measured')
  }
}
