import type { ConnectionFields, SslMode } from '../../../shared/contract/connection'

export interface ServerForm {
  host: string
  port: string
  database: string
  user: string
  password: string
  sslmode: SslMode
}

export const EMPTY_SERVER_FORM: ServerForm = {
  host: '',
  port: '5432',
  database: '',
  user: '',
  password: '',
  sslmode: 'prefer',
}

/** The form prefilled from the configured target (never with a password: the backend has none to give). */
export function formFrom(c: ConnectionFields | undefined): ServerForm {
  if (!c) return EMPTY_SERVER_FORM
  return { ...EMPTY_SERVER_FORM, host: c.host, port: String(c.port), database: c.database, user: c.user, sslmode: c.sslmode }
}

export function formComplete(f: ServerForm): boolean {
  const port = Number(f.port)
  return f.host.trim() !== '' && f.database.trim() !== '' && f.user.trim() !== '' && Number.isInteger(port) && port > 0 && port < 65_536
}

const SSL_MODES: Array<{ value: SslMode; label: string }> = [
  { value: 'disable', label: 'disable — never encrypt' },
  { value: 'prefer', label: 'prefer — encrypt if the server offers TLS' },
  { value: 'require', label: 'require — encrypt, or do not connect' },
  { value: 'verify-full', label: 'verify-full — encrypt and verify the certificate and host name' },
]

interface Props {
  form: ServerForm
  onChange(next: ServerForm): void
  /** Whether a password is already stored for this target (the field may stay empty). */
  hasStoredPassword: boolean
}

/** Settings → Connections: host, port, database, user, password and SSL mode. */
export function ServerFields({ form, onChange, hasStoredPassword }: Props) {
  const field = (key: keyof ServerForm, label: string, type = 'text', placeholder = '') => (
    <label className="server-field">
      <span>{label}</span>
      <input
        data-testid={`target-${key}`}
        type={type}
        autoComplete="off"
        spellCheck={false}
        placeholder={placeholder}
        value={form[key]}
        onChange={(e) => onChange({ ...form, [key]: e.target.value })}
      />
    </label>
  )
  return (
    <div className="server-fields">
      {field('host', 'Host', 'text', 'db.example.com')}
      {field('port', 'Port', 'text', '5432')}
      {field('database', 'Database', 'text', 'agents')}
      {field('user', 'User', 'text', 'ferry')}
      {field('password', 'Password', 'password', hasStoredPassword ? '(stored — leave empty to keep it)' : '')}
      <label className="server-field">
        <span>SSL mode</span>
        <select
          data-testid="target-sslmode"
          value={form.sslmode}
          onChange={(e) => onChange({ ...form, sslmode: e.target.value as SslMode })}
        >
          {SSL_MODES.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  )
}
