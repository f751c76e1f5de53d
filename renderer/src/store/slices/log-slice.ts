import type { LogSlice, SliceCreator } from '../types'

/** The activity log keeps the newest lines only; the journal on disk has the rest. */
export const LOG_LIMIT = 500

export const createLogSlice: SliceCreator<LogSlice> = (set) => {
  let seq = 0
  return {
    log: [],
    appendLog(line) {
      const entry = { ...line, seq: ++seq }
      set((s) => ({
        log:
          s.log.length >= LOG_LIMIT
            ? [...s.log.slice(s.log.length - LOG_LIMIT + 1), entry]
            : [...s.log, entry],
      }))
    },
    clearLog() {
      set({ log: [] })
    },
  }
}
