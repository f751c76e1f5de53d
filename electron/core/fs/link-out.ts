// A workspace database reached through a symbolic link that leads out of the folder holding it
// (.claude/state.db → /elsewhere/state.db): Ferry never reads nor writes through it (RELIABILITY
// rule 9). A backup keeps such a link as a link, not the database behind it, so a change made
// through it could not be undone from the backup; a read would take data from outside the
// workspace. A link to a file beside it (.claude/state.db → .claude/dbs/state.db) is fine: that
// file is inside .claude/ and backed up as itself.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs'
import { dirname, sep } from 'node:path'
import { FerryError } from '../../../shared/contract/envelope'

export function refuseLinkOut(path: string): void {
  let isLink: boolean
  try {
    isLink = lstatSync(path).isSymbolicLink()
  } catch {
    return // Missing: whoever opens it says so.
  }
  if (!isLink) return
  const target = (() => {
    try {
      return readlinkSync(path)
    } catch {
      return '(unreadable)'
    }
  })()
  let inside: boolean
  try {
    const folder = realpathSync(dirname(path))
    inside = realpathSync(path).startsWith(folder + sep)
  } catch {
    inside = false // A dangling link leads nowhere Ferry may go.
  }
  if (inside) return
  throw new FerryError(
    'LINK_OUT_OF_WORKSPACE',
    `${path} is a symbolic link to ${target}, outside the folder that holds it: Ferry never reads or changes a database through a link out of the workspace`,
    'A backup keeps the link, not the database behind it, so nothing done through it could be undone. Move the database to this path (in place of the link), then run the step again. Nothing was read or changed.',
  )
}
