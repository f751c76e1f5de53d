// Delta sync tests' source: an agent-style SQLite file (agents with last_activity, tasks with
// updated_at, an append-only events log, a keyless notes table) and what an agent writes to it
// while the copy runs: 100 new events, 5 agents and 3 tasks touched per round.
import Database from 'better-sqlite3'

const ts = (minute: number): string =>
  new Date(Date.UTC(2026, 10, 29, 10, 0, 0) + minute * 60_000).toISOString()

export function makeAgentDb(file: string): void {
  const db = new Database(file)
  db.exec(`
    CREATE TABLE agents (id TEXT PRIMARY KEY, name TEXT NOT NULL, status TEXT NOT NULL, last_activity TEXT);
    CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, status TEXT NOT NULL, updated_at TEXT NOT NULL);
    CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, agent_id TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT, created_at TEXT NOT NULL);
    CREATE TABLE notes (body TEXT);`)
  const a = db.prepare('INSERT INTO agents VALUES (?, ?, ?, ?)')
  const t = db.prepare('INSERT INTO tasks (title, status, updated_at) VALUES (?, ?, ?)')
  const e = db.prepare('INSERT INTO events (agent_id, kind, payload, created_at) VALUES (?, ?, ?, ?)')
  db.transaction(() => {
    for (let i = 0; i < 20; i++) a.run(`agent-${i}`, `Agent ${i}`, 'idle', ts(i))
    for (let i = 0; i < 60; i++) t.run(`task ${i}`, 'open', ts(i))
    for (let i = 0; i < 1500; i++)
      e.run(`agent-${i % 20}`, 'tool_call', JSON.stringify({ n: i }), ts(i % 60))
    for (let i = 0; i < 10; i++) db.prepare('INSERT INTO notes VALUES (?)').run(`note ${i}`)
  })()
  db.close()
}

/** What an agent does while the copy runs: new events, agents and tasks touched. */
export function agentWrites(file: string, round: number): void {
  const db = new Database(file)
  const e = db.prepare('INSERT INTO events (agent_id, kind, payload, created_at) VALUES (?, ?, ?, ?)')
  db.transaction(() => {
    for (let i = 0; i < 100; i++)
      e.run(`agent-${i % 20}`, 'message', JSON.stringify({ round, i }), ts(1000 * round + i))
    for (let i = 0; i < 5; i++)
      db.prepare('UPDATE agents SET status = ?, last_activity = ? WHERE id = ?').run(
        `busy-${round}`,
        ts(1000 * round + i),
        `agent-${i + 5 * round}`,
      )
    for (let i = 0; i < 3; i++)
      db.prepare('UPDATE tasks SET status = ?, updated_at = ? WHERE id = ?').run(
        `done-${round}`,
        ts(1000 * round + i),
        10 * round + i + 1,
      )
  })()
  db.close()
}

