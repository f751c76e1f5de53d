// The typical agent workload, defined once as data: what an agent system asks its memory all day.
// Phase 1 times it on state.db before and after the indexes, Phases 2–4 on memory.db and
// PostgreSQL. SQL uses `?` parameters and portable syntax (toPostgresSql rewrites the parameters);
// a PostgreSQL variant is given where the dialects differ. Every ORDER BY ends in the key, so the
// same data gives the same rows in the same order on every backend and with or without an index.
import { codeOnly } from '../migrations/sql-scan'

export interface WorkloadQuery {
  name: string
  description: string
  sql: string
  /** PostgreSQL text where the SQLite text is not portable (with `?` parameters too). */
  pgSql?: string
  /** The tables it reads; a database without one of them skips the query. */
  tables: readonly string[]
  /**
   * Where the parameter comes from: the most frequent non-null values of this column (ties broken by
   * value), so the busiest agent, task or session is used, deterministically. null: no parameter.
   */
  pick: { table: string; column: string } | null
  /** The access path as data — equality filters, then the sort — for deriving composite indexes. */
  access: { table: string; filter: readonly string[]; sort: readonly string[] } | null
}

export const WORKLOAD: readonly WorkloadQuery[] = [
  {
    name: 'agent_recent_events',
    description: 'Latest 50 events of an agent',
    sql: 'SELECT event_id, event_type, level, message, created_at FROM events WHERE agent_id = ? ORDER BY created_at DESC, event_id DESC LIMIT 50',
    tables: ['events'],
    pick: { table: 'events', column: 'agent_id' },
    access: { table: 'events', filter: ['agent_id'], sort: ['created_at'] },
  },
  {
    name: 'agent_recent_errors',
    description: 'Latest 20 errors of an agent',
    sql: "SELECT event_id, event_type, message, created_at FROM events WHERE agent_id = ? AND level = 'error' ORDER BY created_at DESC, event_id DESC LIMIT 20",
    tables: ['events'],
    pick: { table: 'events', column: 'agent_id' },
    access: { table: 'events', filter: ['agent_id', 'level'], sort: ['created_at'] },
  },
  {
    name: 'recent_events',
    description: 'Latest 50 events of the whole system',
    sql: 'SELECT event_id, agent_id, event_type, level, created_at FROM events ORDER BY created_at DESC, event_id DESC LIMIT 50',
    tables: ['events'],
    pick: null,
    access: null,
  },
  {
    name: 'agent_open_tasks',
    description: 'Open tasks of an agent, by priority',
    sql: "SELECT task_id, title, status, priority, created_at FROM tasks WHERE agent_id = ? AND status IN ('pending', 'in_progress', 'blocked') ORDER BY priority, created_at, task_id",
    tables: ['tasks'],
    pick: { table: 'tasks', column: 'agent_id' },
    access: { table: 'tasks', filter: ['agent_id', 'status'], sort: [] },
  },
  {
    name: 'task_children',
    description: 'Subtasks of a task',
    sql: 'SELECT task_id, title, status, created_at FROM tasks WHERE parent_task_id = ? ORDER BY task_id',
    tables: ['tasks'],
    pick: { table: 'tasks', column: 'parent_task_id' },
    access: { table: 'tasks', filter: ['parent_task_id'], sort: ['task_id'] },
  },
  {
    name: 'agent_unread_messages',
    description: 'Unread messages to an agent, newest first',
    sql: 'SELECT message_id, from_agent, message_type, subject, created_at FROM agent_messages WHERE to_agent = ? AND is_read = 0 ORDER BY created_at DESC, message_id DESC',
    // is_read may become boolean in PostgreSQL; the cast reads 0/1 integers and booleans alike.
    pgSql:
      'SELECT message_id, from_agent, message_type, subject, created_at FROM agent_messages WHERE to_agent = ? AND is_read::int = 0 ORDER BY created_at DESC, message_id DESC',
    tables: ['agent_messages'],
    pick: { table: 'agent_messages', column: 'to_agent' },
    access: { table: 'agent_messages', filter: ['to_agent', 'is_read'], sort: ['created_at'] },
  },
  {
    name: 'session_latest_snapshot',
    description: 'Latest memory snapshot of a session',
    sql: 'SELECT snapshot_id, snapshot_type, content_size, checksum, created_at FROM memory_snapshots WHERE session_id = ? ORDER BY created_at DESC, snapshot_id DESC LIMIT 1',
    tables: ['memory_snapshots'],
    pick: { table: 'memory_snapshots', column: 'session_id' },
    access: { table: 'memory_snapshots', filter: ['session_id'], sort: ['created_at'] },
  },
  {
    name: 'task_metrics',
    description: 'Performance metrics of a task',
    sql: 'SELECT metric_id, metric_name, metric_value, unit, recorded_at FROM performance_metrics WHERE task_id = ? ORDER BY recorded_at, metric_id',
    tables: ['performance_metrics'],
    pick: { table: 'performance_metrics', column: 'task_id' },
    access: { table: 'performance_metrics', filter: ['task_id'], sort: ['recorded_at'] },
  },
  {
    name: 'agent_pull_requests',
    description: 'Pull requests by an author agent',
    sql: 'SELECT pr_id, number, title, status, created_at FROM pull_requests WHERE author_agent = ? ORDER BY created_at DESC, pr_id DESC',
    tables: ['pull_requests'],
    pick: { table: 'pull_requests', column: 'author_agent' },
    access: { table: 'pull_requests', filter: ['author_agent'], sort: ['created_at'] },
  },
  {
    name: 'agent_configuration',
    description: 'Configuration of an agent',
    sql: 'SELECT config_key, config_value, is_secret, updated_at FROM configurations WHERE agent_id = ? ORDER BY config_key, config_id',
    tables: ['configurations'],
    pick: { table: 'configurations', column: 'agent_id' },
    access: { table: 'configurations', filter: ['agent_id'], sort: ['config_key'] },
  },
  {
    name: 'agent_active_sessions',
    description: 'Active context sessions of an agent',
    sql: "SELECT session_id, title, token_count, started_at FROM context_sessions WHERE agent_id = ? AND status = 'active' ORDER BY started_at DESC, session_id",
    tables: ['context_sessions'],
    pick: { table: 'context_sessions', column: 'agent_id' },
    access: { table: 'context_sessions', filter: ['agent_id', 'status'], sort: ['started_at'] },
  },
  {
    name: 'agent_git_state',
    description: 'Latest git state of an agent',
    sql: 'SELECT repository, branch_name, head_commit, is_dirty, recorded_at FROM git_state WHERE agent_id = ? ORDER BY recorded_at DESC, id DESC LIMIT 1',
    tables: ['git_state'],
    pick: { table: 'git_state', column: 'agent_id' },
    access: { table: 'git_state', filter: ['agent_id'], sort: ['recorded_at'] },
  },
  {
    name: 'project_task_list',
    description: 'Tasks of a project, in order',
    sql: 'SELECT t.task_id, t.title, t.status, pt.position FROM project_tasks pt JOIN tasks t ON t.task_id = pt.task_id WHERE pt.project_id = ? ORDER BY pt.position, pt.id',
    tables: ['project_tasks', 'tasks'],
    pick: { table: 'project_tasks', column: 'project_id' },
    access: { table: 'project_tasks', filter: ['project_id'], sort: ['position'] },
  },
  {
    name: 'project_latest_checkpoint',
    description: 'Latest checkpoint of a project',
    sql: 'SELECT checkpoint_id, name, git_commit, created_at FROM checkpoints WHERE project_id = ? ORDER BY created_at DESC, checkpoint_id DESC LIMIT 1',
    tables: ['checkpoints'],
    pick: { table: 'checkpoints', column: 'project_id' },
    access: { table: 'checkpoints', filter: ['project_id'], sort: ['created_at'] },
  },
  {
    name: 'agent_status',
    description: 'Status of an agent (primary-key lookup, the control)',
    sql: 'SELECT agent_id, agent_type, status, last_activity FROM agents WHERE agent_id = ?',
    tables: ['agents'],
    pick: { table: 'agents', column: 'agent_id' },
    access: null,
  },
]

/** The text to run on PostgreSQL: the variant when there is one, with `?` rewritten to `$1, $2, …`. */
export function toPostgresSql(q: Pick<WorkloadQuery, 'sql' | 'pgSql'>): string {
  const sql = q.pgSql ?? q.sql
  const code = codeOnly(sql)
  let n = 0
  let out = ''
  for (let i = 0; i < sql.length; i++) out += code[i] === '?' ? `$${++n}` : sql[i]
  return out
}

/** The SQL that picks parameter values (portable; `LIMIT ?` is the number of values). */
export function pickSql(
  pick: { table: string; column: string },
  quote: (name: string) => string,
): string {
  const t = quote(pick.table)
  const c = quote(pick.column)
  return `SELECT ${c} FROM ${t} WHERE ${c} IS NOT NULL GROUP BY ${c} ORDER BY count(*) DESC, ${c} LIMIT ?`
}
