// A file that changes while the backup copies it is copied again; the copy kept is the last one,
// byte for byte — when the file got shorter meanwhile, none of the first attempt's bytes remain.
import { createHash } from 'node:crypto'
import { lstatSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { copyListedFile } from '../../electron/core/backup/files'
import { tempDir } from '../support/paths'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

describe('copying a file that changes during the copy', () => {
  it('keeps exactly the last attempt when the file shrank between attempts', async () => {
    const t = tempDir('ferry-copy-retry-')
    cleanups.push(t.cleanup)
    const src = join(t.dir, 'notes.md')
    const dest = join(t.dir, 'copy.md')
    const before = 'first version, long enough to leave bytes behind\n'.repeat(40)
    const after = 'second, short\n'
    writeFileSync(src, before)
    let rewritten = false
    const r = await copyListedFile(src, lstatSync(src), dest, {
      // While the first attempt reads: the agent rewrites the file in place, shorter.
      onBytes: () => {
        if (rewritten) return
        rewritten = true
        writeFileSync(src, after)
      },
    })
    expect(rewritten).toBe(true)
    expect(readFileSync(dest, 'utf8')).toBe(after)
    expect(r.size).toBe(Buffer.byteLength(after))
    expect(r.sha256).toBe(createHash('sha256').update(after).digest('hex'))
    expect(r.changed).toBe(false)
  })
})
