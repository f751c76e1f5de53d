// The renderer's only door to the backend: exactly { invoke, subscribe } (shared/contract RawBridge).
// Sandboxed preloads must be one CommonJS file, so scripts/build-electron.mjs bundles this one.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import type { RawBridge } from '../../shared/contract/client'

const bridge: RawBridge = {
  invoke: (method, input) => ipcRenderer.invoke('ferry:invoke', method, input),
  subscribe: (listener) => {
    const handler = (_e: IpcRendererEvent, event: string, payload: unknown) =>
      listener(event, payload)
    ipcRenderer.on('ferry:event', handler)
    return () => {
      ipcRenderer.removeListener('ferry:event', handler)
    }
  },
}

contextBridge.exposeInMainWorld('ferry', bridge)
