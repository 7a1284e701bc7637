// `tick --shard i/n`: the split of services between workers is a hash of each
// name alone, so workers agree without talking, every service is ticked by
// exactly one of them, and adding or removing services never moves another.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { UsageError } from '../../src/errors.ts';
import { MAX_SHARDS, parseShard, shardOf, shardOption } from '../../src/runner/shard.ts';

/** Service names as config allows them, roughly: lowercase words with digits and dashes. */
const serviceName = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/);

describe('parseShard', () => {
  const good: [string, { index: number; count: number }][] = [
    ['1/1', { index: 1, count: 1 }],
    ['2/3', { index: 2, count: 3 }],
    [' 3 / 3 ', { index: 3, count: 3 }],
    [`${MAX_SHARDS}/${MAX_SHARDS}`, { index: MAX_SHARDS, count: MAX_SHARDS }],
  ];
  for (const [text, shard] of good) {
    test(`${JSON.stringify(text)} is shard ${shard.index} of ${shard.count}`, () => assert.deepEqual(parseShard(text), shard));
  }

  const bad = ['0/3', '4/3', '1/0', 'a/3', '1/3/2', '', '-1/2', '1.5/3', `1/${MAX_SHARDS + 1}`, '1', '/3', '1/', '1 3'];
  for (const text of bad) {
    test(`refuses ${JSON.stringify(text)}: a usage error naming it, hinting i/n`, () => {
      assert.throws(
        () => parseShard(text),
        (e: unknown) => {
          assert.ok(e instanceof UsageError, `UsageError, got ${String(e)}`);
          assert.equal(e.code, 'USAGE');
          assert.ok(e.message.includes(`--shard ${text} `), `message names the input: ${e.message}`);
          assert.match(e.hint ?? '', /i\/n/);
          return true;
        },
      );
    });
  }
});

describe('shardOf', () => {
  test('shards partition the names: each name is in exactly one shard of 1..n, and the same one every time', () => {
    fc.assert(
      fc.property(fc.uniqueArray(serviceName, { maxLength: 60 }), fc.integer({ min: 1, max: 50 }), (names, n) => {
        const shards = Array.from({ length: n }, (_, i) => names.filter((name) => shardOf(name, n) === i + 1));
        assert.deepEqual(shards.flat().sort(), [...names].sort(), 'every name in some shard, none in two');
        for (const name of names) {
          const s = shardOf(name, n);
          assert.ok(Number.isInteger(s) && s >= 1 && s <= n, `${name}: shard ${s} of ${n}`);
          assert.equal(shardOf(name, n), s, 'deterministic');
        }
      }),
    );
  });

  test("a name's shard does not depend on the other names: adding or removing services never moves it", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(serviceName, { minLength: 1, maxLength: 40 }),
        fc.uniqueArray(serviceName, { maxLength: 40 }),
        fc.integer({ min: 1, max: 50 }),
        (before, added, n) => {
          // What a worker computes for a config: the names of its shard.
          const split = (names: string[]) => new Map(names.map((name) => [name, shardOf(name, n)]));
          const grown = split([...new Set([...before, ...added])]);
          const shrunk = split(before.slice(1));
          for (const [name, s] of split(before)) {
            assert.equal(grown.get(name), s, `${name} after adding`);
            if (shrunk.has(name)) assert.equal(shrunk.get(name), s, `${name} after removing ${before[0]}`);
          }
        },
      ),
    );
  });

  test('10,000 services over 4 shards: each shard gets 20% to 30% of them', () => {
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[shardOf(`svc-${i}`, 4) - 1]!++;
    for (const [i, c] of counts.entries()) assert.ok(c >= 2_000 && c <= 3_000, `shard ${i + 1}: ${c} of 10000 (${counts.join(', ')})`);
  });
});

describe('shardOption', () => {
  test('no --shard: no shard, whatever --service says', () => {
    assert.equal(shardOption(undefined, undefined), undefined);
    assert.equal(shardOption(undefined, 'checkout'), undefined);
  });

  test('--shard alone is parsed', () => assert.deepEqual(shardOption('2/3', undefined), { index: 2, count: 3 }));

  test('--shard with --service: a usage error naming both', () => {
    assert.throws(
      () => shardOption('1/2', 'checkout'),
      (e: unknown) => {
        assert.ok(e instanceof UsageError, `UsageError, got ${String(e)}`);
        assert.match(e.message, /--shard/);
        assert.match(e.message, /--service/);
        return true;
      },
    );
  });

  test('a bad --shard is a usage error naming it', () => {
    assert.throws(() => shardOption('0/2', undefined), (e: unknown) => e instanceof UsageError && e.message.includes('--shard 0/2'));
  });
});
