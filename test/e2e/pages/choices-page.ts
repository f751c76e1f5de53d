// Page object for p3.schema's choices panel on the checklist (constraints, column types, DDL).
import type { Locator, Page } from 'playwright-core'

export class ChoicesPage {
  constructor(readonly page: Page) {}

  panel(): Locator {
    return this.page.getByTestId('schema-choices')
  }

  constraintRow(name: string): Locator {
    return this.page.getByTestId(`choice-row-${name}`)
  }

  choice(name: string): Locator {
    return this.page.getByTestId(`choice-${name}`)
  }

  outcome(name: string): Locator {
    return this.page.getByTestId(`choice-outcome-${name}`)
  }

  map(name: string, value: string): Locator {
    return this.page.getByTestId(`map-${name}-${value}`)
  }

  typeFilter(): Locator {
    return this.page.getByTestId('type-filter')
  }

  typeRow(ref: string): Locator {
    return this.page.getByTestId(`type-row-${ref}`)
  }

  type(ref: string): Locator {
    return this.page.getByTestId(`type-${ref}`)
  }

  problem(): Locator {
    return this.page.getByTestId('choices-problem')
  }

  save(): Locator {
    return this.page.getByTestId('choices-save')
  }

  apply(): Locator {
    return this.page.getByTestId('choices-apply')
  }

  ddl(): Locator {
    return this.page.getByTestId('ddl-preview')
  }
}
