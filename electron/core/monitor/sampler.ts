// The backend's sampler: every few seconds, while the PostgreSQL target is connected, one sample
// into a ring buffer that keeps a time window (an hour by default), and the details every few
// samples. One dedicated connection, re-opened after a failure; a failed sample is kept (it is
// what availability is computed from). The timer is unref'd: it never keeps a process alive.
import pg from 'pg'
import type { MonitorDetail, MonitorSample, MonitorView } from '../../../shared/contract/monitor'
import { redactSecrets, secretsInUrl } from '../postgres/redact'
import { alertsFor, availabilityOf } from './alerts'
import { detailOf, failedSample, sampleTarget, type Counters } from './sample'

export interface SamplerOptions {
  /** The target's URL when it is connected, else null (and why). */
  target: () => Promise<{ url: string } | { idle: string }>
  intervalMs?: number
  windowSec?: number
  detailEvery?: number
  now?: () => number
}

export class RingBuffer<T extends { at: string }> {
  private items: T[] = []
  constructor(private readonly windowMs: number, private readonly max = 10_000) {}
  push(item: T): void {
    this.items.push(item)
    const cutoff = Date.parse(item.at) - this.windowMs
    while (this.items.length > this.max || (this.items[0] && Date.parse(this.items[0].at) < cutoff)) this.items.shift()
  }
  /** The items within the last `sec` seconds of the newest one. */
  within(sec: number): T[] {
    const last = this.items.at(-1)
    if (!last) return []
    const cutoff = Date.parse(last.at) - sec * 1000
    return this.items.filter((i) => Date.parse(i.at) >= cutoff)
  }
  get size(): number {
    return this.items.length
  }
}

export class MonitorSampler {
  readonly intervalMs: number
  readonly windowSec: number
  private readonly ring: RingBuffer<MonitorSample>
  private detail: MonitorDetail | null = null
  private counters: Counters | null = null
  private client: pg.Client | null = null
  private clientUrl: string | null = null
  private timer: NodeJS.Timeout | null = null
  private ticks = 0
  private running: Promise<void> | null = null
  private idle: string | null = 'not started'

  constructor(private readonly opts: SamplerOptions) {
    this.intervalMs = opts.intervalMs ?? 5000
    this.windowSec = opts.windowSec ?? 3600
    this.ring = new RingBuffer(this.windowSec * 1000)
  }

  /** Starts the timer; resolves when the first sample is taken (at once when already running). */
  start(): Promise<void> {
    if (this.timer) return Promise.resolve()
    this.timer = setInterval(() => void this.tick(), this.intervalMs)
    this.timer.unref()
    return this.tick()
  }

  /** One sample now (the timer's work; tests call it directly). Never throws. */
  tick(): Promise<void> {
    this.running ??= this.sampleOnce().finally(() => (this.running = null))
    return this.running
  }

  private async sampleOnce(): Promise<void> {
    const now = this.opts.now ?? Date.now
    let url: string
    try {
      const t = await this.opts.target()
      if ('idle' in t) {
        this.idle = t.idle
        await this.closeClient()
        return
      }
      url = t.url
    } catch (err) {
      this.idle = (err as Error).message
      return
    }
    this.idle = null
    try {
      if (!this.client || this.clientUrl !== url) {
        await this.closeClient()
        const c = new pg.Client({ connectionString: url, application_name: 'ferry-monitor', connectionTimeoutMillis: 5000, statement_timeout: 5000 })
        c.on('error', () => {}) // surfaces on the next query; the client is then replaced
        await c.connect()
        this.client = c
        this.clientUrl = url
      }
      const { sample, counters } = await sampleTarget(this.client, this.counters, now)
      this.counters = counters
      this.ring.push(sample)
    } catch (err) {
      this.ring.push(failedSample(redactSecrets((err as Error).message, secretsInUrl(url)), now()))
      this.counters = null
      await this.closeClient()
      return
    }
    // The details are slower to change: every few samples; a failure keeps the previous ones.
    if (this.ticks++ % (this.opts.detailEvery ?? 3) === 0) {
      try {
        this.detail = await detailOf(this.client)
      } catch {
        // shown again at the next successful read
      }
    }
  }

  view(windowSec?: number): MonitorView {
    const sec = Math.min(windowSec ?? this.windowSec, this.windowSec)
    const samples = this.ring.within(sec)
    return {
      idle: this.idle,
      intervalMs: this.intervalMs,
      windowSec: sec,
      samples,
      detail: this.detail,
      alerts: this.idle ? [] : alertsFor(samples, this.detail),
      availability: availabilityOf(samples),
    }
  }

  private async closeClient(): Promise<void> {
    const c = this.client
    this.client = null
    this.clientUrl = null
    if (c) await c.end().catch(() => undefined)
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
    await this.closeClient()
  }
}
