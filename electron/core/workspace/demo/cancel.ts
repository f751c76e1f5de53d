export function cancelledError(): Error & { code: string } {
  return Object.assign(new Error('Creating the demo workspace was cancelled.'), {
    code: 'CANCELLED',
  })
}

export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelledError()
}
