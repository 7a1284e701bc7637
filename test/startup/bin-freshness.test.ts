/**
 * bin/git-canary.js runs the bundle only when it is newer than every file
 * under src/ ("the command is never older than the code next to it"), else the
 * sources through tsx. Checked in a copy of the layout whose bundle and
 * sources say which one ran, with mtimes set explicitly: editing a file deep
 * in src/ changes that file's mtime only, never its directory's.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const T = 1_700_000_000; // seconds

let root: string;

/** Set `path`'s mtime (and atime) to `seconds`. */
const touch = (path: string, seconds: number) => utimesSync(path, seconds, seconds);

/** Which of the two ran: `bundle` or `source` (or, for help, what dist/help.json says). */
function run(...args: string[]): string {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'git-canary.js'), ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'git-canary-bin-'));
  mkdirSync(join(root, 'bin'));
  for (const f of ['git-canary.js', 'package.json']) copyFileSync(join(ROOT, 'bin', f), join(root, 'bin', f));
  writeFileSync(join(root, 'package.json'), '{ "type": "module" }\n');
  // tsx, for the sources.
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  mkdirSync(join(root, 'dist'));
  writeFileSync(join(root, 'dist', 'cli.js'), "export async function main() { console.log('bundle'); return 0; }\n");
  writeFileSync(join(root, 'dist', 'help.json'), JSON.stringify({ forms: { '["--help"]': 0, '["tick","-h"]': 0 }, texts: ['pre-rendered help\n'] }));
  mkdirSync(join(root, 'src', 'metrics', 'deep'), { recursive: true });
  writeFileSync(join(root, 'src', 'cli.ts'), "export async function main(): Promise<number> { console.log('source'); return 0; }\n");
  writeFileSync(join(root, 'src', 'metrics', 'deep', 'query.ts'), 'export const x = 1;\n');
  for (const p of ['src/cli.ts', 'src/metrics/deep/query.ts', 'src/metrics/deep', 'src/metrics', 'src']) touch(join(root, p), T);
  touch(join(root, 'dist', 'cli.js'), T + 60);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('bin/git-canary.js runs the bundle only when it is fresh', () => {
  test('a bundle newer than every source runs', () => {
    assert.equal(run(), 'bundle');
  });

  test('a bundle as old as the newest source runs', () => {
    touch(join(root, 'src', 'cli.ts'), T + 60);
    assert.equal(run(), 'bundle');
  });

  test('a file edited deep in src/ after the build runs the sources, though no directory changed', () => {
    touch(join(root, 'src', 'metrics', 'deep', 'query.ts'), T + 61);
    assert.equal(run(), 'source');
  });

  test('no bundle runs the sources', () => {
    rmSync(join(root, 'dist'), { recursive: true });
    assert.equal(run(), 'source');
  });

  test('no src/ next to it runs the bundle', () => {
    rmSync(join(root, 'src'), { recursive: true });
    assert.equal(run(), 'bundle');
  });

  test('help of a fresh bundle comes from dist/help.json, for exactly the argv it lists', () => {
    assert.equal(run('--help'), 'pre-rendered help');
    assert.equal(run('tick', '-h'), 'pre-rendered help');
    // Not listed: the bundle decides (and would print its own help).
    assert.equal(run('tick', '--help'), 'bundle');
    assert.equal(run('--json', '--help'), 'bundle');
    assert.equal(run('tick -h'), 'bundle');
  });

  test('help of a stale bundle is never taken from its help.json', () => {
    touch(join(root, 'src', 'metrics', 'deep', 'query.ts'), T + 61);
    assert.equal(run('--help'), 'source');
  });

  test('an unreadable help.json leaves help to the bundle', () => {
    writeFileSync(join(root, 'dist', 'help.json'), '{ not json');
    touch(join(root, 'dist', 'cli.js'), T + 60);
    assert.equal(run('--help'), 'bundle');
  });
});
