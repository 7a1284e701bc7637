/**
 * A repository behind an http(s) URL, mirrored into a bare cache directory
 * that is reused between runs (fetch, never re-clone). The refs a run reads
 * (production, candidate, the notes) are brought up to date together with the
 * first read: one ref advertisement says which moved, and only those are
 * fetched, shallow, in one negotiation (native git) or with a "have" each
 * (embedded); nothing moved, nothing fetched. `refresh` does the same again.
 * History further back is fetched only when a walk reaches the shallow
 * boundary. Pushes are compare-and-swap (native git: a lease; embedded: the
 * advertised value) and never forced.
 */
import { existsSync, promises as fsp } from 'node:fs';
import { nodeHttp, nodeHttps } from '../builtins.ts';
import { join } from 'node:path';
import { fsForReads, fsForWrites } from './git-fs.ts';
import git from 'isomorphic-git';
import type isoHttp from 'isomorphic-git/http/node';
import { AuthError, GitConflictError, GitError } from '../errors.ts';
import { writeFileAtomic } from './atomic-fs.ts';
import { createCommitIn } from './commit.ts';
import { authCallbacks, basicAuthorization, parseRemoteUrl, redactor } from './credentials.ts';
import { type ErrorContext, isMissingRemoteRef, movedRef, nativeError, nativePushError, toCanaryError } from './errors.ts';
import { assertFastForward } from './local.ts';
import { blobFilter, gitMode, type NativeResult, nativeGitAtLeast, partialCloneSettings, REFETCH_GIT, runNative } from './native.ts';
import { nativeCommitReader } from './native-commits.ts';
import { isSha, shortRef, toFullRef } from './paths.ts';
import {
  type MissingParents, type ObjectStore, FILE_MAX_BYTES, HistoryFrontier, commitResolver, hasCommit, hasObject, listFilesAt, logFrom, readFileAt, readShallow, rootTree,
  walkFrom,
} from './read.ts';
import { withCacheLock } from './cache-lock.ts';
import { lockGitCouldNotCreate, removeAbandonedGitLock } from './abandoned-git-lock.ts';
import { findBreakage, looksLikeDamage, moveAside } from './cache-repair.ts';
import { readRef } from './refs.ts';
import { remoteCacheDir } from './cache-dir.ts';
import { lsRemoteArgs, takeAdvertisement } from './early-advertisement.ts';
import { KEPT_OBJECTS_FILE, keepObjectsOf } from './kept-objects.ts';
import { gitWarn } from './warn.ts';
import type { GitRepo, RefUpdate } from './types.ts';

export interface RemoteOptions {
  /** Root of the caches; each URL gets a subfolder named by a hash of the URL without credentials. */
  cacheDir: string;
  /** Used when the URL has no user-info; sent as Basic auth with user `x-access-token`. */
  token?: string;
  /** Commits fetched per ref (default 200); 0 fetches the whole history. Also the first step of deepening (then DEEPEN_GROWTH times the last). */
  depth?: number;
  /** Refs to fetch right away (e.g. both branches a tick reads). */
  fetchRefs?: string[];
}

const ZERO = '0000000000000000000000000000000000000000';
/** What every native fetch into the cache leaves alone: tags, FETCH_HEAD, maintenance, submodules. */
const FETCH_FLAGS = ['--no-tags', '--no-write-fetch-head', '--no-auto-maintenance', '--no-show-forced-updates', '--no-recurse-submodules'];
/**
 * A tree fetched for one commit brings along those of other records the walk
 * has read (one request, not one per service): a record's trailer, as
 * audit/trailers.ts writes it, and the reason a deep walk reads files.
 */
const RECORD_TRAILER = '\nCanary-Service: ';
/** The most trees one fetch asks for. */
const MAX_TREES_PER_FETCH = 1000;
export const DEFAULT_DEPTH = 200;
/** Each further deepen of one walk fetches this many times more commits than the one before. */
export const DEEPEN_GROWTH = 4;

/**
 * Node's default agent drops a socket after 5 s without a byte, which aborts a
 * push or fetch while a busy server is still computing (receive-pack checking
 * a pack, upload-pack counting objects). Allow two minutes of silence instead.
 */
const SOCKET_IDLE_MS = 120_000;

// Node's HTTP stack (http, https, tls: about 10 ms to load) and isomorphic-git's client are
// loaded at the first request: with native git, a tick never makes one.
let nodeClient: Promise<{ client: typeof isoHttp; agents: Record<'http:' | 'https:', import('node:http').Agent> }> | undefined;
function loadNodeClient(): NonNullable<typeof nodeClient> {
  nodeClient ??= import('isomorphic-git/http/node').then((iso) => ({
    client: iso.default,
    agents: {
      'http:': new (nodeHttp().Agent)({ keepAlive: true, timeout: SOCKET_IDLE_MS }),
      'https:': new (nodeHttps().Agent)({ keepAlive: true, timeout: SOCKET_IDLE_MS }),
    },
  }));
  return nodeClient;
}
const http: typeof isoHttp = {
  request: async (req) => {
    const { client, agents } = await loadNodeClient();
    return client.request({ ...req, agent: req.agent ?? agents[new URL(req.url).protocol as keyof typeof agents] });
  },
};


