import { useEffect, useRef, useState } from 'react'
import type { BackupInfo } from '../../../shared/contract/types'
import { clip } from '../format/profile'
import { restoreConfirmText, type BackupRowView } from '../store/backup-selectors'
import { StatusBadge } from './StatusBadge'

interface Props {
  rows: BackupRowView[]
  backups: readonly BackupInfo[]
  highlighted: string | null
  /** Set while any restore runs: every Restore button waits. */
  restoring: string | null
  onRestore(id: string): void
}

const MAX_PROBLEMS = 5

function Problems({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null
  return (
    <ul className="problems">
      {problems.slice(0, MAX_PROBLEMS).map((p, i) => (
        <li key={i}>{clip(p, 200)}</li>
      ))}
      {problems.length > MAX_PROBLEMS ? (
        <li className="muted">
          … and {(problems.length - MAX_PROBLEMS).toLocaleString('en-US')} more
        </li>
      ) : null}
    </ul>
  )
}

/** The workspace's backups, newest first; Restore asks once, naming what will change. */
export function BackupTable({ rows, backups, highlighted, restoring, onRestore }: Props) {
  const [asking, setAsking] = useState<string | null>(null)
  const wrap = useRef<HTMLDivElement>(null)
  // Opened from a step's evidence: bring that step's backup into view.
  useEffect(() => {
    if (!highlighted) return
    const row = [...(wrap.current?.querySelectorAll('tbody.highlight') ?? [])][0]
    row?.scrollIntoView({ block: 'nearest' })
  }, [highlighted, rows.length])
  return (
    <div className="table-scroll" ref={wrap}>
      <table className="ev-table backups-table" data-testid="backups-table">
        <thead>
          <tr>
            <th scope="col">Backup</th>
            <th scope="col">Created</th>
            <th scope="col">Reason</th>
            <th scope="col" className="num">
              Files
            </th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Verified</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        {rows.map((r) => {
          const info = backups.find((b) => b.id === r.id)
          return (
            <tbody key={r.id} className={r.id === highlighted ? 'highlight' : undefined}>
              <tr data-testid={`backup-${r.id}`}>
                <td>
                  <code title={r.path}>{r.id}</code>
                </td>
                <td title={r.createdAbsolute}>{r.createdRelative}</td>
                <td className="wrap">{r.reasonText}</td>
                <td className="num">{r.filesText}</td>
                <td className="num">{r.sizeText}</td>
                <td className="wrap" title={r.verifiedTitle}>
                  <StatusBadge status={r.verified} testId={`backup-verified-${r.id}`} />
                  <Problems problems={r.problems} />
                </td>
                <td>
                  <button
                    type="button"
                    data-testid={`restore-${r.id}`}
                    disabled={restoring !== null || asking === r.id}
                    onClick={() => setAsking(r.id)}
                  >
                    Restore…
                  </button>
                </td>
              </tr>
              {asking === r.id && info ? (
                <tr className="ev-detail-row">
                  <td colSpan={7}>
                    <div
                      className="confirm-note"
                      role="group"
                      aria-label={`Confirm restoring ${r.id}`}
                    >
                      <p>
                        <strong>Restore backup {r.id}?</strong> {restoreConfirmText(info)}
                      </p>
                      <p className="small">
                        There is no Undo button for this: to go back, restore the backup it takes
                        first (listed as “before restore”).
                      </p>
                      <div className="actions">
                        <button
                          type="button"
                          className="warn"
                          data-testid="confirm-restore"
                          onClick={() => {
                            setAsking(null)
                            onRestore(r.id)
                          }}
                        >
                          Restore now
                        </button>
                        {/* The safe choice has the focus, so Enter by habit changes nothing. */}
                        <button type="button" autoFocus onClick={() => setAsking(null)}>
                          Keep the current files
                        </button>
                      </div>
                    </div>
                  </td>
                </tr>
              ) : null}
            </tbody>
          )
        })}
      </table>
    </div>
  )
}
