/**
 * Log levels without the logger: what `--help` and the check of
 * GIT_CANARY_LOG_LEVEL need, so neither loads pino (src/log.ts loads it on
 * the first line written).
 */
import { UsageError } from './errors.ts';

/** The levels a message can be written at. */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** pino's level numbers, most severe first (pino.levels.values; a test keeps them equal). */
export const LEVEL_VALUES: Readonly<Record<LogLevel, number>> = { fatal: 60, error: 50, warn: 40, info: 30, debug: 20, trace: 10 };

/** pino's levels, most severe first, and `silent`. */
export const LOG_LEVELS: readonly string[] = [...Object.keys(LEVEL_VALUES), 'silent'];

/** The number a logger at `level` writes from (silent: nothing), or undefined for a level pino does not know. */
export function thresholdOf(level: string): number | undefined {
  if (level === 'silent') return Number.POSITIVE_INFINITY;
  return Object.hasOwn(LEVEL_VALUES, level) ? LEVEL_VALUES[level as LogLevel] : undefined;
}

/**
 * The level GIT_CANARY_LOG_LEVEL asks for (default `warn`; case and spaces
 * ignored). An unknown level is a usage error (exit 2) listing the levels,
 * rather than pino's exception halfway through a command.
 */
export function logLevelFrom(env: Record<string, string | undefined>, fallback = 'warn'): string {
  const raw = env.GIT_CANARY_LOG_LEVEL;
  if (raw === undefined || raw.trim() === '') return fallback;
  const level = raw.trim().toLowerCase();
  if (LOG_LEVELS.includes(level)) return level;
  throw new UsageError(`GIT_CANARY_LOG_LEVEL is not a log level: ${JSON.stringify(raw)}`, {
    hint: `use one of ${LOG_LEVELS.join(', ')}`,
  });
}
