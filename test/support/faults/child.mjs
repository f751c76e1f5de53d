// Child processes for the fault tests (plain Node, no TypeScript): another program touching the
// same SQLite file as Ferry, the way an agent does.
//   node child.mjs lock  <db> <ms> [immediate|exclusive]  BEGIN …, print "locked", hold <ms>, ROLLBACK
//   node child.mjs agent <db> <out>   insert a row every 20 ms into agent_writes until SIGTERM,
//                                     then write {writes, errors, latencies[]} to <out>
import { writeFileSync } from 'node:fs'
import Database from 'better-sqlite3'

const [mode, file, arg, lockMode] = process.argv.slice(2)
const db = new Database(file)
db.pragma('busy_timeout = 10000')

if (mode === 'lock') {
  db.exec(lockMode === 'exclusive' ? 'BEGIN EXCLUSIVE' : 'BEGIN IMMEDIATE')
  db.exec('CREATE TABLE IF NOT EXISTS ferry_fault_lock (x)') // a real pending write
  process.stdout.write('locked\n')
  setTimeout(() => {
    db.exec('ROLLBACK')
    db.close()
    process.exit(0)
  }, Number(arg))
} else if (mode === 'agent') {
  db.exec(
    'CREATE TABLE IF NOT EXISTS agent_writes (id INTEGER PRIMARY KEY, at TEXT NOT NULL, note TEXT)',
  )
  const ins = db.prepare('INSERT INTO agent_writes (at, note) VALUES (?, ?)')
  const latencies = []
  let errors = 0
  let n = 0
  process.stdout.write('writing\n')
  const timer = setInterval(() => {
    const t = process.hrtime.bigint()
    try {
      ins.run(new Date().toISOString(), `agent write ${++n}`)
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6)
    } catch {
      errors++
    }
  }, 20)
  process.on('SIGTERM', () => {
    clearInterval(timer)
    db.close()
    writeFileSync(arg, JSON.stringify({ writes: latencies.length, errors, latencies }))
    process.exit(0)
  })
} else {
  process.stderr.write(`unknown mode ${mode}\n`)
  process.exit(2)
}
