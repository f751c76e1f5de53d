// Jobs of the backup area (filled in by the backup engine): `backup`, `backup-restore`,
// `step:pre.backup`.
import type { JobFn } from '../jobs/job'

export const BACKUP_JOBS: Record<string, JobFn> = {}
