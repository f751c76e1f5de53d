// Jobs of the backup area: `backup` (the runner's automatic backup before a changing step),
// `step:pre.backup` (a manual backup plus a restore drill), `backup-restore` (backup.restore)
// and `step:pre.test-env` (the rehearsal sandbox). Params crossed a process boundary: checked here.
import { z } from 'zod'
import type { JobFn } from '../jobs/job'
import { workspacePaths } from '../workspace/resolve'
import { createBackup } from './create'
import { restoreDrill } from './drill'
import { restoreBackup } from './restore'
import { createSandbox } from './sandbox'

const Root = z.object({ root: z.string().min(1) })
const BackupParams = Root.extend({ reason: z.string().min(1).max(200) })
const RestoreParams = Root.extend({ id: z.string().min(1).max(200) })
const TestEnvParams = Root.extend({ targetUrl: z.string().min(1) })

export const BACKUP_JOBS: Record<string, JobFn> = {
  backup: async (params, ctx) => {
    const p = BackupParams.parse(params)
    return createBackup(workspacePaths(p.root), { reason: p.reason, ctx })
  },
  'step:pre.backup': async (params, ctx) => {
    const paths = workspacePaths(Root.parse(params).root)
    const backup = await createBackup(paths, { reason: 'manual', ctx })
    const drill = await restoreDrill(paths, backup.id, ctx)
    return {
      ...backup,
      restoreDrillMs: drill.restoreDrillMs,
      restoreDrillUnder5Min: drill.under5Min,
      drill,
    }
  },
  'backup-restore': async (params, ctx) => {
    const p = RestoreParams.parse(params)
    return restoreBackup(workspacePaths(p.root), p.id, ctx)
  },
  'step:pre.test-env': async (params, ctx) => {
    const p = TestEnvParams.parse(params)
    return createSandbox(workspacePaths(p.root), p.targetUrl, ctx)
  },
}
