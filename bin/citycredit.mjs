#!/usr/bin/env node
// Entry point for `npx citycredit …` and `npm start`: runs the compiled CLI (build/cli/index.js) with plain
// Node, no tsx. The build is made first when it is missing or older than src/ (bin/build.mjs), so an edited
// source never runs as an old build; a fresh build costs one scan of src/'s modification times.
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { CLI_ENTRY, ensureBuild } from './build.mjs';

try {
  ensureBuild();
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
await import(pathToFileURL(CLI_ENTRY).href);
