import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../electron/core/import/config-parse'
import { parseContext } from '../../electron/core/import/context-parse'
import { readJson, toJsonText } from '../../electron/core/import/json-text'
import { parseEventRecord } from '../../electron/core/import/log-event'
import {
  type LogRecord,
  MAX_RECORD_LINES,
  RecordAssembler,
} from '../../electron/core/import/log-records'
import { isSecretKey, looksSecret, Scrubber } from '../../electron/core/import/secrets'
import type { LogFormat } from '../../electron/core/inventory/kinds'
import { LineSplitter } from '../../electron/core/inventory/stream'

function records(
  format: LogFormat,
  text: string | Buffer,
  chunk = 7,
): { recs: LogRecord[]; blank: number } {
  const recs: LogRecord[] = []
  const asm = new RecordAssembler(format, (r) => recs.push({ ...r, bytes: Buffer.from(r.bytes) }))
  const split = new LineSplitter((l) => asm.line(l))
  const buf = Buffer.isBuffer(text) ? text : Buffer.from(text)
  for (let i = 0; i < buf.length; i += chunk) split.push(buf.subarray(i, i + chunk))
  split.finish()
  asm.flush()
  return { recs, blank: asm.blankLines }
}

/** Nine anchors of nine aliases each: 9^9 strings from a few hundred bytes. */
const BILLION_LAUGHS = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat(
    'bcdefghi'.split('').map((k, i) => {
      const prev = 'abcdefghi'[i]!
      return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(',')}]`
    }),
  )
  .join('\n')
  .concat('\n')

describe('lossless JSON', () => {
  it('keeps integers past 2^53 and duplicate keys exactly as written', () => {
    const r = readJson('{"id": 12345678901234567890, "a": 1, "a": 2.50}')
    expect(r.ok).toBe(true)
    if (r.ok) expect(toJsonText(r.value)).toBe('{"id":12345678901234567890,"a":1,"a":2.50}')
  })

  it('locates the first error by line and column without quoting the text', () => {
    const r = readJson('{\n  "password": "hunter2secret" x\n}')
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.problem).toMatchObject({ line: 2, column: 31 })
      expect(r.problem.message).not.toContain('hunter2')
    }
  })
})

describe('config files', () => {
  it('flattens nested keys, redacts secret-looking values and keeps their raw values out of the rows', () => {
    const p = parseConfig(
      'yaml',
      'db:\n  host: h\n  password: s3cret-pass\nagents:\n  - id: a1\n    token_count: 12\napi_key: abcdefgh123\npassword_env: DATABASE_PASSWORD\n',
    )
    expect(p.problem).toBeNull()
    const byKey = Object.fromEntries(p.rows.map((r) => [r.key, r]))
    expect(byKey['db.host']?.value).toBe('"h"')
    expect(byKey['db.password']).toMatchObject({ value: '"***"', isSecret: true })
    expect(byKey['api_key']).toMatchObject({ value: '"***"', isSecret: true })
    expect(byKey['agents[0].token_count']).toMatchObject({ value: '12', isSecret: false })
    expect(byKey['password_env']).toMatchObject({ value: '"DATABASE_PASSWORD"', isSecret: false })
    expect(JSON.stringify(p.rows)).not.toContain('s3cret-pass')
    expect(p.secretValues).toEqual(expect.arrayContaining(['s3cret-pass', 'abcdefgh123']))
  })

  it('reads .env quoting, export and comments; a line that is not KEY=VALUE is flagged without its text', () => {
    const p = parseConfig(
      'env',
      '# comment\nexport A=1\nB="two words # not a comment"\nC=three # comment\nGITHUB_TOKEN=\'ghp_x12345678\'\nthis line is junk with a secret sk-live-123\n',
    )
    expect(p.rows.map((r) => [r.key, r.value])).toEqual([
      ['A', '"1"'],
      ['B', '"two words # not a comment"'],
      ['C', '"three"'],
      ['GITHUB_TOKEN', '"***"'],
      ['#line 6', null],
    ])
    expect(p.rows[4]?.parseError).toMatch(/line 6 is not KEY=VALUE/)
    expect(JSON.stringify(p.rows)).not.toContain('sk-live')
  })

  it('reports YAML and TOML errors by line without the offending text', () => {
    const y = parseConfig('yaml', 'a: 1\npassword: "unterminated-secret\n')
    expect(y.problem?.message).toMatch(/^invalid YAML/)
    expect(y.problem?.message).not.toContain('unterminated-secret')
    const t = parseConfig('toml', 'ok = 1\npassword = "abc-secret-value\n')
    expect(t.problem).toMatchObject({ line: 2 })
    expect(t.problem?.message).not.toContain('abc-secret-value')
  })

  it('reads a file nested 200,000 levels deep as a problem of its own, in every format, not a crash', () => {
    const d = 200_000
    const json = parseConfig('json', '{"a":'.repeat(d) + '1' + '}'.repeat(d))
    expect(json).toMatchObject({ rows: [], problem: { line: 1 } })
    expect(json.problem?.message).toContain('nested too deeply')
    for (const [format, text] of [
      ['yaml', 'a: ' + '['.repeat(d) + ']'.repeat(d)],
      ['toml', 'a = ' + '['.repeat(d) + ']'.repeat(d)],
    ] as const) {
      const r = parseConfig(format, text)
      expect(r.rows, format).toEqual([])
      expect(r.problem?.message, format).toMatch(/nested too deeply|invalid/)
    }
  })

  it('reads a "billion laughs" YAML as a parse problem of its own file, not a crash', () => {
    const y = parseConfig('yaml', BILLION_LAUGHS)
    expect(y.rows).toEqual([])
    expect(y.problem?.message).toMatch(/^the YAML uses aliases that would expand/)
    // A few aliases are ordinary YAML and read as values.
    const ok = parseConfig('yaml', 'base: &b {x: 1}\ncopy: *b\n')
    expect(ok.rows.map((r) => [r.key, r.value])).toEqual([
      ['base.x', '1'],
      ['copy.x', '1'],
    ])
  })

  it('keeps the members of a YAML !!set and the base64 of !!binary', () => {
    const y = parseConfig('yaml', 'set: !!set {a, b}\nbin: !!binary aGVsbG8=\n')
    expect(y.rows.map((r) => [r.key, r.value])).toEqual([
      ['set', '["a","b"]'],
      ['bin', '"aGVsbG8="'],
    ])
  })

  it('reads TOML big integers exactly and treats an empty file as no keys', () => {
    const t = parseConfig('toml', 'big = 9223372036854775807\n[a]\nb = "c"\n')
    expect(t.rows.map((r) => [r.key, r.value])).toEqual([
      ['big', '9223372036854775807'],
      ['a.b', '"c"'],
    ])
    expect(parseConfig('json', '  \n').rows).toEqual([])
  })

  it('reads INI sections as dotted keys, redacts its secrets, and refuses a key given twice', () => {
    const i = parseConfig(
      'ini',
      '; service\nname = ferry\n[db]\nport = 5432\npassword = hunter2-in-ini\nreadonly\nhosts[] = a\nhosts[] = b\n',
    )
    expect(i.problem).toBeNull()
    expect(i.rows.map((r) => [r.key, r.value])).toEqual([
      ['name', '"ferry"'],
      ['db.port', '"5432"'],
      ['db.password', '"***"'],
      ['db.readonly', 'true'],
      ['db.hosts', '["a","b"]'],
    ])
    expect(i.secretValues).toContain('hunter2-in-ini')
    const dup = parseConfig('ini', '[db]\nport = 1\n[other]\nport = 2\n[db]\nport = 3\n')
    expect(dup.rows).toEqual([])
    expect(dup.problem).toMatchObject({ line: 6, message: expect.stringContaining('"db.port"') })
  })

  it('reads JSON with comments and trailing commas (JSONC) as its keys, and says so', () => {
    const j = parseConfig(
      'json',
      '{\n  // the model\n  "model": "m", /* inline */ "url": "http://x//y",\n  "tools": [1, 2,],\n}\n',
    )
    expect(j).toMatchObject({ problem: null, dialect: 'jsonc' })
    expect(j.rows.map((r) => [r.key, r.value])).toEqual([
      ['model', '"m"'],
      ['url', '"http://x//y"'],
      ['tools', '[1,2]'],
    ])
    expect(parseConfig('json', '{"a": 1}').dialect).toBeUndefined()
    // Anything else wrong is the strict reading's problem, at its place in the file.
    expect(parseConfig('json', '{\n// c\n"a": [1,,2]}').problem).toMatchObject({
      line: 3,
      message: expect.stringContaining('line 3, column 9'),
    })
  })
})

describe('secrets', () => {
  it('recognises secret keys but not counts or references', () => {
    for (const k of [
      'ANTHROPIC_API_KEY',
      'DATABASE_PASSWORD',
      'GITHUB_TOKEN',
      'webhook_secret',
      'secrets.github',
      'private_key',
      'client-secret',
      'credentials.user',
    ])
      expect(isSecretKey(k), k).toBe(true)
    for (const k of [
      'max_session_tokens',
      'token_count',
      'password_env',
      'LOG_LEVEL',
      'keyboard',
      'heartbeat_interval_s',
    ])
      expect(isSecretKey(k), k).toBe(false)
    expect(looksSecret('DATABASE_URL', 'postgres://u:pw@h/db')).toBe(true)
  })

  it('scrubs known values from text and bytes, longest first, but not short or numeric ones', () => {
    const s = new Scrubber(['abcdefgh', 'abcdefgh-longer', '8080', '12345678'])
    expect(s.text('x abcdefgh-longer y abcdefgh').value).toBe('x *** y ***')
    expect(s.buffer(Buffer.from('port 8080 id 12345678 abcdefgh')).value.toString()).toBe(
      'port 8080 id 12345678 ***',
    )
    expect(s.tooShort).toBe(2)
  })
})

describe('log records', () => {
  it('joins continuation lines to the timestamped line above, across chunk boundaries', () => {
    const text =
      'preamble\n2026-10-01T00:00:01Z ERROR [a1] boom\n    at x (f.ts:1)\n\n    at y (f.ts:2)\n\n2026-10-01T00:00:02Z INFO [orchestrator] ok\n'
    const { recs, blank } = records('text', text)
    expect(recs.map((r) => [r.lineNo, r.lineCount, r.bytes.toString()])).toEqual([
      [1, 1, 'preamble'],
      [2, 4, '2026-10-01T00:00:01Z ERROR [a1] boom\n    at x (f.ts:1)\n\n    at y (f.ts:2)'],
      [7, 1, '2026-10-01T00:00:02Z INFO [orchestrator] ok'],
    ])
    expect(blank).toBe(1)
    const f = parseEventRecord('text', recs[1] as LogRecord)
    expect(f).toMatchObject({
      ts: '2026-10-01T00:00:01Z',
      level: 'error',
      agentId: 'a1',
      message: 'boom\n    at x (f.ts:1)\n\n    at y (f.ts:2)',
    })
    expect(text.slice((recs[1] as LogRecord).offset, (recs[1] as LogRecord).end)).toBe(
      `${(recs[1] as LogRecord).bytes.toString()}\n`,
    )
  })

  it('makes every line of a log without timestamps a record of its own, and reads [bracketed] timestamps', () => {
    const plain = Array.from({ length: 1000 }, (_, i) => `2026-01-01 INFO line ${i + 1}`)
    const { recs } = records('text', plain.join('\n') + '\n', 4096)
    expect(recs).toHaveLength(1000)
    expect(recs[999]).toMatchObject({ lineNo: 1000, lineCount: 1 })
    expect(recs[999]?.bytes.toString()).toBe('2026-01-01 INFO line 1000')
    // Lines before the first timestamp stay single; a trace after one joins it.
    const text = 'banner\n  indented\n[2026-10-01 10:00:00] ERROR [a1] boom\n  at x\nplain again\n'
    const mixed = records('text', text, 5).recs
    expect(mixed.map((r) => r.bytes.toString())).toEqual([
      'banner',
      '  indented',
      '[2026-10-01 10:00:00] ERROR [a1] boom\n  at x\nplain again',
    ])
    expect(parseEventRecord('text', mixed[2] as LogRecord)).toMatchObject({
      ts: '2026-10-01 10:00:00',
      level: 'error',
      agentId: 'a1',
      message: 'boom\n  at x\nplain again',
    })
    // A pass that starts at a record's offset (an incremental re-run) cuts the rest alike.
    const from = (mixed[1] as LogRecord).offset
    const rest = records('text', text.slice(from), 3).recs.map((r) => r.bytes.toString())
    expect(rest).toEqual(mixed.slice(1).map((r) => r.bytes.toString()))
  })

  it('cuts a runaway record at the line cap and marks the rest as its continuation', () => {
    const lines = [
      '2026-10-01T00:00:01Z INFO [a] start',
      ...Array.from({ length: MAX_RECORD_LINES + 5 }, (_, i) => `  more ${i}`),
    ]
    const { recs } = records('text', lines.join('\n') + '\n', 4096)
    expect(recs).toHaveLength(2)
    expect(recs[0]?.lineCount).toBe(MAX_RECORD_LINES)
    expect(recs[1]).toMatchObject({ continues: true, lineCount: 6 })
  })

  it('turns JSONL lines into fields, and keeps a malformed or non-UTF-8 line as a flagged row', () => {
    const good = Buffer.from(
      '{"ts":"2026-10-01T00:00:01Z","level":"INFO","agent_id":"a1","event_type":"t","message":"m","data":{"k":1}}\n',
    )
    const bad = Buffer.from('{"ts":"2026-10-01T00:00:02Z","level":"error","mess\n')
    const latin = Buffer.concat([
      Buffer.from('{"message":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\n'),
    ])
    const { recs } = records('jsonl', Buffer.concat([good, Buffer.from('\n'), bad, latin]), 5)
    expect(recs).toHaveLength(3)
    expect(parseEventRecord('jsonl', recs[0] as LogRecord)).toMatchObject({
      ts: '2026-10-01T00:00:01Z',
      level: 'info',
      agentId: 'a1',
      eventType: 't',
      message: 'm',
      payload: '{"k":1}',
      parseError: null,
    })
    expect(parseEventRecord('jsonl', recs[1] as LogRecord).parseError).toMatch(
      /invalid JSON at column \d+: unexpected end of input/,
    )
    const l = parseEventRecord('jsonl', recs[2] as LogRecord)
    expect(l).toMatchObject({
      text: null,
      parseError: 'not valid UTF-8 (byte 16 of the record): stored as the exact bytes',
    })
    expect(recs[2]?.bytes.equals(latin.subarray(0, latin.length - 1))).toBe(true)
  })

  it('keeps a JSONL line nested 200,000 levels deep as a flagged raw row; the next line is read', () => {
    const d = 200_000
    const deep = `{"data":${'['.repeat(d)}${']'.repeat(d)}}`
    const { recs } = records('jsonl', `${deep}\n{"message":"after"}\n`, 65536)
    expect(recs).toHaveLength(2)
    expect(parseEventRecord('jsonl', recs[0] as LogRecord)).toMatchObject({
      payload: null,
      text: deep,
      parseError: 'JSON nested too deeply to read its fields: kept as raw text',
    })
    expect(parseEventRecord('jsonl', recs[1] as LogRecord).message).toBe('after')
  })

  it("parses a CRLF text log's fields without the line ends, which the record's bytes keep", () => {
    const text =
      '2026-10-01 10:00:00 INFO [a1] first\r\n  detail\r\n2026-10-01 10:00:01 WARN b\r\nno\rend\r\n'
    const { recs } = records('text', text, 5)
    expect(recs.map((r) => r.bytes.toString())).toEqual([
      '2026-10-01 10:00:00 INFO [a1] first\r\n  detail\r',
      '2026-10-01 10:00:01 WARN b\r\nno\rend\r',
    ])
    expect(parseEventRecord('text', recs[0] as LogRecord)).toMatchObject({
      ts: '2026-10-01 10:00:00',
      level: 'info',
      agentId: 'a1',
      message: 'first\n  detail',
      text: '2026-10-01 10:00:00 INFO [a1] first\r\n  detail\r',
    })
    // A CR inside a line is content, kept.
    expect(parseEventRecord('text', recs[1] as LogRecord).message).toBe('b\nno\rend')
    const pre = records('text', 'no timestamp here\r\n').recs[0] as LogRecord
    expect(parseEventRecord('text', pre).message).toBe('no timestamp here')
  })

  it('hands out an unterminated last line with its exact bytes', () => {
    const { recs } = records('jsonl', '{"a":1}\n{"b":', 3)
    expect(recs.map((r) => [r.bytes.toString(), r.offset, r.end])).toEqual([
      ['{"a":1}', 0, 8],
      ['{"b":', 8, 13],
    ])
  })
})

describe('context files', () => {
  it('reads front matter, body and title; the agent falls back to the folder', () => {
    const md = Buffer.from(
      '---\nagent: pm-01\nsession_id: ses_1\ntitle: "Plan"\ncreated: 2026-10-01T00:00:00Z\ntags: [a, b]\n---\n\n# Plan\n\nBody text.\n',
    )
    const r = parseContext('markdown', 'pm-01/x.md', md)
    expect(r).toMatchObject({
      agentId: 'pm-01',
      sessionId: 'ses_1',
      title: 'Plan',
      createdAt: '2026-10-01T00:00:00Z',
      body: '# Plan\n\nBody text.\n',
      parseError: null,
      raw: md.toString(),
    })
    expect(JSON.parse(r.metadata as string)).toMatchObject({ agent: 'pm-01', tags: ['a', 'b'] })
    expect(
      parseContext('markdown', 'fe-02/scratch.md', Buffer.from('scratch notes\n')),
    ).toMatchObject({ agentId: 'fe-02', title: null, body: 'scratch notes\n' })
  })

  it('flags broken front matter and invalid UTF-8 instead of dropping or re-encoding the file', () => {
    const broken = parseContext(
      'markdown',
      'a/b.md',
      Buffer.from('---\nagent: [unclosed\n---\nbody\n'),
    )
    expect(broken.parseError).toMatch(/front matter is not valid YAML/)
    expect(broken.body).toBe('body\n')
    const bytes = Buffer.from([0x23, 0x20, 0x63, 0x61, 0x66, 0xe9, 0x0a])
    const latin = parseContext('markdown', 'a/c.md', bytes)
    expect(Buffer.isBuffer(latin.raw) && latin.raw.equals(bytes)).toBe(true)
    expect(latin.parseError).toMatch(/not valid UTF-8 \(byte 6\)/)
    const bomb = parseContext(
      'markdown',
      'a/d.md',
      Buffer.from(`---\n${BILLION_LAUGHS}---\nbody\n`),
    )
    expect(bomb.parseError).toMatch(/^front matter uses aliases that would expand/)
    expect(bomb.body).toBe('body\n')
  })
})
