/**
 * GitHub Action entry point (action.yml runs the bundle of this file, dist/action.js).
 * Thin on purpose: run() maps the inputs to the command table the CLI uses.
 * Importing this module runs nothing; only running it as the program does.
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { run } from './action/run.ts';

export { run };

function isEntry(): boolean {
  const program = process.argv[1];
  if (!program) return false;
  try {
    return pathToFileURL(realpathSync(program)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (isEntry()) {
  run().then((code) => {
    process.exitCode = code;
  });
}
