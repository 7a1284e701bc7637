/**
 * Where a revision that Argo CD or Flux reports sits on production's
 * first-parent history, relative to the commit under judgment. Production only
 * moves forward (git-canary pushes compare-and-swap, people merge), so "at or
 * after the commit" is "at an index ≤ the commit's index" in the newest-first list.
 */

export type Position =
  /** The revision is the commit or a newer production commit: its content includes the commit's. */
  | 'at-or-after'
  /** An older production commit: the commit is not applied yet. */
  | 'older'
  /** Not on the list: another branch, a tag name, a chart version, or older than the list reaches. */
  | 'unknown';

/** Full commit shas are compared in lowercase; abbreviations never match. */
export function positionOf(revision: string, commit: string, production: readonly string[]): Position {
  const at = indexOf(commit, production);
  const index = indexOf(revision, production);
  if (at < 0 || index < 0) return 'unknown';
  return index <= at ? 'at-or-after' : 'older';
}

export function onProduction(commit: string, production: readonly string[]): boolean {
  return indexOf(commit, production) >= 0;
}

/** The first 12 characters of a sha, as reasons show it. */
export function short(sha: string): string {
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 12) : sha;
}

function indexOf(sha: string, production: readonly string[]): number {
  const wanted = sha.toLowerCase();
  return production.findIndex((c) => c.toLowerCase() === wanted);
}
