// A SQLite file with the quirks SQLite allows and real databases carry: reserved words, quotes
// and mixed case in names, a name over 63 bytes, WITHOUT ROWID, composite keys, an expression
// index, a NUL byte in TEXT, non-UTF-8 bytes in an untyped column, a column with no declared type.
import Database from 'better-sqlite3'

export const LONG_NAME = 'agent_memory_consolidation_snapshot_history_entries_for_long_running_sessions'

export function createQuirkyDb(path: string): void {
  const db = new Database(path)
  // better-sqlite3 enforces foreign keys; the sqlite3 shell and most agents do not, hence orphans.
  db.pragma('foreign_keys = OFF')
  db.exec(`
    CREATE TABLE "select" ("from" INTEGER PRIMARY KEY, "where" TEXT NOT NULL DEFAULT 'x');
    CREATE TABLE "Mixed Case ""Quoted"" | pipe" (Id INTEGER PRIMARY KEY, "Value" NVARCHAR(40), untyped);
    CREATE TABLE "${LONG_NAME}" (a TEXT, b TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
    CREATE TABLE parent (id TEXT PRIMARY KEY, payload TEXT);
    CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id TEXT REFERENCES parent(id) ON DELETE CASCADE, blob BLOB);
    CREATE INDEX idx_child_expr ON child (lower(parent_id), id);
    CREATE UNIQUE INDEX "idx ""odd"" name" ON parent (payload) WHERE payload IS NOT NULL;
    CREATE VIEW v_children AS SELECT * FROM child;
    CREATE TRIGGER trg_parent AFTER INSERT ON parent BEGIN SELECT 1; END;
  `)
  const ins = db.prepare('INSERT INTO "select" ("from", "where") VALUES (?, ?)')
  for (let i = 1; i <= 7; i++) ins.run(i, `row ${i}`)
  db.prepare('INSERT INTO "Mixed Case ""Quoted"" | pipe" (Id, "Value", untyped) VALUES (?, ?, ?)').run(1, 'a\u0000b', Buffer.from([0xff, 0xfe]))
  db.prepare(`INSERT INTO "${LONG_NAME}" VALUES (?, ?)`).run('k', 'v')
  db.prepare('INSERT INTO parent VALUES (?, ?)').run('p1', '{"ok":true}')
  db.prepare('INSERT INTO child (parent_id, blob) VALUES (?, ?)').run('p1', Buffer.from('hello'))
  db.prepare('INSERT INTO child (parent_id, blob) VALUES (?, ?)').run('missing-parent', null)
  db.close()
}
