// `ferry serve`: the built renderer over HTTP and the contract over a WebSocket, on loopback
// only, behind a per-launch token. Host and Origin are checked too, so a web page the user
// visits cannot reach Ferry through DNS rebinding.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { FerryError, RequestFrame } from '../../shared/contract/envelope'
import type { Backend } from '../core/backend'

export interface HostOptions {
  backend: Pick<Backend, 'dispatch' | 'onEvent'>
  staticDir: string
  port?: number
  token?: string
}

export interface Host {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
}

export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}` || host === `[::1]:${port}`
}

function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export async function startHost(opts: HostOptions): Promise<Host> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  const root = resolve(opts.staticDir)
  let port = 0

  const serveStatic = (req: IncomingMessage, res: ServerResponse): void => {
    const headers = {
      'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    }
    if (!isLoopbackHost(req.headers.host, port)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Ferry answers only on 127.0.0.1/localhost.\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    const rel = normalize(pathname === '/' ? '/index.html' : pathname)
    const file = join(root, rel)
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      if (!existsSync(join(root, 'index.html'))) {
        res.writeHead(503, { 'Content-Type': 'text/plain' }).end('The UI is not built: run "npm run build:renderer" (npm run serve does it for you).\n')
        return
      }
      res.writeHead(404, { 'Content-Type': 'text/plain', ...headers }).end('Not found\n')
      return
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', ...headers })
    if (req.method === 'HEAD') res.end()
    else createReadStream(file).pipe(res)
  }

  const server = createServer(serveStatic)
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 })
  const clients = new Set<WebSocket>()

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x')
    const origin = req.headers.origin
    const okOrigin = origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== '/ws') return reject(404, 'Not Found')
    if (!isLoopbackHost(req.headers.host, port) || !okOrigin) return reject(403, 'Forbidden')
    if (!tokenMatches(url.searchParams.get('token'), token)) return reject(401, 'Unauthorized')
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req))
  })

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws)
    ws.on('close', () => clients.delete(ws))
    // A frame over maxPayload (1009) or a protocol error: ws has already closed this connection.
    // Without a listener the 'error' event would throw and take the whole `ferry serve` down.
    ws.on('error', () => clients.delete(ws))
    ws.on('message', async (data, isBinary) => {
      let frame: unknown
      try {
        frame = isBinary ? undefined : JSON.parse(data.toString())
      } catch {
        frame = undefined
      }
      const parsed = RequestFrame.safeParse(frame)
      if (!parsed.success) {
        const id = typeof (frame as { id?: unknown })?.id === 'number' ? (frame as { id: number }).id : -1
        const error = { code: 'MALFORMED_FRAME', message: 'Expected a JSON frame {id, method, input}', hint: 'See shared/contract/envelope.ts.' }
        ws.send(JSON.stringify({ id, result: { ok: false, error } }))
        return
      }
      const result = await opts.backend.dispatch(parsed.data.method, parsed.data.input)
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: parsed.data.id, result }))
    })
  })

  const unsubscribe = opts.backend.onEvent((event, payload) => {
    const text = JSON.stringify({ event, payload })
    for (const c of clients) if (c.readyState === c.OPEN) c.send(text)
  })

  await new Promise<void>((res, rej) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      rej(
        err.code === 'EADDRINUSE'
          ? new FerryError(
              'PORT_IN_USE',
              `Port ${opts.port} on 127.0.0.1 is already in use (another "ferry serve", or another program)`,
              'Pass another --port, or leave it out to let Ferry pick a free one.',
            )
          : err,
      ),
    )
    server.listen(opts.port ?? 0, '127.0.0.1', () => res())
  })
  port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      unsubscribe()
      for (const c of clients) c.terminate()
      wss.close()
      const closed = new Promise<void>((res) => server.close(() => res()))
      // A browser keeps HTTP connections alive; they must not hold the server open.
      server.closeAllConnections()
      await closed
    },
  }
}
