/**
 * bin/git-canary.js runs dist/cli.cjs through vm.Script with a V8 code cache
 * kept in $GIT_CANARY_CACHE/v8. Checked on a fresh build in a copy of the
 * package layout: the cache is written once and then read without being
 * rewritten; what the command prints is the same with the cache, without it
 * and through the ES module bundle; a damaged cache file is never handed to
 * V8 and is rewritten; an unwritable cache directory only means no cache;
 * a different bundle never finds another bundle's cache.
 */
import assert from 'node:assert/strict';
import { isAscii } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, test } from 'node:test';
// @ts-expect-error: a JavaScript build script without declarations
import { buildDist } from '../../scripts/build.mjs';
import { git } from '../helpers/git-fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let root: string;
let repo: string;
let cache: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'git-canary-code-cache-'));
  await buildDist(join(root, 'dist'));
  mkdirSync(join(root, 'bin'));
  for (const f of ['git-canary.js', 'package.json']) cpSync(join(ROOT, 'bin', f), join(root, 'bin', f));
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  // A repository whose production has no git-canary.yaml: `validate` reads it and says so.
  repo = join(root, 'repo.git');
  git(root, ['init', '--bare', '-q', '-b', 'production', repo]);
});
after(() => rmSync(root, { recursive: true, force: true }));
beforeEach(() => {
  cache = mkdtempSync(join(tmpdir(), 'git-canary-v8-'));
});

const run = (env: Record<string, string> = {}, args = ['status', '--json']) =>
  spawnSync(process.execPath, [join(root, 'bin', 'git-canary.js'), '--repo', repo, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', GIT_CANARY_CACHE: cache, ...env },
  });
const files = () => readdirSync(join(cache, 'v8')).sort();
const output = (r: ReturnType<typeof run>) => ({ status: r.status, stdout: r.stdout, stderr: r.stderr });

describe('the code cache', () => {
  test('written by the first run, read by the next without a rewrite; the same output with it, without it and from the ES modules', () => {
    const first = run();
    assert.ok(first.stdout.length + first.stderr.length > 0);
    const [file] = files();
    assert.match(file!, /^cli-status-\d+-\d+-\d+-v\d+\.\d+\.\d+-\w+\.bin$/);
    const written = readFileSync(join(cache, 'v8', file!));
    const mtime = statSync(join(cache, 'v8', file!)).mtimeMs;
    const second = run();
    assert.deepEqual(output(second), output(first));
    assert.equal(statSync(join(cache, 'v8', file!)).mtimeMs, mtime, 'a cache V8 accepted is not rewritten');
    assert.deepEqual(readFileSync(join(cache, 'v8', file!)), written);
    assert.deepEqual(output(run({ GIT_CANARY_CODE_CACHE: '0' })), output(first), 'the ES module bundle says the same');
  });

  test('a damaged cache file is never used, and is rewritten', () => {
    const first = run();
    const [file] = files();
    const path = join(cache, 'v8', file!);
    const bytes = readFileSync(path);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    writeFileSync(path, bytes);
    assert.deepEqual(output(run()), output(first));
    const again = readFileSync(path);
    assert.notDeepEqual(again, bytes, 'rewritten');
    writeFileSync(path, 'not a cache at all');
    assert.deepEqual(output(run()), output(first));
    assert.ok(readFileSync(path).length > 1000);
  });

  test('the bundle is ASCII (bin reads it as one-byte text); a bundle that is not still runs, and says the same', () => {
    const bundle = join(root, 'dist', 'cli.cjs');
    const bytes = readFileSync(bundle);
    assert.ok(isAscii(bytes), 'dist/cli.cjs is ASCII');
    // Text output, whose messages hold non-ASCII (an em dash) escaped in the bundle.
    const text = run({}, ['status']);
    assert.match(text.stderr, / \u2014 create the production branch/);
    assert.deepEqual(output(run({ GIT_CANARY_CODE_CACHE: '0' }, ['status'])), output(text), 'the ES module bundle says the same');
    const st = statSync(bundle);
    try {
      // Raw UTF-8 in a string the bundle prints: it must be decoded as UTF-8.
      writeFileSync(bundle, Buffer.concat([bytes, Buffer.from('\nif (process.env.PROBE) process.stderr.write("d\u00e9j\u00e0 vu\\n");\n')]));
      for (const when of ['compiled', 'from its code cache']) {
        const r = run({ PROBE: '1' }, ['status']);
        assert.deepEqual(output(r), { ...output(text), stderr: `d\u00e9j\u00e0 vu\n${text.stderr}` }, when);
      }
    } finally {
      writeFileSync(bundle, bytes);
      utimesSync(bundle, st.atime, st.mtime);
    }
  });

  test('an unwritable cache directory only means no cache', () => {
    const first = run();
    const blocked = join(cache, 'a-file');
    writeFileSync(blocked, '');
    const r = run({ GIT_CANARY_CACHE: blocked });
    assert.deepEqual(output(r), output(first));
  });

  test('another bundle (rebuilt: a new mtime) gets a cache of its own, and the old one goes', () => {
    run();
    const [old] = files();
    const bundle = join(root, 'dist', 'cli.cjs');
    const t = statSync(bundle).mtimeMs / 1000;
    utimesSync(bundle, t + 5, t + 5);
    try {
      run();
      const now = files();
      assert.equal(now.length, 1, now.join(', '));
      assert.notEqual(now[0], old);
    } finally {
      utimesSync(bundle, t, t);
    }
  });
});
