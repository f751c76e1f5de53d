import { useEffect, useMemo, useState } from 'react'
import { toErrorInfo } from '../../../shared/contract/envelope'
import { OVERRIDE_TYPES, type SchemaOptionsView } from '../../../shared/contract/schema-options'
import type { ErrorInfo, PlanStep } from '../../../shared/contract/types'
import {
  columnRows,
  constraintRows,
  ddlRows,
  draftFrom,
  draftProblem,
  optionsFrom,
  outcomeText,
  savedElsewhere,
  type ChoicesDraft,
  type ConstraintChoice,
  type ConstraintRow,
} from '../format/schema-choices'
import { formatClock } from '../format/time'
import { useFerry } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'

const SHOWN_COLUMNS = 150

/** On p3.schema: the user's choices before any row moves, and the DDL side by side. */
export function SchemaChoices({ step }: { step: PlanStep }) {
  if (step.id !== 'p3.schema') return null
  return <ChoicesPanel step={step} />
}

function ChoicesPanel({ step }: { step: PlanStep }) {
  const load = useFerry((s) => s.schemaOptions)
  const save = useFerry((s) => s.saveSchemaOptions)
  const runStep = useFerry((s) => s.runStep)
  const [saved, setSaved] = useState<SchemaOptionsView | null>(null)
  const [savedAt, setSavedAt] = useState<string | null>(null)
  const [draft, setDraft] = useState<ChoicesDraft | null>(null)
  const [error, setError] = useState<ErrorInfo | null>(null)
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    let live = true
    load()
      .then((v) => {
        if (!live) return
        setSaved(v)
        setDraft(draftFrom(v.options))
      })
      .catch((err: unknown) => live && setError(toErrorInfo(err)))
    return () => {
      live = false
    }
  }, [load])

  const ev = step.state.evidence
  const constraints = useMemo(() => constraintRows(ev), [ev])
  const running = step.state.status === 'running'
  const action = String((ev?.migration as { action?: unknown } | undefined)?.action ?? '')
  const loaded = action.startsWith('present (data already loaded')

  if (!draft) {
    return (
      <section className="evidence-section" data-testid="schema-choices">
        <h3>Choices before loading</h3>
        {error ? (
          <ErrorNote error={error} title="Could not read the choices" />
        ) : (
          <p className="muted">Reading the saved choices…</p>
        )}
      </section>
    )
  }

  const problem = draftProblem(draft, constraints)
  const persist = async (thenRun: boolean): Promise<void> => {
    setBusy(true)
    setError(null)
    try {
      const v = await save(optionsFrom(draft))
      setSaved(v)
      setDraft(draftFrom(v.options))
      setSavedAt(new Date().toISOString())
      if (thenRun) await runStep(step.id)
    } catch (err) {
      setError(toErrorInfo(err))
    } finally {
      setBusy(false)
    }
  }
  const edit = (f: (d: ChoicesDraft) => void): void => {
    const next = structuredClone(draft)
    f(next)
    setDraft(next)
  }

  return (
    <section
      className="evidence-section schema-choices"
      aria-labelledby="choices-heading"
      data-testid="schema-choices"
    >
      <h3 id="choices-heading">Choices before loading</h3>
      <p className="muted small">
        Saved in <code>{saved?.file ?? '.ferry/p3-options.json'}</code>
        {saved?.saved ? '' : ' (nothing saved yet: the defaults, which lose nothing)'}; they apply
        when this step translates again. Until a row is loaded the schema is replaced; after, it
        stays as it is.
      </p>
      {loaded ? (
        <p className="warn-note" data-testid="choices-loaded">
          Rows are already loaded into this schema: new choices apply only to a fresh target schema.
        </p>
      ) : null}

      <div className="choices-globals">
        <label>
          Identifiers{' '}
          <select
            data-testid="choice-identifiers"
            value={draft.identifiers}
            onChange={(e) =>
              edit((d) => void (d.identifiers = e.target.value as ChoicesDraft['identifiers']))
            }
          >
            <option value="preserve">preserve the spelling (quoted)</option>
            <option value="lower">lower-case</option>
          </select>
        </label>
        <IdentifierNote evidence={ev} />
        <label>
          Violated constraints, by default{' '}
          <select
            data-testid="choice-on-violation"
            value={draft.onViolation}
            onChange={(e) =>
              edit((d) => void (d.onViolation = e.target.value as ChoicesDraft['onViolation']))
            }
          >
            <option value="not-valid">load every row, add the constraint NOT VALID</option>
            <option value="skip-constraint">load every row, without the constraint</option>
            <option value="stop">stop before loading</option>
          </select>
        </label>
      </div>

      <SavedElsewhere evidence={ev} constraints={constraints} draft={draft} edit={edit} />
      {ev ? (
        <ConstraintChoices rows={constraints} draft={draft} edit={edit} />
      ) : (
        <p className="muted">
          Run the step once: the pre-flight lists the violated constraints and every column&apos;s
          type, to choose here before anything is loaded.
        </p>
      )}
      {ev ? <TypeChoices evidence={ev} draft={draft} edit={edit} /> : null}

      {problem ? (
        <p className="warn-note" data-testid="choices-problem">
          {problem}
        </p>
      ) : null}
      <div className="actions">
        <button
          type="button"
          data-testid="choices-save"
          disabled={busy || problem !== null}
          onClick={() => void persist(false)}
        >
          Save choices
        </button>
        <button
          type="button"
          className="primary"
          data-testid="choices-apply"
          disabled={busy || running || problem !== null || loaded}
          onClick={() => void persist(true)}
        >
          {busy ? 'Saving…' : 'Save and translate again'}
        </button>
        {savedAt ? (
          <span className="muted small" data-testid="choices-saved">
            Saved at {formatClock(savedAt)}
          </span>
        ) : null}
      </div>
      {error ? (
        <ErrorNote error={error} title="Could not save the choices" testId="choices-error" />
      ) : null}
      {ev ? <DdlSideBySide evidence={ev} /> : null}
    </section>
  )
}

