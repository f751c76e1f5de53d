-- A SQLite file shaped like the one the Phase 3 issue measured (about 590 MiB, 1.42M events with
-- JSON payloads of ~270 bytes), for `npm run bench:migrate` on wider rows than the demo's:
--   sqlite3 /tmp/wide-events.db < scripts/bench-wide-events.sql
--   npm run bench:migrate -- /tmp/wide-events.db --runs 3
-- Deterministic (no random()); about 6 s to build.
PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
CREATE TABLE agents (agent_id TEXT PRIMARY KEY, agent_type TEXT NOT NULL, status TEXT NOT NULL, configuration TEXT, last_activity TEXT);
INSERT INTO agents SELECT 'agent-' || value, CASE value % 3 WHEN 0 THEN 'frontend' WHEN 1 THEN 'backend' ELSE 'pm' END, 'active', json_object('model','claude','max_tokens',4096), '2026-10-01T00:00:00.000Z' FROM generate_series(1, 24);
CREATE TABLE events (
  event_id INTEGER PRIMARY KEY,
  agent_id TEXT REFERENCES agents(agent_id),
  event_type TEXT NOT NULL,
  level TEXT NOT NULL DEFAULT 'info',
  message TEXT,
  payload TEXT,
  created_at TEXT NOT NULL
);
INSERT INTO events (agent_id, event_type, level, message, payload, created_at)
SELECT 'agent-' || (1 + value % 24),
       CASE value % 5 WHEN 0 THEN 'tool.invoked' WHEN 1 THEN 'message.sent' WHEN 2 THEN 'task.updated' WHEN 3 THEN 'file.changed' ELSE 'context.saved' END,
       CASE WHEN value % 50 = 0 THEN 'warn' ELSE 'info' END,
       'event ' || value || ' handled by agent ' || (1 + value % 24) || ' after ' || (value % 997) || ' ms',
       json_object('tool', 'read_file', 'path', '/workspace/src/module_' || (value % 311) || '/file_' || (value % 89) || '.ts',
                   'duration_ms', value % 40000, 'exit_code', value % 3, 'tokens', json_object('in', value % 5000, 'out', value % 700),
                   'tags', json_array('agent', 'phase-' || (value % 4), 'batch-' || (value % 17)),
                   'summary', 'processed ' || (value % 113) || ' lines; ' || substr('the quick brown fox jumps over the lazy dog and keeps running across the field until dusk ', 1 + value % 40, 60 + value % 60)),
       strftime('%Y-%m-%dT%H:%M:%fZ', 1790000000 + value * 0.37, 'unixepoch')
FROM generate_series(1, 1420000);
CREATE INDEX idx_events_created_at ON events(created_at);
