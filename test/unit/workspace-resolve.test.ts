// Opening a workspace: the folder holding .claude/, or .claude itself; a .claude that is a
// symbolic link is refused (what Ferry reads and backs up must not lead elsewhere), naming where
// it leads and what to do instead.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { resolveWorkspace } from '../../electron/core/workspace/resolve'

const dir = mkdtempSync(join(tmpdir(), 'ferry-resolve-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('resolveWorkspace', () => {
  it('accepts the folder that holds .claude/ and the .claude folder itself', () => {
    const ws = join(dir, 'ws')
    mkdirSync(join(ws, '.claude', 'context'), { recursive: true })
    expect(resolveWorkspace(ws).claudeDir).toBe(join(ws, '.claude'))
    expect(resolveWorkspace(join(ws, '.claude')).root).toBe(ws)
  })

  it('refuses a .claude that is a symbolic link, naming its target and the way out', () => {
    const real = join(dir, 'elsewhere')
    mkdirSync(real)
    const ws = join(dir, 'linked')
    mkdirSync(ws)
    symlinkSync(real, join(ws, '.claude'))
    expect(() => resolveWorkspace(ws)).toThrow(
      expect.objectContaining({
        code: 'NOT_A_WORKSPACE',
        message: `${join(ws, '.claude')} is a symbolic link (to ${real})`,
        hint: expect.stringContaining('Put the folder the link points to in its place'),
      }),
    )
  })

  it('refuses a .claude that is a file', () => {
    const ws = join(dir, 'file')
    mkdirSync(ws)
    writeFileSync(join(ws, '.claude'), 'x')
    expect(() => resolveWorkspace(ws)).toThrow(
      expect.objectContaining({
        code: 'NOT_A_WORKSPACE',
        message: `${join(ws, '.claude')} is not a folder`,
      }),
    )
  })
})
