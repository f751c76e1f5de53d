// `npm start`: run the built app in Electron, or say in one line why that is not possible here.
import process from 'node:process'
import { startElectron } from './electron-runtime.mjs'

process.exitCode = await startElectron()
