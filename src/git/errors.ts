/**
 * Map whatever isomorphic-git, the file system or the network throws onto the
 * CanaryError classes. Kept in one place so every operation classifies the
 * same failure the same way: a lost race is a GitConflictError (refetch and
 * retry), refused credentials an AuthError, everything else a GitError.
 */
import git from 'isomorphic-git';
import { AuthError, CanaryError, GitConflictError, GitError } from '../errors.ts';
import { lockGitCouldNotCreate } from './abandoned-git-lock.ts';
import type { AuthState } from './credentials.ts';
import { shortRef } from './paths.ts';

const { HttpError, PushRejectedError, GitPushError, UserCanceledError, NotFoundError, SmartHttpError } = git.Errors;

export interface ErrorContext {
  /** What we were doing, for the message: 'fetch', 'push', 'read'… */
  op: string;
  /** The repository label (path or URL without credentials). */
  label: string;
  /** The branch or ref involved, if any. */
  ref?: string;
  /** Scrubs credentials from texts that came from elsewhere. */
  redact?: (text: string) => string;
  auth?: AuthState;
  /** Whether any credentials were configured at all (changes the auth hint). */
  hasCredentials?: boolean;
}

/**
 * A compare-and-swap that found `fullRef` at `current` instead of `expected`
 * (undefined: absent): another writer won. Said the same by every path that
 * updates a ref (a local ref lock, a push, a staged update).
 */
export function movedRef(fullRef: string, current: string | undefined, expected: string | undefined, label: string): GitConflictError {
  return new GitConflictError(`${shortRef(fullRef)} moved: it is ${current ?? 'absent'}, expected ${expected ?? 'absent'}`, {
    where: { branch: shortRef(fullRef), detail: label },
    hint: 'another writer won the race: read again, decide again and retry',
    data: { current, expected },
  });
}

/** Text from git servers on a ref update that lost a race (receive-pack `ng` reasons). */
const LOST_RACE_RE = /failed to update ref|failed to lock|cannot lock ref|non-fast-forward|fetch first|stale info|is at [0-9a-f]+ but expected/i;

/**
 * A failed native `git push --porcelain` as the error the embedded path gives
 * for the same refusal: the ref moved (our lease or receive-pack's lock) is a
 * GitConflictError, a hook or protection rule a GitError quoting the server,
 * anything else (credentials, network) what `nativeError` says.
 */
export function nativePushError(stdout: string, stderr: string, ctx: ErrorContext): CanaryError {
  const where = { branch: ctx.ref, detail: ctx.label };
  // One line per refused ref. In an atomic push the ref that failed says why and the others
  // only "atomic transaction failed": the real reason wins, a lost race first.
  const reasons = stdout
    .split('\n')
    .filter((l) => l.startsWith('!\t'))
    .map((l) => clean(l.split('\t').slice(2).join(' '), ctx));
  const own = reasons.filter((r) => !ATOMIC_FOLLOWER_RE.test(r));
  // When the transaction itself fails (a ref lock lost to another writer), every ref says
  // "atomic transaction failed" and receive-pack's own words are on stderr (`remote: error: …`).
  const remote = stderr
    .split('\n')
    .map((l) => /^remote: (?:error|fatal): (.*)$/.exec(l.trim())?.[1])
    .filter((l): l is string => l !== undefined)
    .map((l) => clean(l, ctx));
  const reason = own.find((r) => LOST_RACE_RE.test(r)) ?? own[0] ?? remote.find((r) => LOST_RACE_RE.test(r)) ?? reasons[0];
  if (reason && LOST_RACE_RE.test(reason)) {
    return new GitConflictError(`${ctx.ref ?? 'the ref'} moved while updating it`, {
      where,
      hint: 'another writer won the race: refetch, decide again and retry',
      data: { reason },
    });
  }
  if (reason && /remote rejected/.test(reason)) {
    return new GitError(`push was rejected: ${reason}`, { where, hint: 'a server-side hook or branch protection refused the update' });
  }
  return nativeError(stderr, ctx);
}

/** What the other refs of an atomic push say when one of them was refused. */
const ATOMIC_FOLLOWER_RE = /atomic (transaction|push) failed/i;

/** True when a push failure means "the ref moved under us", in either isomorphic-git shape. */
export function isLostRace(err: unknown): boolean {
  if (err instanceof PushRejectedError) return true;
  if (err instanceof GitPushError) {
    const data = (err as { data?: { prettyDetails?: string } }).data;
    return LOST_RACE_RE.test(`${err.message} ${data?.prettyDetails ?? ''}`);
  }
  return false;
}

