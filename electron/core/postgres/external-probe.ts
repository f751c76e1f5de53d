// One login to an external server with libpq's sslmode meaning: `prefer` tries TLS first and
// falls back to plaintext only when the server has no TLS; require, verify-ca and verify-full
// never fall back (a server without TLS is a TARGET_SSL_REQUIRED error).
import type { SslMode } from '../../../shared/contract/connection'
import { connectUrl, displayUrl, noTls, sslError, type ExternalTarget } from './connection'
import { probe, type ProbeResult } from './probe'

export interface ExternalProbe {
  result: ProbeResult
  /** The mode that connected (prefer resolved into require or disable); null on failure. */
  mode: Exclude<SslMode, 'prefer'> | null
  /** prefer found no TLS and connected in plain text. */
  plaintextFallback: boolean
}

export async function probeExternal(t: ExternalTarget, password: string | null): Promise<ExternalProbe> {
  const display = displayUrl(t, password !== null)
  const secrets = password ? [password] : []
  const attempt = (mode: Exclude<SslMode, 'prefer'>) =>
    probe({ connectionString: connectUrl(t, password, mode), display, secrets })
  if (t.sslmode !== 'prefer') {
    const r = await attempt(t.sslmode)
    if (r.ok) return { result: r, mode: t.sslmode, plaintextFallback: false }
    return { result: { ok: false, error: sslError(r.error, t.sslmode, display) }, mode: null, plaintextFallback: false }
  }
  const tls = await attempt('require')
  if (tls.ok || !noTls(tls.error)) return { result: tls, mode: tls.ok ? 'require' : null, plaintextFallback: false }
  const plain = await attempt('disable')
  return { result: plain, mode: plain.ok ? 'disable' : null, plaintextFallback: plain.ok }
}
