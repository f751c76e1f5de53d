// The typical workload (../workload/queries.ts) translated to PostgreSQL, kept as data beside the
// SQLite text so a reviewer can read both and see exactly what ran where. Every relation is
// schema-qualified with the schema p3.migrate creates ("agent_memory"); identifiers are quoted;
// parameters are $n. A unit test checks that every workload query has a translation here with the
// same number of parameters, and the benchmark runs these texts, nothing generated on the fly.
import { AGENT_MEMORY_SCHEMA } from '../pgmigrate/steps'

const S = `"${AGENT_MEMORY_SCHEMA}"`

/** Query name → PostgreSQL text. */
export const PG_WORKLOAD: Readonly<Record<string, string>> = {
  agent_recent_events: `SELECT "event_id", "event_type", "level", "message", "created_at" FROM ${S}."events" WHERE "agent_id" = $1 ORDER BY "created_at" DESC, "event_id" DESC LIMIT 50`,
  agent_recent_errors: `SELECT "event_id", "event_type", "message", "created_at" FROM ${S}."events" WHERE "agent_id" = $1 AND "level" = 'error' ORDER BY "created_at" DESC, "event_id" DESC LIMIT 20`,
  recent_events: `SELECT "event_id", "agent_id", "event_type", "level", "created_at" FROM ${S}."events" ORDER BY "created_at" DESC, "event_id" DESC LIMIT 50`,
  agent_open_tasks: `SELECT "task_id", "title", "status", "priority", "created_at" FROM ${S}."tasks" WHERE "agent_id" = $1 AND "status" IN ('pending', 'in_progress', 'blocked') ORDER BY "priority", "created_at", "task_id"`,
  task_children: `SELECT "task_id", "title", "status", "created_at" FROM ${S}."tasks" WHERE "parent_task_id" = $1 ORDER BY "task_id"`,
  // is_read may have become boolean (p3.migrate types columns from the data): ::int reads both.
  agent_unread_messages: `SELECT "message_id", "from_agent", "message_type", "subject", "created_at" FROM ${S}."agent_messages" WHERE "to_agent" = $1 AND "is_read"::int = 0 ORDER BY "created_at" DESC, "message_id" DESC`,
  session_latest_snapshot: `SELECT "snapshot_id", "snapshot_type", "content_size", "checksum", "created_at" FROM ${S}."memory_snapshots" WHERE "session_id" = $1 ORDER BY "created_at" DESC, "snapshot_id" DESC LIMIT 1`,
  task_metrics: `SELECT "metric_id", "metric_name", "metric_value", "unit", "recorded_at" FROM ${S}."performance_metrics" WHERE "task_id" = $1 ORDER BY "recorded_at", "metric_id"`,
  agent_pull_requests: `SELECT "pr_id", "number", "title", "status", "created_at" FROM ${S}."pull_requests" WHERE "author_agent" = $1 ORDER BY "created_at" DESC, "pr_id" DESC`,
  agent_configuration: `SELECT "config_key", "config_value", "is_secret", "updated_at" FROM ${S}."configurations" WHERE "agent_id" = $1 ORDER BY "config_key", "config_id"`,
  agent_active_sessions: `SELECT "session_id", "title", "token_count", "started_at" FROM ${S}."context_sessions" WHERE "agent_id" = $1 AND "status" = 'active' ORDER BY "started_at" DESC, "session_id"`,
  agent_git_state: `SELECT "repository", "branch_name", "head_commit", "is_dirty", "recorded_at" FROM ${S}."git_state" WHERE "agent_id" = $1 ORDER BY "recorded_at" DESC, "id" DESC LIMIT 1`,
  project_task_list: `SELECT t."task_id", t."title", t."status", pt."position" FROM ${S}."project_tasks" pt JOIN ${S}."tasks" t ON t."task_id" = pt."task_id" WHERE pt."project_id" = $1 ORDER BY pt."position", pt."id"`,
  project_latest_checkpoint: `SELECT "checkpoint_id", "name", "git_commit", "created_at" FROM ${S}."checkpoints" WHERE "project_id" = $1 ORDER BY "created_at" DESC, "checkpoint_id" DESC LIMIT 1`,
  agent_status: `SELECT "agent_id", "agent_type", "status", "last_activity" FROM ${S}."agents" WHERE "agent_id" = $1`,
}

/** How many distinct $n parameters a text uses (for the data check). */
export function pgParamCount(sql: string): number {
  const seen = new Set(Array.from(sql.matchAll(/\$(\d+)/g), (m) => m[1]))
  return seen.size
}
