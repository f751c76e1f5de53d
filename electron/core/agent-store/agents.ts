// The Agents screen's backend: every agent with its backend flag and last activity, and switching
// one agent's flag with the rollback report — which writes of that agent would stay only on the
// side it leaves (ledger keys on that side that the side(s) it moves to do not have).
import { existsSync } from 'node:fs'
import { FerryError } from '../../../shared/contract/envelope'
import { defaultBackend, memoryDbOf, readFlags, withDialect, writeBackendFlag, type FlagLocation } from './flags'
import { storeColumns } from './schema'
import type { Dialect, Row } from './dialect'
import { LEDGER_TABLE, type Backend } from './types'

export type Side = 'sqlite' | 'postgres'

export interface AgentInfo {
  agentId: string
  agentType: string | null
  status: string | null
  backend: Backend
  flagSource: 'postgres' | 'memory.db' | 'default'
  flagSince: string | null
  lastActivity: string | null
}

export interface LeftBehind {
  side: Side
  since: string | null
  writes: number
  byTable: Record<string, number>
}

export interface SwitchResult {
  agentId: string
  previous: Backend
  backend: Backend
  at: string
  leftBehind: LeftBehind[]
  note: string
}

const SIDES: Record<Backend, Side[]> = { files: [], sqlite: ['sqlite'], postgres: ['postgres'], 'dual-write': ['sqlite', 'postgres'] }

const isoText = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v))

/** The schema `d` reads and writes on PostgreSQL (its tables are `"schema"."table"`). */
const pgSchemaOf = (d: Dialect): string | undefined =>
  d.name === 'postgres' ? d.t('agents').split('.')[0]!.replace(/^"|"$/g, '').replace(/""/g, '"') : undefined

async function tableExists(d: Dialect, table: string): Promise<boolean> {
  if (d.name === 'sqlite') {
    return (await d.read(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?`, [table])).length > 0
  }
  return (await d.read(`SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, [pgSchemaOf(d), table])).length > 0
}

/**
 * The agents as the agents table has them. A database of another shape (no agent_type, no
 * last_activity: the agent store itself refuses it, p4.agent-code says why) still lists its agents,
 * the missing facts blank; without an agents table (or its agent_id) there are none to list. The
 * flags are read only where the configurations table can hold them.
 */
async function agentsAndFlags(d: Dialect): Promise<{ rows: Row[]; flags: Awaited<ReturnType<typeof readFlags>> }> {
  const have = await storeColumns(d, pgSchemaOf(d))
  const agents = have.get('agents')
  const col = (c: string): string => (agents?.has(c) ? `"${c}"` : `NULL AS "${c}"`)
  const rows = agents?.has('agent_id')
    ? await d.read(`SELECT "agent_id", ${col('agent_type')}, ${col('status')}, ${col('last_activity')} FROM ${d.t('agents')} ORDER BY "agent_id"`)
    : []
  const conf = have.get('configurations')
  const flagColumns = ['config_id', 'agent_id', 'config_key', 'config_value', 'updated_at']
  const flags = conf && flagColumns.every((c) => conf.has(c)) ? await readFlags(d) : new Map()
  return { rows, flags }
}

/** Agents of memory.db and of the target (when given), merged by id. */
export async function listAgents(loc: FlagLocation): Promise<AgentInfo[]> {
  const byId = new Map<string, AgentInfo>()
  const fallback = defaultBackend(loc.workspace)
  const merge = (rows: Row[], flags: Awaited<ReturnType<typeof readFlags>>, source: 'postgres' | 'memory.db'): void => {
    for (const r of rows) {
      const id = String(r.agent_id)
      const cur = byId.get(id) ?? {
        agentId: id,
        agentType: r.agent_type === null ? null : String(r.agent_type),
        status: r.status === null ? null : String(r.status),
        backend: fallback,
        flagSource: 'default' as const,
        flagSince: null,
        lastActivity: null,
      }
      const last = isoText(r.last_activity)
      if (last && (!cur.lastActivity || last > cur.lastActivity)) cur.lastActivity = last
      byId.set(id, cur)
    }
    for (const [id, f] of flags) {
      const cur = byId.get(id)
      // The target's flag wins over memory.db's mirror (it is read first and never overwritten).
      if (cur && (cur.flagSource === 'default' || (source === 'postgres' && cur.flagSource !== 'postgres'))) {
        Object.assign(cur, { backend: f.backend, flagSource: source, flagSince: f.since })
      }
    }
  }
  if (loc.postgresUrl) {
    await withDialect('postgres', loc, async (d) => {
      const { rows, flags } = await agentsAndFlags(d)
      merge(rows, flags, 'postgres')
    })
  }
  if (existsSync(memoryDbOf(loc.workspace))) {
    await withDialect('sqlite', loc, async (d) => {
      const { rows, flags } = await agentsAndFlags(d)
      merge(rows, flags, 'memory.db')
    })
  }
  return [...byId.values()].sort((a, b) => a.agentId.localeCompare(b.agentId))
}

/** This agent's ledger keys on one side since `since`, with their tables. */
async function ledgerKeys(d: Dialect, agentId: string, since: string | null): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  if (!(await tableExists(d, LEDGER_TABLE))) return out
  const rows = await d.read(
    `SELECT "idem_key", "table_name" FROM ${d.t(LEDGER_TABLE)} WHERE "agent_id" = ?${since ? ' AND "written_at" >= ?' : ''}`,
    since ? [agentId, since] : [agentId],
  )
  for (const r of rows) out.set(String(r.idem_key), String(r.table_name))
  return out
}

