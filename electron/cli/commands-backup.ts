// `ferry backup`, `ferry backups`, `ferry restore <id>` (filled in by the backup engine).
import type { Command } from 'commander'

export function registerBackupCommands(_program: Command, _setCode: (code: number) => void): void {}
