// `ferry inventory` on a workspace with hostile entries: everything listed, nothing followed,
// nothing opened that should not be, every problem located.
import { spawnSync } from 'node:child_process'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { describeInventory } from '../../electron/cli/commands-phase2'
import { createBackend } from '../../electron/core/backend'
import {
  buildInventory,
  type Inventory,
  type InventoryEntry,
} from '../../electron/core/inventory/inventory'
import { workspacePaths } from '../../electron/core/workspace/resolve'
import { FERRY_BIN, tempDir } from '../support/paths'
import { DEEP, hostileWorkspace } from './import-hostile'

const t = tempDir('ferry-inventory-')
const ws = join(t.dir, 'ws')
const env = {
  ...process.env,
  XDG_CONFIG_HOME: join(t.dir, 'config'),
  FERRY_FAULT_POINT: '',
  FERRY_FAULT_ACTION: '',
}
let inv: Inventory

const entry = (path: string): InventoryEntry => {
  const e = inv.entries.find((x) => x.path === path)
  if (!e) throw new Error(`not listed: ${path}`)
  return e
}

describe('inventory of .claude', () => {
  beforeAll(async () => {
    await hostileWorkspace(ws)
    // A real Claude Code settings file: outside the plan's folders (skipped), with an API key.
    writeFileSync(
      join(ws, '.claude', 'settings.json'),
      JSON.stringify({ env: { ANTHROPIC_API_KEY: 'sk-ant-api03-' + 'x'.repeat(40) } }),
    )
    inv = await buildInventory(workspacePaths(ws), { signal: new AbortController().signal })
  })
  afterAll(() => t.cleanup())

  it('lists links without following them, and says where they lead', () => {
    expect(entry('.claude/context/leak.md')).toMatchObject({
      type: 'symlink',
      symlink: { target: '/etc/passwd', resolves: 'outside-workspace' },
      plan: { action: 'skip', code: 'outside-workspace' },
    })
    expect(entry('.claude/context/leak.md').lines ?? null).toBeNull()
    expect(entry('.claude/context/inside-link.md')).toMatchObject({
      type: 'symlink',
      symlink: { resolves: 'inside-workspace' },
    })
    expect(inv.problems).toMatchObject({
      outsideWorkspaceLinks: 1,
      otherLinks: 1,
      specialFiles: 1,
      nonUtf8Names: 1,
      tooDeep: 1,
    })
  })

  it('reports the FIFO as a special file and a name that is not UTF-8 escaped, with its exact bytes', () => {
    expect(entry('.claude/logs/pipe.log')).toMatchObject({
      type: 'special',
      special: 'fifo',
      plan: { action: 'skip', code: 'special' },
    })
    const odd = inv.entries.find((e) => e.pathHex)
    expect(odd?.path).toBe('.claude/context/caf\\xE9.md')
    expect(Buffer.from(odd?.pathHex as string, 'hex').toString('latin1')).toBe(
      '.claude/context/café.md',
    )
  })

  it('prints the summary in words that fit the counts', () => {
    const text = describeInventory(inv, false)
    expect(text).toMatch(/^Inventory of .* \(\d+ files, [^;]+; \d+ folders\)$/m)
    // The one SQLite file: "1 file", not "1 files".
    expect(text).toMatch(/^ {2}sqlite {17}1 file {9}\S/m)
    expect(text).not.toMatch(/\b1 files\b/)
    expect(text).toContain('  ! 1 name(s) with invalid UTF-8 or control characters (shown escaped)')
    expect(text).toContain(
      '  3 secret value(s) in skipped files (.claude/context/stray.env, .claude/logs/stray.env, .claude/settings.json): not imported, left where they are',
    )
  })

  it('stops at the depth limit and says so', () => {
    const deep = inv.entries.find((e) => e.type === 'too-deep')
    expect(deep?.error?.message).toMatch(/deeper than 48 levels/)
    expect(deep?.path.split('/').length).toBeLessThan(DEEP)
    expect(inv.entries.some((e) => e.path.endsWith('bottom.md'))).toBe(false)
  })

  it('counts lines and records, and locates parse and encoding problems by line', () => {
    const rotated = entry('.claude/logs/agents.jsonl.1')
    expect(rotated).toMatchObject({
      kind: 'rotated-log',
      format: 'jsonl',
      parse: 'errors',
      parseErrors: 1,
      encoding: 'utf-8',
    })
    expect(rotated.problems?.[0]?.line).toBe(rotated.lines)
    expect(rotated.records).toBe(rotated.lines)
    expect(entry('.claude/logs/latin1.log')).toMatchObject({
      encoding: 'invalid',
      encodingError: { line: 1, byte: 37 },
      records: 2,
    })
    expect(entry('.claude/logs/cut.jsonl.3.gz')).toMatchObject({
      kind: 'gz',
      parse: 'failed',
      readError: { code: 'GZIP_DAMAGED' },
    })
    expect(entry('.claude/logs/empty.jsonl')).toMatchObject({
      size: 0,
      lines: 0,
      records: 0,
      parse: 'ok',
      plan: { action: 'import', expectedRows: 0 },
    })
    expect(entry('.claude/config/broken.json')).toMatchObject({
      parse: 'failed',
      plan: { action: 'skip', code: 'parse-error' },
    })
    expect(entry('.claude/config/broken.json').problems?.[0]?.message).not.toContain('hunter2')
    expect(entry('.claude/state.db')).toMatchObject({
      kind: 'sqlite',
      plan: { action: 'import', importer: 'state-db' },
    })
  })

  it('finds the secrets in config without putting a value in the report', () => {
    expect(entry('.claude/config/.env')).toMatchObject({ kind: 'env', secrets: 4 })
    expect(entry('.claude/config/service.ini')).toMatchObject({ kind: 'ini', secrets: 1 })
    expect(inv.secrets.declared).toBe(5)
    const text = JSON.stringify(inv)
    const envText = readFileSync(join(ws, '.claude', 'config', '.env'), 'utf8')
    const value = /GITHUB_TOKEN=(.+)/.exec(envText)?.[1] as string
    expect(text.includes(value)).toBe(false)
  })

  it('adds up per folder and per kind, and lists the ten largest files', () => {
    const bytes = inv.byFolder.reduce((n, f) => n + f.bytes, 0)
    expect(bytes).toBe(inv.totals.sourceBytes)
    expect(inv.byFolder.reduce((n, f) => n + f.files, 0)).toBe(inv.totals.sourceFiles)
    expect(inv.byKind.reduce((n, k) => n + k.files, 0)).toBe(inv.totals.sourceFiles)
    expect(inv.largest).toHaveLength(10)
    expect(inv.largest[0]?.path).toBe('.claude/state.db')
    expect(inv.largest.map((l) => l.size)).toEqual(
      [...inv.largest.map((l) => l.size)].sort((a, b) => b - a),
    )
    expect(inv.totals.toImport + inv.totals.toSkip).toBe(inv.totals.sourceFiles)
  })

  it.skipIf(process.getuid?.() === 0)(
    'reports a file it may not read with the OS error',
    async () => {
      const p = join(ws, '.claude', 'context', 'secret-notes.md')
      writeFileSync(p, 'x')
      chmodSync(p, 0o000)
      try {
        const again = await buildInventory(workspacePaths(ws), {
          signal: new AbortController().signal,
        })
        expect(
          again.entries.find((e) => e.path === '.claude/context/secret-notes.md'),
        ).toMatchObject({
          type: 'unreadable',
          error: { code: 'EACCES' },
          plan: { action: 'skip', code: 'unreadable' },
        })
      } finally {
        chmodSync(p, 0o600)
      }
    },
  )

  it('runs from the command line, writes .ferry/inventory.json and lists the skips', () => {
    const r = spawnSync(process.execPath, [FERRY_BIN, 'inventory', '-w', ws, '--json'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(r.status, r.stderr).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out.ok).toBe(true)
    expect(out.inventory.totals.sourceFiles).toBe(inv.totals.sourceFiles)
    expect(existsSync(join(ws, '.ferry', 'inventory.json'))).toBe(true)
    const human = spawnSync(process.execPath, [FERRY_BIN, 'inventory', '-w', ws], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    })
    expect(human.status, human.stderr).toBe(0)
    expect(human.stdout).toContain('.claude/context/leak.md')
    expect(human.stdout).toMatch(/1 symbolic link\(s\) to outside the workspace \(not read\)/)
  })

  it('answers inventory.get through the contract with the last inventory taken', async () => {
    const backend = await createBackend({
      appDataDir: join(t.dir, 'app'),
      version: 'test',
      workspace: ws,
      rememberWorkspace: false,
    })
    try {
      const r = await backend.dispatch('inventory.get', {})
      expect(r.ok).toBe(true)
      const value = (r as { ok: true; value: Inventory }).value
      expect(value.totals.sourceFiles).toBe(inv.totals.sourceFiles)
      expect(value.entries.find((e) => e.path === '.claude/context/leak.md')?.plan).toMatchObject({
        action: 'skip',
        code: 'outside-workspace',
      })
    } finally {
      await backend.close()
    }
  })
})
