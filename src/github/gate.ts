/**
 * The pull-request gate's verdict (`gate: pull-request`): may this release
 * start? Pure: the pull request and its reviews as GitHub lists them in, a
 * verdict with a reason out. The rules, as PRODUCT.md states them:
 *
 * - the pull request must be open (merged or closed: not a start);
 * - someone approved it on its current head commit (the review's `commit_id`):
 *   an approval of an older head, before the branch moved to a new candidate,
 *   does not count;
 * - no review requests changes after that approval, and no reviewer's standing
 *   review (their newest approve / request-changes / dismissed one) requests
 *   changes on the current head, as GitHub's own branch protection counts it.
 *
 * Comments and pending reviews change nothing; a dismissed review withdraws
 * that reviewer's earlier verdict.
 */
import { shortSha } from '../audit/trailers.ts';
import type { PullRequest, Review } from './types.ts';

export type GateVerdict =
  | { kind: 'approved'; approvedBy: string[]; reason: string }
  | { kind: 'waiting'; reason: string }
  | { kind: 'stale'; reason: string }
  | { kind: 'blocked'; blockedBy: string[]; reason: string }
  | { kind: 'closed'; reason: string }
  | { kind: 'merged'; reason: string };

const DECISIVE = new Set<Review['state']>(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

export function gateVerdict(pr: PullRequest, reviews: readonly Review[]): GateVerdict {
  const ref = `pull request #${pr.number}`;
  if (pr.merged) return { kind: 'merged', reason: `${ref} is already merged` };
  if (pr.state === 'closed') {
    return { kind: 'closed', reason: `${ref} was closed without merging${pr.closedBy ? ` by ${pr.closedBy}` : ''}` };
  }
  const head = pr.headSha;
  const onHead = (r: Review) => r.commitId === head;

  // Each reviewer's standing review: their newest decisive one.
  const standing = new Map<string, Review>();
  for (const r of reviews) if (DECISIVE.has(r.state)) standing.set(r.user, r);

  const lastApproval = findLastIndex(reviews, (r) => r.state === 'APPROVED' && onHead(r) && standing.get(r.user) === r);
  const requestsAfter = reviews.filter((r, i) => r.state === 'CHANGES_REQUESTED' && i > lastApproval && lastApproval >= 0);
  const standingRequests = [...standing.values()].filter((r) => r.state === 'CHANGES_REQUESTED' && onHead(r));
  const blockers = unique([...requestsAfter, ...standingRequests].map((r) => r.user));
  if (blockers.length > 0) {
    return {
      kind: 'blocked',
      blockedBy: blockers,
      reason: `${ref}: changes requested by ${blockers.join(', ')} — address them, then a new approval starts the rollout`,
    };
  }
  if (lastApproval >= 0) {
    const approvedBy = unique([...standing.values()].filter((r) => r.state === 'APPROVED' && onHead(r)).map((r) => r.user));
    return { kind: 'approved', approvedBy, reason: `${ref} approved by ${approvedBy.join(', ')} on ${shortSha(head)}` };
  }
  if (reviews.some((r) => r.state === 'APPROVED' && !onHead(r))) {
    return {
      kind: 'stale',
      reason: `${ref}: its approval is for an older head; the branch now holds ${shortSha(head)} — approve again to start`,
    };
  }
  return { kind: 'waiting', reason: `waiting for an approval of ${ref} (${pr.htmlUrl})` };
}

function findLastIndex<T>(items: readonly T[], test: (t: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i]!)) return i;
  return -1;
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}
