// `ferry run p1.snapshot-store` and `ferry undo p1.snapshot-store` as a user types them: a real
// process, the automatic backup and baseline first, the threshold from the environment.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { FERRY_BIN, tempDir } from '../support/paths'
import { dumpSnapshots, fileSha } from './snapshot-support'

const t = tempDir('ferry-snapcli-')
const ws = join(t.dir, 'ws')
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(t.dir, 'config'),
  FERRY_FAULT_POINT: '',
  FERRY_FAULT_ACTION: '',
}

function ferry(args: string[], extra: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
    env: { ...env, ...extra },
    encoding: 'utf8',
    timeout: 170_000,
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('ferry run / undo p1.snapshot-store', () => {
  beforeAll(() => {
    const r = ferry(['demo-workspace', ws, '--events', '1000', '--json'])
    expect(r.code, r.stderr).toBe(0)
  })
  afterAll(() => t.cleanup())

  it('moves the snapshots over the threshold given in the environment, after a backup, and undo puts them back', () => {
    const paths = workspacePaths(ws)
    const before = dumpSnapshots(paths.stateDb)
    const run = ferry(['run', 'p1.snapshot-store', '-w', ws, '--yes', '--json'], {
      FERRY_SNAPSHOT_THRESHOLD_BYTES: '3000',
    })
    expect(run.code, run.stderr).toBe(0)
    const step = JSON.parse(run.stdout).steps[0]
    expect(step).toMatchObject({ stepId: 'p1.snapshot-store', status: 'done' })
    const ev = step.evidence
    expect(ev).toMatchObject({
      thresholdBytes: 3000,
      thresholdSource: 'env',
      placeholder: 'marker',
    })
    expect(typeof ev.backupId).toBe('string')
    expect(ev.rowsMoved).toBeGreaterThan(9)
    const files = readdirSync(join(paths.claudeDir, 'memory_snapshots'))
    expect(files).toHaveLength(ev.filesWritten)
    for (const f of files) expect(f).toBe(`${fileSha(paths, f)}.json`)

    const undo = ferry(['undo', 'p1.snapshot-store', '-w', ws, '--yes', '--json'])
    expect(undo.code, undo.stderr).toBe(0)
    expect(JSON.parse(undo.stdout).step.evidence.undo).toMatchObject({
      rowsRehydrated: ev.rowsMoved,
      storeDirRemoved: true,
    })
    expect(dumpSnapshots(paths.stateDb)).toEqual(before)
  })

  it('takes the column to move from FERRY_SNAPSHOT_COLUMN, and refuses a name the table lacks', () => {
    const paths = workspacePaths(ws)
    const before = dumpSnapshots(paths.stateDb)
    const run = ferry(['run', 'p1.snapshot-store', '-w', ws, '--yes', '--json'], {
      FERRY_SNAPSHOT_COLUMN: 'no_such_column',
    })
    expect(run.code).toBe(1)
    const step = JSON.parse(run.stdout).steps[0]
    expect(step).toMatchObject({ status: 'failed', error: { code: 'SNAPSHOT_COLUMN_UNKNOWN' } })
    expect(step.error.message).toContain('"no_such_column"')
    expect(dumpSnapshots(paths.stateDb)).toEqual(before)
  })
})