function IdentifierNote({ evidence }: { evidence: PlanStep['state']['evidence'] }) {
  const cp = evidence?.casePreview as
    | { policy?: string; changed?: unknown[]; otherPolicy?: { policy?: string; changes?: number } }
    | undefined
  if (!cp) return null
  return (
    <p className="muted small" data-testid="identifier-note">
      Last run ({cp.policy}): {(cp.changed ?? []).length} identifier(s) spelled differently in
      PostgreSQL; {cp.otherPolicy?.policy} would change {cp.otherPolicy?.changes ?? 0}. Applications
      break on case changes.
    </p>
  )
}

const CHOICE_LABELS: Record<string, string> = {
  'not-valid': 'not-valid: load all, constraint NOT VALID',
  'skip-constraint': 'skip-constraint: load without it',
  stop: 'stop before loading',
}

/**
 * Saved choices the last run's evidence does not list — after a failed run (a 'stop' choice met
 * its violations, so there is no evidence), or for names the schema no longer has — so they can
 * always be seen and undone.
 */
function SavedElsewhere({
  evidence,
  constraints,
  draft,
  edit,
}: {
  evidence: PlanStep['state']['evidence']
  constraints: ConstraintRow[]
  draft: ChoicesDraft
  edit: (f: (d: ChoicesDraft) => void) => void
}) {
  const { names, refs } = savedElsewhere(draft, constraints, columnRows(evidence))
  if (names.length === 0 && refs.length === 0) return null
  return (
    <div className="choice-constraints" data-testid="choices-saved-other">
      <h4>Saved choices the last run does not show</h4>
      <ul className="choice-cards">
        {names.map((name) => (
          <li key={name} className="choice-card" data-testid={`saved-choice-${name}`}>
            <div>
              <code>{name}</code>
              {draft.choices[name] === 'map'
                ? `: map ${Object.entries(draft.maps[name] ?? {})
                    .map(([from, to]) => `'${from}' → '${to}'`)
                    .join(', ')}`
                : null}
            </div>
            <label className="small">
              Choice{' '}
              <select
                aria-label={`Choice for ${name}`}
                data-testid={`choice-${name}`}
                value={draft.choices[name]}
                onChange={(e) =>
                  edit((d) => void (d.choices[name] = e.target.value as ConstraintChoice | ''))
                }
              >
                <option value="">default ({draft.onViolation})</option>
                {Object.entries(CHOICE_LABELS).map(([v, label]) => (
                  <option key={v} value={v}>
                    {label}
                  </option>
                ))}
                {draft.choices[name] === 'map' ? (
                  <option value="map">map the values (as saved)</option>
                ) : null}
              </select>
            </label>
          </li>
        ))}
        {refs.map((ref) => (
          <li key={ref} className="choice-card" data-testid={`saved-type-${ref}`}>
            <label className="small">
              <code>{ref}</code> type{' '}
              <select
                aria-label={`Type of ${ref}`}
                data-testid={`type-${ref}`}
                value={draft.types[ref]}
                onChange={(e) => edit((d) => void (d.types[ref] = e.target.value))}
              >
                <option value="">Ferry&apos;s choice</option>
                {[...new Set([...OVERRIDE_TYPES, draft.types[ref]!])].map((t) => (
                  <option key={t} value={t}>
                    {t}
                  </option>
                ))}
              </select>
            </label>
          </li>
        ))}
      </ul>
    </div>
  )
}

