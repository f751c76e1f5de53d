// Under `npm start`, better-sqlite3 must load the addon built for Electron, named by
// FERRY_SQLITE_BINDING (electron/core/sqlite/electron-binding.ts). Electron is not available
// here, so the switch is exercised under Node with a copy of Node's own addon: the database
// opens through the named file, and a wrong path fails naming it (proof the switch is in effect).
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { applyElectronSqliteBinding } from '../../electron/core/sqlite/electron-binding'

const root = fileURLToPath(new URL('../..', import.meta.url))
const dir = mkdtempSync(path.join(tmpdir(), 'ferry-binding-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const SCRIPT = `
import { createRequire } from 'node:module'
import { useSqliteBinding } from './electron/core/sqlite/electron-binding.ts'
useSqliteBinding(process.argv[1])
const { default: Database } = await import('better-sqlite3')
try {
  const db = new Database(':memory:')
  const x = db.prepare('SELECT 41 + 1 AS x').get().x
  const addons = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.endsWith('.node'))
  console.log(JSON.stringify({ x, addons }))
} catch (e) {
  console.log(JSON.stringify({ error: String(e.message).split('\\n')[0] }))
}`

function openWith(addon: string): { x?: number; addons?: string[]; error?: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, addon],
    { cwd: root, encoding: 'utf8', timeout: 30_000 },
  )
  expect(r.stderr).toBe('')
  return JSON.parse(r.stdout.trim()) as { x?: number; addons?: string[]; error?: string }
}

describe('better-sqlite3 addon switch for Electron', () => {
  it('opens databases through the addon file it is given, and only that one', () => {
    const nodeBuild = createRequire(import.meta.url).resolve(
      'better-sqlite3/build/Release/better_sqlite3.node',
    )
    const copy = path.join(dir, 'better_sqlite3.node')
    copyFileSync(nodeBuild, copy)
    expect(openWith(copy)).toEqual({ x: 42, addons: [copy] })
  })

  it('fails on a missing addon naming its path (the switch is in effect)', () => {
    const missing = path.join(dir, 'nowhere', 'better_sqlite3.node')
    expect(openWith(missing).error).toBe(`Cannot find module '${missing}'`)
  })

  it('does nothing outside Electron or without FERRY_SQLITE_BINDING', () => {
    expect(applyElectronSqliteBinding({ FERRY_SQLITE_BINDING: '/x.node' }, undefined)).toBe(false)
    expect(applyElectronSqliteBinding({}, '45.5.0')).toBe(false)
  })
})
