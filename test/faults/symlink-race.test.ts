// A file — and a folder — swapped for a symbolic link to a canary outside the workspace over and
// over while the inventory and the import scan (issue 8, "Filesystem"; RELIABILITY rule 9): the
// canary's unique content never reaches the inventory, memory.db or the journal. 300 scans in the
// normal run, 10,000 under FERRY_FAULTS_SWEEP=1.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildInventory } from '../../electron/core/inventory/inventory'
import { runImport } from '../../electron/core/import/run'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { tempDir } from '../support/paths'
import { ferryRunner } from '../support/faults/cli'
import { score } from '../support/faults/scorecard'

const SWEEP = process.env.FERRY_FAULTS_SWEEP === '1'
const SCANS = SWEEP ? 10_000 : 300
const tmp = tempDir('ferry-faults-race-')
const ws = join(tmp.dir, 'ws')
const claude = join(ws, '.claude')
const outside = join(tmp.dir, 'outside')
const stage = join(ws, '.stage')
const CANARY = `CANARY-${randomBytes(12).toString('hex')}`
const SWAPPER = fileURLToPath(new URL('../support/faults/swapper.mjs', import.meta.url))
const ferry = ferryRunner(join(tmp.dir, 'config'))

/** Each swapped entry: what it holds when real, and the canary it points to when a link. */
const ENTRIES = [
  { rel: 'context/swap.md', real: '# swap\nplain notes\n', canary: `# secret\n${CANARY}\n` },
  {
    rel: 'logs/swap.jsonl',
    real: '{"ts":"2026-01-01T00:00:00Z","level":"info","message":"plain"}\n',
    canary: `{"ts":"2026-01-01T00:00:00Z","level":"info","message":"${CANARY}"}\n`,
  },
  { rel: 'config/swap.json', real: '{"model":"plain"}\n', canary: `{"model":"${CANARY}"}\n` },
]

function holdsCanary(file: string): boolean {
  return [file, `${file}-wal`, `${file}-journal`].some(
    (f) => existsSync(f) && statSync(f).isFile() && readFileSync(f).includes(CANARY),
  )
}

function startSwapper(): { stop: () => Promise<number> } {
  const spec = [
    ...ENTRIES.map((e) => ({
      path: join(claude, e.rel),
      kind: 'file',
      real: e.real,
      link: join(outside, e.rel.replace('/', '-')),
    })),
    { path: join(claude, 'context', 'sub'), kind: 'dir', link: join(outside, 'dir') },
  ]
  const specFile = join(tmp.dir, 'spec.json')
  writeFileSync(specFile, JSON.stringify(spec))
  const child = spawn(process.execPath, [SWAPPER, stage, specFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  return {
    stop: async () => {
      child.kill('SIGTERM')
      await exited
      return Number(/swaps=(\d+)/.exec(out)?.[1] ?? 0)
    },
  }
}

describe(`a file and a folder swapped for links out of the workspace during ${SCANS} scans`, () => {
  const paths = workspacePaths(ws)
  const signal = new AbortController().signal
  const stats = { inventories: 0, imports: 0, swaps: 0, changed: 0 }

  beforeAll(() => {
    for (const d of ['context/sub', 'logs', 'config'])
      mkdirSync(join(claude, d), { recursive: true })
    mkdirSync(join(outside, 'dir'), { recursive: true })
    mkdirSync(stage)
    mkdirSync(join(ws, '.ferry'))
    writeFileSync(join(claude, 'context', 'notes.md'), '# notes\nstays\n')
    writeFileSync(join(claude, 'context', 'sub', 'victim.md'), '# inside\nreal\n')
    writeFileSync(join(outside, 'dir', 'victim.md'), `# outside\n${CANARY}\n`)
    for (const e of ENTRIES) {
      writeFileSync(join(claude, e.rel), e.real)
      writeFileSync(join(outside, e.rel.replace('/', '-')), e.canary)
    }
  })
  afterAll(() => tmp.cleanup())

  it('never reads the canary: inventory, memory.db and journal stay free of it', async () => {
    const swapper = startSwapper()
    const leaks: string[] = []
    try {
      for (let i = 0; i < SCANS; i++) {
        // Two inventories to one import: the import (a transaction per file) is the slower scan.
        if (i % 3 !== 2) {
          const inv = await buildInventory(paths, { signal })
          stats.inventories++
          if (JSON.stringify(inv).includes(CANARY)) leaks.push(`inventory ${i}`)
        } else {
          const run = await runImport(paths, { signal, progress: () => {}, log: () => {} })
          stats.imports++
          stats.changed += run.files.filter((f) => f.status === 'skipped').length
          if (holdsCanary(run.memoryDb)) leaks.push(`memory.db after import ${i}`)
        }
        if (leaks.length) break
      }
      // And the real step, whose journal records its evidence, a few times under the same race.
      for (let i = 0; i < (SWEEP ? 10 : 1) && !leaks.length; i++) {
        const r = ferry.run(['run', 'p2.validate', '-w', ws, '--json'])
        expect(r.stdout + r.stderr).not.toContain(CANARY)
        expect([0, 1]).toContain(r.code)
      }
    } finally {
      stats.swaps = await swapper.stop()
    }
    for (const f of readdirSync(join(ws, '.ferry'), { recursive: true, encoding: 'utf8' })) {
      const abs = join(ws, '.ferry', f)
      if (holdsCanary(abs)) leaks.push(`.ferry/${f}`)
    }
    if (holdsCanary(join(claude, 'memory.db'))) leaks.push('memory.db')
    expect(leaks).toEqual([])
    expect(stats.swaps).toBeGreaterThan(10)
    score.badInput(
      'filesystem',
      `file and folder swapped for links during ${SCANS} scans`,
      `canary never read (${stats.swaps} swaps, ${stats.inventories} inventories, ${stats.imports} imports)`,
    )
  })
})
