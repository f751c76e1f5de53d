import { useEffect, useMemo } from 'react'
import { formatAbsolute, formatRelative } from '../format/time'
import { INVENTORY_STEP, inventoryFacts, inventoryModel } from '../store/inventory-selectors'
import { useFerry, useNow } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { FactList } from './FactList'
import { InventoryEntries } from './InventoryEntries'
import { InventoryTotals } from './InventoryTotals'
import { RunStepInline } from './RunStepInline'

/** What is in .claude/, and what the import will do with each file (issue 4). */
export function InventoryScreen() {
  const root = useFerry((s) => s.workspace?.root ?? null)
  const doc = useFerry((s) => s.inventoryDoc)
  const docRoot = useFerry((s) => s.inventoryRoot)
  const loading = useFerry((s) => s.inventoryLoading)
  const error = useFerry((s) => s.inventoryError)
  const loadInventory = useFerry((s) => s.loadInventory)
  const now = useNow(10_000)

  useEffect(() => {
    void loadInventory()
  }, [root, loadInventory])

  const current = root !== null && docRoot === root
  const model = useMemo(() => (current ? inventoryModel(doc) : null), [current, doc])
  const facts = model ? inventoryFacts(model) : []

  return (
    <div className="inventory-screen" data-testid="inventory-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Inventory</h1>
          {model?.generatedAt ? (
            <span className="muted" title={formatAbsolute(model.generatedAt) ?? undefined}>
              .claude/ as listed {formatRelative(model.generatedAt, now)}
            </span>
          ) : null}
          {loading ? <span className="muted small">Reading…</span> : null}
          {model ? (
            <div className="screen-actions">
              <RunStepInline
                stepId={INVENTORY_STEP}
                label="Take inventory"
                againLabel="Take inventory again"
                testId="inventory-run"
              />
            </div>
          ) : null}
        </div>
        {model ? (
          <FactList facts={facts} testId="inventory-facts" />
        ) : null}
      </header>

      {!root ? (
        <p className="empty-state">
          No workspace open — open a folder or create the demo workspace on the Checklist screen.
        </p>
      ) : error ? (
        <div className="notice">
          <ErrorNote error={error} title="Could not read the inventory" testId="inventory-error" />
          <button type="button" onClick={() => void loadInventory()}>
            Try again
          </button>
        </div>
      ) : !current ? (
        <p className="empty-state muted">Reading the inventory…</p>
      ) : !model ? (
        <section className="empty-state" data-testid="inventory-empty">
          <h2>No inventory yet — Take inventory</h2>
          <p className="muted">
            Lists every file under .claude/ without changing any, checks that each one parses, and
            maps it to its target table or a reason to skip it. It writes .ferry/inventory.json,
            which this screen shows.
          </p>
          <RunStepInline stepId={INVENTORY_STEP} label="Take inventory" testId="inventory-run" />
        </section>
      ) : (
        <div className="screen-body">
          <InventoryTotals model={model} />
          <InventoryEntries entries={model.entries} />
        </div>
      )}
    </div>
  )
}
