// A hostile agent for the symlink-swap race (plain Node): swaps workspace entries between the real
// thing and a symbolic link to a canary outside the workspace, over and over, until SIGTERM.
//   node swapper.mjs <stage-dir> <spec.json>
// spec: [{ path, kind: 'file', real: <text>, link: <target> } | { path, kind: 'dir', link: <target> }]
// Files are swapped atomically (rename over); a folder is moved aside and a link put in its place.
// Prints "swapping" once started and the number of swaps on exit.
import { readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const [stage, specFile] = process.argv.slice(2)
const spec = JSON.parse(readFileSync(specFile, 'utf8'))
let swaps = 0
let stop = false
process.on('SIGTERM', () => (stop = true))

function toLink(e, i) {
  const tmp = join(stage, `link-${i}`)
  rmSync(tmp, { force: true })
  symlinkSync(e.link, tmp)
  if (e.kind === 'dir') renameSync(e.path, join(stage, `dir-${i}`))
  renameSync(tmp, e.path)
}

function toReal(e, i) {
  if (e.kind === 'dir') {
    rmSync(e.path, { force: true })
    renameSync(join(stage, `dir-${i}`), e.path)
    return
  }
  const tmp = join(stage, `real-${i}`)
  writeFileSync(tmp, e.real)
  renameSync(tmp, e.path)
}

process.stdout.write('swapping\n')
// Synchronous bursts with a yield between them, so SIGTERM is seen.
const burst = () => {
  for (let k = 0; k < 50 && !stop; k++) {
    spec.forEach((e, i) => (swaps % 2 === 0 ? toLink(e, i) : toReal(e, i)))
    swaps++
  }
  if (!stop) return setImmediate(burst)
  // Leave every entry real, then report.
  if (swaps % 2 === 1) spec.forEach((e, i) => toReal(e, i))
  process.stdout.write(`swaps=${swaps}\n`)
  process.exit(0)
}
burst()
