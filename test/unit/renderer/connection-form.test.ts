// Settings → Connections: the server form's fields (prefilled without a password) and the
// production checks of the "Check" button, one row per check with its hint.
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { formComplete, formFrom, ServerFields } from '../../../renderer/src/components/ServerFields'
import { TargetChecks } from '../../../renderer/src/components/TargetChecks'

describe('the connection form', () => {
  it('is prefilled from the configured target, with an empty password and prefer by default', () => {
    const f = formFrom({ host: 'db', port: 6543, database: 'agents', user: 'ferry', sslmode: 'require' })
    expect(f).toEqual({ host: 'db', port: '6543', database: 'agents', user: 'ferry', password: '', sslmode: 'require' })
    expect(formFrom(undefined).sslmode).toBe('prefer')
    expect(formComplete(f)).toBe(true)
    expect(formComplete({ ...f, port: '70000' })).toBe(false)
    expect(formComplete({ ...f, host: ' ' })).toBe(false)
  })

  it('shows host, port, database, user, a password field and the four SSL modes', () => {
    const html = renderToStaticMarkup(
      createElement(ServerFields, { form: formFrom(undefined), onChange: () => {}, hasStoredPassword: true }),
    )
    for (const id of ['host', 'port', 'database', 'user', 'password', 'sslmode']) expect(html).toContain(`data-testid="target-${id}"`)
    expect(html).toMatch(/type="password"[^>]*placeholder="\(stored — leave empty to keep it\)"/)
    for (const m of ['disable', 'prefer', 'require', 'verify-full']) expect(html).toContain(`value="${m}"`)
  })
})

describe('the production checks', () => {
  it('lists each check with its status and hint', () => {
    const html = renderToStaticMarkup(
      createElement(TargetChecks, {
        result: {
          target: 'postgres://u:***@h/db',
          ok: false,
          error: null,
          checks: [
            { name: 'server-version', ok: true, status: 'pass', value: '15.4', detail: 'PostgreSQL 15.4 (12 or newer)', hint: null },
            { name: 'create-schema', ok: false, status: 'fail', value: false, detail: 'user "u" may not create schemas', hint: 'GRANT CREATE ON DATABASE "db" TO "u";' },
          ],
        },
      }),
    )
    expect(html).toContain('data-testid="check-server-version" data-status="pass"')
    expect(html).toContain('data-testid="check-create-schema" data-status="fail"')
    expect(html).toContain('GRANT CREATE ON DATABASE')
  })

  it('shows why the checks could not run', () => {
    const html = renderToStaticMarkup(
      createElement(TargetChecks, {
        result: { target: 't', ok: false, checks: [], error: { code: 'TARGET_SSL_REQUIRED', message: 'does not support SSL', hint: 'Enable TLS' } },
      }),
    )
    expect(html).toContain('target-checks-error')
    expect(html).toContain('does not support SSL')
  })
})