/**
 * Where the cache keeps the server's value of `fullRef`: the usual
 * `refs/remotes/origin/<branch>` for branches, and `refs/remotes/origin/<full
 * ref>` otherwise, which is also where isomorphic-git's push records it.
 */
export function trackingRef(fullRef: string): string {
  return `refs/remotes/origin/${shortRef(fullRef)}`;
}

// Fetches, pushes and deepening rewrite the cache's `shallow`, refs and packs:
// serialise them within this process (two GitRepo objects may share a cache)
// and across processes sharing --cache-dir (the cache lock, cache-lock.ts).
const queues = new Map<string, Promise<unknown>>();
function serialised<T>(gitdir: string, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(gitdir) ?? Promise.resolve();
  const next = previous.catch(() => {}).then(() => withCacheLock(gitdir, run));
  queues.set(gitdir, next);
  return next.finally(() => {
    if (queues.get(gitdir) === next) queues.delete(gitdir);
  });
}

/** Replace `<gitdir>/shallow` with `oids` (none: no file), whole or not at all. */
async function writeShallow(gitdir: string, oids: Set<string>): Promise<void> {
  const path = join(gitdir, 'shallow');
  if (oids.size === 0) await fsp.rm(path, { force: true });
  else await writeFileAtomic(path, `${[...oids].join('\n')}\n`);
}

/**
 * Run a fetch, putting `shallow` back as it was when the fetch fails:
 * isomorphic-git rewrites it from the server's answer before the pack has
 * arrived, so a failed download would leave commits marked complete whose
 * parents never came (and the server would never send them).
 */
async function keepingShallow<T>(gitdir: string, fetch: () => Promise<T>): Promise<T> {
  const before = await readShallow(gitdir);
  try {
    return await fetch();
  } catch (err) {
    await writeShallow(gitdir, before).catch(() => {});
    throw err;
  }
}

/**
 * Create the cache if needed and make its config say what it must; the
 * caller holds the cache lock. Config is left alone when it is already right
 * (another process may be reading it), and otherwise rewritten whole through
 * atomicFs (a temporary file renamed into place), never in place. True when
 * it created or changed anything.
 */
async function initCache(gitdir: string, url: string): Promise<boolean> {
  let changed = false;
  if (!(await fsp.stat(join(gitdir, 'config')).catch(() => undefined))) {
    await fsp.mkdir(gitdir, { recursive: true });
    await git.init({ fs: fsForWrites, gitdir, bare: true });
    changed = true;
  }
  // The URL is for people inspecting the cache and for native git (never
  // credentials); a partial clone needs its promisor settings.
  const settings: Record<string, string> = {
    'remote.origin.url': url,
    'remote.origin.fetch': '+refs/heads/*:refs/remotes/origin/*',
    ...((await gitMode()) === 'native' ? partialCloneSettings(FILE_MAX_BYTES) : {}),
  };
  for (const [path, value] of Object.entries(settings)) {
    const all = await git.getConfigAll({ fs: fsForReads, gitdir, path });
    if (all.length !== 1 || all[0] !== value) {
      await git.setConfig({ fs: fsForWrites, gitdir, path, value });
      changed = true;
    }
  }
  return changed;
}

/** A cache the checks could not read is broken, unless this user may not read it (then that is the error). */
function unreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') throw err;
  return `it cannot be read: ${(err as Error).message}`;
}

/**
 * Open the cache at `gitdir` under its lock: a cache found broken
 * (cache-repair.ts) is moved aside, with a warning, and created afresh.
 * True when it was rebuilt, created or its config changed.
 */
async function openCache(gitdir: string, url: string, label: string): Promise<boolean> {
  return withCacheLock(gitdir, async () => {
    const broken = await findBreakage(gitdir).catch(unreadable);
    if (broken) {
      const aside = await moveAside(gitdir);
      gitWarn(`the cache of ${label} was broken (${broken}); moved it to ${aside} and fetching afresh`, { cache: gitdir, movedTo: aside, problem: broken });
    }
    const changed = await initCache(gitdir, url);
    return broken !== undefined || changed;
  });
}

/**
 * The root trees the store lacks of the records among the commits read so
 * far (at most `limit`, newest first): a deep walk reads a file at each
 * service's record, and asking for them together costs one request where
 * asking as each is read costs one a service.
 */
