import { describe, expect, it } from 'vitest'
import { classify, isFerryOutput } from '../../electron/core/inventory/kinds'
import {
  decodeUtf16,
  displayPath,
  encodeUtf16,
  escapeBytes,
  firstInvalidUtf8,
  utf16Bom,
} from '../../electron/core/inventory/names'
import { type Line, LineSplitter } from '../../electron/core/inventory/stream'
import { dispose } from '../../electron/core/import/map'
import type { WalkEntry } from '../../electron/core/inventory/walk'

const SQLITE = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(84)])

describe('file kinds', () => {
  it('recognises every kind the inventory reports', () => {
    const text = Buffer.from('hello\n')
    const cases: [string, Buffer, string, string?][] = [
      ['a.json', text, 'json'],
      ['agents.jsonl', text, 'jsonl', 'jsonl'],
      ['notes.md', text, 'md'],
      ['orchestrator.log', text, 'log', 'text'],
      ['orchestrator.log.1', text, 'rotated-log', 'text'],
      ['agents.jsonl.1', text, 'rotated-log', 'jsonl'],
      ['agents.jsonl-20261001', text, 'rotated-log', 'jsonl'],
      ['agents.jsonl.2.gz', Buffer.from([0x1f, 0x8b, 8, 0]), 'gz', 'jsonl'],
      ['agents.yaml', text, 'yaml'],
      ['database.toml', text, 'toml'],
      ['.env', text, 'env'],
      ['.env.local', text, 'env'],
      ['state.db', SQLITE, 'sqlite'],
      ['renamed.bak', SQLITE, 'sqlite'],
      ['core.dump', Buffer.from([1, 0, 2]), 'binary'],
      ['README', text, 'other'],
      // UTF-16 with its byte-order mark is text for whole files; a line log stays binary.
      ['notes16.md', encodeUtf16('# hi\n', 'utf-16le'), 'md'],
      ['cfg16.json', encodeUtf16('{}', 'utf-16be'), 'json'],
      ['run16.log', encodeUtf16('x\n', 'utf-16le'), 'binary'],
    ]
    for (const [name, head, kind, format] of cases) {
      const c = classify(name, head)
      expect(c.kind, name).toBe(kind)
      if (format) expect(c.format, name).toBe(format)
    }
    expect(classify('run16.log', encodeUtf16('x\n', 'utf-16le')).utf16).toBe(true)
    expect(classify('core.dump', Buffer.from([1, 0, 2])).utf16).toBeUndefined()
  })

  it('decodes UTF-16 (LE and BE, with its mark) exactly, and refuses what is not UTF-16', () => {
    const text = '\ufeff# Über 日本 😀\r\n'
    for (const enc of ['utf-16le', 'utf-16be'] as const) {
      const bytes = encodeUtf16(text, enc)
      expect(utf16Bom(bytes)).toBe(enc)
      expect(decodeUtf16(bytes)).toEqual({ text, encoding: enc })
      expect(encodeUtf16(decodeUtf16(bytes)!.text, enc).equals(bytes)).toBe(true)
    }
    expect(decodeUtf16(Buffer.from([0xff, 0xfe, 0x41]))).toBeNull() // odd length
    expect(decodeUtf16(Buffer.from([0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]))).toBeNull() // lone surrogate
    expect(decodeUtf16(Buffer.from('plain'))).toBeNull()
  })

  it("marks Ferry's own files inside .claude as outputs, not source", () => {
    for (const p of [
      'memory.db',
      'memory.db-wal',
      '.memory.db.building',
      'memory_snapshots',
      'memory_snapshots/ab/cd.json',
    ])
      expect(isFerryOutput(p), p).toBe(true)
    for (const p of ['state.db', 'memory.dbx', 'context/memory.db'])
      expect(isFerryOutput(p), p).toBe(false)
  })
})

