// How the CLI talks: results on stdout (one JSON object with --json), progress and errors on
// stderr, exit code 0 only on success.
import cliProgress from 'cli-progress'
import { FerryError, toErrorInfo } from '../../shared/contract/envelope'
import type { Progress } from '../../shared/contract/types'

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const

const nf = new Intl.NumberFormat('en-US')

export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`
  if (seconds < 60) return `${seconds.toFixed(1)} s`
  const m = Math.floor(seconds / 60)
  return `${m} min ${Math.round(seconds - m * 60)} s`
}

export function progressLine(p: Progress): string {
  // Nothing counted yet and no total: "0 tables" would say nothing the message does not.
  const parts =
    p.total !== null
      ? [`${nf.format(p.done)}/${nf.format(p.total)} ${p.unit}`]
      : p.done > 0
        ? [`${nf.format(p.done)} ${p.unit}`]
        : []
  if (p.rate !== null) parts.push(`${nf.format(Math.round(p.rate))} ${p.unit}/s`)
  if (p.etaSeconds !== null) parts.push(`ETA ${formatDuration(p.etaSeconds)}`)
  if (p.message) parts.push(p.message)
  return parts.join(' · ')
}

/** A progress bar on stderr when it is a terminal; plain lines (at most one a second) otherwise. */
export class ProgressReporter {
  private bar: cliProgress.SingleBar | null = null
  private lastLine = 0
  constructor(private readonly label: string, private readonly quiet = false) {}

  update(p: Progress): void {
    if (this.quiet) return
    if (process.stderr.isTTY && p.total !== null) {
      if (!this.bar) {
        this.bar = new cliProgress.SingleBar(
          { format: `${this.label} [{bar}] {percentage}% · {line}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
        this.bar.start(p.total, p.done, { line: progressLine(p) })
      }
      this.bar.setTotal(p.total)
      this.bar.update(p.done, { line: progressLine(p) })
      return
    }
    const now = Date.now()
    if (now - this.lastLine >= 1000) {
      this.lastLine = now
      process.stderr.write(`${this.label}: ${progressLine(p)}\n`)
    }
  }

  stop(): void {
    this.bar?.stop()
    this.bar = null
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** Prints an error as "what failed" plus "what to do", never a stack trace. */
export function reportError(err: unknown, json: boolean): number {
  const info = toErrorInfo(err)
  if (json) printJson({ ok: false, error: info })
  process.stderr.write(`ferry: ${info.message}\n`)
  if (info.hint) process.stderr.write(`  → ${info.hint}\n`)
  if (info.code === 'INTERNAL' && err instanceof Error && process.env.FERRY_DEBUG) process.stderr.write(`${err.stack}\n`)
  return err instanceof FerryError && USAGE_CODES.has(err.code) ? EXIT.usage : EXIT.failed
}

const USAGE_CODES = new Set(['USAGE', 'WORKSPACE_NOT_FOUND', 'NOT_A_WORKSPACE', 'UNKNOWN_STEP', 'STEP_NOT_AVAILABLE', 'INVALID_INPUT', 'INVALID_URL', 'NEEDS_CONFIRMATION'])
