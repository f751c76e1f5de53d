// A small inventory.json as electron/core/inventory/inventory.ts writes it: a log mapped to
// events, an .env with secrets, a rotated log with a parse error, a config that is skipped, and
// hostile entries (a symlink outside the workspace, a FIFO, an invalid name, invalid UTF-8).
type Entry = Record<string, unknown>

const file = (path: string, patch: Entry): Entry => ({
  path,
  top: path.split('/')[1] ?? '.',
  type: 'file',
  class: 'source',
  kind: 'json',
  size: 100,
  modifiedAt: '2026-01-01T00:00:00.000Z',
  lines: 1,
  records: 1,
  expectedRows: 1,
  parse: 'ok',
  parseErrors: 0,
  problems: [],
  encoding: 'utf-8',
  encodingError: null,
  secrets: null,
  readError: null,
  skip: null,
  plan: {
    action: 'import',
    importer: 'config',
    table: 'file_configurations',
    planTarget: 'configurations',
    expectedRows: 1,
  },
  ...patch,
})

export function inventoryEntries(): Entry[] {
  return [
    {
      path: '.claude/logs',
      top: '.',
      type: 'dir',
      class: 'source',
      kind: null,
      size: 0,
      plan: { action: 'none', reason: 'a folder' },
    },
    file('.claude/logs/agents.jsonl', {
      kind: 'jsonl',
      size: 120_629,
      lines: 578,
      records: 578,
      plan: {
        action: 'import',
        importer: 'log',
        table: 'file_events',
        planTarget: 'events',
        expectedRows: 1234,
      },
    }),
    file('.claude/logs/agents.jsonl.1', {
      kind: 'rotated-log',
      size: 89_983,
      records: 432,
      parse: 'errors',
      parseErrors: 1,
      problems: [{ line: 432, message: 'invalid JSON at column 139: unexpected end of input' }],
    }),
    file('.claude/config/.env', { kind: 'env', size: 333, records: 6, secrets: 4 }),
    file('.claude/config/broken.yaml', {
      kind: 'yaml',
      size: 50,
      records: null,
      parse: 'failed',
      problems: [{ line: null, message: 'bad indentation' }],
      plan: { action: 'skip', code: 'config-unparseable', reason: 'config that does not parse' },
    }),
    {
      path: '.claude/context/outside',
      top: 'context',
      type: 'symlink',
      class: 'source',
      kind: null,
      size: 12,
      symlink: { target: '/etc/passwd', resolves: 'outside-workspace' },
      plan: { action: 'skip', code: 'symlink', reason: 'a symbolic link (not followed)' },
    },
    {
      path: '.claude/context/pipe',
      top: 'context',
      type: 'special',
      class: 'source',
      kind: null,
      size: 0,
      special: 'fifo',
      plan: { action: 'skip', code: 'special', reason: 'a special file (fifo)' },
    },
    file('.claude/context/bad\\xff.md', {
      kind: 'md',
      pathHex: Buffer.from('.claude/context/bad\xff.md', 'latin1').toString('hex'),
      size: 10,
    }),
    file('.claude/context/latin1.md', {
      kind: 'md',
      size: 20,
      encoding: 'invalid',
      encodingError: { line: 3, byte: 17 },
    }),
  ]
}

export function inventoryDoc(entries = inventoryEntries()): Record<string, unknown> {
  return {
    workspace: '/tmp/ws',
    generatedAt: '2026-01-01T00:00:00.000Z',
    totals: {
      entries: entries.length,
      sourceFiles: 8,
      sourceBytes: 210_937,
      folders: 1,
      ferryOutputs: 0,
      toImport: 5,
      toSkip: 3,
      expectedRows: { file_configurations: 9, file_events: 1234 },
    },
    byFolder: [
      { folder: 'logs', files: 2, bytes: 210_612, kinds: { jsonl: 1 } },
      { folder: 'config', files: 2, bytes: 383, kinds: { env: 1 } },
      { folder: '.', files: 1, bytes: 3_436_544, kinds: { sqlite: 1 } },
    ],
    byKind: [{ kind: 'jsonl', files: 1, bytes: 120_629, lines: 578 }],
    largest: [{ path: '.claude/logs/agents.jsonl', size: 120_629, kind: 'jsonl' }],
    problems: {},
    skipsByReason: [],
    stateDb: null,
    secrets: { declared: 4, sources: [{ path: '.claude/config/.env', secrets: 4 }] },
    entries,
  }
}
