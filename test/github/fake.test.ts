/**
 * The fake GitHub itself: that it refuses what GitHub's REST description does
 * not allow (so the client tests mean something — each assertion on a
 * violation here fails if validation were removed), that its own responses
 * match the description, and that it has the GitHub semantics git-canary
 * relies on (heads follow pushes, merged when the head reaches the base, one
 * open pull request per branch, pagination, required_contexts).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-fake.ts';
import { type BareRepo, createBareRepo } from '../helpers/github-fake-git.ts';
import { loadGitHubDescription } from '../helpers/github-fake-openapi.ts';

const TOKEN = 'fake-token-0123456789';
const R = '/repos/acme/manifests';

let git: BareRepo;
let fake: FakeGitHub;

interface Call {
  status: number;
  body: unknown;
  headers: Headers;
}

/** A raw request, as any HTTP client could send it (the real client would never send the bad ones). */
async function call(method: string, path: string, o: { body?: unknown; auth?: string | null } = {}): Promise<Call> {
  const headers: Record<string, string> = { 'user-agent': 'fake-test', accept: 'application/vnd.github+json' };
  if (o.auth !== null) headers.authorization = o.auth ?? `token ${TOKEN}`;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${fake.url}${path}`, { method, headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** The violations a step adds, emptying the list for the next step. */
function takeViolations(): string[] {
  return fake.violations.splice(0);
}

const message = (c: Call) => (c.body as { message?: string }).message ?? '';

before(async () => {
  git = createBareRepo();
  git.commit('production', 'p1');
  fake = await startFakeGitHub({ token: TOKEN, owner: 'acme', repo: 'manifests', gitDir: git.gitDir });
});
after(async () => {
  await fake.close();
  await git.cleanup();
});
beforeEach(() => assert.deepEqual(takeViolations(), [], 'a previous step left violations'));

describe('the fake GitHub validates requests against the description', () => {
  it('a commit status state the description does not allow', async () => {
    const sha = git.tip('production')!;
    const c = await call('POST', `${R}/statuses/${sha}`, { body: { state: 'done', context: 'x' } });
    assert.equal(c.status, 422);
    const v = takeViolations();
    assert.equal(v.length, 1);
    assert.match(v[0]!, /POST \/repos\/\{owner\}\/\{repo\}\/statuses\/\{sha\}: request body: body\/state must be equal to one of the allowed values/);
    assert.deepEqual(fake.statuses(sha), [], 'nothing was stored');
  });

  it('an operation that is not in the description', async () => {
    const c = await call('GET', `${R}/branches`);
    assert.equal(c.status, 404);
    assert.match(takeViolations()[0] ?? '', /GET \/repos\/acme\/manifests\/branches: no such operation/);
    assert.equal((await call('DELETE', `${R}/pulls/1`)).status, 404);
    assert.equal(takeViolations().length, 1);
  });

  it('a missing required body field, a wrong type, an unknown query parameter, a bad path parameter', async () => {
    assert.equal((await call('POST', `${R}/pulls`, { body: { head: 'x', title: 't' } })).status, 422);
    assert.match(takeViolations().join('\n'), /must have required property 'base'/);
    assert.equal((await call('POST', `${R}/issues/1/comments`, { body: {} })).status, 422);
    assert.match(takeViolations().join('\n'), /must have required property 'body'/);
    assert.equal((await call('POST', `${R}/deployments`, { body: { ref: 'production', auto_merge: 'no' } })).status, 422);
    assert.match(takeViolations().join('\n'), /body\/auto_merge must be boolean/);
    // GitHub ignores unknown query parameters; a client sending one has a bug all the same.
    assert.equal((await call('GET', `${R}/pulls?stat=all`)).status, 200);
    assert.match(takeViolations().join('\n'), /unknown query parameter stat/);
    assert.equal((await call('GET', `${R}/pulls?state=merged`)).status, 422);
    assert.match(takeViolations().join('\n'), /query parameter state="merged"/);
    assert.equal((await call('GET', `${R}/pulls/one`)).status, 422);
    assert.match(takeViolations().join('\n'), /path parameter pull_number="one": value must be integer/);
  });

  it("honours OpenAPI's nullable", async () => {
    const sha = git.tip('production')!;
    const c = await call('POST', `${R}/statuses/${sha}`, { body: { state: 'success', description: null, target_url: null } });
    assert.equal(c.status, 201);
    assert.equal((c.body as { context: string }).context, 'default');
    assert.equal(c.headers.get('location'), `${fake.url}${R}/statuses/${sha}`);
    assert.deepEqual(takeViolations(), []);
    assert.equal((await call('POST', `${R}/statuses/${sha}`, { body: { state: null } })).status, 422, 'state is not nullable');
    assert.match(takeViolations().join('\n'), /body\/state must be string/);
  });

  it('checks the token like GitHub', async () => {
    const none = await call('GET', `${R}/pulls`, { auth: null });
    assert.equal(none.status, 401);
    assert.equal(message(none), 'Requires authentication');
    const wrong = await call('GET', `${R}/pulls`, { auth: 'token nope' });
    assert.deepEqual([wrong.status, message(wrong)], [401, 'Bad credentials']);
    assert.equal(typeof (wrong.body as { documentation_url: unknown }).documentation_url, 'string');
    assert.equal((await call('GET', `${R}/pulls`, { auth: `Bearer ${TOKEN}` })).status, 200);
    assert.equal((await call('GET', `${R}/pulls`, { auth: `token ${TOKEN}` })).status, 200);
    assert.equal((await call('GET', '/repos/other/manifests/pulls')).status, 404, 'another repository');
  });

  it('validates its own responses too', () => {
    const api = loadGitHubDescription();
    const op = api.match('GET', `${R}/pulls/7`);
    assert.equal(op?.operationId, 'pulls/get');
    assert.deepEqual(op?.params, { owner: 'acme', repo: 'manifests', pull_number: '7' });
    assert.match(api.checkResponse(op, 200, { number: 7 }).join('\n'), /must have required property 'head'/);
    assert.match(api.checkResponse(op, 404, { message: 5 }).join('\n'), /body\/message must be string/);
    assert.match(api.checkResponse(api.match('POST', `${R}/statuses/abc`), 200, {}).join('\n'), /status 200 is not in the description/);
    assert.equal(api.match('GET', `${R}/commits/heads/main/statuses`)?.params.ref, 'heads/main', 'x-multi-segment');
    assert.equal(api.match('PATCH', `${R}/issues/comments/9`)?.operationId, 'issues/update-comment');
  });

  it('failNext answers the next requests with an error, then recovers', async () => {
    fake.failNext(2, 502);
    assert.equal((await call('GET', `${R}/pulls`)).status, 502);
    assert.equal((await call('GET', `${R}/pulls`)).status, 502);
    assert.equal((await call('GET', `${R}/pulls`)).status, 200);
    fake.failNext(1, 403);
    const limited = await call('GET', `${R}/pulls`);
    assert.match(message(limited), /secondary rate limit/);
    assert.equal(limited.headers.get('retry-after'), '1');
  });
});

describe('the fake GitHub behaves like GitHub', () => {
  const open = async (head: string, base = 'production') => call('POST', `${R}/pulls`, { body: { head, base, title: head, body: 'b' } });

  it("an open pull request's head follows its branch; it is merged once the head reaches the base", async () => {
    const c1 = git.commit('git-canary/a', 'a1', git.tip('production'));
    const created = await open('git-canary/a');
    assert.equal(created.status, 201);
    const n = (created.body as { number: number }).number;
    assert.equal(JSON.stringify(fake.pullRequest(n)?.head).includes(`"sha":"${c1}"`), true);
    const c2 = git.commit('git-canary/a', 'a2');
    const got = (await call('GET', `${R}/pulls/${n}`)).body as { head: { sha: string }; state: string; merged: boolean };
    assert.deepEqual([got.head.sha, got.state, got.merged], [c2, 'open', false]);
    const review = fake.addReview(n, { user: 'alice', state: 'APPROVED' });
    assert.equal(review.commit_id, c2, 'a review is on the current head');
    // Production moves past the head (the promotion commit on top of it): merged.
    git.setBranch('production', c2);
    git.commit('production', 'promotion commit');
    const merged = (await call('GET', `${R}/pulls/${n}`)).body as { state: string; merged: boolean; merged_at: string | null; merge_commit_sha: string };
    assert.deepEqual([merged.state, merged.merged, typeof merged.merged_at, merged.merge_commit_sha], ['closed', true, 'string', c2]);
    // A closed pull request no longer follows its branch.
    git.commit('git-canary/a', 'a3');
    assert.equal(((await call('GET', `${R}/pulls/${n}`)).body as { head: { sha: string } }).head.sha, c2);
  });

  it('one open pull request per head and base; none without commits', async () => {
    git.commit('git-canary/b', 'b1', git.tip('production'));
    assert.equal((await open('git-canary/b')).status, 201);
    const dup = await open('git-canary/b');
    assert.equal(dup.status, 422);
    assert.deepEqual((dup.body as { errors: unknown[] }).errors, [{ resource: 'PullRequest', code: 'custom', message: 'A pull request already exists for acme:git-canary/b.' }]);
    git.setBranch('git-canary/empty', git.tip('production')!);
    const empty = await open('git-canary/empty');
    assert.equal(empty.status, 422);
    assert.match(JSON.stringify(empty.body), /No commits between production and git-canary\/empty/);
    assert.equal((await open('git-canary/missing')).status, 422);
  });

  it('lists by head, base and state, newest first; closing and reopening', async () => {
    git.commit('git-canary/c', 'c1', git.tip('production'));
    const first = ((await open('git-canary/c')).body as { number: number }).number;
    fake.closePullRequest(first, 'dana');
    assert.equal(fake.pullRequest(first)?.closed_by, 'dana');
    const second = ((await open('git-canary/c')).body as { number: number }).number;
    const list = async (q: string) => ((await call('GET', `${R}/pulls?${q}`)).body as { number: number }[]).map((p) => p.number);
    assert.deepEqual(await list('state=all&head=acme:git-canary/c&base=production&sort=created&direction=desc'), [second, first]);
    assert.deepEqual(await list('head=acme:git-canary/c'), [second], 'state defaults to open');
    assert.deepEqual(await list('state=closed&head=acme:git-canary/c'), [first]);
    assert.deepEqual(await list('state=all&head=acme:git-canary/c&base=main'), []);
    assert.deepEqual(await list('state=all&head=someone:git-canary/c'), []);
    const reopen = await call('PATCH', `${R}/pulls/${first}`, { body: { state: 'open' } });
    assert.equal(reopen.status, 422, 'another pull request is open for the branch');
    assert.equal((await call('PATCH', `${R}/pulls/${second}`, { body: { state: 'closed' } })).status, 200);
    assert.equal((await call('PATCH', `${R}/pulls/${first}`, { body: { state: 'open' } })).status, 200);
    git.deleteBranch('git-canary/c');
    assert.equal(fake.pullRequest(first)?.state, 'closed', 'deleting the head branch closes it');
  });

  it('paginates with Link headers, at most 100 a page', async () => {
    git.commit('git-canary/d', 'd1', git.tip('production'));
    const n = ((await open('git-canary/d')).body as { number: number }).number;
    for (let i = 0; i < 130; i++) fake.addComment(n, { user: 'erin', body: `c${i}` });
    const p1 = await call('GET', `${R}/issues/${n}/comments?per_page=500`);
    assert.equal((p1.body as unknown[]).length, 100);
    assert.match(p1.headers.get('link') ?? '', new RegExp(`<${fake.url}${R}/issues/${n}/comments\\?per_page=500&page=2>; rel="next"`));
    const p2 = await call('GET', `${R}/issues/${n}/comments?per_page=100&page=2`);
    assert.deepEqual(
      (p2.body as { body: string }[]).map((c) => c.body),
      Array.from({ length: 30 }, (_, i) => `c${i + 100}`),
    );
    assert.doesNotMatch(p2.headers.get('link') ?? '', /rel="next"/);
    assert.equal(fake.comments(n).length, 130);
  });

  it('statuses: 140 characters at most; deployments: required_contexts gate, newest first', async () => {
    const sha = git.tip('production')!;
    assert.equal((await call('POST', `${R}/statuses/${sha}`, { body: { state: 'success', description: 'x'.repeat(141) } })).status, 422);
    assert.equal((await call('POST', `${R}/statuses/${'0'.repeat(40)}`, { body: { state: 'success' } })).status, 422, 'no such commit');
    assert.equal((await call('POST', `${R}/statuses/${sha}`, { body: { state: 'failure', context: 'ci' } })).status, 201);
    const gated = await call('POST', `${R}/deployments`, { body: { ref: sha, environment: 'production' } });
    assert.equal(gated.status, 409, 'omitted required_contexts means every status must be green');
    const d1 = await call('POST', `${R}/deployments`, { body: { ref: sha, environment: 'production', required_contexts: [], payload: { rollout: 'r1' } } });
    const d2 = await call('POST', `${R}/deployments`, { body: { ref: 'production', environment: 'production', required_contexts: [] } });
    assert.deepEqual([d1.status, d2.status], [201, 201]);
    const [id1, id2] = [d1, d2].map((d) => (d.body as { id: number }).id);
    assert.equal((d2.body as { sha: string }).sha, sha, 'a branch ref resolves to its commit');
    assert.deepEqual(
      fake.deployments().map((d) => d.id),
      [id2, id1],
    );
    assert.deepEqual((d1.body as { payload: unknown }).payload, { rollout: 'r1' });
    const list = (await call('GET', `${R}/deployments?environment=production&sha=${sha}`)).body as { id: number }[];
    assert.deepEqual(
      list.map((d) => d.id),
      [id2, id1],
    );
    assert.equal((await call('POST', `${R}/deployments/${id1}/statuses`, { body: { state: 'in_progress', log_url: 'https://ci.example/1' } })).status, 201);
    assert.equal((await call('POST', `${R}/deployments/999/statuses`, { body: { state: 'success' } })).status, 404);
    const statuses = (await call('GET', `${R}/deployments/${id1}/statuses`)).body as { target_url: string }[];
    assert.equal(statuses[0]?.target_url, 'https://ci.example/1', 'log_url sets target_url');
  });

  it('merges by fast-forward through the merge endpoint', async () => {
    const tip = git.commit('git-canary/e', 'e1', git.tip('production'));
    const n = ((await open('git-canary/e')).body as { number: number }).number;
    assert.equal((await call('PUT', `${R}/pulls/${n}/merge`, { body: { sha: 'f'.repeat(40) } })).status, 409);
    const merged = await call('PUT', `${R}/pulls/${n}/merge`, { body: { sha: tip, merge_method: 'merge' } });
    assert.deepEqual(merged.body, { sha: tip, merged: true, message: 'Pull Request successfully merged' });
    assert.equal(git.tip('production'), tip);
    assert.equal((await call('PUT', `${R}/pulls/${n}/merge`)).status, 405);
  });

  it('without a git repository, branches live in memory', async () => {
    const mem = await startFakeGitHub({ token: TOKEN, owner: 'acme', repo: 'manifests' });
    try {
      const post = (body: unknown) =>
        fetch(`${mem.url}${R}/pulls`, { method: 'POST', headers: { authorization: `token ${TOKEN}`, 'user-agent': 't', 'content-type': 'application/json' }, body: JSON.stringify(body) });
      mem.setBranch('production', 'a'.repeat(40));
      mem.setBranch('git-canary/x', 'b'.repeat(40));
      assert.equal((await post({ head: 'acme:git-canary/x', base: 'production', title: 'x' })).status, 201);
      mem.setBranch('git-canary/x', 'c'.repeat(40));
      assert.deepEqual(mem.pullRequest(1)?.head, { ...(mem.pullRequest(1)?.head as object), sha: 'c'.repeat(40) });
      mem.setBranch('production', 'c'.repeat(40));
      assert.equal(mem.pullRequest(1)?.merged, true);
      assert.deepEqual(mem.violations, []);
    } finally {
      await mem.close();
    }
  });
});
