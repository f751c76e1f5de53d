import type { Screen } from '../store/types'
import { useFerry } from '../store/use-ferry'

/** Screens of UI.md that are not built yet are listed, disabled, with the phase that brings them. */
const LATER: readonly { name: string; note: string }[] = [
  { name: 'Inventory', note: 'arrives with Phase 2' },
  { name: 'Tables', note: 'arrives with Phase 2' },
  { name: 'Migration', note: 'arrives with Phase 3' },
  { name: 'Benchmarks', note: 'arrives with Phase 4' },
  { name: 'Monitoring', note: 'arrives with Phase 4' },
  { name: 'Metrics', note: 'arrives with Phase 4' },
]

function NavItem({
  screen,
  label,
  current,
  onGo,
}: {
  screen: Screen
  label: string
  current: Screen
  onGo(s: Screen): void
}) {
  return (
    <li>
      <button
        type="button"
        className="nav-item"
        data-testid={`nav-${screen}`}
        aria-current={current === screen ? 'page' : undefined}
        onClick={() => onGo(screen)}
      >
        {label}
      </button>
    </li>
  )
}

export function NavBar() {
  const screen = useFerry((s) => s.screen)
  const setScreen = useFerry((s) => s.setScreen)
  return (
    <nav className="nav" aria-label="Screens">
      <ul>
        <NavItem screen="checklist" label="Checklist" current={screen} onGo={setScreen} />
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
