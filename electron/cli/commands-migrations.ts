// `ferry migrations status|apply|undo` (filled in by the migration framework).
import type { Command } from 'commander'

export function registerMigrationCommands(_program: Command, _setCode: (code: number) => void): void {}