/** One line, credentials removed. */
function clean(text: string, ctx: ErrorContext): string {
  const flat = text.replace(/\s*\n\s*/g, '; ').trim();
  return ctx.redact ? ctx.redact(flat) : flat;
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/**
 * Turn any thrown value into a CanaryError. CanaryErrors pass through. An
 * AuthError never carries the original error as `cause`: its data may include
 * request headers.
 */
export function toCanaryError(err: unknown, ctx: ErrorContext): CanaryError {
  if (err instanceof CanaryError) return err;
  const where = { branch: ctx.ref, detail: ctx.label };

  const status = err instanceof HttpError ? (err as { data?: { statusCode?: number } }).data?.statusCode : undefined;
  const canceledByAuth = err instanceof UserCanceledError && ctx.auth?.refused;
  if (status === 401 || status === 403 || canceledByAuth) {
    return authError(ctx, status, Boolean(ctx.auth?.offered || canceledByAuth || status === 403));
  }

  if (isLostRace(err)) {
    return new GitConflictError(`${ctx.ref ?? 'the ref'} moved while updating it`, {
      where,
      hint: 'another writer won the race: refetch, decide again and retry',
      data: { reason: clean((err as Error).message, ctx) },
    });
  }

  if (status !== undefined) {
    return new GitError(`${ctx.op} failed: HTTP ${status}`, {
      where,
      hint: status === 404 ? 'check the repository URL' : 'the git server refused the request; try again later',
      data: { status },
    });
  }
  if (err instanceof SmartHttpError) {
    return new GitError(`${ctx.op} failed: the server does not speak git's smart HTTP protocol`, {
      where,
      hint: 'check the repository URL',
    });
  }
  if (err instanceof GitPushError) {
    return new GitError(`push was rejected: ${clean(err.message, ctx)}`, {
      where,
      hint: 'a server-side hook or branch protection refused the update',
    });
  }
  if (err instanceof NotFoundError) {
    return new GitError(`${ctx.op} failed: ${clean((err as Error).message, ctx)}`, {
      where,
      hint: 'the object or ref is missing; for a shallow cache, fetch with a larger depth',
      cause: err,
    });
  }
  const code = errnoCode(err);
  if (code && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EPIPE)$/.test(code)) return unreachable(ctx, code);
  const message = err instanceof Error ? err.message : String(err);
  return new GitError(`${ctx.op} failed: ${clean(message, ctx)}`, {
    where,
    hint: 'run with --debug for details; check that the repository is intact (git fsck)',
    cause: err,
  });
}

/** Refused or missing credentials; the same error whichever git spoke to the server. */
function authError(ctx: ErrorContext, status: number | undefined, refused: boolean): AuthError {
  // The URL is in the message (what people grep for); `where` adds the branch only.
  return new AuthError(`authentication ${refused ? 'failed' : 'required'} for ${ctx.label}`, {
    where: ctx.ref ? { branch: ctx.ref } : undefined,
    hint: ctx.hasCredentials
      ? 'check the token or URL credentials: they must grant read and write access to this repository'
      : 'set GIT_CANARY_TOKEN (or GITHUB_TOKEN), or put credentials in the URL',
    data: { status: status ?? 401 },
  });
}

function unreachable(ctx: ErrorContext, code: string): GitError {
  return new GitError(`cannot reach ${ctx.label} (${code})`, {
    where: ctx.ref ? { branch: ctx.ref } : undefined,
    hint: 'check the network and the repository URL; the tick will retry',
  });
}

/** Native git's words for "the server has no such ref" (fetch of one named ref). */
const NO_SUCH_REF_RE = /couldn't find remote ref|no such remote ref|not our ref/i;

/** Whether native git's stderr says the fetched ref does not exist on the server. */
export function isMissingRemoteRef(stderr: string): boolean {
  return NO_SUCH_REF_RE.test(stderr);
}

/** Curl's and git's words for a network failure, as the errno code the embedded path reports. */
const NATIVE_NETWORK: readonly (readonly [RegExp, string])[] = [
  [/Could not resolve (host|proxy)/i, 'ENOTFOUND'],
  [/Connection refused|Failed to connect/i, 'ECONNREFUSED'],
  [/Connection reset|Recv failure|Send failure|transfer closed|early EOF|unexpected disconnect|RPC failed; curl (18|52|56)/i, 'ECONNRESET'],
  [/timed out|Operation too slow/i, 'ETIMEDOUT'],
  [/Network is unreachable/i, 'ENETUNREACH'],
  [/No route to host/i, 'EHOSTUNREACH'],
];

/**
 * A failed native `git fetch` (exit code and stderr) as the CanaryError the
 * embedded path gives for the same failure: AuthError for 401/403 (with the
 * same hints), "cannot reach" for network failures, GitError otherwise.
 * Credentials are scrubbed from everything quoted.
 */
export function nativeError(stderr: string, ctx: ErrorContext): CanaryError {
  const where = { branch: ctx.ref, detail: ctx.label };
  const statusText = /returned error: (\d{3})/.exec(stderr)?.[1];
  const status = statusText ? Number(statusText) : /repository '[^']*' not found/.test(stderr) ? 404 : undefined;
  // With prompts disabled, a 401 that no credentials answered ends in "could not read Username".
  const unanswered = /could not read (Username|Password)|terminal prompts disabled/i.test(stderr);
  if (status === 401 || status === 403 || unanswered || /Authentication failed/i.test(stderr)) {
    return authError(ctx, status ?? 401, Boolean(ctx.hasCredentials) || status === 403);
  }
  if (status !== undefined) {
    return new GitError(`${ctx.op} failed: HTTP ${status}`, {
      where,
      hint: status === 404 ? 'check the repository URL' : 'the git server refused the request; try again later',
      data: { status },
    });
  }
  if (/not valid: is this a git repository|does not appear to be a git repository|dumb http transport/i.test(stderr)) {
    return new GitError(`${ctx.op} failed: the server does not speak git's smart HTTP protocol`, { where, hint: 'check the repository URL' });
  }
  for (const [re, code] of NATIVE_NETWORK) if (re.test(stderr)) return unreachable(ctx, code);
  const lock = lockGitCouldNotCreate(stderr);
  if (lock) {
    return new GitError(`${ctx.op} failed: the cache is locked by another git process (${lock} exists)`, {
      where,
      hint: 'a git process is still working in the cache (where the system cannot tell, the lock is under 60 s old); a later run removes the lock once that git is gone',
      data: { lock },
    });
  }
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/^(remote: )?(Counting|Compressing|Receiving|Resolving|Enumerating|Total)/.test(l));
  const said = lines.slice(-3).join('\n') || 'git exited without saying why';
  return new GitError(`${ctx.op} failed: ${clean(said, ctx)}`, {
    where,
    hint: 'run with --debug for details; check that the repository is intact (git fsck), or set GIT_CANARY_GIT=embedded',
  });
}
