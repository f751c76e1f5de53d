// What the embedded server and initdb print: kept (password masked) for error messages, passed
// to the log line by line, and watched for the "ready" line even when it is split across chunks.
import type { Log } from './os-user'
import { redactSecrets } from './redact'

const READY = 'database system is ready to accept connections'

export /** The last lines the server printed, with the password masked, for logs and error messages. */
class ServerLog {
  private lines: string[] = []
  private partial = ''
  onReady: (() => void) | null = null
  constructor(
    private readonly log: Log,
    private readonly secrets: string[],
  ) {}
  push(chunk: string): void {
    const parts = (this.partial + chunk.replace(/^\[STDERR\] /, '')).split(/\r?\n/)
    this.partial = parts.pop() ?? ''
    for (const raw of parts) {
      const line = redactSecrets(raw, this.secrets).trimEnd()
      if (line === '') continue
      this.lines.push(line)
      if (this.lines.length > 200) this.lines.shift()
      this.log('debug', `[postgres] ${line}`)
      if (line.includes(READY)) this.onReady?.()
    }
  }
  tail(n: number): string {
    return this.lines.slice(-n).join('\n')
  }
  /** The few lines that say why: FATAL/ERROR/PANIC and initdb errors, else the last lines. */
  reason(): string {
    const important = this.lines.filter((l) => /FATAL|ERROR|PANIC|error:|could not|failed/i.test(l))
    const pick = (important.length > 0 ? important : this.lines)
      .slice(-3)
      .map((l) => l.replace(/^\d{4}-\d\d-\d\d [\d:.]+ \S+ \[\d+\] /, ''))
    return pick.length > 0 ? pick.join(' | ') : 'it exited without printing anything'
  }
  matches(re: RegExp): boolean {
    return this.lines.some((l) => re.test(l))
  }
}
