/**
 * A repository behind an http(s) URL, mirrored into a bare cache directory
 * that is reused between runs (fetch, never re-clone). Each branch or ref is
 * fetched on its own, shallow, the first time it is read; `refresh` fetches
 * them again. Pushes are compare-and-swap against the server's advertised
 * value and never forced.
 */
import { createHash } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import { GitConflictError, GitError } from '../errors.ts';
import { atomicFs } from './atomic-fs.ts';
import { createCommitIn } from './commit.ts';
import { authCallbacks, parseRemoteUrl, redactor } from './credentials.ts';
import { type ErrorContext, toCanaryError } from './errors.ts';
import { assertFastForward } from './local.ts';
import { shortRef, toFullRef } from './paths.ts';
import { type ObjectStore, commitResolver, listFilesAt, logFrom, readFileAt } from './read.ts';
import { readRef } from './refs.ts';
import type { GitRepo } from './types.ts';

export interface RemoteOptions {
  /** Root of the caches; each URL gets a subfolder named by a hash of the URL without credentials. */
  cacheDir: string;
  /** Used when the URL has no user-info; sent as Basic auth with user `x-access-token`. */
  token?: string;
  /** Commits fetched per ref (default 200); 0 fetches the whole history. */
  depth?: number;
  /** Refs to fetch right away (e.g. both branches a tick reads). */
  fetchRefs?: string[];
}

const ZERO = '0000000000000000000000000000000000000000';
export const DEFAULT_DEPTH = 200;

/** The cache folder for `url` under `cacheRoot`; credentials do not change it. */
export function remoteCacheDir(url: string, cacheRoot: string): string {
  const clean = parseRemoteUrl(url, undefined).url;
  return join(cacheRoot, createHash('sha256').update(clean).digest('hex').slice(0, 24));
}

/**
 * Where the cache keeps the server's value of `fullRef`: the usual
 * `refs/remotes/origin/<branch>` for branches, and `refs/remotes/origin/<full
 * ref>` otherwise, which is also where isomorphic-git's push records it.
 */
export function trackingRef(fullRef: string): string {
  return `refs/remotes/origin/${shortRef(fullRef)}`;
}

// Fetches and pushes into one cache rewrite `shallow` and refs; serialise them
// within this process (two GitRepo objects may share a cache).
const queues = new Map<string, Promise<unknown>>();
function serialised<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(run);
  queues.set(key, next);
  return next.finally(() => {
    if (queues.get(key) === next) queues.delete(key);
  });
}

async function initCache(gitdir: string, url: string): Promise<void> {
  if (!(await fsp.stat(join(gitdir, 'config')).catch(() => undefined))) {
    await fsp.mkdir(gitdir, { recursive: true });
    await git.init({ fs, gitdir, bare: true });
  }
  // For people inspecting the cache (fetches pass the URL explicitly); never
  // credentials. Written only when different: config is rewritten whole, and
  // another process may be reading it.
  const settings = { 'remote.origin.url': url, 'remote.origin.fetch': '+refs/heads/*:refs/remotes/origin/*' };
  for (const [path, value] of Object.entries(settings)) {
    if ((await git.getConfig({ fs, gitdir, path })) !== value) await git.setConfig({ fs, gitdir, path, value });
  }
}