function ConstraintChoices({
  rows,
  draft,
  edit,
}: {
  rows: ConstraintRow[]
  draft: ChoicesDraft
  edit: (f: (d: ChoicesDraft) => void) => void
}) {
  if (rows.length === 0)
    return (
      <p className="muted" data-testid="choice-constraints-none">
        The pre-flight found no row violating a constraint: every constraint is created as usual.
      </p>
    )
  return (
    <div className="choice-constraints" data-testid="choice-constraints">
      <h4>Constraints with violating rows (pre-flight, before any data moves)</h4>
      <ul className="choice-cards">
        {rows.map((r) => {
          const choice = draft.choices[r.name] ?? ''
          return (
            <li key={r.name} className="choice-card" data-testid={`choice-row-${r.name}`}>
              <div className="choice-card-head">
                <code>{r.name}</code> on {r.table} ·{' '}
                <strong>{r.violations.toLocaleString('en-US')}</strong> violating row(s)
              </div>
              <div className="muted small">{r.definition}</div>
              <div className="small">
                Values:{' '}
                {r.values
                  .map((v) => `${v.value === null ? 'NULL' : `'${v.value}'`} ×${v.count}`)
                  .join(', ') || r.sampleRows.slice(0, 3).join('; ')}
              </div>
              <div className="small" data-testid={`choice-outcome-${r.name}`}>
                Last run: {outcomeText(r)}
              </div>
              <label className="small">
                Choice{' '}
                <select
                  aria-label={`Choice for ${r.name}`}
                  data-testid={`choice-${r.name}`}
                  value={choice}
                  onChange={(e) =>
                    edit((d) => void (d.choices[r.name] = e.target.value as ConstraintChoice | ''))
                  }
                >
                  <option value="">default ({draft.onViolation})</option>
                  {Object.entries(CHOICE_LABELS).map(([v, label]) => (
                    <option key={v} value={v}>
                      {label}
                    </option>
                  ))}
                  {r.allowed ? <option value="map">map the values</option> : null}
                </select>
              </label>
              {choice === 'map' && r.allowed ? (
                <ul className="map-list">
                  {r.values.map((v) =>
                    v.value === null ? (
                      <li key="null" className="muted">
                        NULL cannot be mapped
                      </li>
                    ) : (
                      <li key={v.value}>
                        <label>
                          &apos;{v.value}&apos; ({v.count} row(s)) →{' '}
                          <select
                            data-testid={`map-${r.name}-${v.value}`}
                            value={draft.maps[r.name]?.[v.value] ?? ''}
                            onChange={(e) =>
                              edit((d) => {
                                d.maps[r.name] = { ...d.maps[r.name], [v.value!]: e.target.value }
                              })
                            }
                          >
                            <option value="">choose…</option>
                            {r.allowed!.map((a) => (
                              <option key={a} value={a}>
                                {a}
                              </option>
                            ))}
                          </select>
                        </label>
                      </li>
                    ),
                  )}
                </ul>
              ) : null}
            </li>
          )
        })}
      </ul>
    </div>
  )
}

