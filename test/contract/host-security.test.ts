// `ferry serve` answers only a loopback page that holds the per-launch token.
import { writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { request } from 'node:http'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../electron/core/backend'
import { startHost, type Host } from '../../electron/host/server'
import { tempDir } from '../support/paths'
import { upgradeStatus } from '../support/ws-bridge'

function get(port: number, path: string, host = `127.0.0.1:${port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((res, rej) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (r) => {
      let body = ''
      r.on('data', (c) => (body += c))
      r.on('end', () => res({ status: r.statusCode ?? 0, headers: r.headers, body }))
    })
    req.on('error', rej)
    req.end()
  })
}

describe('ferry serve security', () => {
  const t = tempDir()
  let backend: Backend
  let host: Host
  beforeAll(async () => {
    const stat = join(t.dir, 'static')
    mkdirSync(stat)
    writeFileSync(join(stat, 'index.html'), '<!doctype html><title>Ferry</title>')
    writeFileSync(join(t.dir, 'secret.txt'), 'outside the static folder')
    backend = await createBackend({ appDataDir: join(t.dir, 'app'), version: '1', rememberWorkspace: false })
    host = await startHost({ backend, staticDir: stat })
  })
  afterAll(async () => {
    await host.close()
    await backend.close()
    t.cleanup()
  })

  it('prints a loopback URL with a long random token', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/)
  })

  it('says a port already in use is in use, and how to get another', async () => {
    await expect(startHost({ backend, staticDir: t.dir, port: host.port })).rejects.toMatchObject({
      code: 'PORT_IN_USE',
      message: expect.stringContaining(`Port ${host.port} on 127.0.0.1 is already in use`),
      hint: expect.stringContaining('--port'),
    })
  })

  it('accepts the WebSocket with the token', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`)).toBe(101)
  })

  it('refuses a WebSocket without the token, or with a wrong one', async () => {
    expect(await upgradeStatus(`ws://127.0.0.1:${host.port}/ws`)).toBe(401)
    expect(await upgradeStatus(`ws://127.0.0.1:${host.port}/ws?token=${host.token.slice(0, -1)}x`)).toBe(401)
  })

  it('refuses a foreign Origin or a non-loopback Host even with the token', async () => {
    const url = `ws://127.0.0.1:${host.port}/ws?token=${host.token}`
    expect(await upgradeStatus(url, { Origin: 'http://evil.example' })).toBe(403)
    expect(await upgradeStatus(url, { Host: `evil.example:${host.port}` })).toBe(403)
  })

  it('answers a malformed frame with MALFORMED_FRAME and keeps the connection', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`)
    await new Promise((r) => ws.once('open', r))
    const replies: unknown[] = []
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())))
    ws.send('not json')
    ws.send(JSON.stringify({ id: 5, method: 'app.info', input: {} }))
    await new Promise((r) => setTimeout(r, 300))
    ws.close()
    expect(replies[0]).toMatchObject({ id: -1, result: { ok: false, error: { code: 'MALFORMED_FRAME' } } })
    expect(replies[1]).toMatchObject({ id: 5, result: { ok: true } })
  })

  it('serves the page with a strict CSP, refuses other Hosts and never leaves the static folder', async () => {
    const page = await get(host.port, '/')
    expect(page.status).toBe(200)
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'")
    expect(String(page.headers['content-security-policy'])).not.toContain('unsafe-eval')
    expect((await get(host.port, '/', 'evil.example')).status).toBe(403)
    expect((await get(host.port, '/../secret.txt')).body).not.toContain('outside')
    expect((await get(host.port, '/%2e%2e/secret.txt')).body).not.toContain('outside')
  })
})