/** Open (creating if needed) the cache for `spec` and fetch `fetchRefs`. */
export async function openRemote(spec: string, options: RemoteOptions): Promise<GitRepo> {
  const creds = parseRemoteUrl(spec, options.token);
  const { url } = creds;
  const label = url;
  const redact = redactor(creds);
  const gitdir = remoteCacheDir(url, options.cacheDir);
  const depth = options.depth ?? DEFAULT_DEPTH;
  const store: ObjectStore = { gitdir, cache: {}, label };
  const fetched = new Set<string>();

  const network = () => {
    const { onAuth, onAuthFailure, state } = authCallbacks(creds);
    const ctx = (op: string, ref?: string): ErrorContext => ({
      op, label, ref, redact, auth: state, hasCredentials: creds.source !== 'none',
    });
    // Fetched packs are written whole or not at all (see atomic-fs.ts).
    return { fs: atomicFs, http, gitdir, cache: store.cache, url, onAuth, onAuthFailure, ctx };
  };

  try {
    await initCache(gitdir, url);
  } catch (err) {
    throw new GitError(`cannot create the cache in ${gitdir}: ${(err as Error).message}`, {
      where: { detail: label },
      hint: 'set GIT_CANARY_CACHE to a writable directory',
    });
  }

  /** Fetch one ref into its tracking ref; a ref the server lacks leaves no tracking ref. */
  const fetchRef = (fullRef: string) =>
    serialised(gitdir, async () => {
      const { ctx, ...net } = network();
      const tracking = trackingRef(fullRef);
      let head: string | null = null;
      try {
        // `ref` is what we already have (sent as "have"), `remoteRef` what we want.
        const result = await git.fetch({
          ...net, ref: tracking, remoteRef: fullRef, singleBranch: true, tags: false,
          depth: depth > 0 ? depth : undefined,
        });
        head = result.fetchHead;
      } catch (err) {
        // Only "the server has no such ref" means absent; any other missing thing is an error.
        const missingRef = err instanceof git.Errors.NotFoundError && (err as { data?: { what?: string } }).data?.what === fullRef;
        if (!missingRef) throw toCanaryError(err, ctx('fetch', shortRef(fullRef)));
      }
      if (head) await git.writeRef({ fs, gitdir, ref: tracking, value: head, force: true });
      else await git.deleteRef({ fs, gitdir, ref: tracking }).catch(() => {});
      fetched.add(fullRef);
    });

  const resolve = async (ref: string): Promise<string | undefined> => {
    const fullRef = toFullRef(ref);
    if (!fetched.has(fullRef)) await fetchRef(fullRef);
    return readRef(gitdir, trackingRef(fullRef));
  };

  const commitOid = commitResolver(resolve, label);

  const wrap = <T>(op: string, ref: string | undefined, run: () => Promise<T>): Promise<T> =>
    run().catch((err: unknown) => {
      throw toCanaryError(err, { op, label, ref, redact });
    });

  const push = (fullRef: string, newSha: string, expectedOld: string | undefined) =>
    serialised(gitdir, async () => {
      const { ctx, ...net } = network();
      // push() sends a local ref; a private scratch ref keeps the tracking ref
      // equal to the server's value until the server has accepted the update.
      const scratch = `refs/git-canary/push/${process.pid}-${Date.now()}`;
      await git.writeRef({ fs, gitdir, ref: scratch, value: newSha, force: true });
      let advertised: string | undefined;
      try {
        await git.push({
          ...net, ref: scratch, remoteRef: fullRef, force: false,
          // The compare-and-swap check, against the very advertisement whose
          // old value receive-pack will verify under its own lock: no window
          // between our check and the server's.
          onPrePush: ({ remoteRef }) => {
            advertised = remoteRef.oid;
            return advertised === (expectedOld ?? ZERO);
          },
        });
      } catch (err) {
        // A cancel after the advertisement is our pre-push check saying no.
        if (err instanceof git.Errors.UserCanceledError && advertised !== undefined && advertised !== (expectedOld ?? ZERO)) {
          throw new GitConflictError(`${shortRef(fullRef)} moved: it is ${advertised === ZERO ? 'absent' : advertised}, expected ${expectedOld ?? 'absent'}`, {
            where: { branch: shortRef(fullRef), detail: label },
            hint: 'another writer won the race: refresh, decide again and retry',
            data: { current: advertised === ZERO ? undefined : advertised, expected: expectedOld },
          });
        }
        throw toCanaryError(err, ctx('push', shortRef(fullRef)));
      } finally {
        await git.deleteRef({ fs, gitdir, ref: scratch }).catch(() => {});
      }
      // isomorphic-git records the pushed value too; writing it ourselves makes
      // sure, whatever its naming rule for non-branch refs.
      await git.writeRef({ fs, gitdir, ref: trackingRef(fullRef), value: newSha, force: true });
      fetched.add(fullRef);
    });

  const repo: GitRepo = {
    label,
    resolve: (ref) => wrap('resolve', ref, () => resolve(ref)),
    readFile: (commitish, path) => wrap('read', commitish, async () => readFileAt(store, await commitOid(commitish), path)),
    listFiles: (commitish, dir) => wrap('list', commitish, async () => listFilesAt(store, await commitOid(commitish), dir)),
    log: (commitish, opts) => wrap('log', commitish, async () => logFrom(store, await commitOid(commitish), opts?.depth)),
    createCommit: (opts) => wrap('commit', undefined, () => createCommitIn(store, opts)),
    updateRef: (ref, newSha, expectedOld) =>
      wrap('push', ref, async () => {
        const fullRef = toFullRef(ref);
        await assertFastForward(store, newSha, expectedOld, fullRef);
        await push(fullRef, newSha, expectedOld);
      }),
    refresh: () =>
      wrap('fetch', undefined, async () => {
        for (const fullRef of [...fetched]) await fetchRef(fullRef);
      }),
  };
  for (const ref of options.fetchRefs ?? []) await repo.resolve(ref);
  return repo;
}
