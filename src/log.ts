/**
 * JSON logs on stderr (stdout is for results). Synchronous: pino transports use
 * worker threads, which break inside the esbuild Action bundle.
 * Secrets are redacted three times: by key (auth headers, tokens), by value
 * (every string that came from ${ENV} expansion or a credential) and, at the
 * destination, every form of every secret of the run (src/secrets.ts), so a
 * library's error logged whole cannot carry a Basic or URL-encoded credential.
 *
 * pino loads on the first line actually written, not when the logger is made:
 * `--help` and a tick that logs nothing at its level never load it.
 */
import { createRequire } from 'node:module';
import type { DestinationStream, LogFn, Logger as PinoLogger } from 'pino';
import type pinoModule from 'pino';
import { LEVEL_VALUES, type LogLevel, thresholdOf } from './log-levels.ts';
import { scrub } from './secrets.ts';

export { LOG_LEVELS, logLevelFrom } from './log-levels.ts';

type Pino = typeof pinoModule;

/**
 * What git-canary logs through: pino's level methods, its level and child
 * loggers. A pino logger is one, so tests may pass their own.
 */
export interface Logger extends Record<LogLevel, LogFn> {
  readonly level: string;
  isLevelEnabled(level: string): boolean;
  child(bindings: Record<string, unknown>): Logger;
}

const REDACT_KEYS = [
  'token',
  'password',
  'authorization',
  'Authorization',
  'headers.Authorization',
  'headers.authorization',
  '*.token',
  '*.password',
  '*.authorization',
  '*.Authorization',
  '*.headers.Authorization',
  '*.headers.authorization',
];

export interface LoggerOptions {
  level?: string;
  /** Values that must never be written (expanded ${ENV} strings, tokens). */
  secrets?: readonly string[];
  /** Where to write; defaults to stderr (fd 2). */
  destination?: DestinationStream;
}

/** Replace every occurrence of a secret value in strings, deeply. */
export function redactSecrets<T>(value: T, secrets: readonly string[]): T {
  const live = secrets.filter((s) => s.length >= 4);
  if (live.length === 0) return value;
  const scrub = (v: unknown): unknown => {
    if (typeof v === 'string') return live.reduce((acc, s) => acc.split(s).join('[REDACTED]'), v);
    if (Array.isArray(v)) return v.map(scrub);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
    return v;
  };
  return scrub(value) as T;
}

/**
 * pino, loaded synchronously when first needed: logging stays synchronous.
 * In the bundle esbuild inlines this `require` (pino is CommonJS) and runs pino's
 * code only now; run from the sources (ESM, no `require`), createRequire loads it.
 */
function loadPino(): Pino {
  return typeof require === 'function' ? require('pino') : createRequire(import.meta.url)('pino');
}

function createPino(options: LoggerOptions, level: string): PinoLogger {
  const pino = loadPino();
  const secrets = options.secrets ?? [];
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: REDACT_KEYS, censor: '[REDACTED]' },
      formatters: { log: (obj) => redactSecrets(obj, secrets) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, redactSecrets(args, secrets) as typeof args);
        },
      },
    },
    scrubbing(options.destination ?? pino.destination({ fd: 2, sync: true })),
  );
}

/**
 * A logger that makes its pino logger (`make`) on the first line at or above
 * `level`; below it, a call costs a comparison.
 */
function deferredLogger(level: string, threshold: number, make: () => PinoLogger): Logger {
  let real: PinoLogger | undefined;
  const method = (name: LogLevel): LogFn =>
    ((...args: Parameters<LogFn>) => {
      if (LEVEL_VALUES[name] < threshold) return;
      real ??= make();
      real[name](...args);
    }) as LogFn;
  return {
    level,
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    isLevelEnabled: (l) => {
      const n = thresholdOf(l);
      return n !== undefined && Number.isFinite(n) && n >= threshold;
    },
    child: (bindings) =>
      deferredLogger(level, threshold, () => {
        real ??= make();
        return real.child(bindings);
      }),
  };
}

/** A synchronous JSON logger at `level` (default info); pino loads on its first line. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const threshold = thresholdOf(level);
  // A level pino does not know: let pino throw its own error now, as it always did, not at the first line.
  if (threshold === undefined) return createPino(options, level);
  return deferredLogger(level, threshold, () => createPino(options, level));
}

/** A destination that scrubs every line (src/secrets.ts) before the real one writes it. */
function scrubbing(destination: DestinationStream): DestinationStream {
  return { write: (line: string) => destination.write(scrub(line)) };
}

/** A logger that writes nothing (tests, --quiet); it never loads pino. */
export const silentLogger: Logger = createLogger({ level: 'silent' });
