// Lists a workspace's backups (filled in by the backup engine).
import type { BackupInfo } from '../../../shared/contract/types'
import type { WorkspacePaths } from '../workspace/resolve'

export async function listBackups(_paths: WorkspacePaths, _opts: { verify: boolean }): Promise<BackupInfo[]> {
  return []
}