function TypeChoices({
  evidence,
  draft,
  edit,
}: {
  evidence: NonNullable<PlanStep['state']['evidence']>
  draft: ChoicesDraft
  edit: (f: (d: ChoicesDraft) => void) => void
}) {
  const [filter, setFilter] = useState('')
  const all = useMemo(() => columnRows(evidence), [evidence])
  const f = filter.trim().toLowerCase()
  // The columns worth a look first: chosen by hand, or with a type their values refused.
  const ordered = [...all].sort(
    (a, b) =>
      Number(b.ref in draft.types || b.overridden) - Number(a.ref in draft.types || a.overridden) ||
      Number(b.blocked.length > 0) - Number(a.blocked.length > 0),
  )
  const matching = f
    ? ordered.filter((c) => c.ref.toLowerCase().includes(f) || c.type.includes(f))
    : ordered
  const shown = matching.slice(0, SHOWN_COLUMNS)
  return (
    <div className="type-choices">
      <div className="choices-head">
        <h4>Column types ({all.length.toLocaleString('en-US')})</h4>
        <input
          type="search"
          placeholder="Filter columns (table.column or type)"
          aria-label="Filter columns"
          data-testid="type-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      <div className="table-scroll">
        <table className="choices-table" data-testid="choice-types">
          <thead>
            <tr>
              <th>Column (SQLite type)</th>
              <th>PostgreSQL, last run</th>
              <th>Type</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((c) => (
              <tr key={c.ref} data-testid={`type-row-${c.ref}`}>
                <td>
                  <code>{c.ref}</code>{' '}
                  <span className="muted small">{c.declared || 'no type'}</span>
                </td>
                <td>
                  {c.type}
                  {c.overridden ? <span className="tag">chosen</span> : null}
                  {c.blocked.length ? (
                    <div className="muted small">refused: {c.blocked.join('; ')}</div>
                  ) : null}
                  {c.notes.map((n) => (
                    <div key={n} className="muted small" data-testid={`type-note-${c.ref}`}>
                      {n}
                    </div>
                  ))}
                  {c.forecastRejects > 0 ? (
                    <div className="warn-text small" data-testid={`type-rejects-${c.ref}`}>
                      {c.forecastRejects.toLocaleString('en-US')} value(s) will go to the reject log
                    </div>
                  ) : null}
                </td>
                <td>
                  <select
                    aria-label={`Type of ${c.ref}`}
                    data-testid={`type-${c.ref}`}
                    value={draft.types[c.ref] ?? ''}
                    onChange={(e) => edit((d) => void (d.types[c.ref] = e.target.value))}
                  >
                    <option value="">Ferry&apos;s choice</option>
                    {OVERRIDE_TYPES.map((t) => (
                      <option key={t} value={t}>
                        {t}
                      </option>
                    ))}
                    {draft.types[c.ref] &&
                    !(OVERRIDE_TYPES as readonly string[]).includes(draft.types[c.ref]!) ? (
                      <option value={draft.types[c.ref]}>{draft.types[c.ref]}</option>
                    ) : null}
                  </select>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {matching.length > shown.length ? (
        <p className="muted small">
          … and {(matching.length - shown.length).toLocaleString('en-US')} more: filter to find a
          column.
        </p>
      ) : null}
    </div>
  )
}

function DdlSideBySide({ evidence }: { evidence: NonNullable<PlanStep['state']['evidence']> }) {
  const rows = useMemo(() => ddlRows(evidence), [evidence])
  const [table, setTable] = useState<string>('')
  if (rows.length === 0) return null
  const row = rows.find((r) => r.table === table) ?? rows[0]!
  return (
    <details className="ddl-preview" data-testid="ddl-preview">
      <summary>The schema side by side: SQLite → PostgreSQL</summary>
      <label>
        Table{' '}
        <select
          data-testid="ddl-table"
          value={row.table}
          onChange={(e) => setTable(e.target.value)}
        >
          {rows.map((r) => (
            <option key={r.table} value={r.table}>
              {r.table}
              {r.target !== r.table ? ` → ${r.target}` : ''}
            </option>
          ))}
        </select>
      </label>
      <div className="ddl-columns">
        <pre className="ev-pre" data-testid="ddl-sqlite" aria-label="SQLite">
          {row.sqlite}
        </pre>
        <pre className="ev-pre" data-testid="ddl-postgres" aria-label="PostgreSQL">
          {row.postgres}
        </pre>
      </div>
    </details>
  )
}
