/**
 * `git-canary watch --every 30s`: tick in a loop until stopped. SIGINT/SIGTERM
 * end it between ticks (a tick in progress finishes: it is at most one commit).
 * With --json every tick prints one JSON line (the `tick --json` document).
 */
import { flushMemos } from '../memo.ts';
import { parseDuration } from '../config/duration.ts';
import { CanaryError, UsageError } from '../errors.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { shardOption } from '../runner/shard.ts';
import { parseDeadline, tick } from './tick.ts';

export interface WatchOptions {
  every?: string;
  dryRun?: boolean;
  service?: string;
  /** Stop after this many ticks (tests, cron-like runs); forever when unset. */
  times?: string;
  /** Each tick's `--deadline` (see tick.ts). */
  deadline?: string;
  /** Each tick's `--shard i/n` (see tick.ts). */
  shard?: string;
}

export async function watch(ctx: CommandContext, opts: WatchOptions): Promise<CommandResult> {
  let everyMs: number;
  try {
    everyMs = parseDuration(opts.every ?? '30s');
  } catch {
    throw new UsageError(`--every ${opts.every} is not a duration`, { hint: 'write it like 30s, 5m or 1m30s' });
  }
  const times = opts.times === undefined ? Number.POSITIVE_INFINITY : Number(opts.times);
  if (!Number.isInteger(times) && times !== Number.POSITIVE_INFINITY) {
    throw new UsageError(`--times ${opts.times} must be a whole number of ticks`);
  }
  if (!(times >= 1)) throw new UsageError(`--times ${opts.times} must be at least 1`);
  parseDeadline(opts.deadline);
  // A usage error before the first tick, not once per tick.
  shardOption(opts.shard, opts.service);

  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    stopping = true;
    wake?.();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let ticks = 0;
  let failures = 0;
  try {
    while (!stopping && ticks < times) {
      ticks++;
      try {
        const r = await tick(ctx, {
          dryRun: opts.dryRun,
          service: opts.service,
          ...(opts.deadline !== undefined ? { deadline: opts.deadline } : {}),
          ...(opts.shard !== undefined ? { shard: opts.shard } : {}),
        });
        process.stdout.write(ctx.options.json ? `${JSON.stringify(r.json)}\n` : r.text);
        for (const line of r.errors ?? []) process.stderr.write(`error: ${line}\n`);
      } catch (e) {
        // A broken tick (remote down, bad config) is reported and tried again next time: watch keeps going.
        failures++;
        process.stderr.write(`error: ${e instanceof CanaryError ? e.oneLine() : String(e)}\n`);
      }
      // What this tick learnt of its files is kept for the next run, not only at the end.
      await flushMemos();
      if (ticks < times && !stopping) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, everyMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  // Every tick already printed its own output; exit 1 only when no tick worked at all.
  return { exitCode: failures > 0 && failures === ticks ? 1 : 0, text: '', json: undefined };
}
