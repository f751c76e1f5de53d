// Row shapes of the agent store: driver rows → the interface's values, and the configuration
// upsert shared by the store and the flags.
import { bool, iso, isoOrNull, num, numOrNull, parseJson, strOrNull, type Dialect, type Exec, type Row } from './dialect'
import type { Message, Session, Task } from './types'

/** Sets one (agent, key) configuration: updates the newest row, inserts one when there is none. */
export async function upsertConfig(
  d: Dialect,
  x: Exec,
  agentId: string,
  key: string,
  value: string | null,
  secret: boolean,
): Promise<string> {
  await d.lockKey(x, `${agentId}\u001f${key}`)
  const now = new Date().toISOString()
  const found = await x.all(
    `SELECT "config_id" FROM ${d.t('configurations')} WHERE "agent_id" = ? AND "config_key" = ? ORDER BY "updated_at" DESC, "config_id" DESC LIMIT 1`,
    [agentId, key],
  )
  if (found[0]) {
    await x.run(`UPDATE ${d.t('configurations')} SET "config_value" = ?, "is_secret" = ?, "updated_at" = ? WHERE "config_id" = ?`, [
      value,
      secret ? 1 : 0,
      now,
      found[0].config_id,
    ])
    return String(found[0].config_id)
  }
  const rows = await x.all(
    `INSERT INTO ${d.t('configurations')} ("agent_id", "config_key", "config_value", "is_secret", "updated_at") VALUES (?, ?, ?, ?, ?) RETURNING "config_id" AS "id"`,
    [agentId, key, value, secret ? 1 : 0, now],
  )
  return String(rows[0]!.id)
}

export function toMessage(r: Row): Message {
  return {
    messageId: num(r.message_id),
    from: String(r.from_agent),
    to: strOrNull(r.to_agent),
    type: String(r.message_type),
    subject: strOrNull(r.subject),
    body: String(r.body),
    payload: parseJson(r.payload),
    isRead: bool(r.is_read),
    createdAt: iso(r.created_at),
    readAt: isoOrNull(r.read_at),
  }
}

export function toTask(r: Row): Task {
  return {
    taskId: num(r.task_id),
    agentId: strOrNull(r.agent_id),
    parentTaskId: numOrNull(r.parent_task_id),
    title: String(r.title),
    description: strOrNull(r.description),
    status: String(r.status),
    priority: num(r.priority),
    payload: parseJson(r.payload),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    completedAt: isoOrNull(r.completed_at),
  }
}

export function toSession(r: Row): Session {
  return {
    sessionId: String(r.session_id),
    agentId: String(r.agent_id),
    title: strOrNull(r.title),
    status: String(r.status),
    tokenCount: num(r.token_count),
    startedAt: iso(r.started_at),
    endedAt: isoOrNull(r.ended_at),
    summary: strOrNull(r.summary),
    metadata: parseJson(r.metadata),
  }
}
