/**
 * scripts/check-dist.mjs on a scratch copy of the sources in its own git
 * repository: it passes when the staged dist/ is what the sources build to, and
 * names each drifting file otherwise, even when the work tree's dist/ was
 * rebuilt (as `npm test` and `npm run build` do) and so looks fresh.
 * Also: the build is byte-for-byte reproducible.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { git } from '../helpers/git-fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function node(cwd: string, ...args: string[]) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
}

/** Every file under `dir`, relative path → bytes. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) out.set(join(entry.parentPath, entry.name).slice(dir.length + 1), readFileSync(join(entry.parentPath, entry.name)));
  }
  return out;
}

describe('scripts/check-dist.mjs', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'git-canary-check-dist-test-'));
    for (const p of ['src', 'scripts', 'tsconfig.json', 'package.json']) cpSync(join(ROOT, p), join(work, p), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    git(work, ['init', '--quiet']);
    const build = node(work, 'scripts/build.mjs');
    assert.equal(build.status, 0, build.stderr);
    git(work, ['add', 'dist']);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('passes when the staged dist/ is what the sources build to', () => {
    const r = node(work, 'scripts/check-dist.mjs');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^dist\/ matches the sources \(\d+ files\)$/m);
  });

  it('builds reproducibly: the same sources give the same bytes, wherever they are built', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'git-canary-build-again-'));
    try {
      assert.equal(node(tmpdir(), join(work, 'scripts', 'build.mjs'), '--outdir', join(elsewhere, 'out')).status, 0);
      assert.deepEqual(files(join(elsewhere, 'out')), files(join(work, 'dist')));
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('fails naming each file when the sources changed, even after the work tree was rebuilt', () => {
    const cli = join(work, 'src', 'cli.ts');
    const text = readFileSync(cli, 'utf8');
    writeFileSync(cli, text.replace('GitOps canaries: every traffic step', 'GitOps canaries, changed: every traffic step'));
    // What `npm test` does first: the work tree's dist/ is fresh, the staged one is not.
    assert.equal(node(work, 'scripts/build.mjs').status, 0);
    // And a file the build no longer makes.
    writeFileSync(join(work, 'dist', 'chunks', 'stale-AAAAAAAA.js'), 'export {};\n');
    git(work, ['add', 'dist/chunks/stale-AAAAAAAA.js']);
    const r = node(work, 'scripts/check-dist.mjs');
    assert.equal(r.status, 1, r.stdout);
    const lines = r.stderr.trim().split('\n');
    assert.deepEqual(lines, [
      'dist/ is out of date with the sources (4 file(s)):',
      '  dist/chunks/stale-AAAAAAAA.js: committed but no longer built',
      // The description is in src/cli.ts, which only the CLI's two builds hold, and in the help it prints.
      '  dist/cli.cjs: differs from the committed file',
      '  dist/cli.js: differs from the committed file',
      '  dist/help.json: differs from the committed file',
      'run npm run build and commit dist/',
    ]);
  });
});
