import type { Reconciliation } from '../../../../shared/contract/migration'
import { formatNumber } from '../../format/numbers'

function Mark({ ok, good, bad }: { ok: boolean; good: string; bad: string }) {
  return (
    <span className={`badge ${ok ? 'tone-ok' : 'tone-warn'}`}>
      <span className="badge-icon" aria-hidden="true">
        {ok ? '✔' : '▲'}
      </span>
      {ok ? good : bad}
    </span>
  )
}

/** After the load: sequences before/after setval, foreign keys and CHECKs with their violating rows. */
export function ReconciliationPanel({ data }: { data: Reconciliation }) {
  if (!data.available)
    return (
      <p className="muted" data-testid="reconciliation-empty">
        {data.note ?? 'Nothing to reconcile yet.'}
      </p>
    )
  return (
    <div className="mig-recon" data-testid="reconciliation">
      <h3>Sequences</h3>
      {data.sequences.length === 0 ? (
        <p className="muted">{data.note ?? 'No identity columns.'}</p>
      ) : (
        <div className="table-scroll">
          <table className="ev-table" data-testid="recon-sequences">
            <thead>
              <tr>
                <th scope="col">Column</th>
                <th scope="col">max(id)</th>
                <th scope="col">SQLite counter</th>
                <th scope="col">Before setval</th>
                <th scope="col">After setval</th>
                <th scope="col">Now</th>
                <th scope="col">Check</th>
              </tr>
            </thead>
            <tbody>
              {data.sequences.map((s) => (
                <tr
                  key={`${s.table}.${s.column}`}
                  data-testid="recon-sequence"
                  data-table={s.table}
                >
                  <th scope="row">
                    {s.table}.{s.column}
                  </th>
                  <td className="num">{s.maxId ?? 'empty'}</td>
                  <td className="num">{s.sqliteSequence ?? '—'}</td>
                  <td className="num">{s.before ?? 'unused (next: 1)'}</td>
                  <td className="num">{s.setTo ?? 'not set (empty)'}</td>
                  <td className="num">{s.now ?? '—'}</td>
                  <td>
                    <Mark ok={s.ok} good="continues after the max" bad="behind the max" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Foreign keys (added NOT VALID, then VALIDATE)</h3>
      {data.foreignKeys.length === 0 ? (
        <p className="muted">No foreign keys.</p>
      ) : (
        <div className="table-scroll">
          <table className="ev-table" data-testid="recon-fks">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Constraint</th>
                <th scope="col">References</th>
                <th scope="col">State</th>
                <th scope="col">Orphan rows</th>
              </tr>
            </thead>
            <tbody>
              {data.foreignKeys.map((f) => (
                <tr key={`${f.table}.${f.name}`} data-testid="recon-fk" data-name={f.name}>
                  <th scope="row">{f.table}</th>
                  <td>{f.name}</td>
                  <td>{f.references}</td>
                  <td>
                    <Mark
                      ok={f.validated}
                      good="validated"
                      bad={f.status === 'missing' ? 'missing' : 'NOT VALID'}
                    />
                  </td>
                  <td>
                    {formatNumber(f.orphanRows)}
                    {f.orphanSample.length ? (
                      <div className="muted mig-sample">{f.orphanSample.join(' · ')}</div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>CHECK constraints (dry-validated against every row)</h3>
      {data.checks.length === 0 ? (
        <p className="muted">No CHECK constraints in the target schema.</p>
      ) : (
        <div className="table-scroll">
          <table className="ev-table" data-testid="recon-checks">
            <thead>
              <tr>
                <th scope="col">Table</th>
                <th scope="col">Constraint</th>
                <th scope="col">Violating rows</th>
              </tr>
            </thead>
            <tbody>
              {data.checks.map((c) => (
                <tr key={`${c.table}.${c.name}`} data-testid="recon-check" data-name={c.name}>
                  <th scope="row">{c.table}</th>
                  <td>
                    {c.name} {c.validated ? null : <span className="muted">(NOT VALID)</span>}
                    <div className="muted">
                      <code>{c.definition}</code>
                    </div>
                  </td>
                  <td>
                    <Mark
                      ok={c.violatingRows === 0}
                      good="none"
                      bad={`${formatNumber(c.violatingRows)} row(s)`}
                    />
                    {c.sample.length ? (
                      <div className="muted mig-sample">{c.sample.join(' · ')}</div>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
