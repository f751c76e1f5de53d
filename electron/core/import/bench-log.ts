// The benchmark's input: a workspace with one JSONL log of a given size, generated once and kept
// (generating 1 GiB takes longer than a quick run of the import). A meta file records the size and
// line count it was generated with; a file that does not match it is generated again.
import { createWriteStream, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { once } from 'node:events'

export interface BenchLog {
  /** Relative to the workspace. */
  path: string
  bytes: number
  lines: number
}

const VERSION = 1
const AGENTS = 24
const TYPES = ['tool_call', 'tool_result', 'message', 'task_update', 'heartbeat', 'git_commit']
const LEVELS = ['info', 'info', 'info', 'debug', 'warn', 'error']

/** Deterministic (mulberry32): the same size always gives the same file. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** One event line, about 250 bytes, shaped like the demo workspace's agent logs. */
export function benchLine(i: number, r: () => number): string {
  const agent = `agent-${String(1 + Math.floor(r() * AGENTS)).padStart(2, '0')}`
  const ts = new Date(Date.UTC(2026, 0, 1) + i * 37).toISOString()
  const type = TYPES[Math.floor(r() * TYPES.length)]!
  return JSON.stringify({
    ts,
    level: LEVELS[Math.floor(r() * LEVELS.length)],
    agent_id: agent,
    event_type: type,
    message: `${type} #${i} by ${agent}: ${Math.floor(r() * 1e9).toString(36)} step ${Math.floor(r() * 500)}`,
    payload: {
      task_id: Math.floor(r() * 5000),
      duration_ms: Math.floor(r() * 10_000),
      tokens: Math.floor(r() * 8000),
      file: `src/module_${Math.floor(r() * 300)}/part_${Math.floor(r() * 40)}.ts`,
    },
  })
}

export async function ensureBenchLog(
  ws: string,
  bytes: number,
  say: (line: string) => void,
): Promise<BenchLog> {
  const rel = '.claude/logs/bench.jsonl'
  const file = join(ws, rel)
  const metaFile = join(ws, 'bench-log.json')
  try {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as BenchLog & { version: number }
    if (meta.version === VERSION && statSync(file).size === meta.bytes) {
      say(`reusing ${file}`)
      return { path: rel, bytes: meta.bytes, lines: meta.lines }
    }
  } catch {
    /* not generated yet, or damaged: generate */
  }
  mkdirSync(join(ws, '.claude', 'logs'), { recursive: true })
  say(`generating ${file} (${(bytes / 2 ** 20).toFixed(0)} MiB)…`)
  const out = createWriteStream(file)
  const r = rng(0xfe77)
  let written = 0
  let lines = 0
  let chunk: string[] = []
  let chunkBytes = 0
  while (written + chunkBytes < bytes) {
    const line = benchLine(lines, r) + '\n'
    chunk.push(line)
    chunkBytes += Buffer.byteLength(line)
    lines++
    if (chunkBytes >= 1 << 20) {
      if (!out.write(chunk.join(''))) await once(out, 'drain')
      written += chunkBytes
      chunk = []
      chunkBytes = 0
    }
  }
  out.end(chunk.join(''))
  written += chunkBytes
  await once(out, 'finish')
  const log = { path: rel, bytes: written, lines }
  writeFileSync(metaFile, JSON.stringify({ version: VERSION, ...log }) + '\n')
  return log
}
