// The state.db a running agent system would have grown: foreign keys declared but never indexed
// (that is what the plan's phase 1 fixes), no CHECK on agents.status (so a stray value got in),
// JSON kept as TEXT, timestamps as ISO-8601 TEXT, booleans as 0/1 INTEGER.

/** The 13 tables of the plan, in an order where referenced tables come first. */
export const DEMO_TABLES = [
  'agents',
  'projects',
  'tasks',
  'project_tasks',
  'checkpoints',
  'agent_messages',
  'context_sessions',
  'memory_snapshots',
  'performance_metrics',
  'git_state',
  'pull_requests',
  'configurations',
  'events',
] as const
export type DemoTable = (typeof DEMO_TABLES)[number]

/** Exactly the columns of the plan's index list; the demo leaves every one of them unindexed. */
export const DEMO_FOREIGN_KEYS: readonly (readonly [DemoTable, string])[] = [
  ['tasks', 'agent_id'],
  ['tasks', 'parent_task_id'],
  ['agent_messages', 'from_agent'],
  ['agent_messages', 'to_agent'],
  ['memory_snapshots', 'session_id'],
  ['context_sessions', 'agent_id'],
  ['performance_metrics', 'agent_id'],
  ['performance_metrics', 'task_id'],
  ['git_state', 'agent_id'],
  ['pull_requests', 'author_agent'],
  ['configurations', 'agent_id'],
  ['events', 'agent_id'],
  ['project_tasks', 'project_id'],
  ['project_tasks', 'task_id'],
  ['checkpoints', 'project_id'],
]

export const DEMO_SCHEMA_SQL = `
CREATE TABLE agents (
  agent_id TEXT PRIMARY KEY,
  agent_type TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'idle',
  worktree_path TEXT,
  branch_name TEXT,
  created_at TEXT DEFAULT CURRENT_TIMESTAMP,
  last_activity TEXT DEFAULT CURRENT_TIMESTAMP,
  configuration TEXT
);

CREATE TABLE projects (
  project_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  repository_url TEXT,
  settings TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE tasks (
  task_id INTEGER PRIMARY KEY,
  agent_id TEXT REFERENCES agents(agent_id),
  parent_task_id INTEGER REFERENCES tasks(task_id),
  title TEXT NOT NULL,
  description TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  priority INTEGER NOT NULL DEFAULT 3,
  payload TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX idx_tasks_status ON tasks(status);

CREATE TABLE project_tasks (
  id INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  task_id INTEGER NOT NULL REFERENCES tasks(task_id),
  position INTEGER NOT NULL,
  added_at TEXT NOT NULL
);

CREATE TABLE checkpoints (
  checkpoint_id INTEGER PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(project_id),
  name TEXT NOT NULL,
  description TEXT,
  state TEXT,
  git_commit TEXT,
  is_automatic INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE agent_messages (
  message_id INTEGER PRIMARY KEY,
  from_agent TEXT NOT NULL REFERENCES agents(agent_id),
  to_agent TEXT REFERENCES agents(agent_id),
  message_type TEXT NOT NULL,
  subject TEXT,
  body TEXT NOT NULL,
  payload TEXT,
  is_read INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  read_at TEXT
);

CREATE TABLE context_sessions (
  session_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(agent_id),
  title TEXT,
  status TEXT NOT NULL DEFAULT 'active',
  token_count INTEGER NOT NULL DEFAULT 0,
  started_at TEXT NOT NULL,
  ended_at TEXT,
  summary TEXT,
  metadata TEXT
);

CREATE TABLE memory_snapshots (
  snapshot_id INTEGER PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES context_sessions(session_id),
  snapshot_type TEXT NOT NULL,
  content TEXT NOT NULL,
  content_size INTEGER NOT NULL,
  checksum TEXT NOT NULL,
  is_pinned INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);

CREATE TABLE performance_metrics (
  metric_id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(agent_id),
  task_id INTEGER REFERENCES tasks(task_id),
  metric_name TEXT NOT NULL,
  metric_value REAL NOT NULL,
  unit TEXT,
  tags TEXT,
  recorded_at TEXT NOT NULL
);

CREATE TABLE git_state (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(agent_id),
  repository TEXT NOT NULL,
  branch_name TEXT NOT NULL,
  head_commit TEXT NOT NULL,
  base_commit TEXT,
  ahead_by INTEGER NOT NULL DEFAULT 0,
  behind_by INTEGER NOT NULL DEFAULT 0,
  is_dirty INTEGER NOT NULL DEFAULT 0,
  uncommitted_files INTEGER NOT NULL DEFAULT 0,
  recorded_at TEXT NOT NULL
);

CREATE TABLE pull_requests (
  pr_id INTEGER PRIMARY KEY,
  number INTEGER NOT NULL,
  author_agent TEXT NOT NULL REFERENCES agents(agent_id),
  title TEXT NOT NULL,
  branch_name TEXT NOT NULL,
  base_branch TEXT NOT NULL DEFAULT 'main',
  status TEXT NOT NULL,
  is_draft INTEGER NOT NULL DEFAULT 0,
  additions INTEGER NOT NULL DEFAULT 0,
  deletions INTEGER NOT NULL DEFAULT 0,
  labels TEXT,
  url TEXT,
  created_at TEXT NOT NULL,
  merged_at TEXT
);

CREATE TABLE configurations (
  config_id INTEGER PRIMARY KEY,
  agent_id TEXT REFERENCES agents(agent_id),
  config_key TEXT NOT NULL,
  config_value TEXT,
  is_secret INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);

CREATE TABLE events (
  event_id INTEGER PRIMARY KEY,
  agent_id TEXT REFERENCES agents(agent_id),
  event_type TEXT NOT NULL,
  level TEXT NOT NULL DEFAULT 'info',
  message TEXT,
  payload TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX idx_events_created_at ON events(created_at);
`
