// A parsed YAML document's value, with the limit on alias expansion that stops a "billion laughs"
// document (nine anchors of nine aliases each: 9^9 strings from a few hundred bytes). The yaml
// library throws when the limit is passed; callers turn that into the file's parse problem, so
// one hostile file never stops an inventory or an import.
import type { Document } from 'yaml'

/** Aliases a document may resolve, per the yaml library's count (its own default is 100). */
const MAX_ALIAS_COUNT = 100

export function yamlValue(doc: Pick<Document, 'toJS'>): unknown {
  return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT })
}

/** Why yamlValue threw, for a parse problem: never the file's content. */
export function yamlValueError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err)
  if (/alias count/i.test(msg))
    return 'uses aliases that would expand beyond any reasonable size (a "billion laughs" document): not read'
  return `cannot be turned into values: ${msg.split('\n')[0] ?? ''}`
}
