// Builds the renderer into dist/renderer with relative asset paths, so the same files load from
// file:// in Electron and from `ferry serve` in a browser. Run from the repo root:
//   vite build --config renderer/vite.config.ts
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or data: modules: the CSP allows script-src 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
})
