// What to do with a database's migrations, decided by a pure function of what the ledger says was
// applied and which files exist (STYLE.md "Migrations are files"). Every problem is reported —
// checksum drift, an applied version with no file, a file older than the newest applied one —
// instead of guessing: drizzle's high-water mark silently skipped migrations (drizzle-orm#5769);
// Flyway and postgrator refuse, and so does this.

/** A row of the ledger (schema_migrations). Legacy rows (the plan's own framework) carry only a version. */
export interface AppliedMigration {
  version: number
  name: string | null
  checksum: string | null
  appliedAt: string | null
  durationMs: number | null
  /** null for legacy rows; false when a non-transactional migration failed part-way. */
  success: boolean | null
  appliedBy: string | null
}

/** A migration file `NNNN_slug.sql`, with its optional `NNNN_slug.down.sql`. */
export interface AvailableMigration {
  version: number
  name: string
  /** How the file is shown to people (relative to the workspace). */
  file: string
  checksum: string
  downFile: string | null
}

/** A file in a migrations folder that is not a migration (bad name, unreadable, a link). */
export interface StrayFile {
  file: string
  reason: string
}

export type ProblemKind =
  | 'checksum-mismatch'
  | 'missing-file'
  | 'out-of-order'
  | 'duplicate-version'
  | 'name-mismatch'
  | 'failed'
  | 'unverifiable'
  | 'stray-file'

export interface MigrationProblem {
  kind: ProblemKind
  version: number | null
  file: string | null
  expected?: string
  actual?: string
  message: string
  hint: string
}

export type ItemStatus = 'applied' | 'pending' | 'legacy' | 'problem'

export interface PlanItem {
  version: number
  name: string | null
  status: ItemStatus
  file: string | null
  downFile: string | null
  checksum: string | null
  recordedChecksum: string | null
  appliedAt: string | null
  durationMs: number | null
  appliedBy: string | null
}

export interface MigrationPlan {
  /** Every version known to the ledger or the folder, ascending. */
  items: PlanItem[]
  /** What `apply` would run, ascending; empty whenever there is a problem. */
  pending: AvailableMigration[]
  problems: MigrationProblem[]
  /** The highest version in the ledger, null when it is empty. */
  current: number | null
}

export function versionLabel(version: number): string {
  return String(version).padStart(4, '0')
}

function label(version: number, name: string | null): string {
  return name ? `${versionLabel(version)} (${name})` : versionLabel(version)
}

