/**
 * What each command of the bundle loads before it does anything: a fresh
 * build into a temp directory (scripts/build.mjs), read through esbuild's
 * metafile. An output's static imports are what Node loads with it; a dynamic
 * `import()` is a chunk loaded at first use. `--help` and `--version` load
 * commander and nothing else from node_modules; a tick loads no HTTP client,
 * no Octokit and no Action toolkit until it sends a request; pino, the PromQL
 * grammar and jsonpath-plus are inlined as CommonJS wrappers that run at their
 * first call.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Metafile } from 'esbuild';
// @ts-expect-error: a JavaScript build script without declarations
import { buildDist } from '../../scripts/build.mjs';

let dir: string;
let meta: Metafile;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'git-canary-startup-'));
  meta = (await buildDist(join(dir, 'dist'))) as Metafile;
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The npm package a bundled input comes from (`@scope/name` or `name`), or undefined for the repository's own files. */
function packageOf(input: string): string | undefined {
  return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
}

/** The output an entry point (`cli`) or a dynamically imported source file (`src/commands/tick.ts`) was built into. */
function outputOf(entry: string): string {
  const found = Object.entries(meta.outputs).find(([path, o]) =>
    entry.includes('/') ? o.entryPoint === entry : path.endsWith(`/dist/${entry}.js`) && o.entryPoint !== undefined,
  );
  assert.ok(found, `no output for ${entry} in ${Object.keys(meta.outputs).join(', ')}`);
  return found[0];
}

/** Every output Node loads along with `output`: it and its static imports, transitively. */
function staticClosure(output: string): Set<string> {
  const seen = new Set<string>();
  const todo = [output];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    for (const i of meta.outputs[next]!.imports) if (i.kind === 'import-statement' && !i.external) todo.push(i.path);
  }
  return seen;
}

/** The npm packages whose code is in the outputs loaded with `entry`. */
function packagesLoadedWith(entry: string): Set<string> {
  const packages = new Set<string>();
  for (const output of staticClosure(outputOf(entry))) {
    for (const input of Object.keys(meta.outputs[output]!.inputs)) {
      const name = packageOf(input);
      if (name) packages.add(name);
    }
  }
  return packages;
}

describe('what the bundle loads before a command runs', () => {
  test('--help and --version load commander and nothing else from node_modules', () => {
    assert.deepEqual([...packagesLoadedWith('cli')], ['commander']);
  });

  test('the bundle still answers --help and --version', () => {
    const help = spawnSync(process.execPath, [join(dir, 'dist', 'cli.js'), '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: git-canary /);
    assert.match(help.stdout, /\btick\b.*\bwatch\b/s);
    const version = spawnSync(process.execPath, [join(dir, 'dist', 'cli.js'), '--version'], { encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  for (const command of ['tick', 'status', 'validate']) {
    test(`${command} loads no HTTP client, Octokit, Action toolkit or logger until it uses one`, () => {
      const loaded = packagesLoadedWith(`src/commands/${command}.ts`);
      const eager = [...loaded].filter((p) => /^(axios|form-data|mime-db|follow-redirects|@octokit\/.*|bottleneck|@actions\/.*|pino)$/.test(p));
      assert.deepEqual(eager, []);
    });
  }

  test('the CommonJS bundle makes no import() (vm.Script runs it, and has no loader for one)', () => {
    // esbuild leaves import() of what it does not bundle (a node built-in) as it is; bundled modules
    // become require calls. Comments keep their own quotes: code is what esbuild prints, double-quoted.
    const text = readFileSync(join(dir, 'dist', 'cli.cjs'), 'latin1');
    assert.ok(text.length > 100_000, 'the bundle was built');
    assert.deepEqual(text.match(/\bimport\("[^"]*"\)/g) ?? [], []);
  });

  test('axios and Octokit are chunks of their own, imported where a request is sent', () => {
    const axios = outputOf('node_modules/axios/index.js');
    const octokit = outputOf('src/github/octokit.ts');
    for (const chunk of [axios, octokit]) assert.ok(!staticClosure(outputOf('src/commands/tick.ts')).has(chunk), `${chunk} is loaded with tick`);
  });

  test('pino, the PromQL grammar and jsonpath-plus are required at first use, never imported', () => {
    const lazy = new Set(['pino', '@prometheus-io/lezer-promql', 'jsonpath-plus']);
    const importedBy: string[] = [];
    for (const [input, { imports }] of Object.entries(meta.inputs)) {
      if (packageOf(input) !== undefined) continue;
      for (const i of imports) {
        const name = packageOf(i.path);
        if (name && lazy.has(name)) importedBy.push(`${input} ${i.kind} ${name}`);
      }
    }
    assert.ok(importedBy.length >= lazy.size, `expected a require of each of ${[...lazy].join(', ')}: ${importedBy.join('; ')}`);
    assert.deepEqual(
      importedBy.filter((line) => !line.includes(' require-call ')),
      [],
    );
  });
});
