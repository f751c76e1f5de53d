// Adds up the JSON reports of the vitest projects into one closing line: "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from 'node:fs'

const dir = 'test-results'
let passed = 0
let failed = 0
let skipped = 0
if (existsSync(dir)) {
  for (const f of readdirSync(dir).filter((n) => /^vitest-.*\.json$/.test(n))) {
    const r = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8'))
    passed += r.numPassedTests ?? 0
    failed += r.numFailedTests ?? 0
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
