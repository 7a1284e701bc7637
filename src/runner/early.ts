/**
 * What a command that opens the repository does before its code loads: for a
 * remote with a warm cache, ask the server where the session's refs are
 * (git/early-advertisement.ts), so the answer travels while the rest of the
 * CLI loads. Light on purpose; session.ts opens the repository with the same
 * refs and takes the answer.
 */
import { join } from 'node:path';
import { NOTES_REF } from '../audit/notes.ts';
import type { CommandContext } from '../context.ts';
import { defaultCacheDir, remoteCacheDir } from '../git/cache-dir.ts';
import { startAdvertisement } from '../git/early-advertisement.ts';
import { keepMemosIn, MEMO_DIR } from '../memo.ts';

/** branches.candidate when the config does not say. */
export const DEFAULT_CANDIDATE = 'candidate';

export const isUrl = (spec: string): boolean => /^https?:\/\//i.test(spec);

/**
 * The refs a session fetches as it opens (production's config is its first
 * read): production, candidate's default name and the notes; one ref
 * advertisement, one negotiation. Another candidate is fetched when read.
 */
export function sessionRefs(production: string): string[] {
  return [production, DEFAULT_CANDIDATE, NOTES_REF];
}

/** The token a remote is read with: `$GIT_CANARY_TOKEN`, else `$GITHUB_TOKEN`. */
export function tokenOf(env: CommandContext['env']): string | undefined {
  return env.GIT_CANARY_TOKEN || env.GITHUB_TOKEN || undefined;
}

/**
 * Where the memos of the repository at `location` are kept: in a remote's
 * cache, and for a local repository in the cache directory itself (every
 * entry is keyed by a digest of what it was learnt from, so repositories can
 * share the file).
 */
export function memoDirOf(location: string, cacheDir: string): string {
  return join(isUrl(location) ? remoteCacheDir(location, cacheDir) : cacheDir, MEMO_DIR);
}

/** Start asking a remote `--repo` for the session's refs; nothing for a local repository. Never throws. */
export function askRefsEarly(ctx: Pick<CommandContext, 'options' | 'env'>): void {
  const spec = ctx.options.repo;
  if (!isUrl(spec)) return;
  try {
    const cacheDir = ctx.options.cacheDir ?? defaultCacheDir(ctx.env);
    // The memos of this cache, as the session keeps them: they know which git is installed.
    keepMemosIn(memoDirOf(spec, cacheDir));
    startAdvertisement({ url: spec, cacheDir, token: tokenOf(ctx.env), refs: sessionRefs(ctx.options.production) });
  } catch {
    // A URL or branch name that is wrong: the session says so when it opens.
  }
}
