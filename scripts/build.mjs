#!/usr/bin/env node
// Bundles the GitHub Action (and a standalone CLI) into dist/ with esbuild.
// One ESM file each, node20 target, every dependency inlined: the Actions
// runner has no node_modules. pino logs synchronously, so no worker files.
import { build } from 'esbuild';

const banner = {
  // Bundled CommonJS dependencies call require(); give ESM output one.
  js: "import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);",
};
const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', banner, logLevel: 'warning', legalComments: 'none' };

await build({ ...common, entryPoints: ['src/action.ts'], outfile: 'dist/action.js' });
await build({ ...common, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js' });
console.log('built dist/action.js and dist/cli.js');
