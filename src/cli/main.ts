#!/usr/bin/env node
import { main } from './dispatch.js'

// The bin: everything testable lives in dispatch.ts; this file only binds the real process.
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
})
