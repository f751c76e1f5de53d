/** See bundle.mjs. */
export function bundleSource(source: URL): Promise<URL | null>
export function importSource(source: URL): Promise<Record<string, unknown>>
export function stopBundler(): Promise<void>
