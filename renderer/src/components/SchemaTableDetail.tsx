import type { FkCheck } from '../format/table-profile'
import type { TableModel } from '../store/schema-selectors'
import { EvidenceView } from './EvidenceView'
import { SchemaColumns } from './SchemaColumns'
import { SchemaFindings } from './SchemaFindings'

function Orphans({ check }: { check: FkCheck | null }) {
  if (!check) return <span className="muted">not checked</span>
  return (
    <>
      <span className={`badge tone-${check.warn ? 'warn' : 'ok'}`}>
        <span className="badge-icon" aria-hidden="true">
          {check.warn ? '▲' : '✔'}
        </span>
        {check.text}
      </span>
      {check.samples.length > 0 ? (
        <span className="small muted">
          {' '}
          e.g. <code>{check.samples.join(', ')}</code>
        </span>
      ) : null}
    </>
  )
}

function Checks({ table }: { table: TableModel }) {
  if (table.checks.length === 0) return null
  return (
    <section className="ev-block" aria-labelledby="checks-heading">
      <h3 id="checks-heading">Allowed-value checks</h3>
      <div className="table-scroll">
        <table className="ev-table" data-testid="schema-checks">
          <thead>
            <tr>
              <th scope="col">Column</th>
              <th scope="col">Allowed values</th>
              <th scope="col">From</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {table.checks.map((c) => (
              <tr key={c.key}>
                <td>
                  <code>{c.column}</code>
                </td>
                <td className="wrap">{c.allowedText}</td>
                <td>{c.sourceText}</td>
                <td className="wrap">
                  <span className={`badge tone-${c.outside > 0 ? 'warn' : 'ok'}`}>
                    <span className="badge-icon" aria-hidden="true">
                      {c.outside > 0 ? '▲' : '✔'}
                    </span>
                    {c.text}
                  </span>
                  {c.samples.length > 0 ? (
                    <span className="small muted">
                      {' '}
                      e.g. <code>{c.samples.join(', ')}</code>
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function ForeignKeys({ table }: { table: TableModel }) {
  return (
    <section className="ev-block" aria-labelledby="fks-heading">
      <h3 id="fks-heading">Foreign keys</h3>
      {table.foreignKeys.length === 0 ? (
        <p className="muted">None declared.</p>
      ) : (
        <div className="table-scroll">
          <table className="ev-table" data-testid="schema-fks">
            <thead>
              <tr>
                <th scope="col">Columns</th>
                <th scope="col">References</th>
                <th scope="col">On update</th>
                <th scope="col">On delete</th>
                <th scope="col">Index</th>
                <th scope="col">Orphans</th>
              </tr>
            </thead>
            <tbody>
              {table.foreignKeys.map((fk) => (
                <tr key={fk.key} data-testid={`fk-${fk.columnsText}`}>
                  <td>
                    <code>{fk.columnsText}</code>
                  </td>
                  <td>
                    <code>{fk.refText}</code>
                  </td>
                  <td>{fk.onUpdate}</td>
                  <td>{fk.onDelete}</td>
                  <td>
                    <span className={`badge tone-${fk.indexed ? 'ok' : 'warn'}`}>
                      <span className="badge-icon" aria-hidden="true">
                        {fk.indexed ? '✔' : '▲'}
                      </span>
                      {fk.indexed ? 'indexed' : 'no index'}
                    </span>
                  </td>
                  <td className="wrap">
                    <Orphans check={fk.orphans} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

function Indexes({ table }: { table: TableModel }) {
  return (
    <section className="ev-block" aria-labelledby="indexes-heading">
      <h3 id="indexes-heading">Indexes</h3>
      {table.indexes.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <div className="table-scroll">
          <table className="ev-table" data-testid="schema-indexes">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Columns</th>
                <th scope="col">Unique</th>
                <th scope="col">Made by</th>
                <th scope="col">Partial</th>
              </tr>
            </thead>
            <tbody>
              {table.indexes.map((ix) => (
                <tr key={ix.name}>
                  <td>
                    <code>{ix.name}</code>
                  </td>
                  <td>
                    <code>{ix.columnsText}</code>
                  </td>
                  <td>{ix.unique ? 'yes' : 'no'}</td>
                  <td>{ix.originText}</td>
                  <td>{ix.partial ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

/** One table of state.db: its columns, keys, indexes, findings and CREATE statement. */
export function SchemaTableDetail({ table }: { table: TableModel }) {
  const extras = Object.keys(table.extras).length > 0
  return (
    <article className="schema-detail" data-testid="schema-detail" aria-labelledby="table-title">
      <header className="schema-detail-head">
        <h2 id="table-title">
          <code>{table.name}</code>
        </h2>
        <span className="muted">{table.rowsText}</span>
        {table.profileText ? <span className="muted small">{table.profileText}</span> : null}
        {table.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
        {table.unindexedFks > 0 ? (
          <span className="badge tone-warn">
            <span className="badge-icon" aria-hidden="true">
              ▲
            </span>
            {table.unindexedFks === 1
              ? '1 foreign key without an index'
              : `${table.unindexedFks} foreign keys without an index`}
          </span>
        ) : null}
      </header>
      {table.countError ? (
        <p className="bad small">Rows could not be counted: {table.countError}</p>
      ) : null}

      <SchemaColumns columns={table.columns} />
      <ForeignKeys table={table} />
      <Indexes table={table} />
      <Checks table={table} />

      <section className="ev-block" aria-labelledby="findings-heading">
        <h3 id="findings-heading">Findings</h3>
        {table.findings.length === 0 ? (
          <p className="muted">None recorded for this table.</p>
        ) : (
          <SchemaFindings findings={table.findings} />
        )}
      </section>

      {extras ? (
        <section className="ev-block" aria-labelledby="more-heading">
          <h3 id="more-heading">More about this table</h3>
          <EvidenceView evidence={table.extras} />
        </section>
      ) : null}

      {table.sql ? (
        <details className="ev-block">
          <summary>CREATE statement</summary>
          <pre className="ev-pre">{table.sql}</pre>
        </details>
      ) : null}
    </article>
  )
}
