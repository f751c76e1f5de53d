// The type of a column, from its declared type and the values it actually holds (profile.ts).
// A candidate that any value fails is not taken: the column keeps a safer type and the decision
// says which candidate was refused, and how many values blocked it (samples are added later).
// pgloader maps declared names only; SQLite lets any column hold anything, so we look at values.
import type { ColumnStats, NumericBounds } from './profile'
import type { PgType } from './types'

/** The note of a column with no non-NULL value: its type is the declared type's, unchecked. */
export const NO_VALUES = 'no values: the type follows the declared type'

export interface Decision {
  type: PgType
  precision: number | null
  scale: number | null
  rejected: { type: string; reason: string; count: number }[]
  notes: string[]
  forecastRejects: number
}

export type Affinity = 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC'

/** SQLite's affinity rules (sqlite.org/datatype3.html §3.1), in their order. */
export function affinityOf(declared: string): Affinity {
  const d = declared.toUpperCase()
  if (d.includes('INT')) return 'INTEGER'
  if (/CHAR|CLOB|TEXT/.test(d)) return 'TEXT'
  if (d === '' || d.includes('BLOB')) return 'BLOB'
  if (/REAL|FLOA|DOUB/.test(d)) return 'REAL'
  return 'NUMERIC'
}

/** numeric(p,s) from NUMERIC(10,2) / DECIMAL(8) — only a precision PostgreSQL accepts. */
export function declaredBounds(declared: string): NumericBounds | null {
  if (!/NUMERIC|DECIMAL/i.test(declared)) return null
  const m = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(declared)
  if (!m) return null
  const precision = Number(m[1])
  const scale = Number(m[2] ?? '0')
  if (precision < 1 || precision > 1000 || scale > precision) return null
  return { precision, scale }
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/**
 * A column declared BLOB holds bytes, kept exactly: never jsonb or timestamptz (which would rewrite
 * a value's spelling), so its values are not profiled for them either (profile.ts).
 */
export const isDeclaredBlob = (declared: string): boolean => /BLOB/i.test(declared)

export function decideType(
  declared: string,
  s: ColumnStats,
  bounds: NumericBounds | null,
): Decision {
  const aff = affinityOf(declared)
  const boolLike = /BOOL/i.test(declared)
  const decimal = /NUMERIC|DECIMAL|MONEY/i.test(declared)
  const jsonLike = /JSON/i.test(declared)
  // TIME alone (or TIME WITH TIME ZONE) is a time of day, never a timestamptz candidate.
  const timeOfDay = /\bTIME\b/i.test(declared) && !/DATE|STAMP/i.test(declared)
  const timeLike = /DATE|TIME/i.test(declared) && !timeOfDay
  const dateOnly = /\bDATE\b/i.test(declared) && !/TIME/i.test(declared)
  const blobDecl = isDeclaredBlob(declared)
  const nonNull = s.ints + s.reals + s.texts + s.blobs
  const d: Decision = {
    type: 'text',
    precision: null,
    scale: null,
    rejected: [],
    notes: [],
    forecastRejects: 0,
  }
  /** `what` completes "N values are …"; `one` "1 value is …" where the wording differs. */
  const reject = (type: string, count: number, what: string, one = what): void => {
    if (count > 0)
      d.rejected.push({
        type,
        reason: `${plural(count, 'value')} ${count === 1 ? `is ${one}` : `are ${what}`}`,
        count,
      })
  }
  const numericOrDecl = (): void => {
    d.type = 'numeric'
    if (bounds && s.fitsDeclared === s.ints + s.reals)
      [d.precision, d.scale] = [bounds.precision, bounds.scale]
    else if (bounds)
      reject(
        `numeric(${bounds.precision},${bounds.scale})`,
        s.ints + s.reals - (s.fitsDeclared ?? 0),
        'outside the declared precision or scale',
      )
  }

  if (nonNull === 0) {
    d.type = emptyType(aff, declared, { boolLike, decimal, jsonLike, timeLike, dateOnly })
    if (d.type === 'numeric' && bounds) [d.precision, d.scale] = [bounds.precision, bounds.scale]
    d.notes.push(NO_VALUES)
    return d
  }
  // Declared BLOB: bytes, kept exactly — never jsonb or a timestamp, which would rewrite a value
  // (whitespace, key order). Text only: text. Text next to blobs (a raw line that was valid UTF-8
  // next to one that was not, as Ferry's own importer stores them): bytea, the text as its UTF-8
  // bytes, where text would send the blob rows to the reject log.
  if (blobDecl && s.ints + s.reals === 0) {
    if (s.blobs === 0) {
      d.notes.push('declared BLOB, only text values: kept as text, exactly (never jsonb)')
      return d
    }
    if (s.texts > 0)
      d.notes.push(
        `declared BLOB: ${plural(s.texts, 'text value')} among blobs stored as ${s.texts === 1 ? 'its' : 'their'} UTF-8 bytes, unchanged (convert_from(column, 'UTF8') reads them as text)`,
      )
    return { ...d, type: 'bytea' }
  }
  if (s.blobs > 0) {
    if (s.blobs === nonNull) return { ...d, type: 'bytea' }
    // Declared BLOB, numbers among the bytes: whichever type sends fewer rows to the reject log —
    // bytea (every blob and text kept, the numbers rejected) unless the numbers outnumber them.
    if (blobDecl && s.ints + s.reals <= s.blobs + s.texts) {
      d.forecastRejects = s.ints + s.reals
      d.notes.push(
        `declared BLOB: ${plural(s.ints + s.reals, 'number')} among ${plural(s.blobs + s.texts, 'blob or text value')}: bytea keeps the others, those rows go to the reject log (--type table.column=text keeps the numbers and rejects the blobs instead)`,
      )
      return { ...d, type: 'bytea' }
    }
    d.forecastRejects = s.blobs
    // bytea would take text too (as its UTF-8 bytes), but not numbers; a column not declared
    // BLOB keeps its text readable, and the blobs wait in the reject log.
    reject('bytea', s.ints + s.reals, 'numbers', 'a number')
    d.notes.push(
      `${plural(s.blobs, 'blob value')} in a column of other values: those rows go to the reject log${s.ints + s.reals ? '' : ' (--type table.column=bytea keeps every value, text as its UTF-8 bytes)'}`,
    )
    if (s.ints + s.reals > 0) d.notes.push(numbersAsText(s.ints + s.reals))
    return d
  }
  if (s.texts === 0) {
    if (s.reals === 0 && boolLike && s.zeroOne === s.ints) return { ...d, type: 'boolean' }
    if (boolLike) reject('boolean', s.ints + s.reals - s.zeroOne, 'not 0 or 1')
    if (decimal) {
      numericOrDecl()
      return d
    }
    if (s.reals === 0) return { ...d, type: 'bigint' }
    if (aff === 'INTEGER')
      reject('bigint', s.reals, 'real numbers (not integers)', 'a real number (not an integer)')
    if (aff === 'INTEGER' || (s.ints > 0 && aff !== 'REAL')) {
      d.notes.push(
        `${plural(s.reals, 'real value')}${s.ints ? ' and integers' : ''}: numeric keeps them exactly`,
      )
      return { ...d, type: 'numeric' }
    }
    if (s.hugeInts > 0) {
      reject(
        'double precision',
        s.hugeInts,
        'integers beyond ±2^53 (not exact in double precision)',
      )
      return { ...d, type: 'numeric' }
    }
    return { ...d, type: 'double precision' }
  }
  // Text values present.
  if (s.texts === nonNull) {
    if (s.json === nonNull) return { ...d, type: 'jsonb' }
    // Whether any were written without an offset (read as UTC) is counted by translate.ts.
    if (s.timestamps === nonNull) return { ...d, type: 'timestamptz' }
  }
  // A column declared (or mostly holding) JSON or times says which values kept it text — numbers
  // among the text too (a DATETIME column holding both '2020-01-01 10:00' and 1600000000).
  const numbers = s.ints + s.reals > 0
  if (!blobDecl && (jsonLike || s.json * 2 >= nonNull))
    reject(
      'jsonb',
      nonNull - s.json,
      `${numbers ? 'numbers, or text that is not' : 'not'} valid JSON objects or arrays, or ones jsonb would change (a duplicate key, \\u0000)`,
      `${numbers ? 'a number, or text that is not' : 'not'} a valid JSON object or array, or one jsonb would change (a duplicate key, \\u0000)`,
    )
  if (!blobDecl && (timeLike || s.timestamps * 2 >= nonNull))
    reject(
      'timestamptz',
      nonNull - s.timestamps,
      `${numbers ? 'numbers, or text that is not' : 'not'} ISO-8601 timestamps PostgreSQL stores unchanged`,
      `${numbers ? 'a number, or text that is not' : 'not'} an ISO-8601 timestamp PostgreSQL stores unchanged`,
    )
  // The count covers every value that blocks the candidate, as the sample rows do.
  const notZeroOne = s.ints + s.reals - s.zeroOne
  if (aff === 'INTEGER')
    reject('bigint', s.texts + s.reals, s.reals ? 'text or real numbers' : 'text')
  else if (aff === 'REAL') reject('double precision', s.texts, 'text')
  else if (decimal) {
    // The sample rows (profile.ts BLOCKS) also hold numbers outside a declared numeric(p,s).
    const unfit = bounds ? s.ints + s.reals - (s.fitsDeclared ?? 0) : 0
    reject(
      'numeric',
      s.texts + unfit,
      unfit ? 'text or numbers outside the declared precision or scale' : 'text',
    )
  } else if (boolLike)
    reject(
      'boolean',
      s.texts + notZeroOne,
      notZeroOne ? 'text or numbers other than 0 and 1' : 'text',
    )
  if (s.ints + s.reals > 0) d.notes.push(numbersAsText(s.ints + s.reals))
  return d
}

const numbersAsText = (n: number): string =>
  `${plural(n, 'number')} among text values: written as their text form (integers exactly, reals as PostgreSQL prints a double)`

function emptyType(
  aff: Affinity,
  declared: string,
  h: {
    boolLike: boolean
    decimal: boolean
    jsonLike: boolean
    timeLike: boolean
    dateOnly: boolean
  },
): PgType {
  if (h.boolLike) return 'boolean'
  if (h.jsonLike) return 'jsonb'
  if (h.dateOnly) return 'date'
  if (h.timeLike) return 'timestamptz'
  if (h.decimal) return 'numeric'
  if (aff === 'INTEGER') return 'bigint'
  if (aff === 'REAL') return 'double precision'
  // NUMERIC affinity is also what SQLite gives any name it does not know (STRING, TIME, UUID):
  // with no value to go by, only a numeric-sounding name makes a column numeric.
  if (aff === 'NUMERIC') return /NUMBER/i.test(declared) ? 'numeric' : 'text'
  return /BLOB/i.test(declared) ? 'bytea' : 'text'
}

export function typeSql(type: PgType, precision: number | null, scale: number | null): string {
  return type === 'numeric' && precision !== null ? `numeric(${precision},${scale ?? 0})` : type
}
