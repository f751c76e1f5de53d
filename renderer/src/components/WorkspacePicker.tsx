import { useState, type FormEvent } from 'react'
import { formatNumber, formatSeconds, parseCount } from '../format/numbers'
import { useFerry } from '../store/use-ferry'
import { ErrorNote } from './ErrorNote'
import { useElapsed } from './use-elapsed'

const MAX_EVENTS = 5_000_000

interface Props {
  /** 'empty': the first screen, nothing open yet. 'settings': switch to another workspace. */
  variant: 'empty' | 'settings'
}

/** Opens a folder by path, or creates the demo workspace (DESIGN.md §5) and opens it. */
export function WorkspacePicker({ variant }: Props) {
  const appInfo = useFerry((s) => s.appInfo)
  const busy = useFerry((s) => s.workspaceBusy)
  const error = useFerry((s) => s.workspaceError)
  const openWorkspace = useFerry((s) => s.openWorkspace)
  const createDemo = useFerry((s) => s.createDemo)
  const [openPath, setOpenPath] = useState('')
  const [demoPath, setDemoPath] = useState<string | null>(null)
  const [eventsText, setEventsText] = useState(formatNumber(10_000))
  const [lastAction, setLastAction] = useState<'open' | 'createDemo' | null>(null)

  const elapsed = useElapsed(busy === 'createDemo')
  const demoValue = demoPath ?? appInfo?.demoDefaultPath ?? ''
  const events = parseCount(eventsText)
  const eventsInvalid = events === null || events > MAX_EVENTS

  function onOpen(e: FormEvent) {
    e.preventDefault()
    if (!openPath.trim() || busy) return
    setLastAction('open')
    void openWorkspace(openPath)
  }

  function onCreate(e: FormEvent) {
    e.preventDefault()
    if (!demoValue.trim() || eventsInvalid || busy) return
    setLastAction('createDemo')
    void createDemo(demoValue, events ?? undefined)
  }

  return (
    <section
      className={`picker ${variant}`}
      aria-labelledby={`picker-title-${variant}`}
      data-testid="workspace-picker"
    >
      {variant === 'empty' ? (
        <h2 id="picker-title-empty">
          No workspace open — <span className="nowrap">Open folder…</span> or{' '}
          <span className="nowrap">Create demo workspace</span>
        </h2>
      ) : (
        <h2 id="picker-title-settings">Workspace</h2>
      )}
      <p className="muted">
        A workspace is the folder that holds <code>.claude/</code>. Ferry only reads the agents’
        files; its own records go to <code>.ferry/</code> beside them.
      </p>

      <div className="picker-forms">
        <form className="picker-form" onSubmit={onOpen}>
          <h3>Open folder</h3>
          <label htmlFor={`open-path-${variant}`}>Folder path</label>
          <input
            id={`open-path-${variant}`}
            data-testid="open-path"
            type="text"
            spellCheck={false}
            autoComplete="off"
            placeholder="/home/me/agents/acme"
            value={openPath}
            onChange={(e) => setOpenPath(e.target.value)}
          />
          <button
            type="submit"
            className="primary"
            data-testid="open-workspace"
            disabled={!openPath.trim() || busy !== null}
          >
            {busy === 'open' ? 'Opening…' : 'Open'}
          </button>
        </form>

        <form className="picker-form" onSubmit={onCreate}>
          <h3>Create demo workspace</h3>
          <label htmlFor={`demo-path-${variant}`}>New or empty folder</label>
          <input
            id={`demo-path-${variant}`}
            data-testid="demo-path"
            type="text"
            spellCheck={false}
            autoComplete="off"
            value={demoValue}
            onChange={(e) => setDemoPath(e.target.value)}
          />
          <label htmlFor={`demo-events-${variant}`}>Events to generate</label>
          <input
            id={`demo-events-${variant}`}
            data-testid="demo-events"
            type="text"
            inputMode="numeric"
            className="narrow"
            aria-invalid={eventsInvalid}
            aria-describedby={`demo-events-help-${variant}`}
            value={eventsText}
            onChange={(e) => setEventsText(e.target.value)}
          />
          <p
            id={`demo-events-help-${variant}`}
            className={`small ${eventsInvalid ? 'bad' : 'muted'}`}
          >
            {eventsInvalid
              ? `Enter a whole number from 0 to ${formatNumber(MAX_EVENTS)}.`
              : 'Scales the events table and the logs; thousands are quick, a million takes a while.'}
          </p>
          <button
            type="submit"
            className="primary"
            data-testid="create-demo"
            disabled={!demoValue.trim() || eventsInvalid || busy !== null}
          >
            {busy === 'createDemo' ? 'Creating…' : 'Create demo workspace'}
          </button>
          {busy === 'createDemo' ? (
            <p className="small muted" role="status" data-testid="demo-busy">
              Generating {events === null ? '' : `${formatNumber(events)} events and `}the workspace
              files… {formatSeconds(elapsed)}
            </p>
          ) : null}
        </form>
      </div>

      {error ? (
        <ErrorNote
          error={error}
          title={
            lastAction === 'createDemo'
              ? 'Could not create the demo workspace'
              : lastAction === 'open'
                ? 'Could not open the folder'
                : 'Workspace'
          }
          testId="workspace-error"
        />
      ) : null}
    </section>
  )
}
