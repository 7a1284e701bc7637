/**
 * The real GitHub client against the local fake GitHub, which checks every
 * request and response against GitHub's published REST description: each port
 * method, pagination, error mapping (never leaking the token), retries and
 * rate limits. Plus how the repository and URLs are resolved.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { CanaryError } from '../../src/errors.ts';
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/client.ts';
import { commitUrl, gitHubApiUrl, pullRequestUrl, resolveGitHubRepository } from '../../src/github/repository.ts';
import type { GitHubApi } from '../../src/github/types.ts';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-fake.ts';
import { type BareRepo, createBareRepo } from '../helpers/github-fake-git.ts';

const TOKEN = 'ghs_fakeToken1234567890abcdef';
const repository = { owner: 'acme', repo: 'manifests' };
const BRANCH = 'git-canary/checkout';

let git: BareRepo;
let fake: FakeGitHub;
let base: string;
let head: string;
const client = (o: Partial<GitHubClientOptions> = {}): GitHubApi =>
  createGitHubClient({ token: TOKEN, repository, baseUrl: fake.url, retries: 0, paceWrites: false, ...o });

/** Assert `e` is a GitHub CanaryError and that the token is nowhere in it. */
function assertGitHubError(e: unknown, message: RegExp): CanaryError {
  assert.ok(e instanceof CanaryError, `not a CanaryError: ${String(e)}`);
  assert.equal(e.code, 'GITHUB');
  assert.match(e.message, message);
  const cause = e.cause instanceof Error ? e.cause.message : String(e.cause);
  for (const text of [e.message, e.oneLine(), JSON.stringify(e), cause, String(e.stack)]) {
    for (const secret of [TOKEN, `Bearer ${TOKEN}`, `token ${TOKEN}`]) assert.ok(!text.includes(secret), `token leaked into: ${text}`);
  }
  return e;
}

before(async () => {
  git = createBareRepo();
  base = git.commit('production', 'production 1');
  head = git.commit(BRANCH, 'promote checkout', base);
  fake = await startFakeGitHub({ token: TOKEN, owner: 'acme', repo: 'manifests', gitDir: git.gitDir });
});
after(async () => {
  await fake.close();
  await git.cleanup();
});

