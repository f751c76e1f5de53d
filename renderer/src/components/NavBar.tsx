import type { Screen } from '../store/types'
import { useFerry } from '../store/use-ferry'

/** Screens of UI.md that are not built yet are listed, disabled, with the phase that brings them. */
const LATER: readonly { name: string; note: string }[] = [
]

function NavItem({
  screen,
  label,
  current,
  onGo,
  disabledNote,
}: {
  screen: Screen
  label: string
  current: Screen
  onGo(s: Screen): void
  /** Why the screen cannot open yet; the item is disabled while set. */
  disabledNote?: string | null
}) {
  return (
    <li className={disabledNote ? 'nav-later' : undefined}>
      <button
        type="button"
        className={`nav-item${disabledNote ? ' disabled' : ''}`}
        data-testid={`nav-${screen}`}
        aria-current={current === screen ? 'page' : undefined}
        disabled={Boolean(disabledNote)}
        onClick={() => onGo(screen)}
      >
        {label}
      </button>
      {disabledNote ? <span className="nav-note">{disabledNote}</span> : null}
    </li>
  )
}

export function NavBar() {
  const screen = useFerry((s) => s.screen)
  const setScreen = useFerry((s) => s.setScreen)
  const hasWorkspace = useFerry((s) => s.workspace !== null)
  const needsWorkspace = hasWorkspace ? null : 'open a workspace first'
  return (
    <nav className="nav" aria-label="Screens">
      <ul>
        <NavItem screen="checklist" label="Checklist" current={screen} onGo={setScreen} />
        <NavItem
          screen="inventory"
          label="Inventory"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        <NavItem
          screen="schema"
          label="Schema"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        <NavItem
          screen="tables"
          label="Tables"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        <NavItem
          screen="backups"
          label="Backups"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        <NavItem
          screen="benchmarks"
          label="Benchmarks"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        <NavItem
          screen="migration"
          label="Migration"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        <NavItem
          screen="agents"
          label="Agents"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        <NavItem
          screen="monitoring"
          label="Monitoring"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        <NavItem
          screen="metrics"
          label="Metrics"
          current={screen}
          onGo={setScreen}
          disabledNote={needsWorkspace}
        />
        {LATER.map((item) => (
          <li key={item.name} className="nav-later">
            <span className="nav-item disabled" aria-disabled="true">
              {item.name}
            </span>
            <span className="nav-note">{item.note}</span>
          </li>
        ))}
        <NavItem screen="settings" label="Settings" current={screen} onGo={setScreen} />
      </ul>
    </nav>
  )
}
