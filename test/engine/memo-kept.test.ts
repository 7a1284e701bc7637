/**
 * Memos kept on disk between runs (src/memo.ts): a verdict is reused only by
 * the build that reached it, for the very same input; errors are never kept;
 * a damaged or foreign file is an empty memo; no input text lands on disk;
 * run from the sources, nothing is kept at all.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { currentBuildId, flushMemos, forgetKeptMemos, keepMemosIn, TextMemo } from '../../src/memo.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'git-canary-memo-'));
});
afterEach(() => {
  forgetKeptMemos();
  rmSync(dir, { recursive: true, force: true });
});

/** A run: a fresh process's memo (nothing in memory) over what `build` kept in `dir`. */
function run(build: string | undefined, name = 'weights') {
  forgetKeptMemos();
  keepMemosIn(dir, build);
  const memo = new TextMemo<number>(16, name);
  let computed = 0;
  return {
    get: (key: string, value: number | (() => number)) =>
      memo.get(key, () => {
        computed++;
        return typeof value === 'function' ? value() : value;
      }),
    computed: () => computed,
  };
}

describe('memos kept between runs', async () => {
  test('the same build reads back what an earlier run computed, for the same input only', async () => {
    const first = run('build-a');
    assert.equal(first.get('route\0text one', 25), 25);
    assert.equal(first.get('route\0text two', 50), 50);
    await flushMemos();
    const second = run('build-a');
    assert.equal(second.get('route\0text one', 99), 25, 'kept from the first run');
    assert.equal(second.get('route\0text three', 75), 75);
    assert.equal(second.computed(), 1, 'only the new input is computed');
  });

  test('another build computes afresh, and its file replaces the old build\'s', async () => {
    run('build-a').get('k', 1);
    await flushMemos();
    const other = run('build-b');
    assert.equal(other.get('k', 2), 2);
    assert.equal(other.computed(), 1);
    await flushMemos();
    assert.deepEqual(readdirSync(dir), ['memo-build-b.json']);
  });

  test('an error is never kept: the input is computed again, in this run and the next', async () => {
    const r = run('build-a');
    const boom = () => {
      throw new Error('bad YAML at line 3');
    };
    assert.throws(() => r.get('broken', boom), /line 3/);
    assert.throws(() => r.get('broken', boom), /line 3/);
    assert.equal(r.computed(), 2);
    await flushMemos();
    const next = run('build-a');
    assert.throws(() => next.get('broken', boom), /line 3/);
    assert.equal(next.computed(), 1);
  });

  test('a damaged file, or a value of the wrong kind in it, is recomputed and the file rewritten', async () => {
    writeFileSync(join(dir, 'memo-build-a.json'), '{ not json');
    const r = run('build-a');
    assert.equal(r.get('k', 5), 5);
    assert.equal(r.computed(), 1);
    await flushMemos();
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'memo-build-a.json'), 'utf8')).weights, { [createHash('sha256').update('k').digest('base64url')]: 5 });

    const digest = createHash('sha256').update('k').digest('base64url');
    writeFileSync(join(dir, 'memo-build-a.json'), JSON.stringify({ weights: { [digest]: { evil: true } } }));
    const again = run('build-a');
    assert.equal(again.get('k', 6), 6);
    assert.equal(again.computed(), 1);
  });

  test('only digests are on disk, never the input', async () => {
    const r = run('build-a');
    r.get('image: registry.example.com/team/secret-app:1.2.3', 1);
    await flushMemos();
    const text = readFileSync(join(dir, 'memo-build-a.json'), 'utf8');
    assert.doesNotMatch(text, /registry|secret-app/);
  });

  test('values that do not survive JSON are not kept', async () => {
    const r = run('build-a');
    assert.ok(Number.isNaN(r.get('nan', Number.NaN)));
    await flushMemos();
    assert.equal(existsSync(join(dir, 'memo-build-a.json')), false, 'nothing worth writing');
  });

  test('a memo directory that cannot be made is no error: the memo stays in memory', async () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, '');
    forgetKeptMemos();
    keepMemosIn(join(blocked, 'memo'), 'build-a');
    const memo = new TextMemo<number>(16, 'weights');
    assert.equal(memo.get('k', () => 3), 3);
    await assert.doesNotReject(flushMemos());
    assert.equal(memo.get('k', () => 4), 3);
  });

  test('from the sources (no build id) nothing is kept', async () => {
    assert.equal(currentBuildId(), undefined, 'tests run the sources');
    const r = run(undefined);
    r.get('k', 1);
    await flushMemos();
    assert.deepEqual(readdirSync(dir), []);
  });
});
