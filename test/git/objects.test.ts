/**
 * Object sizes from headers only (src/git/objects.ts), checked against
 * `git cat-file -s` for every object of real repositories: loose, packed,
 * and packed as deltas (ofs-delta and ref-delta).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { locateObject, objectSize } from '../../src/git/objects.ts';
import { commitFiles, createRepo, type Fixture } from '../helpers/git-fixtures.ts';

function lines(n: number, seed: string): string {
  return Array.from({ length: n }, (_, i) => `${seed} line ${i} ${'x'.repeat(i % 40)}`).join('\n');
}

async function repoWithHistory(): Promise<Fixture> {
  const fx = await createRepo({ main: { 'a.txt': lines(300, 'a'), 'b/c.yaml': 'kind: Config\n' } });
  for (let i = 0; i < 6; i++) {
    // Small edits of big files: repack stores most versions as deltas.
    commitFiles(fx.dir, 'main', { 'a.txt': `${lines(300, 'a')}\nedit ${i}\n`, [`f${i}.txt`]: lines(20 + i, `f${i}`) });
  }
  return fx;
}

/** Every object of the repository with its size as git says. */
function allObjects(fx: Fixture): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of fx.git('cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objectsize)').trim().split('\n')) {
    const [oid, size] = line.split(' ');
    out.set(oid!, Number(size));
  }
  return out;
}

async function assertSizes(fx: Fixture, expectKind: 'loose' | 'packed'): Promise<void> {
  const objects = allObjects(fx);
  assert.ok(objects.size > 20);
  const cache = {};
  for (const [oid, size] of objects) {
    const at = await locateObject(fx.dir, cache, oid);
    assert.equal(at?.kind, expectKind, oid);
    assert.equal(await objectSize(fx.dir, cache, oid), size, `size of ${oid}`);
  }
  assert.equal(await objectSize(fx.dir, cache, '0123456789012345678901234567890123456789'), undefined, 'absent');
}

test('object sizes from loose headers equal git cat-file -s for every object', async () => {
  const fx = await repoWithHistory();
  try {
    await assertSizes(fx, 'loose');
  } finally {
    await fx.cleanup();
  }
});

test('object sizes from pack headers (whole, ofs-delta) equal git cat-file -s for every object', async () => {
  const fx = await repoWithHistory();
  try {
    fx.git('repack', '-a', '-d', '-f', '--depth=10', '-q');
    const deltas = fx.git('cat-file', '--batch-all-objects', '--batch-check=%(deltabase)').split('\n').filter((l) => l && !/^0+$/.test(l));
    assert.ok(deltas.length > 0, 'the pack holds deltas');
    await assertSizes(fx, 'packed');
  } finally {
    await fx.cleanup();
  }
});

test('object sizes from a pack of ref-deltas equal git cat-file -s for every object', async () => {
  const fx = await repoWithHistory();
  try {
    // pack-objects without --delta-base-offset writes REF_DELTA entries.
    const objects = [...allObjects(fx).keys()].join('\n');
    const packDir = `${fx.dir}/objects/pack`;
    execFileSync('git', ['pack-objects', '-q', '--window=10', `${packDir}/pack`], { cwd: fx.dir, input: `${objects}\n` });
    fx.git('prune-packed');
    await assertSizes(fx, 'packed');
  } finally {
    await fx.cleanup();
  }
});
