/**
 * The first question a command asks a remote, asked before its code loads.
 *
 * Every command that reads a remote repository starts by asking the server
 * where its branches are (`git ls-remote`, tens of milliseconds of another
 * process and the network). With a warm cache the answer is often "where
 * they were", and a no-op tick is then little more than that question. So a
 * command starts it first (`startAdvertisement`), while its modules, the
 * config's schema and the git layer load, and the remote's open takes it
 * (`takeAdvertisement`) for the same cache and refs, once, in place of asking
 * itself. Everything else stays as it was: the answer is read, judged and,
 * unless the credentials were refused, asked again under the cache lock when
 * it failed, by remote.ts. An answer no one takes is left alone.
 *
 * Light on purpose: it loads only what finding the cache and running git need.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { remoteCacheDir } from './cache-dir.ts';
import { parseRemoteUrl } from './credentials.ts';
import { gitModeKnown, type NativeResult, runNative } from './native.ts';
import { toFullRef } from './paths.ts';

/** `git ls-remote` of `refs` (full names) in the cache, with native git; how remote.ts asks too. */
export function lsRemoteArgs(refs: readonly string[]): string[] {
  return ['-c', 'protocol.version=1', 'ls-remote', 'origin', ...refs];
}

/** The answer: git's result, or why git could not start. */
export type EarlyAnswer = NativeResult | { error: unknown };

interface Started {
  gitdir: string;
  refs: string;
  answer: Promise<EarlyAnswer>;
}

let started: Started | undefined;

/**
 * Ask the server behind `url` for `refs` (branch names or full refs) now, when its cache under `cacheDir`
 * exists (a cold cache fetches anyway) and native git fetches. Never throws:
 * whatever is wrong (the URL, git) is found and said by the open that follows.
 */
export function startAdvertisement(o: { url: string; cacheDir: string; token: string | undefined; refs: readonly string[] }): void {
  try {
    // Full names, each once, in order: what openRemote asks for (its fetchRefs, as full refs).
    const refs = [...new Set(o.refs.map(toFullRef))];
    const creds = parseRemoteUrl(o.url, o.token);
    const gitdir = remoteCacheDir(creds.url, o.cacheDir);
    if (!existsSync(join(gitdir, 'config')) || !existsSync(join(gitdir, 'HEAD'))) return;
    // Started now, not after a promise: the command's modules load in one stretch right after.
    // A git whose version is not known yet is asked by the open, in its own time.
    if (gitModeKnown() !== 'native') return;
    const answer: Promise<EarlyAnswer> = runNative(gitdir, lsRemoteArgs(refs), creds).catch((error: unknown) => ({ error }));
    started = { gitdir, refs: JSON.stringify(refs), answer };
  } catch {
    // Not asked: the open asks, and reports what is wrong.
  }
}

/** The answer started for exactly this cache and these refs, taken (a second take finds none); undefined when none was. */
export function takeAdvertisement(gitdir: string, refs: readonly string[]): Promise<EarlyAnswer> | undefined {
  if (!started || started.gitdir !== gitdir || started.refs !== JSON.stringify(refs)) return undefined;
  const { answer } = started;
  started = undefined;
  return answer;
}
