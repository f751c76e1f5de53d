// The saved PostgreSQL password (issue 8, "Electron and IPC"): a unique password is given through
// the contract of a real `ferry serve` (target.configure, target.connect), steps that need the
// target run with it, a wrong port makes the connection fail with it, and then the workspace
// (.ferry/ with journal.db and its -wal, target.json, reports), .claude/, the app data dir, the
// home folder, everything the process printed and every event it pushed are searched for it —
// as text, percent-encoded, base64, hex and UTF-16: found nowhere. (The local server uses trust
// authentication, so any password connects.)
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FerryClient } from '../../shared/contract/client'
import type { StepState } from '../../shared/contract/types'
import { methods } from '../../shared/contract/methods'
import { createDemoWorkspace } from '../../electron/core/workspace/demo/index'
import { tempDir } from '../support/paths'
import { serveFerry, type ServedFerry } from '../support/faults/serve'
import { score } from '../support/faults/scorecard'

const tmp = tempDir('ferry-faults-secrets-')
const ws = join(tmp.dir, 'ws')
const home = join(tmp.dir, 'home')
const config = join(tmp.dir, 'config')
const secret = (): string => `Fy7-${randomBytes(12).toString('hex')}`
const PW_URL = secret()
const PW_FAIL = secret()
const PW_FORM = secret()
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' }

/** The forms a password could be written in without being "encrypted". */
function forms(pw: string): Buffer[] {
  const b = Buffer.from(pw)
  return [
    b,
    Buffer.from(encodeURIComponent(pw)),
    Buffer.from(b.toString('base64').slice(0, -2)),
    Buffer.from(b.toString('hex')),
    Buffer.from(b.toString('hex').toUpperCase()),
    Buffer.from(pw, 'utf16le'),
  ]
}

function filesUnder(dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...filesUnder(p))
    else if (e.isFile()) out.push(p)
  }
  return out
}

async function runStep(client: FerryClient, stepId: string): Promise<StepState> {
  const done = new Promise<StepState>((res) => {
    const off = client.on('step.state', (s) => {
      if (s.stepId === stepId && s.status !== 'running') {
        off()
        res(s)
      }
    })
  })
  await client.invoke('step.run', { stepId })
  return done
}

describe('the PostgreSQL password is found nowhere in plain text', () => {
  let served: ServedFerry
  let output = ''
  const passwords = [PW_URL, PW_FAIL]

  beforeAll(async () => {
    await createDemoWorkspace(ws, { events: 200, seed: 21 })
    mkdirSync(home)
    const env: Record<string, string | undefined> = {
      ...process.env,
      HOME: home,
      XDG_CONFIG_HOME: config,
    }
    for (const k of ['FERRY_PG_PASSWORD', 'PGPASSWORD', 'PGPASSFILE', 'DATABASE_URL']) delete env[k]
    served = await serveFerry({ workspace: ws, env })
  })
  afterAll(async () => {
    await served?.stop()
    tmp.cleanup()
  })

  it('connects with a URL holding the password and runs steps that need the target', async () => {
    const { client } = served
    const url = `postgres://${PG.user}:${PW_URL}@${PG.host}:${PG.port}/${PG.database}`
    const configured = await client.invoke('target.configure', { kind: 'url', url })
    expect(JSON.stringify(configured)).not.toContain(PW_URL)
    const status = await client.invoke('target.connect', {})
    expect(status.state, JSON.stringify(status.error)).toBe('connected')
    expect(status.display).toContain('***')
    const dev = await runStep(client, 'pre.postgres-dev')
    expect(dev.status, JSON.stringify(dev.error)).toBe('done')
    // A worker step: the URL crosses into the worker thread as a parameter.
    const prod = await runStep(client, 'p3.postgres-prod')
    expect(['done', 'failed', 'needs-confirmation']).toContain(prod.status)
    expect(JSON.stringify(prod)).not.toContain(PW_URL)
  })

  it('reports a failed connection without the password', async () => {
    const { client } = served
    const url = `postgres://${PG.user}:${PW_FAIL}@${PG.host}:1/${PG.database}`
    await client.invoke('target.configure', { kind: 'url', url })
    const status = await client.invoke('target.connect', {})
    expect(status.state).toBe('error')
    expect(JSON.stringify(status)).not.toContain(PW_FAIL)
    const failed = await runStep(client, 'pre.postgres-dev')
    expect(failed.status).toBe('failed')
    expect(JSON.stringify(failed)).not.toContain(PW_FAIL)
  })

  it('takes the password from the connection form, when the contract has one', async (ctx) => {
    const form = { kind: 'server', ...PG, password: PW_FORM, sslmode: 'disable' }
    if (!methods['target.configure'].input.safeParse(form).success) return ctx.skip()
    passwords.push(PW_FORM)
    const { client } = served
    await client.invoke('target.configure', form as never)
    const status = await client.invoke('target.connect', {})
    expect(status.state, JSON.stringify(status.error)).toBe('connected')
    expect(JSON.stringify(status)).not.toContain(PW_FORM)
    const dev = await runStep(client, 'pre.postgres-dev')
    expect(dev.status, JSON.stringify(dev.error)).toBe('done')
  })

  it('finds none of the passwords in the workspace, journal, app data, home, output or events', async () => {
    output = await served.stop()
    expect(output).toContain('Ferry listening at')
    const files = [...filesUnder(ws), ...filesUnder(config), ...filesUnder(home)]
    // The journal and the persisted target are there to be searched.
    expect(files.some((f) => f.endsWith(join('.ferry', 'journal.db')))).toBe(true)
    const hits: string[] = []
    for (const pw of passwords) {
      const needles = forms(pw)
      for (const f of files) {
        if (statSync(f).size > 512 * 1024 * 1024) continue
        const bytes = readFileSync(f)
        if (needles.some((n) => bytes.includes(n))) hits.push(`${f} holds the password`)
      }
      const text = Buffer.from(output + served.events.join('\n'))
      if (needles.some((n) => text.includes(n)))
        hits.push('the output or an event holds the password')
    }
    expect(served.events.length).toBeGreaterThan(5)
    expect(hits).toEqual([])
    score.badInput(
      'secrets',
      'saved PostgreSQL password (URL, failed connection, connection form)',
      `found in none of ${files.length} files, ${output.length} bytes of output, ${served.events.length} events`,
    )
  })
})
