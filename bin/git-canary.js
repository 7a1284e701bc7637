#!/usr/bin/env node
// The git-canary CLI. Runs the TypeScript sources through tsx (a dependency), so
// the command can never be older than the code next to it. The GitHub Action
// runs the esbuild bundle in dist/ instead (see scripts/build.mjs).
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { main } = await import(pathToFileURL(join(root, 'src', 'cli.ts')).href);
process.exitCode = await main(process.argv);
