// Selectors for the frame around the screens: the top bar's source and target, and the
// connection banner. Re-exported from selectors.ts, which is where components import from.
import type { TargetStatus, WorkspaceSummary } from '../../../shared/contract/types'
import { formatBytes, formatNumber } from '../format/numbers'
import type { ConnectionState } from '../transport/connection-state'
import type { StatusView, Tone } from './selectors'

export interface EndpointView extends StatusView {
  label: string
  title: string
}

export function sourceView(ws: WorkspaceSummary | null): EndpointView {
  if (!ws)
    return {
      label: 'no workspace',
      icon: '○',
      word: 'none',
      tone: 'idle',
      title: 'No workspace open',
    }
  const db = ws.source.stateDb
  if (!db.exists)
    return {
      label: 'state.db',
      icon: '○',
      word: 'missing',
      tone: 'idle',
      title: `${db.path} does not exist`,
    }
  const size = db.sizeBytes === null ? '' : ` ${formatBytes(db.sizeBytes)}`
  if (db.error)
    return { label: `state.db${size}`, icon: '✖', word: 'unreadable', tone: 'bad', title: db.error }
  const tables = db.tables === null ? '' : `, ${formatNumber(db.tables)} tables`
  return {
    label: `state.db${size}`,
    icon: '●',
    word: 'ok',
    tone: 'ok',
    title: `${db.path}${tables}`,
  }
}

/** "PostgreSQL 15.4 on x86_64…" or "15.4" → "15.4". */
export function shortVersion(serverVersion: string | null): string | null {
  if (!serverVersion) return null
  return /\d+(?:\.\d+)?/.exec(serverVersion)?.[0] ?? serverVersion
}

const TARGET_STATE: Record<TargetStatus['state'], StatusView> = {
  connected: { icon: '●', word: 'connected', tone: 'ok' },
  starting: { icon: '◐', word: 'starting', tone: 'busy' },
  'not-started': { icon: '○', word: 'not started', tone: 'idle' },
  stopped: { icon: '○', word: 'stopped', tone: 'idle' },
  error: { icon: '✖', word: 'error', tone: 'bad' },
}

export function targetView(t: TargetStatus | null): EndpointView {
  if (!t)
    return { label: 'PG', icon: '○', word: 'not configured', tone: 'idle', title: 'No target yet' }
  const version = shortVersion(t.serverVersion)
  const label = version ? `PG ${version}` : t.kind === 'embedded' ? 'PG embedded' : 'PG'
  const title = [
    t.display,
    t.serverVersion,
    t.error ? `${t.error.message}${t.error.hint ? ` — ${t.error.hint}` : ''}` : null,
  ]
    .filter(Boolean)
    .join('\n')
  // A server of the user's is not "started" by Ferry: it is connected to, or not yet.
  const state =
    t.state === 'not-started' && t.kind !== 'embedded'
      ? { ...TARGET_STATE['not-started'], word: 'not connected' }
      : TARGET_STATE[t.state]
  return { label, ...state, title }
}

export interface BannerView {
  tone: Tone
  text: string
  hint: string | null
  canRetry: boolean
}

export function connectionBanner(c: ConnectionState, now: number): BannerView | null {
  switch (c.kind) {
    case 'open':
      return null
    case 'connecting':
      return { tone: 'busy', text: 'Connecting to the Ferry host…', hint: null, canRetry: false }
    case 'no-token':
      return {
        tone: 'bad',
        text: 'This page address has no access token.',
        hint: 'Open the exact address that “ferry serve” printed; it ends with ?token=…',
        canRetry: false,
      }
    case 'refused':
      return {
        tone: 'bad',
        text: `The Ferry host refused this page: ${c.reason}.`,
        hint: 'The token changes every time “ferry serve” starts. Open the address it printed this time.',
        canRetry: true,
      }
    case 'reconnecting': {
      const secs = Math.max(0, Math.ceil((c.retryAt - now) / 1000))
      return {
        tone: 'warn',
        text: `Lost the connection to the Ferry host (${c.reason}). Retrying in ${secs} s (attempt ${c.attempt}).`,
        hint: 'Is “ferry serve” still running? Work in progress continues in the backend; this page catches up when it reconnects.',
        canRetry: true,
      }
    }
  }
}
