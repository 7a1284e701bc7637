/**
 * Every failure git-canary reports is a CanaryError: a stable `code` tests can
 * assert, a message naming what failed, `where` (file:line, branch, query) and a
 * `hint` a person can act on. The CLI prints `error: <what> (<where>) — <hint>`.
 */
export type ErrorCode =
  | 'CONFIG'
  | 'MANIFEST'
  | 'PATH'
  | 'ROUTER'
  | 'CANARY_INVARIANT'
  | 'UNEXERCISED'
  | 'METRICS'
  | 'METRICS_NO_DATA'
  | 'GIT'
  | 'GIT_CONFLICT'
  | 'AUTH'
  | 'GITHUB'
  | 'USAGE'
  | 'PHASE'
  | 'NOT_IMPLEMENTED';

/** A place in the repository or the outside world that an error is about. */
export interface Where {
  file?: string;
  /** 1-based line in `file`. */
  line?: number;
  branch?: string;
  /** Anything else that locates the problem: a query, a URL without credentials, a service. */
  detail?: string;
}

export interface CanaryErrorOptions {
  where?: Where;
  hint?: string;
  data?: Record<string, unknown>;
  cause?: unknown;
}

export class CanaryError extends Error {
  readonly code: ErrorCode;
  readonly where?: Where;
  readonly hint?: string;
  readonly data?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: CanaryErrorOptions = {}) {
    // Every consumer builds its line from message, where and hint: make them printable here, once.
    super(printable(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.where = options.where && printableWhere(options.where);
    this.hint = options.hint === undefined ? undefined : printable(options.hint);
    this.data = options.data;
  }

  /** `file:line`, branch and detail joined, or '' when the error has no place. */
  location(): string {
    return formatWhere(this.where);
  }

  /** One line: `<what> (<where>) — <hint>`; control characters of user values are escaped (see `printable`). */
  oneLine(): string {
    const where = this.location();
    return printable(`${this.message}${where ? ` (${where})` : ''}${this.hint ? ` — ${this.hint}` : ''}`);
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, where: this.where, hint: this.hint, data: this.data };
  }
}

/**
 * Characters that must never reach a terminal or a log line raw: C0 and C1
 * controls (newlines, ANSI escapes, NUL…), DEL, the Unicode line and paragraph
 * separators, and bidirectional overrides (which reorder what a person reads).
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` on one line, safe to print: every control character a user value may
 * carry (a name with a newline, an ANSI escape) is written as an escape
 * (`\n`, `\u001b`), so an error is always one line and shows what it holds.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function printableWhere(where: Where): Where {
  const out: Where = { ...where };
  if (out.file !== undefined) out.file = printable(out.file);
  if (out.branch !== undefined) out.branch = printable(out.branch);
  if (out.detail !== undefined) out.detail = printable(out.detail);
  return out;
}

export function formatWhere(where: Where | undefined): string {
  if (!where) return '';
  const parts: string[] = [];
  if (where.file) parts.push(where.line ? `${where.file}:${where.line}` : where.file);
  if (where.branch) parts.push(`branch ${where.branch}`);
  if (where.detail) parts.push(where.detail);
  return parts.join(', ');
}

/** git-canary.yaml is malformed, has unknown keys, or names something that does not exist. */
export class ConfigError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('CONFIG', message, options);
  }
}

/** A manifest cannot be parsed, is unsafe (YAML bomb, duplicate keys, too large), or lacks a document. */
export class ManifestError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('MANIFEST', message, options);
  }
}

/** A path that leaves the repository (`..`, absolute, symlink). */
export class PathError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('PATH', message, options);
  }
}

/** A router cannot find its stable or canary destination, or weights are invalid. */
export class RouterError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('ROUTER', message, options);
  }
}

/** A metrics server could not be reached or answered with an error or an unusable result. */
export class MetricsError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('METRICS', message, options);
  }
}

/** A query answered with no samples, NaN or ±Inf: inconclusive, never read as 0 or as a pass. */
export class NoDataError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('METRICS_NO_DATA', message, options);
  }
}

/** A git operation failed for a reason other than a lost race or credentials. */
export class GitError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('GIT', message, options);
  }
}

/** A compare-and-swap ref update lost a race: refetch, decide again, retry. */
export class GitConflictError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('GIT_CONFLICT', message, options);
  }
}

/** Credentials were missing or refused. Never carries the credential itself. */
export class AuthError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('AUTH', message, options);
  }
}

/** The command line was wrong (exit code 2). */
export class UsageError extends CanaryError {
  constructor(message: string, options: CanaryErrorOptions = {}) {
    super('USAGE', message, options);
  }
}

export function isCanaryError(e: unknown): e is CanaryError {
  return e instanceof CanaryError;
}
