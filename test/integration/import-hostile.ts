// A demo workspace with the entries real .claude folders end up with and that an importer must
// neither follow, nor hang on, nor lose: links out of the workspace, a FIFO, names and contents
// that are not UTF-8, an empty file, a truncated .gz, a very deep folder, a broken config.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'

export const LATIN1_LOG = Buffer.concat([
  Buffer.from('2026-10-01T00:00:01Z INFO [pm-01] caf'),
  Buffer.from([0xe9]),
  Buffer.from(' au lait\n2026-10-01T00:00:02Z INFO [pm-01] ok\n'),
])
export const BAD_NAME = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.md')])
export const DEEP = 50
export const windowsNote = (secret: string): string =>
  `# Windows note\r\nkey: ${secret}\r\nÜber 日本 😀\r\n`
export const WINDOWS_CONFIG = '{"agent_id": "pm-01", "retries": 3}'
export const utf16le = (text: string): Buffer =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])

export async function hostileWorkspace(ws: string, events = 2000): Promise<void> {
  await createDemoWorkspace(ws, { events, seed: 7 })
  const c = join(ws, '.claude')
  symlinkSync('/etc/passwd', join(c, 'context', 'leak.md'))
  symlinkSync('shared/architecture.md', join(c, 'context', 'inside-link.md'))
  const fifo = spawnSync('mkfifo', [join(c, 'logs', 'pipe.log')])
  if (fifo.status !== 0) throw new Error(`mkfifo failed: ${fifo.stderr}`)
  writeFileSync(join(c, 'logs', 'latin1.log'), LATIN1_LOG)
  writeFileSync(join(c, 'logs', 'empty.jsonl'), '')
  const gz = readFileSync(join(c, 'logs', 'agents.jsonl.2.gz'))
  writeFileSync(join(c, 'logs', 'cut.jsonl.3.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)))
  writeFileSync(join(c, 'logs', 'core.bin'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]))
  writeFileSync(
    Buffer.concat([Buffer.from(join(c, 'context') + '/'), BAD_NAME]),
    '# café note\n\nwritten by a Latin-1 tool\n',
  )
  const deep = join(c, 'context', 'deep', ...Array.from({ length: DEEP }, () => 'd'))
  mkdirSync(deep, { recursive: true })
  writeFileSync(join(deep, 'bottom.md'), 'too deep to list\n')
  writeFileSync(join(c, 'config', 'broken.json'), '{"password": "hunter2-broken-json" oops}\n')
  // Context that is neither Markdown nor JSON: a transcript, YAML notes; and an .env that strayed.
  writeFileSync(join(c, 'context', 'transcript.jsonl'), '{"role": "user", "content": "hi"}\n')
  writeFileSync(join(c, 'context', 'plan.yaml'), 'steps:\n  - read\n')
  writeFileSync(join(c, 'context', 'stray.env'), 'STRAY_TOKEN=stray-secret-0099\n')
  // A log that is not named like one: an error stream, and an .env that strayed into logs/.
  writeFileSync(
    join(c, 'logs', 'worker.err'),
    'Traceback (most recent call last):\nValueError: boom\n',
  )
  writeFileSync(join(c, 'logs', 'stray.env'), 'LOG_TOKEN=log-secret-0055\n')
  writeFileSync(join(c, 'config', 'service.ini'), '[db]\nport = 5432\npassword = ini-secret-0077\n')
  // A settings file as editors write it (JSONC): comments, one with an old key, a trailing comma.
  writeFileSync(
    join(c, 'config', 'editor.json'),
    '{\n  // old: "api_key": "sk-in-a-comment-0042"\n  "tab_size": 2, /* spaces */\n  "rulers": [80, 100,],\n}\n',
  )
  // Text a Windows editor or PowerShell's `>` writes: UTF-16 with its byte-order mark (half its
  // bytes NUL), one holding the .env's API key.
  writeFileSync(join(c, 'context', 'windows-note.md'), utf16le(windowsNote(envSecrets(ws)[0]!)))
  writeFileSync(
    join(c, 'config', 'windows.json'),
    Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(WINDOWS_CONFIG, 'utf16le').swap16()]),
  )
  writeFileSync(join(c, 'settings.json'), '{"theme": "dark"}\n')
  // Values SQLite keeps that a careless copy would change: 2^63-1, a REAL, invalid UTF-8 text,
  // a NUL inside text, a blob, and an INTEGER column holding text.
  const db = new Database(join(c, 'state.db'))
  db.exec(`CREATE TABLE quirks (id INTEGER PRIMARY KEY, n INTEGER, r REAL, t TEXT, b BLOB);
    INSERT INTO quirks VALUES (1, 9223372036854775807, 0.1, CAST(x'636166e9' AS TEXT), x'00ff10');
    INSERT INTO quirks VALUES (2, '12abc', 1e300, 'a' || char(0) || 'b', NULL);
    CREATE TABLE pairs (k TEXT NOT NULL, v TEXT, PRIMARY KEY (k, v)) WITHOUT ROWID;
    INSERT INTO pairs VALUES ('x', '1'), ('y', '2');
    CREATE VIRTUAL TABLE notes_fts USING fts5(title, body);
    INSERT INTO notes_fts (rowid, title, body) VALUES (7, 'deploy notes', 'rotate the staging keys'), (42, 'naïve 😀', NULL);
    CREATE VIRTUAL TABLE quirks_fts USING fts5(t, content = 'quirks', content_rowid = 'id');
    CREATE VIRTUAL TABLE blind_fts USING fts5(t, content = '');
    INSERT INTO blind_fts (rowid, t) VALUES (1, 'indexed, never stored');`)
  db.close()
}

export function envSecrets(ws: string): string[] {
  return readFileSync(join(ws, '.claude', 'config', '.env'), 'utf8')
    .split('\n')
    .filter((l) => /^(?:ANTHROPIC_API_KEY|DATABASE_PASSWORD|GITHUB_TOKEN|WEBHOOK_SECRET)=/.test(l))
    .map((l) => l.slice(l.indexOf('=') + 1).replace(/^"|"$/g, ''))
}
