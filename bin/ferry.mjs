#!/usr/bin/env node
// The `ferry` command. TypeScript sources are loaded through tsx, so `npx ferry` works right
// after `npm install` with no build step.
import { register } from 'tsx/esm/api'

register()
const { main } = await import('../electron/cli/main.ts')
const code = await main(process.argv.slice(2))
// Leave once stdout has drained, even if a library left a timer or socket behind.
process.stdout.write('', () => process.exit(code))
