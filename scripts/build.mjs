#!/usr/bin/env node
// Bundles the GitHub Action (dist/action.js) and a standalone CLI (dist/cli.js)
// with esbuild: ESM, node20 target (runs on Node 20 and 24), every dependency
// inlined, since the Actions runner has no node_modules. Each command's module
// is imported when it runs (src/commands/index.ts), so code splitting puts it
// and what only it needs in dist/chunks/: `--help` loads commander and nothing
// else from node_modules. What a command may not use is imported at first use:
// axios (src/bounded-http.ts) and Octokit (src/github/octokit.ts) get chunks of
// their own; pino, the PromQL grammar and jsonpath-plus are CommonJS `require`d
// inside a function, which esbuild inlines as a wrapper that runs on the first
// call. test/startup/ checks all of this on a fresh build.
// pino logs synchronously, so there are no worker files.
//
// Deterministic: the same sources give byte-identical files wherever they are
// built (no timestamps, paths relative to the repository), which is what
// scripts/check-dist.mjs relies on to compare a fresh build with the committed one.
//
//   node scripts/build.mjs                 # into dist/
//   node scripts/build.mjs --outdir /tmp/x # anywhere else
//   import { buildDist } from './build.mjs'; await buildDist('/tmp/x')
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

const banner = {
  // Bundled CommonJS dependencies call require(); give ESM output one.
  js: "import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);",
};

// dist/cli.js is src/cli.ts plus what makes `node dist/cli.js …` run it: src/cli.ts
// runs itself only as `tsx src/cli.ts`, and bin/git-canary.js imports the bundle
// and calls main() itself (it is then not the program, so this does nothing).
const CLI_ENTRY = `
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { main } from './src/cli.ts';
import { setBuildId } from './src/memo.ts';
export * from './src/cli.ts';
// What this build keeps on disk is read back only by this build (src/memo.ts). Set here, in
// the entry, so that a new id changes dist/cli.js alone, not every chunk's name.
setBuildId(__GIT_CANARY_BUILD_ID__);
let isProgram = false;
try {
  isProgram = process.argv[1] !== undefined && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
} catch {}
if (isProgram) process.exitCode = await main(process.argv);
`;

/** Resolves the virtual module `git-canary:cli` to CLI_ENTRY. */
const cliEntry = {
  name: 'git-canary-cli-entry',
  setup(b) {
    b.onResolve({ filter: /^git-canary:cli$/ }, () => ({ path: 'cli', namespace: 'git-canary' }));
    b.onLoad({ filter: /.*/, namespace: 'git-canary' }, () => ({ contents: CLI_ENTRY, loader: 'ts', resolveDir: ROOT }));
  },
};

/**
 * The build's identity: a hash of every source file, package.json and the
 * installed YAML library's version. src/memo.ts keys what it keeps on disk by it, so a memo is
 * only ever read back by the code that wrote it.
 */
export function buildId() {
  const hash = createHash('sha256');
  const walk = (dir) => {
    for (const entry of readdirSync(resolve(ROOT, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else hash.update(`${path}\0`).update(readFileSync(resolve(ROOT, path))).update('\0');
    }
  };
  walk('src');
  // And the YAML library the bundle inlines (its parse decides the verdicts memo.ts keeps).
  for (const file of ['package.json', 'node_modules/yaml/package.json']) hash.update(readFileSync(resolve(ROOT, file)));
  return hash.digest('hex').slice(0, 16);
}

/**
 * Build both entry points and their chunks into `outdir` (emptied first).
 * Resolves with esbuild's metafile: which file went into which output, and
 * which output imports which (test/startup/ reads it).
 */
export async function buildDist(outdir = resolve(ROOT, 'dist')) {
  const out = resolve(outdir);
  // It is emptied first: never the repository or a directory holding it.
  const up = relative(out, ROOT);
  if (up === '' || (!up.startsWith('..') && !isAbsolute(up))) throw new Error(`refusing to build into ${out}`);
  rmSync(out, { recursive: true, force: true });
  const id = JSON.stringify(buildId());
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { action: 'src/action.ts', cli: 'git-canary:cli' },
    plugins: [cliEntry],
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    define: { __GIT_CANARY_BUILD_ID__: id },
    banner,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'warning',
    metafile: true,
  });
  await buildCommonJsCli(out, id);
  await writeHelp(out);
  return result.metafile;
}