async function recordTreesMissing(store: ObjectStore, limit: number): Promise<string[]> {
  const out: string[] = [];
  for (const c of store.commits?.values() ?? []) {
    if (out.length >= limit) break;
    if (!c.message.includes(RECORD_TRAILER)) continue;
    const tree = await rootTree(store, c.sha).catch(() => undefined);
    if (tree && !(await hasObject(store, tree))) out.push(tree);
  }
  return out;
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

  // Native git fetches (partial clone: blobs over FILE_MAX_BYTES never arrive) when installed; see native.ts.
  const mode = await gitMode();
  // Deepens bring commits only, and trees arrive when read, where git can ask again for a tree it
  // has (`--refetch`); an older git deepens with the trees, as before.
  const treesOnDemand = mode === 'native' && (await nativeGitAtLeast(REFETCH_GIT));
  if (mode === 'native') {
    store.partial = true;
    // Long walks read on through native git (native-commits.ts).
    store.readCommitsInBulk = nativeCommitReader(store);
  }

  /** `git <args>` in the cache, with the credentials; a git that cannot start is a GitError saying what to do. */
  const nativeGit = (args: string[]) =>
    runNative(gitdir, args, creds).catch((err: unknown) => {
      throw new GitError(`cannot run git: ${(err as Error).message}`, {
        where: { detail: label }, hint: 'check the git on PATH, or set GIT_CANARY_GIT=embedded',
      });
    });

  const network = () => {
    const { onAuth, onAuthFailure, state } = authCallbacks(creds);
    const ctx = (op: string, ref?: string): ErrorContext => ({
      op, label, ref, redact, auth: state, hasCredentials: creds.source !== 'none',
    });
    /**
     * `git <args>` (a fetch) in the cache. A lock a killed git left in the
     * cache (we hold the cache lock): removed, and the fetch asked again, once
     * per lock; a fetch that fails taking its lock has changed nothing.
     */
    const fetchPastAbandonedLocks = async (args: string[]): Promise<NativeResult> => {
      let r = await nativeGit(args);
      const removed = new Set<string>();
      for (let lock = lockGitCouldNotCreate(r.stderr); r.code !== 0 && lock && !removed.has(lock); lock = lockGitCouldNotCreate(r.stderr)) {
        if (!(await removeAbandonedGitLock(gitdir, lock))) break;
        removed.add(lock);
        r = await nativeGit(args);
      }
      return r;
    };
    /**
     * Native `git fetch` of `fullRef` into `dest` from `origin` (the cache's
     * remote.origin.url: the URL without credentials), blobs over the limit
     * left out (or what `filter` leaves out). Resolves false when the server
     * has no such ref; other failures throw the embedded path's errors.
     */
    const nativeFetch = async (fullRef: string | string[], dest: string | undefined, extra: string[], filter = blobFilter(FILE_MAX_BYTES)): Promise<boolean> => {
      const specs = Array.isArray(fullRef) ? fullRef.map((r) => `+${r}:${trackingRef(r)}`) : [`+${fullRef}:${dest}`];
      const r = await fetchPastAbandonedLocks(['fetch', ...FETCH_FLAGS, `--filter=${filter}`, ...extra, 'origin', ...specs]);
      if (r.code === 0) return true;
      if (isMissingRemoteRef(r.stderr)) return false;
      throw nativeError(r.stderr, ctx('fetch', Array.isArray(fullRef) ? fullRef.map(shortRef).join(', ') : shortRef(fullRef)));
    };
    /**
     * Native `git fetch` of the objects `oids` (trees), each with everything
     * under it but the blobs over the limit, into no ref. `--refetch`: no
     * negotiation, as git's own lazy fetch in a partial clone (a "have" would
     * make the server leave out every object it thinks that commit brought,
     * and the commits a deepen brings come without their trees), and asked
     * for even when the cache has it (a tree that came without its files).
     */
    const fetchObjects = async (oids: string[]): Promise<void> => {
      const r = await fetchPastAbandonedLocks(['fetch', '--refetch', ...FETCH_FLAGS, `--filter=${blobFilter(FILE_MAX_BYTES)}`, 'origin', ...oids]);
      if (r.code !== 0) throw nativeError(r.stderr, ctx('fetch', oids.length === 1 ? `tree ${oids[0]}` : `${oids.length} trees`));
    };
    // `net` is what isomorphic-git's fetch and push take; fetched packs are written whole or not at all (see atomic-fs.ts).
    return { net: { fs: fsForWrites, http, gitdir, cache: store.cache, url, onAuth, onAuthFailure }, ctx, nativeFetch, fetchObjects, authState: state };
  };

  if (treesOnDemand) {
    store.fetchTrees = (oids) =>
      serialised(gitdir, async () => {
        // Asked for even when here: a tree that came without its files (readSized) is fetched again with them.
        const want = new Set(oids);
        for (const tree of await recordTreesMissing(store, MAX_TREES_PER_FETCH - want.size)) want.add(tree);
        await network().fetchObjects([...want]);
        const lacking = [];
        for (const oid of oids) if (!(await hasObject(store, oid))) lacking.push(oid);
        if (lacking.length > 0) {
          throw new GitError(`the server did not send tree ${lacking[0]}`, {
            where: { detail: label },
            hint: 'the server lost objects or history was rewritten; refresh and read again',
            data: { missing: lacking },
          });
        }
        return [...want];
      });
  }

  /**
   * Fetch one ref into its tracking ref; a ref the server lacks leaves no
   * tracking ref. The caller holds the queue (serialised). A ref fetched into
   * an empty tracking ref sends `have` for a ref the cache holds already
   * (isomorphic-git sends only the tracking ref's value), so a second branch
   * of a cold cache downloads only what the first one lacked.
   */
  const fetchOne = async (fullRef: string, haveFrom: string | undefined): Promise<void> => {
    const { ctx, nativeFetch, net } = network();
    const tracking = trackingRef(fullRef);
    let head: string | null = null;
    if (mode === 'native') {
      // Native git writes `shallow` under its lock only once the pack is in; a failure leaves it as it was.
      const found = await keepingShallow(gitdir, () => nativeFetch(fullRef, tracking, depth > 0 ? [`--depth=${depth}`] : []));
      head = found ? ((await readRef(gitdir, tracking)) ?? null) : null;
    } else {
      const seeded = haveFrom !== undefined && (await readRef(gitdir, tracking)) === undefined;
      if (seeded) await git.writeRef({ fs: fsForWrites, gitdir, ref: tracking, value: haveFrom, force: true });
      try {
        // `ref` is what we already have (sent as "have"), `remoteRef` what we want.
        const result = await keepingShallow(gitdir, () =>
          git.fetch({
            ...net, ref: tracking, remoteRef: fullRef, singleBranch: true, tags: false,
            depth: depth > 0 ? depth : undefined,
          }));
        head = result.fetchHead;
      } catch (err) {
        // Only "the server has no such ref" means absent; any other missing thing is an error.
        const missingRef = err instanceof git.Errors.NotFoundError && (err as { data?: { what?: string } }).data?.what === fullRef;
        if (!missingRef) {
          // A borrowed "have" never stays as this ref's value.
          if (seeded) await git.deleteRef({ fs: fsForWrites, gitdir, ref: tracking }).catch(() => {});
          throw toCanaryError(err, ctx('fetch', shortRef(fullRef)));
        }
      }
    }
    if (head) await git.writeRef({ fs: fsForWrites, gitdir, ref: tracking, value: head, force: true });
    else await git.deleteRef({ fs: fsForWrites, gitdir, ref: tracking }).catch(() => {});
  };

  /**
   * Where the server's `fullRefs` are, from `git ls-remote origin <refs>`.
   * Protocol version 1, as the embedded path asks: one request (the ref
   * advertisement), where version 2 takes two (capabilities, then ls-refs).
   * A pattern matches any ref ending in it, so only exact names count.
   */
  const nativeAdvertisement = async (fullRefs: readonly string[], context: ErrorContext, asked?: Promise<NativeResult>): Promise<Map<string, string>> => {
    const r = await (asked ?? nativeGit(lsRemoteArgs(fullRefs)));
    if (r.code !== 0) throw nativeError(r.stderr, context);
    const wanted = new Set(fullRefs);
    const found = new Map<string, string>();
    for (const line of r.stdout.split('\n')) {
      const [oid, ref] = line.split('\t');
      if (oid && ref && wanted.has(ref) && isSha(oid)) found.set(ref, oid);
    }
    return found;
  };

  // Refs the server lacked when last fetched: their tracking ref is rightly absent.
  const absent = new Set<string>();
  // What each ref resolved to since it was last synced: the session decides from
  // this one snapshot (every service of a tick asks; reading the ref file each
  // time cost 200 services a tenth of a second). A sync (refresh, a lost race)
  // takes a new one; our own pushes move it.
  const tips = new Map<string, string>();
  /** The ref advertisement asked while the cache was opened, for the first sync of exactly `refs`. */
  let early: { refs: readonly string[]; answer: Promise<{ refs: Map<string, string> } | { error: unknown }> } | undefined;
  /**
   * That answer when it is for `fullRefs`, taken once: the server's refs, or its refusal of the
   * credentials thrown (asking again would send refused credentials twice). Any other failure is
   * asked again, under the cache lock: another process may have been creating or repairing the
   * cache while it ran outside it (git then finds no repository there).
   */
  const earlyAnswer = async (fullRefs: readonly string[]): Promise<Map<string, string> | undefined> => {
    const e = early;
    early = undefined;
    if (!e || e.refs.length !== fullRefs.length || !e.refs.every((r) => fullRefs.includes(r))) return undefined;
    const answer = await e.answer;
    if (!('error' in answer)) return answer.refs;
    if (answer.error instanceof AuthError) throw answer.error;
    return undefined;
  };

  /**
   * Bring `fullRefs` up to date with the server in as few round trips as it
   * takes (issue "fetch once"): one ref advertisement says where every ref
   * is; a ref whose tracking ref already holds that commit is not fetched at
   * all (a tick with nothing new asks the server this once), one the server
   * lacks loses its tracking ref, and the others come in one fetch (native
   * git: one negotiation for all of them, every ref the cache has sent as
   * "have"; embedded: one fetch each, with a "have").
   */
  const sync = (fullRefs: readonly string[]) =>
    serialised(gitdir, async () => {
      for (const fullRef of fullRefs) tips.delete(fullRef);
      const { ctx, nativeFetch, authState, net } = network();
      let advertised: Map<string, string>;
      if (mode === 'native') {
        // Native git asks, like the fetch that may follow: it honours the proxy variables and CA
        // settings (node's own request would go straight to the server), with the same credentials.
        advertised = (await earlyAnswer(fullRefs)) ?? (await nativeAdvertisement(fullRefs, ctx('fetch', fullRefs.map(shortRef).join(', '))));
      } else try {
        // Credentials go with the first request, as native git sends them: one request, not an
        // anonymous try and a second one (a refusal is then final: no retry with the same ones).
        const authorization = basicAuthorization(creds);
        const refused = () => {
          authState.offered = authState.refused = true;
          return { cancel: true };
        };
        const refs = await git.listServerRefs({
          http: net.http, url: net.url, protocolVersion: 1,
          ...(authorization ? { headers: { Authorization: authorization }, onAuth: refused } : { onAuth: net.onAuth, onAuthFailure: net.onAuthFailure }),
        });
        advertised = new Map(refs.map((r) => [r.ref, r.oid]));
      } catch (err) {
        throw toCanaryError(err, ctx('fetch', fullRefs.map(shortRef).join(', ')));
      }
      const stale: string[] = [];
      for (const fullRef of fullRefs) {
        const oid = advertised.get(fullRef);
        const tracking = trackingRef(fullRef);
        if (oid === undefined) {
          absent.add(fullRef);
          // Most often already gone (a repository without notes says so every tick); a damaged one goes too.
          if ((await readRef(gitdir, tracking).catch(() => 'damaged')) !== undefined) await git.deleteRef({ fs: fsForWrites, gitdir, ref: tracking }).catch(() => {});
        } else {
          absent.delete(fullRef);
          if ((await readRef(gitdir, tracking)) !== oid || !(await hasCommit(store, oid))) stale.push(fullRef);
        }
      }
      // The refs the cache holds now: the first one is lent as "have" to an empty one (embedded).
      const held = async () => (await Promise.all([...fetched, ...fullRefs].map((r) => readRef(gitdir, trackingRef(r))))).find((oid) => oid !== undefined);
      if (stale.length > 1 && mode === 'native') {
        const all = await keepingShallow(gitdir, () => nativeFetch(stale, undefined, depth > 0 ? [`--depth=${depth}`] : []));
        // A ref deleted since the advertisement fails the whole fetch: then one at a time.
        if (!all) for (const fullRef of stale) await fetchOne(fullRef, undefined);
      } else {
        for (const fullRef of stale) await fetchOne(fullRef, await held());
      }
      for (const fullRef of fullRefs) fetched.add(fullRef);
    });

  // A warm cache: the server is asked where the refs are while the cache is checked (the ref
  // advertisement reads only remote.origin.url, and nothing of the cache's content). Its answer,
  // or its refusal of the credentials, serves the first sync unless opening repaired or changed
  // the cache (then the sync asks again: a broken config may have named no server at all).
  /** The refs to bring along with the first read: those asked for at open that were not synced yet. */
  const wanted = new Set((options.fetchRefs ?? []).map(toFullRef));
  if (mode === 'native' && wanted.size > 0 && existsSync(join(gitdir, 'config')) && existsSync(join(gitdir, 'HEAD'))) {
    const refs = [...wanted];
    // Asked already, while the command loaded (early-advertisement.ts)? Then that answer, judged as our own.
    const asked = takeAdvertisement(gitdir, refs)?.then((a) => {
      if ('error' in a) throw a.error;
      return a;
    });
    early = { refs, answer: nativeAdvertisement(refs, network().ctx('fetch', refs.map(shortRef).join(', ')), asked).then((found) => ({ refs: found }), (error: unknown) => ({ error })) };
  }
  // The trees and files the last run read, for reading again: loaded while the server answers
  // (only the cache's own content, checked object by object; a rebuilt cache starts without).
  const keptPath = join(gitdir, KEPT_OBJECTS_FILE);
  keepObjectsOf(store, keptPath);
  let opened: boolean;
  try {
    opened = await openCache(gitdir, url, label);
  } catch (err) {
    if (err instanceof GitError) throw err;
    throw new GitError(`cannot create the cache in ${gitdir}: ${(err as Error).message}`, {
      where: { detail: label },
      hint: 'set GIT_CANARY_CACHE to a writable directory',
    });
  } finally {
    // Settled before anything else runs git in the cache (a repair moves it aside).
    await early?.answer;
  }
  if (opened) {
    early = undefined;
    keepObjectsOf(store, keptPath);
  }

  const resolve = async (ref: string): Promise<string | undefined> => {
    const fullRef = toFullRef(ref);
    const known = fetched.has(fullRef);
    const memo = known ? tips.get(fullRef) : undefined;
    if (memo !== undefined) return memo;
    // The server had no such ref at the last sync: still none in this snapshot.
    if (known && absent.has(fullRef)) return undefined;
    if (!known) await sync([...new Set([fullRef, ...[...wanted].filter((r) => !fetched.has(r))])]);
    let tip = await readRef(gitdir, trackingRef(fullRef));
    // A tracking ref fetched earlier and gone now: another process sharing the
    // cache rebuilt it. Fetch again rather than report the branch missing.
    if (tip === undefined && known && !absent.has(fullRef)) {
      await sync([fullRef]);
      tip = await readRef(gitdir, trackingRef(fullRef));
    }
    if (tip === undefined) absent.add(fullRef);
    else {
      absent.delete(fullRef);
      tips.set(fullRef, tip);
    }
    return tip;
  };

  const commitOid = commitResolver(resolve, label);

  /**
   * A cache found broken while in use (cache-repair.ts): moved aside and
   * created afresh under the cache lock, with a warning; what this process had
   * fetched is fetched again on next use. False when the checks find nothing
   * wrong (the error was not the cache's).
   */
  const repair = () =>
    serialised(gitdir, async () => {
      const broken = await findBreakage(gitdir).catch(unreadable);
      if (!broken) return false;
      const aside = await moveAside(gitdir);
      gitWarn(`the cache of ${label} was broken (${broken}); moved it to ${aside} and fetching afresh`, { cache: gitdir, movedTo: aside, problem: broken });
      await initCache(gitdir, url);
      return true;
    });
  const forget = () => {
    fetched.clear();
    absent.clear();
    tips.clear();
    for (const key of Object.keys(store.cache)) delete (store.cache as Record<string, unknown>)[key];
  };

  // Runs `run`; when it fails in a way that may be damage to the cache and the
  // cache is indeed broken, rebuilds the cache and runs it once more.
  const wrap = <T>(op: string, ref: string | undefined, run: () => Promise<T>): Promise<T> =>
    run()
      .catch(async (err: unknown) => {
        if (!looksLikeDamage(err) || !(await repair().catch(() => false))) throw err;
        forget();
        // What was built on the old cache is gone with it: decide again from a fresh fetch.
        if (op === 'push' || op === 'commit') {
          throw new GitConflictError(`the cache of ${label} was broken and has been rebuilt`, {
            where: { detail: label },
            hint: 'read again, decide again and retry',
          });
        }
        return run();
      })
      .catch((err: unknown) => {
        throw toCanaryError(err, { op, label, ref, redact });
      });

  // Deepening: `depth` more commits below the shallow boundary, then
  // DEEPEN_GROWTH times more on each further deepen within one walk or
  // ensureCommit (200, 800, 3,200…: a record n commits back costs about
  // log4(n / 200) + 1 round trips, each a negotiation the server pays for;
  // doubling took twice as many, and each over-fetch is bounded by the growth).
  const firstStep = depth > 0 ? depth : DEFAULT_DEPTH;
  const allPresent = async (oids: string[]) => (await Promise.all(oids.map((oid) => hasCommit(store, oid)))).every(Boolean);

  /**
   * Fetch `step` more generations of `fullRef`'s history below the shallow
   * boundary, so that the parents `needed` of the commits `boundaries`
   * arrive. Through `serialised`, like every fetch: it rewrites `shallow`,
   * which all refs share. The server deepens every listed boundary any of its
   * refs reaches (other refs' too: correct, and a cost) and answers for
   * exactly those, so no other ref's boundary is dropped. Resolve's answer
   * does not move: the tracking ref is put back (only refresh() moves it),
   * even if the server's ref moved meanwhile.
   */
  const deepen = (fullRef: string, boundaries: string[], needed: string[], step: number) =>
    serialised(gitdir, async () => {
      // Another walk may have fetched them while this one waited.
      if (await allPresent(needed)) return;
      const { ctx, nativeFetch, net } = network();
      const tracking = trackingRef(fullRef);
      const tip = await readRef(gitdir, tracking);
      if (!tip) {
        throw new GitError(`cannot deepen ${shortRef(fullRef)}: it is not in the cache`, {
          where: { branch: shortRef(fullRef), detail: label },
          hint: 'the server has no such branch or ref',
        });
      }
      // A commit whose parents are missing must be listed as shallow, or the
      // server assumes we have them (a fetch cut short, another process's
      // rewrite of `shallow`): list it, and the deepen repairs the gap.
      const shallow = await readShallow(gitdir);
      const listed = new Set([...shallow, ...boundaries]);
      if (listed.size !== shallow.size) await writeShallow(gitdir, listed);
      try {
        if (mode === 'native') {
          // Commits only: finding a record needs their messages, and the trees of the few whose
          // files are read are fetched when read (store.fetchTrees), not those of every commit.
          const filter = treesOnDemand ? 'tree:0' : blobFilter(FILE_MAX_BYTES);
          const found = await keepingShallow(gitdir, () => nativeFetch(fullRef, tracking, [`--deepen=${step}`], filter));
          if (!found) throw new git.Errors.NotFoundError(fullRef);
        } else {
          await keepingShallow(gitdir, () =>
            git.fetch({ ...net, ref: tracking, remoteRef: fullRef, singleBranch: true, tags: false, depth: step, relative: true }));
        }
      } catch (err) {
        throw toCanaryError(err, ctx('fetch', shortRef(fullRef)));
      } finally {
        await git.writeRef({ fs: fsForWrites, gitdir, ref: tracking, value: tip, force: true });
      }
    });

  /** The error for parents a deepen of `refs` did not bring. */
  const unreachable = (child: string, missing: string[], refs: string[]) =>
    new GitError(`cannot fetch the history of commit ${child}: parent ${missing[0]} is not on the server's ${refs.map(shortRef).join(', ') || 'refs'}`, {
      where: { branch: refs[0] ? shortRef(refs[0]) : undefined, detail: label },
      hint: refs.length > 0
        ? 'the branch was rewritten or the server lost objects; refresh and read it again'
        : 'walk a branch or ref (not a bare sha) so the cache knows what to deepen',
      data: { commit: child, missing },
    });

  /** A failed deepen as a GitError that also names the commit whose parents it was for; AuthErrors stay AuthErrors. */
  const aboutCommit = (err: unknown, child: string, missing: string[]): unknown => {
    if (!(err instanceof GitError)) return err;
    return new GitError(`cannot fetch the history of commit ${child} (parent ${missing[0]}): ${err.message}`, {
      where: err.where, hint: err.hint, data: { ...err.data, commit: child, missing }, cause: err,
    });
  };

  /** For a walk over `commitish`: deepen the ref named, or for a sha the refs read so far (the one at that sha first). */
  const missingParents = async (commitish: string, start: string): Promise<MissingParents> => {
    let refs: string[];
    if (!isSha(commitish)) refs = [toFullRef(commitish)];
    else {
      const all = [...fetched];
      const tips = await Promise.all(all.map((r) => readRef(gitdir, trackingRef(r))));
      refs = [...all.filter((_, i) => tips[i] === start), ...all.filter((_, i) => tips[i] !== start)];
    }
    let step = firstStep;
    return async (child, missing) => {
      for (const fullRef of refs) {
        try {
          await deepen(fullRef, [child.sha], missing, step);
        } catch (err) {
          throw aboutCommit(err, child.sha, missing);
        }
        step *= DEEPEN_GROWTH;
        if (await allPresent(missing)) return;
      }
      throw unreachable(child.sha, missing, refs);
    };
  };

  async function* walk(commitish: string, opts?: { firstParent?: boolean }) {
    try {
      const start = await commitOid(commitish);
      const onMissing = await missingParents(commitish, start);
      yield* walkFrom(store, start, { firstParent: opts?.firstParent ?? true, onMissing });
    } catch (err) {
      throw toCanaryError(err, { op: 'walk', label, ref: commitish, redact });
    }
  }

  const ensureCommit = async (sha: string, ref: string): Promise<boolean> => {
    if (!isSha(sha)) {
      throw new GitError(`${JSON.stringify(sha)} is not a commit id`, { where: { detail: label }, hint: 'pass a full 40-hex sha' });
    }
    if (await hasCommit(store, sha)) return true;
    const fullRef = toFullRef(ref);
    const tip = await resolve(fullRef);
    if (!tip) return false;
    // Every commit of the ref's history the cache has, explored once; after
    // each deepen only from the commits whose parents were missing.
    const frontier = await HistoryFrontier.start(store, tip);
    for (let step = firstStep; ; step *= DEEPEN_GROWTH) {
      if (await hasCommit(store, sha)) return true;
      const edges = await frontier.explore();
      if (edges.length === 0) return false;
      try {
        await deepen(fullRef, edges.map((e) => e.child), edges.flatMap((e) => e.missing), step);
      } catch (err) {
        throw aboutCommit(err, edges[0]!.child, edges[0]!.missing);
      }
      if (await hasCommit(store, sha)) return true;
      // A deepen brings the parents of every boundary the server's refs reach: one still missing never will.
      for (const { child, missing } of edges) {
        const still = (await Promise.all(missing.map((oid) => hasCommit(store, oid)))).flatMap((has, i) => (has ? [] : [missing[i]!]));
        if (still.length > 0) throw unreachable(child, still, [fullRef]);
      }
    }
  };

  /**
   * Native `git push --atomic` of `updates`, compare-and-swap each: the lease
   * names the value an update must replace (none: the ref must not exist), and
   * receive-pack checks that value again under its own lock; all land or none
   * does. Never a non-fast-forward: updateRef(s) checked that each new value
   * descends from its old one. Git sends only the objects the server lacks
   * (isomorphic-git sends every object of the new commit's tree: the whole
   * repository).
   */
  const pushNative = async (updates: readonly RefUpdate[]) => {
    const { ctx } = network();
    const names = updates.map((u) => shortRef(u.ref)).join(', ');
    const r = await nativeGit([
      'push', '--porcelain', '--no-verify', '--no-recurse-submodules', ...(updates.length > 1 ? ['--atomic'] : []),
      ...updates.map((u) => `--force-with-lease=${u.ref}:${u.expectedOld ?? ''}`), 'origin', ...updates.map((u) => `${u.newSha}:${u.ref}`),
    ]);
    if (r.code !== 0) throw nativePushError(r.stdout, r.stderr, ctx('push', names));
    // git checks no lease for a ref already at the new value ("=" up to date): it was not
    // `expectedOld`, so this update did not happen from it, exactly as a moved ref.
    const upToDate = r.stdout.split('\n').filter((l) => l.startsWith('=\t'));
    const stale = updates.find((u) => u.expectedOld !== u.newSha && upToDate.some((l) => l.split('\t')[1]?.endsWith(`:${u.ref}`)));
    if (stale) throw movedRef(stale.ref, stale.newSha, stale.expectedOld, label);
  };

  /** Several ref updates, as one atomic native push; embedded: one push each, in order. */
  const pushAll = (updates: readonly RefUpdate[]) =>
    mode === 'native'
      ? serialised(gitdir, async () => {
          await pushNative(updates);
          for (const u of updates) {
            await git.writeRef({ fs: fsForWrites, gitdir, ref: trackingRef(u.ref), value: u.newSha, force: true });
            fetched.add(u.ref);
            tips.set(u.ref, u.newSha);
          }
        })
      : updates.reduce<Promise<void>>((done, u) => done.then(() => push(u.ref, u.newSha, u.expectedOld)), Promise.resolve());

  const push = (fullRef: string, newSha: string, expectedOld: string | undefined) =>
    serialised(gitdir, async () => {
      const { ctx, net } = network();
      // push() sends a local ref; a private scratch ref keeps the tracking ref
      // equal to the server's value until the server has accepted the update.
      const scratch = `refs/git-canary/push/${process.pid}-${Date.now()}`;
      await git.writeRef({ fs: fsForWrites, gitdir, ref: scratch, value: newSha, force: true });
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
          throw movedRef(fullRef, advertised === ZERO ? undefined : advertised, expectedOld, label);
        }
        throw toCanaryError(err, ctx('push', shortRef(fullRef)));
      } finally {
        await git.deleteRef({ fs: fsForWrites, gitdir, ref: scratch }).catch(() => {});
      }
      // isomorphic-git records the pushed value too; writing it ourselves makes
      // sure, whatever its naming rule for non-branch refs.
      await git.writeRef({ fs: fsForWrites, gitdir, ref: trackingRef(fullRef), value: newSha, force: true });
      fetched.add(fullRef);
      tips.set(fullRef, newSha);
    });

  /** For messages: a sha as the branch or ref read so far that points at it, else the sha. */
  const nameOf = async (commitish: string): Promise<string> => {
    if (!isSha(commitish)) return commitish;
    for (const fullRef of fetched) if ((await readRef(gitdir, trackingRef(fullRef))) === commitish) return shortRef(fullRef);
    return commitish;
  };

  const repo: GitRepo = {
    label,
    resolve: (ref) => wrap('resolve', ref, () => resolve(ref)),
    readFile: (commitish, path) => wrap('read', commitish, async () => readFileAt(store, await commitOid(commitish), path, () => nameOf(commitish))),
    listFiles: (commitish, dir) => wrap('list', commitish, async () => listFilesAt(store, await commitOid(commitish), dir)),
    log: (commitish, opts) => wrap('log', commitish, async () => logFrom(store, await commitOid(commitish), opts?.depth)),
    walk,
    ensureCommit: (sha, ref) => wrap('fetch', ref, () => ensureCommit(sha, ref)),
    createCommit: (opts) => wrap('commit', undefined, () => createCommitIn(store, opts)),
    updateRef: (ref, newSha, expectedOld) => repo.updateRefs([{ ref, newSha, expectedOld }]),
    updateRefs: (updates) =>
      wrap('push', updates.map((u) => u.ref).join(', '), async () => {
        const full = updates.map((u) => ({ ...u, ref: toFullRef(u.ref) }));
        for (const u of full) await assertFastForward(store, u.newSha, u.expectedOld, u.ref);
        await pushAll(full);
      }),
    refresh: () =>
      wrap('fetch', undefined, async () => {
        if (fetched.size > 0) await sync([...fetched]);
      }),
  };
  const first = options.fetchRefs?.[0];
  if (first !== undefined) await repo.resolve(first);
  return repo;
}
