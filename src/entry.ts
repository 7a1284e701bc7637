/**
 * What the two entry points (the CLI and the GitHub Action) share: the clock
 * every command runs on, and how a failure is reported. Nothing else imports it.
 */
import type { GlobalOptions } from './context.ts';
import { CanaryError, UsageError } from './errors.ts';
import { scrub, scrubDeep } from './secrets.ts';

export { installOutputScrubbing } from './secrets.ts';

/**
 * The clock every command uses. GIT_CANARY_NOW (an ISO date) pins it, for
 * reproducible demos, tests and replays of a past tick; otherwise real time.
 */
export function clockFrom(env: Record<string, string | undefined>): () => Date {
  const pinned = env.GIT_CANARY_NOW;
  if (!pinned) return () => new Date();
  const at = new Date(pinned);
  if (Number.isNaN(at.getTime())) {
    throw new UsageError(`GIT_CANARY_NOW is not a date: ${pinned}`, { hint: 'use an ISO date like 2026-01-01T12:00:00Z' });
  }
  return () => new Date(at);
}

/**
 * A reader that stops early (`git-canary log | head`) closes the pipe: what is
 * left to print has nowhere to go, and that is not a failure of the command,
 * which finishes what it was doing (a tick's push is never cut short by it).
 * Without a listener, node throws EPIPE from the stream with a stack trace.
 */
export function quietOnClosedPipes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
    });
  }
}

/** The exit code of a failure: 2 for usage (and a command not built yet), 1 for everything else. */
export function exitCodeOf(e: unknown): 1 | 2 {
  return e instanceof CanaryError && (e.code === 'USAGE' || e.code === 'NOT_IMPLEMENTED') ? 2 : 1;
}

/** The one line a failure is reported as (after `error: `). */
export function errorLine(e: unknown): string {
  return e instanceof CanaryError ? e.oneLine() : e instanceof Error ? e.message : String(e);
}

/**
 * One clear line on stderr (and a JSON error document on stdout with --json); stack only with --debug.
 * Every form of every secret of the run is scrubbed (src/secrets.ts): a library's error may quote a
 * request's Authorization header or a URL with its password.
 */
export function reportError(e: unknown, options: Pick<GlobalOptions, 'json' | 'debug'>): number {
  const exit = exitCodeOf(e);
  const line = scrub(errorLine(e));
  process.stderr.write(`error: ${line}\n`);
  if (options.debug && e instanceof Error && e.stack) process.stderr.write(`${scrub(e.stack)}\n`);
  if (options.json) {
    const body = e instanceof CanaryError ? scrubDeep(e.toJSON()) : { code: 'INTERNAL', message: line };
    process.stdout.write(`${scrub(JSON.stringify({ error: body }, null, 2))}\n`);
  }
  return exit;
}
