/** See bundle.mjs. */
export function bundleSource(source: URL): Promise<URL | null>
export function stopBundler(): Promise<void>
