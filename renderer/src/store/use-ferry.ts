// How components reach the store: a React context holding the store, read through selectors.
import { createContext, useContext, useEffect, useState } from 'react'
import { useStore } from 'zustand'
import type { FerryState, FerryStore } from './types'

export const FerryStoreContext = createContext<FerryStore | null>(null)

export function useFerryStore(): FerryStore {
  const store = useContext(FerryStoreContext)
  if (!store) throw new Error('useFerry needs a FerryStoreContext.Provider above it')
  return store
}

/** Reads one slice of state; the selector must return a stable value (a field, not a new object). */
export function useFerry<T>(selector: (state: FerryState) => T): T {
  return useStore(useFerryStore(), selector)
}

/** The current time, refreshed every `intervalMs`, for relative times like "12 s ago". */
export function useNow(intervalMs = 10_000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}
