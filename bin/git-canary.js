#!/usr/bin/env node
// The git-canary CLI. Runs the esbuild bundle (`npm run build`) when it is
// newer than every source file, else the TypeScript sources through tsx, so
// the command is never older than the code next to it. The bundle runs as
// dist/cli.cjs with a V8 code cache (loadWithCodeCache), or as the ES modules
// of dist/cli.js when that cannot load or GIT_CANARY_CODE_CACHE=0. Help and
// the version come from dist/help.json (rendered from the bundle by the
// build) without loading the bundle at all.
//
// CommonJS (bin/package.json): an ES module entry costs Node ~9 ms more to
// start, which is most of what printing help costs.
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
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
  // Arguments first: asking whether stdout is a terminal creates the stream (milliseconds).
  if (args.length === 0 || args.length > 2 || process.stdout.isTTY) return undefined;
  try {
    const { forms, texts } = JSON.parse(readFileSync(join(root, 'dist', 'help.json'), 'utf8'));
    const i = forms[JSON.stringify(args)];
    return typeof i === 'number' ? texts[i] : undefined;
  } catch {
    return undefined;
  }
}

/** Where compiled code is kept: `$GIT_CANARY_CACHE/v8`, else the XDG cache's or ~/.cache's git-canary/v8 (as for remotes). */
function codeCacheDir() {
  const env = process.env;
  const base = env.GIT_CANARY_CACHE || join(env.XDG_CACHE_HOME || join(require('node:os').homedir(), '.cache'), 'git-canary');
  return join(base, 'v8');
}

/**
 * dist/cli.cjs (the CLI as one CommonJS file) compiled through vm.Script with
 * a V8 code cache, so that from the second run on nothing of the bundle is
 * compiled again (about 60 ms of every command on Node 20, which has no
 * compile cache for ES modules). The cache file is named by the bundle's
 * size, mtime and inode and by Node's version: V8 itself checks only the
 * source's length, so another bundle must never find this one's cache. A
 * cache V8 rejects is rewritten; one that cannot be written is skipped.
 * Returns the bundle's main and `save`, to call once the command has run (the
 * cache then also holds every function it compiled); undefined when there is
 * no dist/cli.cjs or it cannot load, and then the ES module bundle runs.
 */
function loadWithCodeCache() {
  const vm = require('node:vm');
  const Module = require('node:module');
  const file = join(root, 'dist', 'cli.cjs');
  let source;
  let st;
  try {
    st = statSync(file);
    // The build writes it in ASCII: read as a one-byte string, ~10 ms sooner than decoding UTF-8.
    const bytes = readFileSync(file);
    source = require('node:buffer').isAscii?.(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.toString('utf8');
  } catch {
    return undefined;
  }
  // One cache per command (its first plain word): each holds the functions that command compiled.
  const command = process.argv.slice(2).find((a) => /^[a-z][a-z-]{0,19}$/.test(a)) ?? 'none';
  const bundleId = `${st.size}-${Math.trunc(st.mtimeMs)}-${st.ino}-${process.version}-${process.arch}`;
  const cachePath = join(codeCacheDir(), `cli-${command}-${bundleId}.bin`);
  // The file is a SHA-256 of the data, then the data: V8 checks a code cache's header, not its
  // payload, so damaged bytes are caught here and never handed to it.
  const digest = (data) => require('node:crypto').createHash('sha256').update(data).digest();
  let cachedData;
  try {
    const kept = readFileSync(cachePath);
    const data = kept.subarray(32);
    if (kept.length > 32 && digest(data).equals(kept.subarray(0, 32))) cachedData = data;
  } catch {}
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, dirname(file));
  const save = () => {
    if (cachedData && !script.cachedDataRejected) return;
    const tmp = `${cachePath}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(cachePath), { recursive: true });
      const data = script.createCachedData();
      writeFileSync(tmp, Buffer.concat([digest(data), data]));
      renameSync(tmp, cachePath);
      // Caches of other bundles (an older build, another Node) are not read by this one: gone.
      for (const name of readdirSync(dirname(cachePath))) {
        if (/^cli-.*\.bin$/.test(name) && !name.endsWith(`-${bundleId}.bin`)) rmSync(join(dirname(cachePath), name), { force: true });
      }
    } catch {
      try {
        rmSync(tmp, { force: true });
      } catch {}
    }
  };
  return { main: mod.exports.main, save };
}

/** Load the bundle (or the sources) and run the command; resolves with the exit code. */
async function run() {
  // Node 22.1+ keeps compiled ES modules on disk too (os.tmpdir()/node-compile-cache, or
  // NODE_COMPILE_CACHE; NODE_DISABLE_COMPILE_CACHE=1 turns it off): for the fallback below.
  require('node:module').enableCompileCache?.();
  let main;
  if (fresh) {
    const cjs = process.env.GIT_CANARY_CODE_CACHE === '0' ? undefined : loadWithCodeCache();
    if (cjs) {
      try {
        return await cjs.main(process.argv);
      } finally {
        cjs.save();
      }
    }
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
if (text !== undefined) {
  // A reader that stopped early (`git-canary --help | head -1`) is not an error worth a stack trace.
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
  });
  process.stdout.write(text);
}
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
