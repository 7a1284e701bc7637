/**
 * The one retry loop around a compare-and-swap ref update: a lost race
 * (GitConflictError) refetches and runs the whole read–decide–write again, with
 * jittered exponential backoff, so the loser never repeats what the winner did.
 * Used by `tick` and the manual commands alike.
 */
import { GitConflictError } from '../errors.ts';

export const MAX_ATTEMPTS = 6;

export interface RetryOptions {
  /** Refetch so the next attempt reads what the winner wrote. */
  refresh: () => Promise<void>;
  attempts?: number;
  /** Injected so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  onRetry?: (attempt: number, waitMs: number) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withCompareAndSwap<T>(run: (attempt: number) => Promise<T>, o: RetryOptions): Promise<T> {
  const attempts = o.attempts ?? MAX_ATTEMPTS;
  const sleep = o.sleep ?? realSleep;
  const random = o.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (e) {
      if (!(e instanceof GitConflictError) || attempt >= attempts) throw e;
      const wait = Math.round(2 ** attempt * 50 * (0.5 + random()));
      o.onRetry?.(attempt, wait);
      await sleep(wait);
      await o.refresh();
    }
  }
}
