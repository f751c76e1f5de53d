// Writes the event stream into the events table and the log folder in one pass. Each batch is one
// transaction; the log lines of a batch are joined and handed to the streams once.
import type Database from 'better-sqlite3'
import { join } from 'node:path'
import { throwIfCancelled } from './cancel'
import { type DemoEvent } from './events'
import { type LogSink, openLogSink } from './log-sink'
import { type Rng } from './rng'
import { BASE_TIME_MS, isoAt, isoSecondsAt } from './time'

export const EVENT_BATCH = 25_000

/** Oldest to newest, the way logrotate with `compress` + `delaycompress` leaves them. */
export const LOG_FILES = {
  archived: 'agents.jsonl.2.gz',
  rotated: 'agents.jsonl.1',
  current: 'agents.jsonl',
  text: 'orchestrator.log',
} as const
type Channel = keyof typeof LOG_FILES

export interface WriteEventsOptions {
  total: number
  next: () => DemoEvent
  /** Decides which lines go to the plain-text log; its own stream so the table stays put. */
  rng: Rng
  signal?: AbortSignal
  onBatch: (done: number) => void
}

function jsonLine(event: DemoEvent): string {
  const agent = event.agentId === null ? 'null' : JSON.stringify(event.agentId)
  const data = event.payload === null ? '' : `,"data":${event.payload}`
  // Hand-built rather than JSON.stringify'd: this runs a million times and the keys never change.
  return (
    `{"ts":"${isoAt(event.ms)}","level":"${event.level}","agent_id":${agent},` +
    `"event_type":"${event.type}","message":${JSON.stringify(event.message)}${data}}`
  )
}

function textLines(event: DemoEvent, rng: Rng): string {
  const source = event.agentId ?? 'orchestrator'
  const head = `${isoSecondsAt(event.ms)} ${event.level.toUpperCase()} [${source}] ${event.message}`
  if (event.level !== 'error' || !rng.chance(0.5)) return head
  // Errors from the Node agents arrive with their stack, one frame per line.
  return (
    `${head}\n    at ToolRunner.exec (agents/runtime/tool-runner.ts:${rng.int(40, 220)}:13)` +
    `\n    at async Agent.step (agents/runtime/agent.ts:${rng.int(80, 400)}:7)`
  )
}

export async function writeEvents(
  db: Database.Database,
  logsDir: string,
  options: WriteEventsOptions,
): Promise<void> {
  const { total, next, rng, signal, onBatch } = options
  const insert = db.prepare(
    'INSERT INTO events (event_id, agent_id, event_type, level, message, payload, created_at) ' +
      'VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  const sinks: Record<Channel, LogSink> = {
    archived: openLogSink(join(logsDir, LOG_FILES.archived), { gzip: true }),
    rotated: openLogSink(join(logsDir, LOG_FILES.rotated)),
    current: openLogSink(join(logsDir, LOG_FILES.current)),
    text: openLogSink(join(logsDir, LOG_FILES.text)),
  }
  const rotatedFrom = Math.floor(total * 0.3)
  const currentFrom = Math.floor(total * 0.6)
  let lastRotated: DemoEvent | null = null
  const runBatch = db.transaction((from: number, to: number, out: Record<Channel, string[]>) => {
    for (let i = from; i < to; i++) {
      const event = next()
      insert.run(
        i + 1,
        event.agentId,
        event.type,
        event.level,
        event.message,
        event.payload,
        isoAt(event.ms),
      )
      if (event.agentId === null || rng.chance(0.25)) {
        out.text.push(textLines(event, rng))
      } else if (i < rotatedFrom) {
        out.archived.push(jsonLine(event))
      } else if (i < currentFrom) {
        out.rotated.push(jsonLine(event))
        lastRotated = event
      } else {
        out.current.push(jsonLine(event))
      }
    }
  })
  try {
    for (let from = 0; from < total; from += EVENT_BATCH) {
      throwIfCancelled(signal)
      const to = Math.min(total, from + EVENT_BATCH)
      const out: Record<Channel, string[]> = { archived: [], rotated: [], current: [], text: [] }
      runBatch(from, to, out)
      await Promise.all(
        (Object.keys(out) as Channel[]).map((channel) =>
          out[channel].length === 0
            ? undefined
            : sinks[channel].write(out[channel].join('\n') + '\n'),
        ),
      )
      onBatch(to)
    }
    await sinks.rotated.write(truncatedLine(lastRotated) + '\n')
    await Promise.all(Object.values(sinks).map((sink) => sink.close()))
  } catch (error) {
    for (const sink of Object.values(sinks)) sink.destroy()
    throw error
  }
}

/**
 * The agent was killed mid-write just before the log rotated: the one malformed JSONL line of
 * the workspace, which importers must report instead of failing on.
 */
function truncatedLine(after: DemoEvent | null): string {
  const line = jsonLine({
    agentId: after?.agentId ?? 'pm-01',
    type: 'agent.crashed',
    level: 'error',
    message: 'process exited with SIGKILL (out of memory) while flushing the task queue',
    payload: '{"signal":"SIGKILL","rss_mb":3921}',
    ms: (after?.ms ?? BASE_TIME_MS) + 1,
  })
  return line.slice(0, Math.floor(line.length * 0.6))
}