describe('createGitHubClient against the fake GitHub', () => {
  it('runs a whole promotion: pull request, reviews, comment, status, deployment', async () => {
    const gh = client();
    assert.deepEqual(gh.repository, repository);
    assert.deepEqual(await gh.pullRequestsFor(BRANCH, 'production'), []);

    const pr = await gh.createPullRequest({ head: BRANCH, base: 'production', title: 'checkout: promote 3f2a9c1', body: 'plan' });
    assert.deepEqual(pr, {
      number: pr.number,
      state: 'open',
      merged: false,
      headSha: head,
      headRef: BRANCH,
      base: 'production',
      title: 'checkout: promote 3f2a9c1',
      body: 'plan',
      htmlUrl: `https://github.com/acme/manifests/pull/${pr.number}`,
    });
    assert.deepEqual(await gh.pullRequestsFor(BRANCH, 'production'), [pr]);
    assert.deepEqual(await gh.pullRequestsFor(BRANCH, 'main'), []);
    const list = fake.requests.filter((r) => r.method === 'GET' && r.path === '/repos/acme/manifests/pulls').at(-1);
    assert.deepEqual(list?.query, { state: 'all', head: `acme:${BRANCH}`, base: 'main', sort: 'created', direction: 'desc' });

    const updated = await gh.updatePullRequest(pr.number, { title: 'checkout: promote 4b5c6d7', body: 'new plan' });
    assert.equal(updated.title, 'checkout: promote 4b5c6d7');
    assert.equal((await gh.getPullRequest(pr.number)).body, 'new plan');

    fake.addReview(pr.number, { user: 'alice', state: 'APPROVED' });
    fake.addReview(pr.number, { user: 'bob', state: 'CHANGES_REQUESTED', commitId: base });
    const reviews = await gh.listReviews(pr.number);
    assert.deepEqual(
      reviews.map((r) => [r.user, r.state, r.commitId]),
      [
        ['alice', 'APPROVED', head],
        ['bob', 'CHANGES_REQUESTED', base],
      ],
    );
    assert.ok(reviews.every((r) => typeof r.id === 'number' && typeof r.submittedAt === 'string'));

    const comment = await gh.createComment(pr.number, 'progress: 10%');
    assert.deepEqual(await gh.updateComment(comment.id, 'progress: 25%'), { id: comment.id, body: 'progress: 25%', user: 'github-actions[bot]' });
    fake.addComment(pr.number, { user: 'carol', body: 'looks good' });
    assert.deepEqual(
      (await gh.listComments(pr.number)).map((c) => [c.user, c.body]),
      [
        ['github-actions[bot]', 'progress: 25%'],
        ['carol', 'looks good'],
      ],
    );

    await gh.createCommitStatus(head, { context: 'git-canary/checkout', state: 'pending', description: 'x'.repeat(200), targetUrl: 'https://ci.example/run/1' });
    const [status] = fake.statuses(head);
    assert.equal(status?.state, 'pending');
    assert.equal(status?.context, 'git-canary/checkout');
    assert.equal(status?.target_url, 'https://ci.example/run/1');
    assert.equal(String(status?.description).length, 140, 'GitHub refuses descriptions over 140 characters: the client clips');

    const d = await gh.createDeployment({ sha: head, environment: 'production', description: 'checkout canary', rollout: 'checkout-3f2a9c1' });
    assert.deepEqual(d, { id: d.id, sha: head, environment: 'production', rollout: 'checkout-3f2a9c1' });
    const sent = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/deployments'));
    assert.deepEqual(sent?.body, {
      ref: head,
      environment: 'production',
      description: 'checkout canary',
      auto_merge: false,
      required_contexts: [],
      payload: { rollout: 'checkout-3f2a9c1' },
      transient_environment: false,
      production_environment: true,
    });
    assert.deepEqual(await gh.listDeployments({ environment: 'production' }), [d]);
    assert.deepEqual(await gh.listDeployments({ environment: 'production', sha: base }), []);
    assert.deepEqual(await gh.listDeployments({ environment: 'staging' }), []);
    await gh.createDeploymentStatus(d.id, { state: 'in_progress', description: 'step 1/3', logUrl: 'https://ci.example/run/1' });
    await gh.createDeploymentStatus(d.id, { state: 'success', description: 'promoted' });
    assert.deepEqual(
      fake.deploymentStatuses(d.id).map((s) => [s.state, s.log_url]),
      [
        ['success', ''],
        ['in_progress', 'https://ci.example/run/1'],
      ],
    );

    // Promotion: the head commit is pushed to production; GitHub then reports the pull request merged.
    git.setBranch('production', head);
    const merged = await gh.getPullRequest(pr.number);
    assert.equal(merged.state, 'closed');
    assert.equal(merged.merged, true);
    assert.equal(merged.closedBy, 'github-actions[bot]');
    const [listed] = await gh.pullRequestsFor(BRANCH, 'production');
    assert.equal(listed?.merged, true, 'the list form has no `merged`: merged_at says it');
    assert.deepEqual(fake.violations, []);
  });

  it('closes a pull request', async () => {
    const gh = client();
    const tip = git.commit('git-canary/cart', 'promote cart', git.tip('production'));
    const pr = await gh.createPullRequest({ head: 'git-canary/cart', base: 'production', title: 'cart', body: '' });
    assert.equal(pr.headSha, tip);
    const closed = await gh.updatePullRequest(pr.number, { state: 'closed', body: 'rolled back: error rate 3% (max 1%)' });
    assert.equal(closed.state, 'closed');
    assert.equal(closed.merged, false);
    assert.deepEqual(fake.violations, []);
  });

  it('follows every page of reviews and comments (per_page 100)', async () => {
    const gh = client();
    git.commit('git-canary/many', 'many', git.tip('production'));
    const pr = await gh.createPullRequest({ head: 'git-canary/many', base: 'production', title: 'many', body: '' });
    for (let i = 0; i < 105; i++) fake.addComment(pr.number, { user: 'dana', body: `c${i}` });
    const tip = git.tip('git-canary/many');
    for (let i = 0; i < 101; i++) fake.addReview(pr.number, { user: 'erin', state: 'COMMENTED', commitId: tip });
    const before = fake.requests.length;
    const comments = await gh.listComments(pr.number);
    assert.deepEqual(
      comments.map((c) => c.body),
      Array.from({ length: 105 }, (_, i) => `c${i}`),
    );
    assert.equal((await gh.listReviews(pr.number)).length, 101);
    const pages = fake.requests.slice(before);
    assert.equal(pages.length, 4);
    assert.ok(pages.every((r) => r.query.per_page === '100'));
    assert.deepEqual(fake.violations, []);
  });
});

