/**
 * The gate's verdict as a table. Reviews and pull requests are written in the
 * shape GitHub's REST API returns them (GET /pulls/{n}/reviews, GET /pulls/{n})
 * and mapped by the client's own functions, so the table tests what a tick sees.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toPullRequest, toReview } from '../../src/github/client.ts';
import { gateVerdict } from '../../src/github/gate.ts';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
let nextId = 80;

/** One review as GitHub lists it. */
function review(login: string, state: string, commit: string) {
  const id = nextId++;
  return {
    id,
    node_id: `PRR_kwDO${id}`,
    user: { login, id: id * 7, node_id: `U_${id}`, type: 'User', site_admin: false },
    body: state === 'APPROVED' ? 'LGTM' : '',
    state,
    html_url: `https://github.com/acme/manifests/pull/12#pullrequestreview-${id}`,
    pull_request_url: 'https://api.github.com/repos/acme/manifests/pulls/12',
    _links: { html: { href: '' }, pull_request: { href: '' } },
    ...(state === 'PENDING' ? {} : { submitted_at: `2026-12-01T10:${String(id % 60).padStart(2, '0')}:00Z` }),
    commit_id: commit,
    author_association: 'MEMBER',
  };
}

/** A pull request as GET /pulls/{n} returns it (the fields git-canary reads, and some it does not). */
function pull(o: { state?: 'open' | 'closed'; merged?: boolean; closedBy?: string } = {}) {
  return {
    number: 12,
    state: o.state ?? 'open',
    locked: false,
    title: 'checkout: roll out candidate 3f2a9c1',
    body: '…',
    user: { login: 'git-canary[bot]', id: 1, type: 'Bot' },
    html_url: 'https://github.com/acme/manifests/pull/12',
    head: { ref: 'git-canary/checkout', sha: HEAD, label: 'acme:git-canary/checkout' },
    base: { ref: 'production', sha: OLD, label: 'acme:production' },
    merged: o.merged ?? false,
    merged_at: o.merged ? '2026-12-01T11:00:00Z' : null,
    closed_at: o.state === 'closed' ? '2026-12-01T11:00:00Z' : null,
    ...(o.closedBy ? { merged_by: null, closed_by: { login: o.closedBy } } : {}),
    draft: false,
  };
}

type Row = [name: string, reviews: ReturnType<typeof review>[], kind: string, says?: RegExp];

const rows: Row[] = [
  ['no reviews yet', [], 'waiting', /waiting for an approval of pull request #12/],
  ['approved on the current head', [review('alice', 'APPROVED', HEAD)], 'approved', /approved by alice on aaaaaaa/],
  ['approved only on an older head (the branch moved to a new candidate)', [review('alice', 'APPROVED', OLD)], 'stale', /older head/],
  ['approved, then someone requests changes', [review('alice', 'APPROVED', HEAD), review('bob', 'CHANGES_REQUESTED', HEAD)], 'blocked', /changes requested by bob/],
  ['changes requested on the head stand even when another approves later', [review('bob', 'CHANGES_REQUESTED', HEAD), review('alice', 'APPROVED', HEAD)], 'blocked', /bob/],
  ['changes requested on an older head, approved on the new one', [review('bob', 'CHANGES_REQUESTED', OLD), review('alice', 'APPROVED', HEAD)], 'approved'],
  ['a comment after the approval changes nothing', [review('alice', 'APPROVED', HEAD), review('alice', 'COMMENTED', HEAD)], 'approved'],
  ['the reviewer who asked for changes approves', [review('bob', 'CHANGES_REQUESTED', HEAD), review('bob', 'APPROVED', HEAD)], 'approved', /bob/],
  ['the approver later requests changes', [review('alice', 'APPROVED', HEAD), review('alice', 'CHANGES_REQUESTED', HEAD)], 'blocked', /alice/],
  ['a dismissed approval no longer counts', [review('alice', 'APPROVED', HEAD), review('alice', 'DISMISSED', HEAD)], 'waiting'],
  ['a dismissed request for changes no longer blocks', [review('bob', 'CHANGES_REQUESTED', HEAD), review('bob', 'DISMISSED', HEAD), review('alice', 'APPROVED', HEAD)], 'approved'],
  ['a pending (unsubmitted) approval does not count', [review('alice', 'PENDING', HEAD)], 'waiting'],
  ['two approvers on the head are both named', [review('alice', 'APPROVED', HEAD), review('carol', 'APPROVED', HEAD)], 'approved', /alice, carol/],
  ['an old approval plus a new one on the head', [review('alice', 'APPROVED', OLD), review('alice', 'APPROVED', HEAD)], 'approved'],
];

describe('gateVerdict', () => {
  for (const [name, reviews, kind, says] of rows) {
    it(`${name} → ${kind}`, () => {
      const v = gateVerdict(toPullRequest(pull()), reviews.map(toReview));
      assert.equal(v.kind, kind, v.reason);
      if (says) assert.match(v.reason, says);
    });
  }

  it('a merged pull request is not a start, whatever its reviews', () => {
    const v = gateVerdict(toPullRequest(pull({ state: 'closed', merged: true })), [toReview(review('alice', 'APPROVED', HEAD))]);
    assert.equal(v.kind, 'merged');
  });

  it('a pull request closed without merging is not a start, and says who closed it when GitHub does', () => {
    const v = gateVerdict(toPullRequest(pull({ state: 'closed', closedBy: 'dana' })), [toReview(review('alice', 'APPROVED', HEAD))]);
    assert.equal(v.kind, 'closed');
    assert.match(v.reason, /closed without merging by dana/);
  });
});
