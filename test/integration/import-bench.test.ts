// `npm run bench:import` at a few MiB: the JSON it writes has sane fields and the import wrote one
// row per generated line. (Not timing: the numbers are the benchmark's business, not a test's.)
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO, tempDir } from '../support/paths'

const t = tempDir('ferry-bench-import-')
const out = join(t.dir, 'import.json')

function bench() {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(REPO, 'electron/core/import/bench.ts')],
    {
      cwd: REPO,
      env: {
        ...process.env,
        FERRY_BENCH_IMPORT_MB: '3',
        FERRY_BENCH_IMPORT_DIR: join(t.dir, 'cache'),
        FERRY_BENCH_IMPORT_OUT: out,
        FERRY_FAULT_POINT: '',
      },
      encoding: 'utf8',
      timeout: 120_000,
    },
  )
  expect(r.status, r.stderr).toBe(0)
  return { stdout: r.stdout, stderr: r.stderr, json: JSON.parse(readFileSync(out, 'utf8')) }
}

describe('npm run bench:import (3 MiB)', () => {
  afterAll(() => t.cleanup())

  it('generates the log, imports it through the p2.validate job and writes the numbers', () => {
    const { stdout, stderr, json } = bench()
    expect(stderr).toMatch(/generating .*bench\.jsonl/)
    expect(stdout).toMatch(/rows\/s/)
    expect(stdout).toMatch(/peak RSS worker/)
    expect(json.log.bytes).toBeGreaterThanOrEqual(3 * 2 ** 20)
    expect(json.log.bytes).toBeLessThan(3 * 2 ** 20 + 4096)
    expect(json.bytes).toBe(json.log.bytes)
    expect(json.log.lines).toBeGreaterThan(1000)
    expect(json.rows).toBe(json.log.lines)
    for (const k of ['importSeconds', 'mbPerSecond', 'rowsPerSecond', 'peakRssParentMb'])
      expect(json[k], k).toBeGreaterThan(0)
    // VmHWM is Linux's; elsewhere the worker's peak is reported as null, not guessed.
    if (process.platform === 'linux') expect(json.peakRssWorkerMb).toBeGreaterThan(0)
    expect(json.targetPeakRssMb).toBe(300)
    expect(json.progressEvents).toBeGreaterThan(0)
  })

  it('reuses the cached log on the next run and imports the same rows into a fresh memory.db', () => {
    const first = JSON.parse(readFileSync(out, 'utf8'))
    const { stderr, json } = bench()
    expect(stderr).toMatch(/reusing .*bench\.jsonl/)
    expect(json.log).toEqual(first.log)
    expect(json.rows).toBe(first.rows)
  })
})