describe('GitHub errors', () => {
  it('names the call, the status and GitHub message', async () => {
    const e = await client()
      .getPullRequest(999)
      .then(() => assert.fail('no error'), (x: unknown) => x);
    const err = assertGitHubError(e, /^GitHub GET \/repos\/acme\/manifests\/pulls\/999 failed: 404 Not Found$/);
    assert.equal(err.data?.status, 404);
    assert.match(err.hint ?? '', /github\.repository/);
  });

  it("carries GitHub's validation errors (a second open pull request for the same branch)", async () => {
    const gh = client();
    git.commit('git-canary/dup', 'dup', git.tip('production'));
    await gh.createPullRequest({ head: 'git-canary/dup', base: 'production', title: 'dup', body: '' });
    const e = await gh.createPullRequest({ head: 'git-canary/dup', base: 'production', title: 'dup', body: '' }).catch((x: unknown) => x);
    assertGitHubError(e, /POST \/repos\/acme\/manifests\/pulls failed: 422 Validation Failed \(A pull request already exists for acme:git-canary\/dup\.\)/);
  });

  it('a refused token is a GITHUB error with no trace of the token, in the error or the log', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }));
    const gh = createGitHubClient({ token: TOKEN, repository, baseUrl: fake.url, retries: 0, paceWrites: false, log });
    const wrong = createGitHubClient({ token: `${TOKEN}x`, repository, baseUrl: fake.url, retries: 0, paceWrites: false, log });
    const e = await wrong.getPullRequest(1).catch((x: unknown) => x);
    const err = assertGitHubError(e, /GET \/repos\/acme\/manifests\/pulls\/1 failed: 401 Bad credentials/);
    assert.match(err.hint ?? '', /GITHUB_TOKEN/);
    // GitHub echoing the token back (it does not, but a proxy might) is scrubbed too.
    fake.failNext(1, 500, { message: `upstream said: token ${TOKEN}` });
    assertGitHubError(await gh.listComments(1).catch((x: unknown) => x), /500 upstream said: token \[REDACTED\]/);
    assert.ok(lines.length > 0);
    for (const line of lines) assert.ok(!line.includes(TOKEN), line);
  });

  it('retries a down GitHub a little, then fails clearly', async () => {
    const gh = client({ retries: 2 });
    fake.failNext(2, 502);
    let n = fake.requests.length;
    assert.equal((await gh.getPullRequest(1)).number, 1, 'two 502s then success');
    assert.equal(fake.requests.length - n, 3);
    fake.failNext(3, 502);
    n = fake.requests.length;
    const t0 = Date.now();
    assertGitHubError(await gh.getPullRequest(1).catch((x: unknown) => x), /GET \/repos\/acme\/manifests\/pulls\/1 failed: 502 Bad Gateway/);
    assert.equal(fake.requests.length - n, 3, 'one try and two retries');
    // 250 ms + 1 s; plugin-retry's count leaking from the previous call would make it 2.25 s + 1 s.
    assert.ok(Date.now() - t0 < 2200, `backed off ${Date.now() - t0} ms`);
    fake.failNext(1, 503);
    n = fake.requests.length;
    assertGitHubError(await client({ retries: 0 }).getPullRequest(1).catch((x: unknown) => x), /503 Service Unavailable/);
    assert.equal(fake.requests.length - n, 1, 'retries: 0 does not retry');
    assert.deepEqual(fake.violations, []);
  });

  it('waits out a secondary rate limit at most twice', async () => {
    const gh = client();
    fake.failNext(1, 403);
    assert.equal((await gh.getPullRequest(1)).number, 1);
    fake.failNext(3, 403);
    const n = fake.requests.length;
    const e = assertGitHubError(await gh.getPullRequest(1).catch((x: unknown) => x), /403 You have exceeded a secondary rate limit/);
    assert.equal(fake.requests.length - n, 3);
    assert.match(e.hint ?? '', /rate limit/);
  });

  it('an unreachable GitHub is a GITHUB error naming the call', async () => {
    const gh = createGitHubClient({ token: TOKEN, repository, baseUrl: 'http://127.0.0.1:1', retries: 0 });
    const e = assertGitHubError(await gh.listDeployments({ environment: 'production' }).catch((x: unknown) => x), /GET \/repos\/acme\/manifests\/deployments failed: no response/);
    assert.match(e.hint ?? '', /could not reach http:\/\/127\.0\.0\.1:1/);
  });

  it('paces writes one second apart by default, as GitHub asks', async () => {
    const gh = client({ paceWrites: undefined });
    const t0 = Date.now();
    await gh.createCommitStatus(head, { context: 'a', state: 'success', description: 'a' });
    await gh.createCommitStatus(head, { context: 'b', state: 'success', description: 'b' });
    assert.ok(Date.now() - t0 >= 900, `two writes took ${Date.now() - t0} ms`);
  });
});

