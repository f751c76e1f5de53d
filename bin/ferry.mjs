#!/usr/bin/env node
// The `ferry` command, straight from the TypeScript sources, so `npx ferry` works right after
// `npm install` with no build step: the CLI's modules bundled into one plain-JS file
// (electron/core/threads/bundle.mjs: starts in about two thirds of the time and memory of loading
// them through tsx), or through tsx if bundling fails.
import { importSource } from '../electron/core/threads/bundle.mjs'

const { main } = await importSource(new URL('../electron/cli/main.ts', import.meta.url))
const code = await main(process.argv.slice(2))
// Leave once stdout has drained, even if a library left a timer or socket behind.
process.stdout.write('', () => process.exit(code))
