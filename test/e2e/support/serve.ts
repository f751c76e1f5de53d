// Starts `ferry serve` as a user would, waits for its "listening at <url>" line, and launches
// Debian's Chromium through playwright-core (never a downloaded browser).
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { FERRY_BIN, REPO } from '../../support/paths'

export interface Served {
  url: string
  process: ChildProcess
  stop(): Promise<void>
}

export async function startServe(opts: {
  cwd: string
  configHome: string
  args?: string[]
}): Promise<Served> {
  const child = spawn(process.execPath, [FERRY_BIN, 'serve', ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: { ...process.env, XDG_CONFIG_HOME: opts.configHome },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`ferry serve did not start in 60 s:\n${out}`)),
      60_000,
    )
    const onData = (d: Buffer): void => {
      out += d.toString()
      const m = /Ferry listening at (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        res(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
    child.once('exit', (code) => rej(new Error(`ferry serve exited with ${code}:\n${out}`)))
  })
  return {
    url,
    process: child,
    stop: () =>
      new Promise((res) => {
        if (child.exitCode !== null) return res()
        child.once('exit', () => res())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
      }),
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}

export const RESULTS = join(REPO, 'test-results')