describe('resolveGitHubRepository', () => {
  const acme = { owner: 'acme', repo: 'manifests' };
  const rows: [string, Parameters<typeof resolveGitHubRepository>[0], ReturnType<typeof resolveGitHubRepository>][] = [
    ['config wins', { configured: 'acme/manifests', env: { GITHUB_REPOSITORY: 'other/repo' }, repoSpec: 'https://github.com/x/y' }, acme],
    ['then GITHUB_REPOSITORY', { env: { GITHUB_REPOSITORY: 'acme/manifests' }, repoSpec: 'https://github.com/x/y' }, acme],
    ['then a github.com URL', { env: {}, repoSpec: 'https://github.com/acme/manifests' }, acme],
    ['with .git', { env: {}, repoSpec: 'https://github.com/acme/manifests.git' }, acme],
    ['with a trailing slash', { env: {}, repoSpec: 'https://github.com/acme/manifests/' }, acme],
    ['credentials ignored', { env: {}, repoSpec: 'https://x-access-token:s3cret@github.com/acme/manifests.git' }, acme],
    ['GitHub Enterprise Server host', { env: { GITHUB_SERVER_URL: 'https://ghe.corp.example' }, repoSpec: 'https://ghe.corp.example/acme/manifests.git' }, acme],
    ['another host', { env: {}, repoSpec: 'https://gitlab.com/acme/manifests.git' }, undefined],
    ['a local path', { env: {}, repoSpec: '/srv/git/manifests.git' }, undefined],
    ['an ssh URL', { env: {}, repoSpec: 'git@github.com:acme/manifests.git' }, undefined],
    ['http on github.com', { env: {}, repoSpec: 'http://github.com/acme/manifests' }, undefined],
    ['not owner/name', { env: {}, repoSpec: 'https://github.com/acme/manifests/tree/main' }, undefined],
    ['empty config and env fall through', { configured: '', env: { GITHUB_REPOSITORY: '' }, repoSpec: 'https://github.com/acme/manifests' }, acme],
  ];
  for (const [name, input, expected] of rows) it(name, () => assert.deepEqual(resolveGitHubRepository(input), expected));

  for (const bad of ['acme', 'acme/manifests/extra', 'acme/', '/manifests', '-acme/manifests', 'acme/mani fests', 'acme/manifests.git', 'acme/..']) {
    it(`rejects ${JSON.stringify(bad)} with a hint`, () => {
      assert.throws(
        () => resolveGitHubRepository({ configured: bad, env: {}, repoSpec: '.' }),
        (e: unknown) => e instanceof CanaryError && e.code === 'CONFIG' && /github\.repository/.test(e.message) && Boolean(e.hint),
      );
    });
  }
  it('rejects a malformed GITHUB_REPOSITORY', () => {
    assert.throws(() => resolveGitHubRepository({ env: { GITHUB_REPOSITORY: 'nope' }, repoSpec: '.' }), /GITHUB_REPOSITORY/);
  });

  it('builds API and web URLs from the Actions environment', () => {
    assert.equal(gitHubApiUrl({}), 'https://api.github.com');
    assert.equal(gitHubApiUrl({ GITHUB_API_URL: 'https://ghe.corp.example/api/v3/' }), 'https://ghe.corp.example/api/v3');
    assert.equal(commitUrl({}, acme, 'abc'), 'https://github.com/acme/manifests/commit/abc');
    assert.equal(pullRequestUrl({ GITHUB_SERVER_URL: 'https://ghe.corp.example' }, acme, 7), 'https://ghe.corp.example/acme/manifests/pull/7');
  });
});
