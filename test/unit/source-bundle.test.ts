// threads/bundle.mjs: the job worker, the load threads and the benchmarks run from one plain-JS
// bundle of their sources instead of through tsx. What would break them if it went wrong: each
// module's import.meta.url (paths relative to the source file), packages resolved from the
// project's node_modules, one file per content shared by processes, and the fallback to tsx when
// bundling fails. (Every CLI and serve test runs its jobs in a worker started this way.)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { bundleSource } from '../../electron/core/threads/bundle.mjs'

const dir = mkdtempSync(join(tmpdir(), 'ferry-bundle-'))
const made: URL[] = []
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
  for (const u of made) rmSync(fileURLToPath(u), { force: true })
})

async function bundle(entry: URL): Promise<URL | null> {
  const url = await bundleSource(entry)
  if (url) made.push(url)
  return url
}

function source(name: string, text: string): URL {
  const file = join(dir, name)
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, text)
  return pathToFileURL(file)
}

describe('bundleSource', () => {
  it("keeps each module's own import.meta.url and resolves packages from node_modules", async () => {
    source(
      'lib/where.ts',
      `export const libUrl: string = import.meta.url\nexport const data = new URL('./data.txt', import.meta.url)\n`,
    )
    source('lib/data.txt', 'beside the source')
    const entry = source(
      'main.ts',
      `import { z } from 'zod'\nimport { libUrl, data } from './lib/where'\nimport { readFileSync } from 'node:fs'\n` +
        `export const out = { mainUrl: import.meta.url, libUrl, text: readFileSync(data, 'utf8'), parsed: z.number().int().parse(42) }\n`,
    )
    const bundled = await bundle(entry)
    expect(bundled).not.toBeNull()
    const path = fileURLToPath(bundled!)
    expect(path).toMatch(/node_modules\/\.cache\/ferry-bundles\/main-[0-9a-f]{16}\.mjs$/)
    // The bundle holds our code, not the package's: zod stays an import.
    expect(readFileSync(path, 'utf8')).toMatch(/from "zod"/)
    const { out } = (await import(bundled!.href)) as {
      out: { mainUrl: string; libUrl: string; text: string; parsed: number }
    }
    expect(out).toEqual({
      mainUrl: entry.href,
      libUrl: pathToFileURL(join(dir, 'lib/where.ts')).href,
      text: 'beside the source',
      parsed: 42,
    })
  })

  it('names the file by its contents: the same sources give the same file, a change a new one', async () => {
    const entry = source('same.ts', 'export const n: number = 1\n')
    const a = await bundle(entry)
    const b = await bundle(entry)
    expect(a!.href).toBe(b!.href)
    source('same.ts', 'export const n: number = 2\n')
    const c = await bundle(entry)
    expect(c!.href).not.toBe(a!.href)
    expect(((await import(c!.href)) as { n: number }).n).toBe(2)
  })

  it('returns null (the caller falls back to tsx) when the sources do not bundle', async () => {
    expect(await bundle(source('broken.ts', 'export const = ;\n'))).toBeNull()
    expect(await bundle(pathToFileURL(join(dir, 'missing.ts')))).toBeNull()
  })
})
