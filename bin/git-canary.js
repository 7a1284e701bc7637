#!/usr/bin/env node
// The git-canary CLI. Runs the esbuild bundle (dist/cli.js, `npm run build`)
// when it is newer than every source file, else the TypeScript sources through
// tsx, so the command is never older than the code next to it. Help and the
// version come from dist/help.json (rendered from the bundle by the build)
// without loading the bundle at all.
//
// CommonJS (bin/package.json): an ES module entry costs Node ~9 ms more to
// start, which is most of what printing help costs. The bundle stays ESM.
const { existsSync, readdirSync, readFileSync, statSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const root = join(__dirname, '..');
const bundle = join(root, 'dist', 'cli.js');

/**
 * Whether a file under `dir` changed after `since` (ms). Every file is stat'ed:
 * editing a file changes its own mtime, not its directory's. It runs on every
 * start, so it is kept lean (~3 ms for 200 files, half of a path.join version):
 * no path.join, and it stops at the first newer file.
 */
function changedSince(dir, since) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = `${dir}/${entry.name}`;
    if (entry.isDirectory() ? changedSince(p, since) : statSync(p).mtimeMs > since) return true;
  }
  return false;
}

function bundleIsFresh() {
  const built = statSync(bundle, { throwIfNoEntry: false });
  if (!built) return false;
  const src = join(root, 'src');
  return !existsSync(src) || !changedSince(src, built.mtimeMs);
}

/**
 * What the bundle would print for `args` when they only ask for help or the
 * version, from dist/help.json; undefined otherwise. Not for a terminal:
 * commander wraps help to its width, and the texts were rendered for a pipe.
 */
function preRendered(args) {
  if (process.stdout.isTTY || args.length === 0 || args.length > 2) return undefined;
  try {
    const { forms, texts } = JSON.parse(readFileSync(join(root, 'dist', 'help.json'), 'utf8'));
    const i = forms[JSON.stringify(args)];
    return typeof i === 'number' ? texts[i] : undefined;
  } catch {
    return undefined;
  }
}

/** Load the bundle (or the sources) and run the command; resolves with the exit code. */
async function run() {
  // Node 22.1+ keeps the compiled bundle on disk (os.tmpdir()/node-compile-cache, or
  // NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): a command starts
  // about 60 ms sooner from the second run on. Node 20 has no such cache.
  require('node:module').enableCompileCache?.();
  let main;
  if (fresh) {
    ({ main } = await import(pathToFileURL(bundle).href));
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    ({ main } = await import(pathToFileURL(join(root, 'src', 'cli.ts')).href));
  }
  return main(process.argv);
}

const fresh = bundleIsFresh();
const text = fresh ? preRendered(process.argv.slice(2)) : undefined;
if (text !== undefined) process.stdout.write(text);
else {
  run().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      // main() reports its own errors; this is a bundle or sources that cannot load.
      console.error(err);
      process.exitCode = 1;
    },
  );
}
