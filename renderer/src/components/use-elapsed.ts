import { useEffect, useState } from 'react'

/** Seconds since `active` became true, ticking once a second; 0 while inactive. For calls that
 * report no progress of their own (creating the demo workspace, verifying, restoring). */
export function useElapsed(active: boolean): number {
  const [seconds, setSeconds] = useState(0)
  useEffect(() => {
    if (!active) return
    const started = Date.now()
    setSeconds(0)
    const timer = setInterval(() => setSeconds(Math.round((Date.now() - started) / 1000)), 1000)
    return () => clearInterval(timer)
  }, [active])
  return active ? seconds : 0
}
