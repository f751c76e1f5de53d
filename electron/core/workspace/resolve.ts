// A workspace is the folder that holds .claude/ (DESIGN.md §3); passing .claude itself works too.
// The root is resolved once with realpath so later checks can refuse paths that leave it.
import { existsSync, lstatSync, mkdirSync, readlinkSync, realpathSync, statSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'

export interface WorkspacePaths {
  root: string
  claudeDir: string
  ferryDir: string
  stateDb: string
  journalDb: string
  pgDir: string
}

export function workspacePaths(root: string): WorkspacePaths {
  const claudeDir = join(root, '.claude')
  const ferryDir = join(root, '.ferry')
  return {
    root,
    claudeDir,
    ferryDir,
    stateDb: join(claudeDir, 'state.db'),
    journalDb: join(ferryDir, 'journal.db'),
    pgDir: join(ferryDir, 'pg'),
  }
}

export function resolveWorkspace(input: string, cwd: string = process.cwd()): WorkspacePaths {
  const abs = resolve(cwd, input)
  if (!existsSync(abs)) {
    throw new FerryError(
      'WORKSPACE_NOT_FOUND',
      `No such folder: ${abs}`,
      'Pass the folder that contains .claude/ (with -w), or create one with "ferry demo-workspace <dir>".',
    )
  }
  let real = realpathSync(abs)
  if (!statSync(real).isDirectory()) {
    throw new FerryError('NOT_A_WORKSPACE', `${abs} is a file, not a folder`, 'Pass the folder that contains .claude/.')
  }
  if (basename(real) === '.claude') real = dirname(real)
  const claude = join(real, '.claude')
  if (!existsSync(claude)) {
    throw new FerryError(
      'NOT_A_WORKSPACE',
      `${real} has no .claude folder, so it is not an agent workspace`,
      'Pass the folder that contains .claude/, or create a demo with "ferry demo-workspace <dir>".',
    )
  }
  const st = lstatSync(claude)
  if (st.isSymbolicLink()) {
    throw new FerryError(
      'NOT_A_WORKSPACE',
      `${claude} is a symbolic link (to ${readlinkSync(claude)})`,
      'Ferry reads .claude/ only when it is a real folder inside the workspace, so that nothing it reads or backs up can lead elsewhere. Put the folder the link points to in its place (or copy it to a new folder as <folder>/.claude) and open that.',
    )
  }
  if (!st.isDirectory()) {
    throw new FerryError(
      'NOT_A_WORKSPACE',
      `${claude} is not a folder`,
      'Ferry reads .claude/ only when it is a real folder inside the workspace.',
    )
  }
  return workspacePaths(real)
}

/** Creates .ferry/ (Ferry's own folder, never part of inventory or backups). */
export function ensureFerryDir(paths: WorkspacePaths): void {
  mkdirSync(paths.ferryDir, { recursive: true, mode: 0o755 })
}
