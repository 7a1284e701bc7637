/**
 * Checks that a timed run did what it is timed for, read with native git
 * (never with git-canary's own code): which commits a tick added on
 * production, and that each is git-canary's record for the service expected.
 * Each failure throws with what was expected and what was found.
 */
import { git } from '../test/helpers/git-fixtures.ts';

const GIT_CANARY = 'git-canary <git-canary@users.noreply.github.com>';

export interface NewCommit {
  sha: string;
  author: string;
  committer: string;
  message: string;
}

export const tipOf = (repo: string, branch = 'production') => git(repo, ['rev-parse', `refs/heads/${branch}`]).trim();

/** Production's first-parent commits after `before`, oldest first; throws when `before` is no longer below the tip. */
export function newCommits(repo: string, before: string): NewCommit[] {
  const tip = tipOf(repo);
  if (tip === before) return [];
  const chain = git(repo, ['rev-list', '--first-parent', `${before}..${tip}`]).split('\n').filter(Boolean);
  const parentOfOldest = chain.length ? git(repo, ['rev-parse', `${chain.at(-1)}^`]).trim() : '';
  if (parentOfOldest !== before) throw new Error(`${repo}: production ${tip.slice(0, 7)} does not descend from ${before.slice(0, 7)} by first parents`);
  return chain.reverse().map((sha) => {
    const [author, committer, ...rest] = git(repo, ['show', '-s', '--format=%an <%ae>%n%cn <%ce>%n%B', sha]).split('\n');
    return { sha, author: author!, committer: committer!, message: rest.join('\n') };
  });
}

/** What one expected record says: its service, and trailer lines it must carry (e.g. `Canary-Step: 2/3`). */
export interface ExpectedRecord {
  service: string;
  lines?: string[];
}

/** Exactly `expected.length` new commits, each git-canary's, one per expected service (any order). */
export function expectRecords(label: string, repo: string, before: string, expected: ExpectedRecord[]): NewCommit[] {
  const commits = newCommits(repo, before);
  const fail = (why: string): never => {
    throw new Error(`${label}: ${why}\nnew commits on production:\n${commits.map((c) => `${c.sha} ${c.author}\n${c.message}`).join('\n') || '(none)'}`);
  };
  if (commits.length !== expected.length) fail(`${commits.length} new commit(s) on production, expected ${expected.length}`);
  const left = [...expected];
  for (const c of commits) {
    if (c.author !== GIT_CANARY || c.committer !== GIT_CANARY) fail(`${c.sha} is by ${c.author} / ${c.committer}, not ${GIT_CANARY}`);
    const service = /^Canary-Service: (.+)$/m.exec(c.message)?.[1];
    const i = left.findIndex((e) => e.service === service);
    if (i < 0) fail(`${c.sha} is a record of ${service ?? 'no service'}, not one of ${left.map((e) => e.service).join(', ')}`);
    for (const line of left[i]!.lines ?? []) if (!c.message.split('\n').includes(line)) fail(`${c.sha} lacks the trailer "${line}"`);
    left.splice(i, 1);
  }
  return commits;
}

/** A no-op: production did not move. */
export function expectNoCommit(label: string, repo: string, before: string): void {
  const tip = tipOf(repo);
  if (tip !== before) throw new Error(`${label}: production moved from ${before.slice(0, 7)} to ${tip.slice(0, 7)}; nothing was due`);
}