describe('names that are bytes', () => {
  it('escapes bytes that are not UTF-8 (and control characters) and keeps the exact bytes as hex', () => {
    const raw = Buffer.concat([
      Buffer.from('.claude/context/caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n.md'),
    ])
    expect(displayPath(raw)).toEqual({
      path: '.claude/context/caf\\xE9\\x0A.md',
      pathHex: raw.toString('hex'),
    })
    expect(displayPath(Buffer.from('.claude/é.md'))).toEqual({ path: '.claude/é.md' })
    expect(escapeBytes(Buffer.from([0xed, 0xa0, 0x80]))).toBe('\\xED\\xA0\\x80') // a UTF-16 surrogate is not UTF-8
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98]))).toBe(4) // truncated 4-byte sequence
    expect(firstInvalidUtf8(Buffer.from('plain €'))).toBe(-1)
  })
})

describe('line splitting', () => {
  it('gives exact byte offsets whatever the chunking, a multi-byte character split across chunks included', () => {
    const data = Buffer.from('a€b\r\n\nlast ü')
    for (let size = 1; size <= data.length; size++) {
      const lines: Line[] = []
      const s = new LineSplitter((l) => lines.push({ ...l, bytes: Buffer.from(l.bytes) }), 100, 10)
      for (let i = 0; i < data.length; i += size) s.push(data.subarray(i, i + size))
      s.finish()
      expect(
        lines.map((l) => [l.bytes.toString(), l.offset, l.end, l.lineNo, l.terminated]),
      ).toEqual([
        ['a€b\r', 100, 107, 10, true],
        ['', 107, 108, 11, true],
        ['last ü', 108, 115, 12, false],
      ])
    }
  })
})

describe('what the import does with each entry', () => {
  const entry = (inClaude: string, over: Partial<WalkEntry> = {}): WalkEntry => {
    const slash = inClaude.indexOf('/')
    return {
      abs: Buffer.from(''),
      path: `.claude/${inClaude}`,
      inClaude,
      top: slash < 0 ? '.' : inClaude.slice(0, slash),
      type: 'file',
      class: 'source',
      size: 10,
      mtimeMs: 0,
      dev: 0n,
      ino: 0n,
      depth: 1,
      kind: 'other',
      ...over,
    }
  }
  it('maps each area to its importer and gives every skip a reason', () => {
    expect(dispose(entry('logs/agents.jsonl.2.gz', { kind: 'gz', format: 'jsonl' }))).toEqual({
      action: 'import',
      importer: 'log',
      format: 'jsonl',
      gz: true,
    })
    expect(dispose(entry('context/a/b.md', { kind: 'md' }))).toEqual({
      action: 'import',
      importer: 'context',
      format: 'markdown',
    })
    expect(dispose(entry('config/.env', { kind: 'env' }))).toEqual({
      action: 'import',
      importer: 'config',
      format: 'env',
    })
    expect(dispose(entry('state.db', { kind: 'sqlite' }))).toEqual({
      action: 'import',
      importer: 'state-db',
    })
    expect(dispose(entry('state.db-wal'))).toMatchObject({
      action: 'skip',
      code: 'sqlite-side-file',
    })
    expect(dispose(entry('settings.json', { kind: 'json' }))).toMatchObject({
      action: 'skip',
      code: 'not-in-plan',
    })
    expect(
      dispose(
        entry('context/leak.md', {
          type: 'symlink',
          symlink: { target: '/etc/passwd', resolves: 'outside-workspace' },
        }),
      ),
    ).toMatchObject({ action: 'skip', code: 'outside-workspace' })
    expect(dispose(entry('logs/run16.log', { kind: 'binary', utf16: true }))).toMatchObject({
      action: 'skip',
      code: 'binary',
      reason: expect.stringContaining('iconv -f UTF-16 -t UTF-8'),
    })
    expect(dispose(entry('logs/pipe', { type: 'special', special: 'fifo' }))).toMatchObject({
      action: 'skip',
      code: 'special',
      reason: 'a special file (fifo): never opened',
    })
    expect(dispose(entry('memory.db', { class: 'ferry-output', kind: 'sqlite' }))).toEqual({
      action: 'none',
    })
  })
})
