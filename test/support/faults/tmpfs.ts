// Small tmpfs mounts for the disk-full faults (issue 8): a write past the size fails with ENOSPC,
// and a remount with a bigger size frees space without touching what is on it. Needs root (or
// CAP_SYS_ADMIN); tmpfsUnavailable() says why not, once, so the tests can skip with the reason.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

function sh(cmd: string, args: string[]): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 })
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}` }
}

/** Is `dir` a mount point now (from /proc/self/mountinfo, field 5)? */
export function isMounted(dir: string): boolean {
  const abs = resolve(dir)
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .some((l) => l.split(' ')[4] === abs)
  } catch {
    return false
  }
}

/** Mounts a tmpfs of `size` (mount's syntax: 512k, 1m …) on the existing folder `dir`. */
export function mountTmpfs(dir: string, size: string): void {
  const r = sh('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir])
  if (!r.ok) throw new Error(`mount -t tmpfs on ${dir} failed: ${r.out.trim()}`)
}

/** Grows (or shrinks) a mounted tmpfs in place; its files stay. */
export function remountTmpfs(dir: string, size: string): void {
  const r = sh('mount', ['-o', `remount,size=${size}`, dir])
  if (!r.ok) throw new Error(`remount of ${dir} failed: ${r.out.trim()}`)
}

/** Unmounts `dir` if it is mounted; a busy one is detached lazily. Never throws. */
export function unmount(dir: string): void {
  if (!isMounted(dir)) return
  if (!sh('umount', [dir]).ok) sh('umount', ['-l', dir])
}

let probed: string | null | undefined

/** Why a tmpfs cannot be mounted here (probed once with a 64 KiB mount), or null if it can. */
export function tmpfsUnavailable(): string | null {
  if (probed !== undefined) return probed
  const dir = mkdtempSync(join(tmpdir(), 'ferry-tmpfs-probe-'))
  try {
    mountTmpfs(dir, '64k')
    unmount(dir)
    probed = isMounted(dir) ? `could not unmount the probe at ${dir}` : null
  } catch (err) {
    probed = (err as Error).message
  } finally {
    if (!isMounted(dir)) rmSync(dir, { recursive: true, force: true })
  }
  if (probed) console.warn(`[tmpfs] disk-full tests are skipped: ${probed}`)
  return probed
}
