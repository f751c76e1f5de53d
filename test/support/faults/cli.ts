// `ferry` in a real process for the fault tests: exit code, output, parsed JSON, and the peak RSS
// of the whole process tree the way /usr/bin/time reports it (the CLI and its worker are separate
// processes; time(1) reports the largest of those it waited for: the CLI, so it is a lower bound).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { FERRY_BIN } from '../paths'

export interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

function parse(stdout: string): unknown {
  const t = stdout.trim()
  if (!t) return null
  try {
    return JSON.parse(t)
  } catch {
    return null
  }
}

export function ferryRunner(configHome: string, timeoutMs = 170_000) {
  const base = {
    ...process.env,
    XDG_CONFIG_HOME: configHome,
    FERRY_FAULT_POINT: '',
    FERRY_FAULT_ACTION: '',
  }
  const run = (args: string[], extra: Record<string, string> = {}): Run => {
    const r = spawnSync(process.execPath, [FERRY_BIN, ...args], {
      env: { ...base, ...extra },
      encoding: 'utf8',
      timeout: timeoutMs,
    })
    return {
      code: r.status,
      signal: r.signal,
      stdout: r.stdout,
      stderr: r.stderr,
      json: parse(r.stdout),
    }
  }
  /** The same, under /usr/bin/time -f %M: also the peak RSS in MB (null where time(1) is missing). */
  const measured = (
    args: string[],
    extra: Record<string, string> = {},
  ): Run & { peakRssMb: number | null } => {
    if (!existsSync('/usr/bin/time')) return { ...run(args, extra), peakRssMb: null }
    const r = spawnSync(
      '/usr/bin/time',
      ['-f', 'ferry-peak-rss-kb=%M', process.execPath, FERRY_BIN, ...args],
      {
        env: { ...base, ...extra },
        encoding: 'utf8',
        timeout: timeoutMs,
        maxBuffer: 256 * 1024 * 1024,
      },
    )
    const m = /ferry-peak-rss-kb=(\d+)/.exec(r.stderr)
    return {
      code: r.status,
      signal: r.signal,
      stdout: r.stdout,
      stderr: r.stderr,
      json: parse(r.stdout),
      peakRssMb: m ? Math.round(Number(m[1]) / 1024) : null,
    }
  }
  /** A background run (for concurrent-run and kill tests); stdout collected. */
  const start = (args: string[], extra: Record<string, string> = {}) => {
    const child: ChildProcess = spawn(process.execPath, [FERRY_BIN, ...args], {
      env: { ...base, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()))
    const exited = new Promise<Run>((res) =>
      child.once('exit', (code, signal) =>
        res({ code, signal, stdout, stderr, json: parse(stdout) }),
      ),
    )
    return { child, exited }
  }
  return { run, measured, start }
}

/** A clear error: non-zero exit, a stable code, no stack trace, none of the secrets. */
export function errorProblems(r: Run, secrets: string[] = []): string[] {
  const problems: string[] = []
  if (r.code === 0) problems.push('exit code 0')
  const code = r.json?.error?.code
  if (typeof code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(code))
    problems.push(`no stable error code in ${r.stdout.slice(0, 300)}`)
  if (/\n\s+at .+:\d+:\d+/.test(r.stdout + r.stderr)) problems.push('a stack trace was printed')
  for (const s of secrets)
    if ((r.stdout + r.stderr).includes(s)) problems.push(`secret ${s} printed`)
  return problems
}
