import { BackupsScreen } from './BackupsScreen'
import { MigrationScreen } from './migration/MigrationScreen'
import { BenchmarksScreen } from './BenchmarksScreen'
import { MetricsScreen } from './MetricsScreen'
import { MonitoringScreen } from './MonitoringScreen'
import { AgentsScreen } from './AgentsScreen'
import { ChecklistScreen } from './ChecklistScreen'
import { ConnectionBanner } from './ConnectionBanner'
import { ErrorNote } from './ErrorNote'
import { InventoryScreen } from './InventoryScreen'
import { NavBar } from './NavBar'
import { SchemaScreen } from './SchemaScreen'
import { TablesScreen } from './tables/TablesScreen'
import { SettingsScreen } from './SettingsScreen'
import { TopBar } from './TopBar'
import { useFerry } from '../store/use-ferry'

export function App({ onRetryConnection }: { onRetryConnection(): void }) {
  const screen = useFerry((s) => s.screen)
  const initError = useFerry((s) => s.initError)
  const connected = useFerry((s) => s.connection.kind === 'open')
  const init = useFerry((s) => s.init)
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <TopBar />
      <ConnectionBanner onRetry={onRetryConnection} />
      <div className="body">
        <NavBar />
        <main id="main" className="main" tabIndex={-1}>
          {initError && connected ? (
            <div className="notice">
              <ErrorNote
                error={initError}
                title="Could not reach the backend"
                testId="init-error"
              />
              <button type="button" onClick={() => void init()}>
                Try again
              </button>
            </div>
          ) : null}
          {screen === 'checklist' ? (
            <ChecklistScreen />
          ) : screen === 'inventory' ? (
            <InventoryScreen />
          ) : screen === 'schema' ? (
            <SchemaScreen />
          ) : screen === 'backups' ? (
            <BackupsScreen />
          ) : screen === 'tables' ? (
            <TablesScreen />
          ) : screen === 'migration' ? (
            <MigrationScreen />
          ) : screen === 'benchmarks' ? (
            <BenchmarksScreen />
          ) : screen === 'monitoring' ? (
            <MonitoringScreen />
          ) : screen === 'metrics' ? (
            <MetricsScreen />
          ) : screen === 'agents' ? (
            <AgentsScreen />
          ) : (
            <SettingsScreen />
          )}
        </main>
      </div>
    </div>
  )
}
