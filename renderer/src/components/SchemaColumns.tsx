import { Fragment, useState } from 'react'
import type { ColumnModel } from '../store/schema-selectors'
import { ColumnMarkers } from './ColumnMarkers'
import { ColumnProfileCell, ColumnValues } from './ColumnProfile'
import { StorageBar } from './StorageBar'

const WIDTH = 7

/** A table's columns: declared type, constraints, and what the data profile found in them. */
export function SchemaColumns({ columns }: { columns: ColumnModel[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set())
  const profiled = columns.some((c) => c.storage || c.nullsText !== null || c.profile)
  const toggle = (name: string) =>
    setOpen((prev) => {
      const next = new Set(prev)
      if (next.has(name)) next.delete(name)
      else next.add(name)
      return next
    })
  return (
    <section className="ev-block" aria-labelledby="columns-heading">
      <h3 id="columns-heading">Columns</h3>
      <div className="table-scroll">
        <table className="ev-table schema-columns" data-testid="schema-columns">
          <thead>
            <tr>
              <th scope="col" className="num">
                #
              </th>
              <th scope="col">Column</th>
              <th scope="col">Declared type</th>
              <th scope="col">Constraints</th>
              {profiled ? (
                <>
                  <th scope="col">Storage classes found</th>
                  <th scope="col" className="num">
                    Nulls
                  </th>
                  <th scope="col">Content</th>
                </>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => (
              <Fragment key={c.name}>
                <tr data-testid={`column-${c.name}`}>
                  <td className="num muted">{c.position}</td>
                  <td className="wrap">
                    <code className="col-name">{c.name}</code> <ColumnMarkers c={c} />
                  </td>
                  <td>
                    {c.declaredType ? (
                      <code>{c.declaredType}</code>
                    ) : (
                      <span className="muted">none</span>
                    )}
                    {c.profile?.affinity && c.profile.affinity !== c.declaredType.toUpperCase() ? (
                      <span
                        className="muted small"
                        title="SQLite's type affinity for the declared type"
                      >
                        {' '}
                        ({c.profile.affinity} affinity)
                      </span>
                    ) : null}
                  </td>
                  <td className="wrap constraints-cell">
                    {c.notNull ? <span className="nowrap">NOT NULL</span> : null}
                    {c.notNull && c.defaultValue !== null ? ' ' : null}
                    {c.defaultValue !== null ? (
                      <span>
                        DEFAULT <code>{c.defaultValue}</code>
                      </span>
                    ) : null}
                    {!c.notNull && c.defaultValue === null ? (
                      <span className="muted">—</span>
                    ) : null}
                  </td>
                  {profiled ? (
                    <>
                      <td>
                        {c.storage ? (
                          <StorageBar mix={c.storage} />
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className="num">{c.nullsText ?? '—'}</td>
                      <td className="wrap content-cell">
                        <ColumnProfileCell
                          column={c}
                          expanded={open.has(c.name)}
                          onToggle={() => toggle(c.name)}
                        />
                      </td>
                    </>
                  ) : null}
                </tr>
                {open.has(c.name) && c.profile ? (
                  <tr className="ev-detail-row">
                    <td colSpan={WIDTH}>
                      <ColumnValues column={c} />
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {!profiled ? (
        <p className="muted small">
          This schema document has no data profile (storage classes, nulls, value checks): run
          “Document current data schema” again to add one.
        </p>
      ) : null}
    </section>
  )
}
