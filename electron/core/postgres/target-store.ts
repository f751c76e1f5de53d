// The chosen target kept across restarts in <workspace>/.ferry/target.json — host, port,
// database, user and sslmode as a password-less URL, never the password (that is in the
// credential store) — and the Settings screen's "Check" (p3.postgres-prod's checks, all shown).
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { TargetCheckResult } from '../../../shared/contract/connection'
import { toErrorInfo } from '../../../shared/contract/envelope'
import { writeFileAtomic } from '../fs/atomic'
import { collectProdChecks } from '../pgmigrate/prod-checks'
import { redactSecrets } from './redact'
import type { PersistedTarget, TargetManager } from './target'

export const TARGET_FILE = 'target.json'

const Saved = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('embedded') }),
  z.object({ kind: z.literal('url'), url: z.string().min(1) }),
])

export function saveTarget(ferryDir: string, t: PersistedTarget): void {
  writeFileAtomic(path.join(ferryDir, TARGET_FILE), JSON.stringify(t, null, 2) + '\n')
}

/** Applies a saved target; a missing or unreadable file leaves the default (embedded). */
export function restoreTarget(ferryDir: string, manager: TargetManager): void {
  let saved: PersistedTarget
  try {
    saved = Saved.parse(JSON.parse(readFileSync(path.join(ferryDir, TARGET_FILE), 'utf8')))
  } catch {
    return
  }
  try {
    manager.configure(saved)
  } catch {
    // A file edited by hand into an invalid URL: the user picks the target again in Settings.
  }
}

/** Connects if needed, then runs every production check and returns each result. */
export async function checkTarget(manager: TargetManager): Promise<TargetCheckResult> {
  const status = manager.status().state === 'connected' ? manager.status() : await manager.connect()
  if (status.state !== 'connected') {
    return {
      target: status.display,
      ok: false,
      checks: [],
      error: status.error ?? { code: 'TARGET_NOT_CONNECTED', message: `${status.display} is not connected.` },
    }
  }
  let url = ''
  try {
    url = await manager.connectionString()
    return { ...(await collectProdChecks(url)), error: null }
  } catch (err) {
    const e = toErrorInfo(err)
    const secrets = url ? [new URL(url).password, decodeURIComponent(new URL(url).password)].filter(Boolean) : []
    return {
      target: status.display,
      ok: false,
      checks: [],
      error: { ...e, message: redactSecrets(e.message, secrets) },
    }
  }
}
