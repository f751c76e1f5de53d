// DESIGN.md §1: only electron/main and electron/preload import Electron. The backend, the host
// and the CLI run under plain Node (and in tests), where the electron module is just a path.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const FOLDERS = ['shared', 'renderer', 'electron', 'test', 'scripts', 'bin']
const SKIP_DIRS = new Set(['node_modules', 'dist', 'dist-electron', 'release', '.tsbuild'])
const SOURCE = /\.(?:[cm]?[jt]sx?)$/

/** `from 'electron'`, `import 'electron'`, `require('electron')`, `import('electron')`, any quotes. */
const ELECTRON_IMPORT = [
  /\bfrom\s*(['"`])electron(?:\/[^'"`]*)?\1/,
  /\bimport\s*(['"`])electron(?:\/[^'"`]*)?\1/,
  /\bimport\s*\(\s*(['"`])electron(?:\/[^'"`]*)?\1\s*\)/,
]
const ELECTRON_REQUIRE = /\brequire\s*\(\s*(['"`])electron(?:\/[^'"`]*)?\1\s*\)/
const ALLOWED = ['electron/main/', 'electron/preload/']

/** Under plain Node, require('electron') returns the binary's path: scripts/ may do that. */
function importsElectron(text: string, { pathOnly = false } = {}): boolean {
  return ELECTRON_IMPORT.some((re) => re.test(text)) || (!pathOnly && ELECTRON_REQUIRE.test(text))
}

function fileImportsElectron(file: string): boolean {
  return importsElectron(readFileSync(path.join(root, file), 'utf8'), {
    pathOnly: file.startsWith('scripts/'),
  })
}

function walk(dir: string, out: string[]): string[] {
  let entries
  try {
    entries = readdirSync(dir, { withFileTypes: true })
  } catch {
    return out
  }
  for (const e of entries) {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) walk(full, out)
    } else if (SOURCE.test(e.name)) out.push(full)
  }
  return out
}

function rel(file: string): string {
  return path.relative(root, file).split(path.sep).join('/')
}

describe('the electron module boundary', () => {
  it('recognises every form of importing electron, and nothing else', () => {
    for (const yes of [
      "import { app } from 'electron'",
      'import type { IpcMainInvokeEvent } from "electron"',
      "import 'electron'",
      "const { app } = require('electron')",
      'const e = require( "electron" )',
      "const e = await import('electron')",
      "export { app } from 'electron/main'",
    ])
      expect(importsElectron(yes), yes).toBe(true)
    for (const no of [
      "import x from 'electron-builder'",
      "import { createBackend } from '../core/backend'",
      "import launcher from '../electron/core/jobs/launcher'",
      "createRequire(import.meta.url).resolve('electron')",
      "const s = 'electron'",
    ])
      expect(importsElectron(no), no).toBe(false)
    expect(importsElectron("const bin = require('electron')", { pathOnly: true })).toBe(false)
    expect(importsElectron("import { app } from 'electron'", { pathOnly: true })).toBe(true)
  })

  it('finds electron imports only under electron/main and electron/preload', () => {
    const files = FOLDERS.flatMap((f) => walk(path.join(root, f), []))
    expect(files.length).toBeGreaterThan(0)
    const offenders = files
      .map(rel)
      // This test holds the patterns as text.
      .filter((f) => f !== 'test/unit/electron-boundary.test.ts')
      .filter((f) => !ALLOWED.some((a) => f.startsWith(a)))
      .filter(fileImportsElectron)
    expect(offenders).toEqual([])
  })

  it('sees the adapter itself importing electron (the walk covers electron/)', () => {
    const files = walk(path.join(root, 'electron'), []).map(rel)
    const importing = files.filter(fileImportsElectron)
    expect(importing).toContain('electron/main/main.ts')
    expect(importing).toContain('electron/preload/preload.ts')
  })
})
