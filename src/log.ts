/**
 * JSON logs on stderr (stdout is for results). Synchronous: pino transports use
 * worker threads, which break inside the esbuild Action bundle.
 * Secrets are redacted three times: by key (auth headers, tokens), by value
 * (every string that came from ${ENV} expansion or a credential) and, at the
 * destination, every form of every secret of the run (src/secrets.ts), so a
 * library's error logged whole cannot carry a Basic or URL-encoded credential.
 */
import pino, { type Logger } from 'pino';
import { UsageError } from './errors.ts';
import { scrub } from './secrets.ts';

export type { Logger } from 'pino';

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
  destination?: pino.DestinationStream;
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

/** pino's levels, most severe first, and `silent`. */
export const LOG_LEVELS: readonly string[] = [
  ...Object.entries(pino.levels.values)
    .sort(([, a], [, b]) => b - a)
    .map(([name]) => name),
  'silent',
];

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

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = options.secrets ?? [];
  return pino(
    {
      level: options.level ?? 'info',
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

/** A destination that scrubs every line (src/secrets.ts) before the real one writes it. */
function scrubbing(destination: pino.DestinationStream): pino.DestinationStream {
  return { write: (line: string) => destination.write(scrub(line)) };
}

/** A logger that writes nothing (tests, --quiet). */
export const silentLogger: Logger = pino({ level: 'silent' });
