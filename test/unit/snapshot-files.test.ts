import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { fileNameFor, readStoreFile, sha256 } from '../../electron/core/snapshots/files'
import {
  DEFAULT_SNAPSHOT_THRESHOLD_BYTES,
  THRESHOLD_ENV,
  THRESHOLD_SETTING,
  resolveThreshold,
} from '../../electron/core/snapshots/threshold'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

function workspace() {
  const t = tempDir()
  cleanups.push(t.cleanup)
  mkdirSync(join(t.dir, '.claude'))
  mkdirSync(join(t.dir, '.ferry'))
  return workspacePaths(t.dir)
}

describe('snapshot threshold', () => {
  it('is 64 KiB unless the journal, the environment or the job says otherwise, in that rising order', () => {
    const paths = workspace()
    expect(resolveThreshold(undefined, {}, paths.journalDb)).toEqual({
      thresholdBytes: DEFAULT_SNAPSHOT_THRESHOLD_BYTES,
      thresholdSource: 'default',
    })
    const j = new Database(paths.journalDb)
    j.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
    j.prepare('INSERT INTO settings VALUES (?, ?)').run(THRESHOLD_SETTING, '4096')
    j.close()
    expect(resolveThreshold(undefined, {}, paths.journalDb)).toEqual({
      thresholdBytes: 4096,
      thresholdSource: 'setting',
    })
    expect(resolveThreshold(undefined, { [THRESHOLD_ENV]: '1000' }, paths.journalDb)).toEqual({
      thresholdBytes: 1000,
      thresholdSource: 'env',
    })
    expect(resolveThreshold(10, { [THRESHOLD_ENV]: '1000' }, paths.journalDb)).toEqual({
      thresholdBytes: 10,
      thresholdSource: 'param',
    })
  })

  it('rejects a threshold that is not a whole number of bytes, naming where it came from', () => {
    expect(() =>
      resolveThreshold(undefined, { [THRESHOLD_ENV]: '64k' }, '/nonexistent/journal.db'),
    ).toThrow(THRESHOLD_ENV)
  })
})

describe('snapshot store files', () => {
  it('names a file by the SHA-256 of its bytes, .json only when the bytes are JSON', () => {
    const json = Buffer.from('{"a":1}')
    expect(fileNameFor(json, sha256(json))).toBe(`${sha256(json)}.json`)
    const bin = Buffer.from([0xff, 0x00])
    expect(fileNameFor(bin, sha256(bin))).toBe(`${sha256(bin)}.bin`)
  })

  it('never opens a path from the database that is not a store file name', () => {
    const paths = workspace()
    writeFileSync(paths.stateDb, 'secret')
    for (const p of [
      '../state.db',
      'memory_snapshots/../state.db',
      '/etc/passwd',
      `memory_snapshots/${'a'.repeat(64)}.txt`,
      'memory_snapshots/x/y.json',
    ]) {
      expect(() => readStoreFile(paths, p, '7'), p).toThrow(/Snapshot 7 points at/)
    }
  })

  it('refuses a store folder that is a symbolic link', () => {
    const paths = workspace()
    const elsewhere = join(paths.root, 'elsewhere')
    mkdirSync(elsewhere)
    const name = `${'b'.repeat(64)}.json`
    writeFileSync(join(elsewhere, name), '{}')
    symlinkSync(elsewhere, join(paths.claudeDir, 'memory_snapshots'))
    expect(() => readStoreFile(paths, `memory_snapshots/${name}`, '3')).toThrow(/symbolic link/)
  })
})
