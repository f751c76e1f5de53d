// A row key as people read it: SQL literals for WITHOUT ROWID keys (the engine's tagged JSON is
// exact but unreadable), a rowid as it is, and anything else untouched.
import { describe, expect, it } from 'vitest'
import { keyText } from '../../electron/core/pgmigrate/keys'
import { keyDisplay } from '../../shared/contract/row-key'

describe('keyDisplay', () => {
  const pk = { kind: 'pk' as const, columns: ['a', 'b'] }

  it('reads a WITHOUT ROWID key as SQL literals, types kept apart', () => {
    expect(keyDisplay(keyText({ kind: 'pk', columns: ['name'] }, ["O'Brien"]))).toBe("'O''Brien'")
    expect(keyDisplay(keyText(pk, [2n, 'x']))).toBe("(2, 'x')")
    expect(keyDisplay(keyText(pk, ['2', 1.5]))).toBe("('2', 1.5)")
    expect(keyDisplay(keyText(pk, [Buffer.from([0, 255]), null]))).toBe("(x'00ff', NULL)")
    expect(keyDisplay(keyText(pk, ['a'.repeat(100), 9223372036854775807n]))).toBe(
      `('${'a'.repeat(60)}…', 9223372036854775807)`,
    )
  })

  it('leaves a rowid and anything that is not a tagged key as it is', () => {
    expect(keyDisplay(keyText({ kind: 'rowid', expr: 'rowid' }, [42n]))).toBe('42')
    expect(keyDisplay('[1, 2]')).toBe('[1, 2]')
    expect(keyDisplay('[{"t":"a","x":1}]')).toBe('[{"t":"a","x":1}]')
    expect(keyDisplay('[not json')).toBe('[not json')
  })
})
