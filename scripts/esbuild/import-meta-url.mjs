// Injected by scripts/build-electron.mjs into modules that read import.meta.url: in the CJS
// bundle a module's URL is the bundle file's own URL (__filename is CommonJS's).
import { pathToFileURL } from 'node:url'

 
export const import_meta_url = pathToFileURL(__filename).href
