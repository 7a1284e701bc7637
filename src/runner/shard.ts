/**
 * `tick --shard i/n`: which worker ticks which service. A service's shard is
 * a hash of its name alone, so it never moves when other services are added
 * or removed, and every worker computes the same split without talking to
 * the others (git's compare-and-swap stays the only coordination).
 */
import { createHash } from 'node:crypto';
import { UsageError } from '../errors.ts';

export interface Shard {
  /** 1-based, like Jest's and Playwright's `--shard`. */
  index: number;
  count: number;
}

/** The most shards: more workers than this share nothing useful. */
export const MAX_SHARDS = 1000;

/** `2/3` → { index: 2, count: 3 }; anything else is a usage error (exit 2). */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(`--shard ${text} is not a shard`, {
      hint: `write i/n with 1 <= i <= n <= ${MAX_SHARDS}, e.g. --shard 1/3 (in a GitHub matrix: \${{ matrix.shard }}/3)`,
    });
  }
  return { index, count };
}

/** `--shard` as given with `--service`: the shard, or none; a bad one or both together are usage errors. */
export function shardOption(shard: string | undefined, service: string | undefined): Shard | undefined {
  if (shard === undefined) return undefined;
  const parsed = parseShard(shard);
  if (service !== undefined) {
    throw new UsageError('--shard and --service cannot be used together', { hint: 'a shard ticks the services whose names fall in it; --service ticks one service' });
  }
  return parsed;
}

/** The shard (1-based) of service `name` among `count`. */
export function shardOf(name: string, count: number): number {
  const h = createHash('sha256').update(name, 'utf8').digest();
  return (h.readUInt32BE(0) % count) + 1;
}
