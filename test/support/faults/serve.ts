// `ferry serve` as a real process for the fault tests, with everything it prints kept (stdout and
// stderr, from start to exit) and every event it pushes over the WebSocket recorded as text, so a
// test can search all of it for a secret.
import { spawn } from 'node:child_process'
import { createClient, type FerryClient } from '../../../shared/contract/client'
import { FERRY_BIN } from '../paths'
import { connectWsBridge } from '../ws-bridge'

export interface ServedFerry {
  client: FerryClient
  /** stdout + stderr so far. */
  output(): string
  /** Every event received, one JSON text per event. */
  events: string[]
  /** SIGTERM (a normal stop), then the whole output. */
  stop(): Promise<string>
}

export async function serveFerry(opts: {
  workspace: string
  env: Record<string, string | undefined>
}): Promise<ServedFerry> {
  const child = spawn(process.execPath, [FERRY_BIN, 'serve', '-w', opts.workspace], {
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<void>((res) => child.once('exit', () => res()))
  const url = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`ferry serve did not start:\n${out}`)), 60_000)
    const check = (): void => {
      const m = /Ferry listening at (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        res(m[1]!)
      }
    }
    child.stdout.on('data', check)
    void exited.then(() => rej(new Error(`ferry serve exited:\n${out}`)))
  })
  const u = new URL(url)
  const bridge = await connectWsBridge(
    `ws://127.0.0.1:${u.port}/ws?token=${u.searchParams.get('token')}`,
  )
  const events: string[] = []
  bridge.subscribe((event, payload) => events.push(JSON.stringify({ event, payload })))
  return {
    client: createClient(bridge),
    output: () => out,
    events,
    stop: async () => {
      bridge.close()
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        const force = setTimeout(() => child.kill('SIGKILL'), 20_000)
        await exited
        clearTimeout(force)
      }
      return out
    },
  }
}
