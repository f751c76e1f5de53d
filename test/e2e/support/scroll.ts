// Scrolling as a user does, for the layout checks of the e2e specs.
import type { Locator, Page } from 'playwright-core'

/**
 * Scrolls the way a user does — the mouse wheel over the screen, no scrollIntoView — and tells
 * whether `target` then sits wholly inside the window (a screen that cannot scroll never shows it).
 */
export async function wheelUntilVisible(page: Page, target: Locator): Promise<boolean> {
  const size = page.viewportSize()!
  await page.mouse.move(size.width / 2, size.height / 2)
  for (let i = 0; i < 8; i++) {
    const box = await target.boundingBox()
    if (box && box.y >= 0 && box.y + box.height <= size.height) return true
    await page.mouse.wheel(0, 600)
    await page.waitForTimeout(100)
  }
  const box = await target.boundingBox()
  return !!box && box.y >= 0 && box.y + box.height <= size.height
}
