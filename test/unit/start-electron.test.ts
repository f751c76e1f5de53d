// `npm start` on a machine without the Electron runtime must fail fast with one line that points
// at the browser host. ELECTRON_OVERRIDE_DIST_PATH makes the electron package skip its download.
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const script = path.join(root, 'scripts', 'start-electron.mjs')
const dirs: string[] = []

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferry-electron-'))
  dirs.push(dir)
  return dir
}

function runStart(distPath: string) {
  const started = Date.now()
  const r = spawnSync(process.execPath, [script], {
    cwd: root,
    env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: distPath },
    encoding: 'utf8',
    timeout: 20_000,
  })
  return { ...r, ms: Date.now() - started }
}

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('npm start (scripts/start-electron.mjs)', () => {
  it('prints one line naming the missing runtime and exits 1 when there is no Electron binary', () => {
    const dist = tempDir()
    const r = runStart(dist)
    expect(r.error).toBeUndefined()
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^Ferry: the Electron runtime is not available on this machine \(.+\)\. Use "npm run serve" to open Ferry in a browser instead\.$/,
    )
    expect(lines[0]).toContain(path.join(dist, 'electron'))
    expect(r.ms).toBeLessThan(15_000)
  })

  it.skipIf(process.platform === 'win32')(
    'runs the Electron binary on the repo root and passes on its exit code',
    () => {
      const dist = tempDir()
      const fake = path.join(dist, 'electron')
      writeFileSync(fake, '#!/bin/sh\necho "args=$* cwd=$PWD"\nexit 7\n')
      chmodSync(fake, 0o755)
      const r = runStart(dist)
      expect(r.status).toBe(7)
      expect(r.stdout.trim()).toBe(`args=. cwd=${root.replace(/\/$/, '')}`)
      expect(r.stderr).toBe('')
    },
  )
})