// dist/cli.cjs: the same CLI as one CommonJS file, which bin/git-canary.js
// compiles through vm.Script with a V8 code cache (Node 20 has no compile
// cache for ES modules): from the second run on, a command starts without
// compiling the bundle. dist/cli.js stays what the Action shares chunks with,
// and what bin falls back to.
const CJS_ENTRY = `
import { setBuildId } from './src/memo.ts';
export { main } from './src/cli.ts';
setBuildId(__GIT_CANARY_BUILD_ID__);
`;

async function buildCommonJsCli(out, id) {
  await build({
    absWorkingDir: ROOT,
    stdin: { contents: CJS_ENTRY, loader: 'ts', resolveDir: ROOT, sourcefile: 'git-canary-cli.cjs.ts' },
    outfile: join(out, 'cli.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    // import.meta.url of the ES modules: this file's URL (its directory is dist/, like dist/cli.js's).
    define: { __GIT_CANARY_BUILD_ID__: id, 'import.meta.url': '__gcImportMetaUrl' },
    banner: { js: "const __gcImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    legalComments: 'none',
    // ASCII (non-ASCII escaped): bin reads an ASCII file as a one-byte string, about 10 ms
    // sooner than decoding UTF-8 into the two-byte string one non-ASCII character forces.
    charset: 'ascii',
    logLevel: 'warning',
  });
  escapeNonAscii(join(out, 'cli.cjs'));
}

/**
 * esbuild's `charset: 'ascii'` escapes strings and identifiers but leaves
 * comments and regular expression literals as written. Each character left is
 * written as `\uXXXX` (UTF-16 code units): text in a comment, and in a regular
 * expression literal the same character (a surrogate pair is one code point
 * under the `u` and `v` flags, as it was). Template literals are escaped by
 * esbuild already, so no String.raw sees the change.
 */
function escapeNonAscii(file) {
  const text = readFileSync(file, 'utf8');
  // Line and paragraph separators end a line comment: written as escapes they would not.
  if (/[\u2028\u2029]/.test(text)) throw new Error(`${file}: holds U+2028 or U+2029 outside strings, which cannot be escaped safely`);
  const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (ascii !== text) writeFileSync(file, ascii);
}

/**
 * `<outdir>/help.json`: what the built CLI prints for each argv that only asks
 * for help or the version (`helpInvocations()` in src/cli.ts), rendered by
 * running it with stdout a pipe (commander's width, 80, when stdout is not a
 * terminal) and nothing of this machine's environment but PATH.
 * bin/git-canary.js prints it without loading the bundle. Each distinct text
 * is stored once; `forms` maps JSON.stringify(argv) to its index.
 */
async function writeHelp(out) {
  const cli = join(out, 'cli.js');
  const run = promisify(execFile);
  // Asked of the bundle in a node of its own: this script may run under a loader (tsx, in tests).
  const list = `console.log(JSON.stringify((await import(${JSON.stringify(pathToFileURL(cli).href)})).helpInvocations()))`;
  const forms = JSON.parse((await run(process.execPath, ['--input-type=module', '-e', list], { encoding: 'utf8' })).stdout);
  const outputs = [];
  // A few at a time: each is a node start.
  for (let i = 0; i < forms.length; i += 6) {
    outputs.push(...(await Promise.all(forms.slice(i, i + 6).map(async (argv) => {
      const { stdout, stderr } = await run(process.execPath, [cli, ...argv], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
      if (stderr !== '' || stdout === '') throw new Error(`git-canary ${argv.join(' ')} printed ${JSON.stringify(stderr)} on stderr and ${stdout.length} characters on stdout`);
      return stdout;
    }))));
  }
  const texts = [...new Set(outputs)];
  const help = { forms: Object.fromEntries(forms.map((argv, i) => [JSON.stringify(argv), texts.indexOf(outputs[i])])), texts };
  writeFileSync(join(out, 'help.json'), `${JSON.stringify(help, null, 1)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `--outdir <dir>`: build elsewhere (tests, check-dist), leaving dist/ alone.
  const at = process.argv.indexOf('--outdir');
  if (at !== -1 && !process.argv[at + 1]) throw new Error('--outdir needs a directory');
  const outdir = at === -1 ? undefined : resolve(process.argv[at + 1]);
  await buildDist(outdir);
  console.log(`built ${outdir ?? 'dist'}/action.js, cli.js and chunks/`);
}
