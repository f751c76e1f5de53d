import { useEffect, useMemo } from 'react'
import { formatAbsolute, formatRelative } from '../format/time'
import { pickTable, schemaModel, tableList } from '../store/schema-selectors'
import { findStep } from '../store/selectors'
import { useFerry, useNow } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { FactList } from './FactList'
import { EvidenceView } from './EvidenceView'
import { RunStepInline } from './RunStepInline'
import { SchemaFindings } from './SchemaFindings'
import { SchemaTableDetail } from './SchemaTableDetail'
import { SchemaTableList } from './SchemaTableList'

const DOC_STEP = 'pre.document-schema'

/** state.db as pre.document-schema documented it: tables on the left, the chosen one on the right. */
export function SchemaScreen() {
  const root = useFerry((s) => s.workspace?.root ?? null)
  const doc = useFerry((s) => s.schemaDoc)
  const docRoot = useFerry((s) => s.schemaRoot)
  const loading = useFerry((s) => s.schemaLoading)
  const error = useFerry((s) => s.schemaError)
  const selected = useFerry((s) => s.selectedTable)
  const filter = useFerry((s) => s.tableFilter)
  const plan = useFerry((s) => s.plan)
  const loadSchema = useFerry((s) => s.loadSchema)
  const selectTable = useFerry((s) => s.selectTable)
  const setTableFilter = useFerry((s) => s.setTableFilter)
  const now = useNow(10_000)

  useEffect(() => {
    void loadSchema()
  }, [root, loadSchema])

  const step = findStep(plan, DOC_STEP)?.step ?? null
  const evidenceFindings = step?.state.evidence?.findings
  const current = root !== null && docRoot === root
  const model = useMemo(
    () => (current && doc ? schemaModel(doc, evidenceFindings) : null),
    [current, doc, evidenceFindings],
  )
  const items = model ? tableList(model.tables, filter) : []
  const table = model ? pickTable(model.tables, selected, filter) : null
  const finishedAt = step?.state.status === 'done' ? step.state.finishedAt : null
  const ev = step?.state.status === 'skipped' ? step.state.evidence : null
  const skipped =
    typeof ev?.skipped === 'string'
      ? { reason: ev.skipped, hint: typeof ev.hint === 'string' ? ev.hint : null }
      : null
  const orphanFindings =
    model?.findings.filter((f) => !model.tables.some((t) => t.name === f.table)) ?? []

  return (
    <div className="schema-screen" data-testid="schema-screen">
      <header className="screen-header">
        <div className="screen-title">
          <h1>Schema</h1>
          {finishedAt ? (
            <span className="muted" title={formatAbsolute(finishedAt) ?? undefined}>
              state.db as documented {formatRelative(finishedAt, now)}
            </span>
          ) : null}
          {loading ? <span className="muted small">Reading…</span> : null}
          {model ? (
            <div className="screen-actions">
              <RunStepInline
                stepId={DOC_STEP}
                label="Document the schema"
                againLabel="Document again"
                testId="schema-run"
              />
            </div>
          ) : null}
        </div>
        {model ? <FactList facts={model.facts} testId="schema-facts" /> : null}
      </header>

      {!root ? (
        <p className="empty-state">
          No workspace open — open a folder or create the demo workspace on the Checklist screen.
        </p>
      ) : error ? (
        <div className="notice">
          <ErrorNote
            error={error}
            title="Could not read the schema document"
            testId="schema-error"
          />
          <button type="button" onClick={() => void loadSchema()}>
            Try again
          </button>
        </div>
      ) : !current ? (
        <p className="empty-state muted">Reading the schema document…</p>
      ) : !model && skipped ? (
        // A workspace without state.db: nothing to document, and running the step would not change that.
        <section className="empty-state" data-testid="schema-empty">
          <h2>No schema to document</h2>
          <p className="muted">
            {skipped.reason}.{skipped.hint ? ` ${skipped.hint}` : ''}
          </p>
        </section>
      ) : !model ? (
        <section className="empty-state" data-testid="schema-empty">
          <h2>Run “Document current data schema” first</h2>
          <p className="muted">
            It reads state.db without changing it and writes .ferry/schema.md and schema.json, which
            this screen shows.
          </p>
          <RunStepInline
            stepId={DOC_STEP}
            label="Document current data schema"
            testId="schema-run"
          />
        </section>
      ) : (
        <div className="schema-body">
          <SchemaTableList
            items={items}
            total={model.tables.length}
            selected={table?.name ?? null}
            filter={filter}
            onFilter={setTableFilter}
            onSelect={selectTable}
          />
          <div className="schema-main">
            {table ? (
              <SchemaTableDetail table={table} />
            ) : (
              <p className="muted">No tables in state.db.</p>
            )}
            {orphanFindings.length > 0 ? (
              <section className="ev-block">
                <h3>Findings outside any listed table</h3>
                <SchemaFindings findings={orphanFindings} showTable />
              </section>
            ) : null}
            {Object.keys(model.extras).length > 0 ? (
              <section className="ev-block">
                <h3>More in the schema document</h3>
                <EvidenceView evidence={model.extras} />
              </section>
            ) : null}
          </div>
        </div>
      )}
    </div>
  )
}
