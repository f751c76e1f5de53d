// Local resources (issue 8): the backup hits a file-size limit (ulimit -f: the copy's write fails
// with EFBIG) — a clear error naming the cause, the workspace unchanged, no backup listed as
// complete, and the next run without the limit succeeds.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { FERRY_BIN, tempDir } from '../support/paths'
import { errorProblems, ferryRunner, type Run } from '../support/faults/cli'
import { changedBytes, workspaceFingerprint } from '../support/faults/fingerprint'
import { score } from '../support/faults/scorecard'

const tmp = tempDir('ferry-faults-local-')
const ws = join(tmp.dir, 'ws')
const configHome = join(tmp.dir, 'config')
const ferry = ferryRunner(configHome)

/** `ferry …` under `ulimit -f <kb>`: no file it writes may grow past that many KiB. */
function ferryLimited(kb: number, args: string[]): Run {
  const r = spawnSync(
    'bash',
    ['-c', `ulimit -f ${kb}; exec "$0" "$@"`, process.execPath, FERRY_BIN, ...args],
    {
      env: {
        ...process.env,
        XDG_CONFIG_HOME: configHome,
        FERRY_FAULT_POINT: '',
        FERRY_FAULT_ACTION: '',
      },
      encoding: 'utf8',
      timeout: 170_000,
    },
  )
  let json: unknown
  try {
    json = JSON.parse(r.stdout)
  } catch {
    json = null
  }
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, json }
}

describe('local resources', () => {
  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 3000, seed: 21 })
  })
  afterAll(() => tmp.cleanup())

  it('fails a backup that hits the file-size limit clearly, changes nothing, and succeeds once the limit is gone', () => {
    const before = workspaceFingerprint(ws)
    const limited = ferryLimited(1024, ['backup', '-w', ws, '--json'])
    expect(errorProblems(limited)).toEqual([])
    expect(limited.json.error.code).toBe('BACKUP_WRITE_FAILED')
    expect(limited.json.error.message).toContain('state.db')
    expect(limited.json.error.hint).toMatch(/file-size limit/)
    const after = workspaceFingerprint(ws)
    score.source(changedBytes(ws, before, after), 'backup under ulimit -f')
    expect(after).toEqual(before)
    const listed = ferry.run(['backups', '-w', ws, '--json'])
    expect(listed.json.backups).toEqual([])
    const ok = ferry.run(['backup', '-w', ws, '--json'])
    expect(ok.code, ok.stderr.slice(-1500)).toBe(0)
    const verified = ferry.run(['backups', '-w', ws, '--json'])
    expect(verified.code).toBe(0)
    expect(verified.json.backups).toHaveLength(1)
    expect(verified.json.backups[0].verified).toBe(true)
    score.fault('file-size limit (EFBIG) during backup', true, 'ulimit -f 1024')
  })
})