export function planMigrations(
  applied: readonly AppliedMigration[],
  available: readonly AvailableMigration[],
  strays: readonly StrayFile[] = [],
): MigrationPlan {
  const problems: MigrationProblem[] = strays.map((s) => ({
    kind: 'stray-file',
    version: null,
    file: s.file,
    message: `${s.file} is in the migrations folder but is not a migration: ${s.reason}`,
    hint: 'Name migrations NNNN_slug.sql (and NNNN_slug.down.sql), or move the file out of the folder.',
  }))

  const byVersion = new Map<number, AvailableMigration[]>()
  for (const m of available) byVersion.set(m.version, [...(byVersion.get(m.version) ?? []), m])
  for (const [version, files] of byVersion) {
    if (files.length < 2) continue
    problems.push({
      kind: 'duplicate-version',
      version,
      file: files[0]!.file,
      message: `Version ${versionLabel(version)} is claimed by ${files.length} files: ${files.map((f) => f.file).join(', ')}`,
      hint: 'Give each migration its own version number (renumber the one that was never applied).',
    })
  }
  const fileOf = (v: number): AvailableMigration | undefined => {
    const files = byVersion.get(v)
    return files && files.length === 1 ? files[0] : undefined
  }

  const appliedByVersion = new Map(applied.map((a) => [a.version, a]))
  const items: PlanItem[] = []
  const pushItem = (
    version: number,
    status: ItemStatus,
    a?: AppliedMigration,
    f?: AvailableMigration,
  ): void => {
    items.push({
      version,
      name: f?.name ?? a?.name ?? null,
      status,
      file: f?.file ?? null,
      downFile: f?.downFile ?? null,
      checksum: f?.checksum ?? null,
      recordedChecksum: a?.checksum ?? null,
      appliedAt: a?.appliedAt ?? null,
      durationMs: a?.durationMs ?? null,
      appliedBy: a?.appliedBy ?? null,
    })
  }

  for (const a of applied) {
    const f = fileOf(a.version)
    const dup = (byVersion.get(a.version)?.length ?? 0) > 1
    let ok = !dup
    if (a.success === false) {
      ok = false
      problems.push({
        kind: 'failed',
        version: a.version,
        file: f?.file ?? null,
        message: `Migration ${label(a.version, a.name)} failed part-way when it was applied${a.appliedAt ? ` at ${a.appliedAt}` : ''}`,
        hint: 'Check what it left behind, undo that by hand, then delete its schema_migrations row and apply again.',
      })
    }
    if (a.checksum === null) {
      // Applied by another tool (the plan's own SchemaMigration class records only the version).
      if (f) {
        ok = false
        problems.push({
          kind: 'unverifiable',
          version: a.version,
          file: f.file,
          message: `Version ${versionLabel(a.version)} is recorded in schema_migrations without a checksum (applied outside Ferry), and ${f.file} claims the same version`,
          hint: 'Renumber the file to a version above the newest applied one, or remove it if it is the same change.',
        })
      }
      pushItem(a.version, ok ? 'legacy' : 'problem', a, f)
      continue
    }
    if (!f && !dup) {
      ok = false
      problems.push({
        kind: 'missing-file',
        version: a.version,
        file: null,
        message: `Migration ${label(a.version, a.name)} is recorded as applied, but its file is missing from the migrations folder`,
        hint: `Put ${versionLabel(a.version)}_${a.name ?? '…'}.sql back (its SHA-256 must be ${a.checksum}).`,
      })
    }
    if (f && f.checksum !== a.checksum) {
      ok = false
      problems.push({
        kind: 'checksum-mismatch',
        version: a.version,
        file: f.file,
        expected: a.checksum,
        actual: f.checksum,
        message: `Checksum mismatch for migration ${label(a.version, f.name)}: ${f.file} was changed after it was applied (expected SHA-256 ${a.checksum}, the file now has ${f.checksum})`,
        hint: 'Applied migrations are immutable: restore the file as it was, and put the change in a new migration with a higher version.',
      })
    }
    if (f && a.name !== null && f.name !== a.name) {
      ok = false
      problems.push({
        kind: 'name-mismatch',
        version: a.version,
        file: f.file,
        expected: a.name,
        actual: f.name,
        message: `Migration ${versionLabel(a.version)} was applied as "${a.name}" but the file is now named ${f.file}`,
        hint: `Rename the file back to ${versionLabel(a.version)}_${a.name}.sql.`,
      })
    }
    pushItem(a.version, ok ? 'applied' : 'problem', a, f)
  }

  const current = applied.length ? Math.max(...applied.map((a) => a.version)) : null
  const candidates: AvailableMigration[] = []
  for (const [version, files] of byVersion) {
    if (appliedByVersion.has(version)) continue
    const f = files.length === 1 ? files[0]! : undefined
    if (!f) {
      pushItem(version, 'problem', undefined, files[0])
      continue
    }
    if (current !== null && version < current) {
      problems.push({
        kind: 'out-of-order',
        version,
        file: f.file,
        message: `${f.file} (version ${versionLabel(version)}) is not applied, but version ${versionLabel(current)} already is: applying it now would run migrations out of order`,
        hint: `Renumber it above ${versionLabel(current)} if it should still run, or remove it.`,
      })
      pushItem(version, 'problem', undefined, f)
      continue
    }
    pushItem(version, 'pending', undefined, f)
    candidates.push(f)
  }

  items.sort((a, b) => a.version - b.version)
  candidates.sort((a, b) => a.version - b.version)
  return { items, pending: problems.length ? [] : candidates, problems, current }
}

/** The next free version: above everything the ledger and the folder know. */
export function nextVersion(
  applied: readonly { version: number }[],
  available: readonly { version: number }[],
): number {
  return Math.max(0, ...applied.map((a) => a.version), ...available.map((a) => a.version)) + 1
}