async function presentKeys(d: Dialect, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>()
  if (!(await tableExists(d, LEDGER_TABLE))) return found
  for (let i = 0; i < keys.length; i += 500) {
    const chunk = keys.slice(i, i + 500)
    const rows = await d.read(
      `SELECT "idem_key" FROM ${d.t(LEDGER_TABLE)} WHERE "idem_key" IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    )
    for (const r of rows) found.add(String(r.idem_key))
  }
  return found
}

/** Switches one agent's flag and reports what it leaves behind; nothing else is changed. */
export async function setAgentBackend(agentId: string, backend: Backend, loc: FlagLocation): Promise<SwitchResult> {
  const current = (await listAgents(loc)).find((a) => a.agentId === agentId)
  const previous = current?.backend ?? defaultBackend(loc.workspace)
  const since = current?.flagSince ?? null
  const hasSqlite = existsSync(memoryDbOf(loc.workspace))
  const reach = (s: Side): boolean => (s === 'postgres' ? Boolean(loc.postgresUrl) : hasSqlite)
  if ((backend === 'postgres' || backend === 'dual-write') && !loc.postgresUrl) {
    throw new FerryError('NO_TARGET', `Agent ${agentId} cannot use "${backend}" without a PostgreSQL target`, 'Connect the target and run p3.migrate first.')
  }
  const leaving = SIDES[previous].filter((s) => !SIDES[backend].includes(s) && reach(s))
  const leftBehind: LeftBehind[] = []
  for (const side of leaving) {
    const keys = await withDialect(side, loc, (d) => ledgerKeys(d, agentId, since))
    let missing = [...keys.keys()]
    for (const other of SIDES[backend].filter(reach)) {
      const there = await withDialect(other, loc, (d) => presentKeys(d, missing))
      missing = missing.filter((k) => !there.has(k))
    }
    const byTable: Record<string, number> = {}
    for (const k of missing) byTable[keys.get(k)!] = (byTable[keys.get(k)!] ?? 0) + 1
    leftBehind.push({ side, since, writes: missing.length, byTable })
  }
  const at = await writeBackendFlag(agentId, backend, loc)
  const total = leftBehind.reduce((n, l) => n + l.writes, 0)
  const note =
    previous === backend
      ? `${agentId} already uses ${backend}; the flag was rewritten.`
      : total === 0
        ? previous === 'dual-write'
          ? `Dual-write kept both sides: nothing of ${agentId} stays behind.`
          : `No write of ${agentId} through the agent store stays only on the ${leaving.join(' and ') || 'old'} side.`
        : `${total} write(s) of ${agentId} since ${since ?? 'the first'} stay only on the ${leftBehind
            .filter((l) => l.writes > 0)
            .map((l) => l.side)
            .join(' and ')} side; they are not copied over.`
  return { agentId, previous, backend, at, leftBehind, note }
}
