// A done step's evidence can stop holding after the run: the backup it took deleted, the sandbox
// removed, the schema document gone or edited. The checklist then still says "done" (the step
// did run) but carries a warning naming what is missing and what to do, so "backed up" is never
// shown for a backup that no longer exists. Checks are cheap (a stat or a small read) because
// they run every time the checklist is read.
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { StepState } from '../../shared/contract/types'
import type { WorkspacePaths } from './workspace/resolve'

type Check = (paths: WorkspacePaths, evidence: Record<string, unknown>) => string | null

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)

/** A path the evidence records (absolute, or relative to the workspace root). */
const resolve = (paths: WorkspacePaths, p: string): string =>
  path.isAbsolute(p) ? p : path.join(paths.root, p)

const CHECKS: Record<string, Check> = {
  'pre.backup': (paths, ev) => {
    const id = text(ev.id)
    const dir = path.join(paths.ferryDir, 'backups')
    if (!id || /[/\\]/.test(id) || existsSync(path.join(dir, id, 'manifest.json'))) return null
    // Backup ids start with their UTC time: the last name is the newest.
    const newest = backupIds(dir).at(-1)
    return newest
      ? `The backup this step took (${id}) is no longer in .ferry/backups/; the newest one there is ${newest}.`
      : `The backup this step took (${id}) is no longer in .ferry/backups/, and there is no other: nothing protects the workspace until a new one is taken. Run this step again (or Backups → Back up now).`
  },
  'pre.test-env': (paths, ev) => {
    const sandbox = text(ev.sandbox)
    if (!sandbox) return null
    return existsSync(resolve(paths, sandbox))
      ? null
      : `The rehearsal copy this step made (${sandbox}) is gone. Run this step again to rebuild it from the latest backup.`
  },
  'pre.document-schema': (paths, ev) => {
    const doc = text(ev.document)
    if (!doc) return null
    const file = resolve(paths, doc)
    let body: Buffer
    try {
      body = readFileSync(file)
    } catch {
      return `The schema document this step wrote (${path.relative(paths.root, file)}) is gone. Run this step again to write it.`
    }
    const sha = text(ev.documentSha256)
    return sha && createHash('sha256').update(body).digest('hex') !== sha
      ? `The schema document (${path.relative(paths.root, file)}) was changed after this step wrote it. Run this step again for a document that matches state.db.`
      : null
  },
}

/** Folders of .ferry/backups/ that hold a manifest (finished backups), sorted by name. */
function backupIds(dir: string): string[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names.filter((n) => existsSync(path.join(dir, n, 'manifest.json'))).sort()
}

/** What no longer holds in a done step's evidence, or null. */
export function evidenceWarning(paths: WorkspacePaths, state: StepState): string | null {
  const check = CHECKS[state.stepId]
  if (!check || state.status !== 'done' || !state.evidence) return null
  try {
    return check(paths, state.evidence)
  } catch {
    return null
  }
}
