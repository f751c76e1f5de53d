// Seeded randomness for the demo workspace. The same seed must give byte-identical output on
// every machine and every run, so nothing in the generator may touch Math.random or the clock.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number
  chance(probability: number): boolean
  pick<T>(items: readonly T[]): T
  hex(length: number): string
  /** A new array; the input is left alone. */
  shuffle<T>(items: readonly T[]): T[]
}

/** mulberry32: tiny, fast and good enough for sample data (not for anything secret). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * One independent stream per area (roster, events, files…), so that changing the number of
 * events leaves the agents, tasks and context files of a seed untouched.
 */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5
  const mix = (value: number): void => {
    hash ^= value >>> 0
    hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b) >>> 0
    hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35) >>> 0
    hash = (hash ^ (hash >>> 16)) >>> 0
  }
  // Seeds beyond 32 bits must not collide with their low half.
  mix(seed % 2 ** 32)
  mix(Math.floor(seed / 2 ** 32))
  for (let i = 0; i < label.length; i++) mix(label.charCodeAt(i))
  return hash
}

export function createRng(seed: number, label: string): Rng {
  const next = mulberry32(deriveSeed(seed, label))
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('pick() needs at least one item')
      return items[Math.floor(next() * items.length)] as T
    },
    hex: (length) => {
      let out = ''
      while (out.length < length) {
        out += Math.floor(next() * 2 ** 32)
          .toString(16)
          .padStart(8, '0')
      }
      return out.slice(0, length)
    },
    shuffle: <T>(items: readonly T[]): T[] => {
      const copy = items.slice()
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        const held = copy[i] as T
        copy[i] = copy[j] as T
        copy[j] = held
      }
      return copy
    },
  }
}

/** Precomputes the cumulative weights once; the event loop picks a million times. */
export function weightedPicker<T>(entries: readonly (readonly [T, number])[]): (rng: Rng) => T {
  const items = entries.map(([item]) => item)
  const cumulative: number[] = []
  let sum = 0
  for (const [, weight] of entries) {
    sum += weight
    cumulative.push(sum)
  }
  if (items.length === 0 || sum <= 0) throw new Error('weightedPicker() needs a positive weight')
  return (rng) => {
    const target = rng.next() * sum
    let lo = 0
    let hi = cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((cumulative[mid] as number) > target) hi = mid
      else lo = mid + 1
    }
    return items[lo] as T
  }
}
