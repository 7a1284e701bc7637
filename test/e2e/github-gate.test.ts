/**
 * The pull-request gate end to end (PRODUCT.md "Promotion pull requests"):
 * the real CLI over HTTP (`git http-backend`), the GitHub API served by the
 * local fake that validates every request and response against GitHub's
 * published REST description, and the fake reading the same bare repository,
 * so "merged" means what it means on GitHub: the pull request's head reached
 * production. Checkout is gated; payments (gate: auto) shows the other
 * services go on.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FakeGitHub, startFakeGitHub } from '../helpers/github-fake.ts';
import { gitCanaryYaml, productionFiles, release } from '../helpers/scenario.ts';
import { at, openWorld, trailers, type World } from './support.ts';

const TOKEN = 'ghs_gateE2eToken0123456789abcdefXYZ';
const NEXT = 'registry.example.com/checkout:1.1.0';
const LATER = 'registry.example.com/checkout:1.2.0';

/** The scenario with checkout gated, on a 1-minute interval and no analysis (steps advance on time alone). */
function gatedConfig(): string {
  const text = gitCanaryYaml({ analysis: false, steps: [10, 50], interval: '1m' });
  const gated = text.replace('    interval: 1m\n', '    interval: 1m\n    gate: pull-request\n');
  assert.notEqual(gated, text);
  return `${gated}github:\n  repository: acme/manifests\n`;
}

interface GateWorld {
  w: World;
  gh: FakeGitHub;
  tick(minute: number): Promise<{ decision: string; reason: string; commit: string | null; stdout: string; stderr: string }>;
  payments(minute: number): Promise<string>;
  close(): Promise<void>;
}

async function gateWorld(): Promise<GateWorld> {
  const files = { ...productionFiles({ analysis: false }), 'git-canary.yaml': gatedConfig() };
  const w = await openWorld('http', { production: files });
  const gh = await startFakeGitHub({ token: TOKEN, owner: 'acme', repo: 'manifests', gitDir: w.dir });
  const env = { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: gh.url, GIT_CANARY_GITHUB_PACING: 'off' };
  const run = async (minute: number) => {
    const r = await w.cli(['tick', '--json'], { at: at(minute), env });
    assert.equal(r.code, 0, `tick at ${minute}m exited ${r.code}\n${r.stdout}\n${r.stderr}`);
    for (const out of [r.stdout, r.stderr]) assert.ok(!out.includes(TOKEN), `the token leaked into output:\n${out}`);
    return { r, services: (JSON.parse(r.stdout) as { services: { service: string; decision: string; reason: string; commit: string | null }[] }).services };
  };
  return {
    w,
    gh,
    async tick(minute) {
      const { r, services } = await run(minute);
      const s = services.find((x) => x.service === 'checkout')!;
      return { ...s, stdout: r.stdout, stderr: r.stderr };
    },
    async payments(minute) {
      const { services } = await run(minute);
      return services.find((x) => x.service === 'payments')!.decision;
    },
    async close() {
      await gh.close();
      await w.close();
    },
  };
}

/** A deployment's status states, oldest first (GitHub lists them newest first). */
const deploymentStates = (gh: FakeGitHub, id: unknown) => gh.deploymentStatuses(id as number).map((s) => s.state).reverse();
const branchHead = (w: World) => w.sha('refs/heads/git-canary/checkout');
const parents = (w: World, rev: string) => w.git('rev-list', '--parents', '-n', '1', rev).trim().split(' ').slice(1);
const isAncestor = (w: World, a: string, b: string) => {
  try {
    w.git('merge-base', '--is-ancestor', a, b);
    return true;
  } catch {
    return false;
  }
};

describe('promotion pull requests (gate: pull-request)', () => {
  let g: GateWorld;
  before(async () => {
    g = await gateWorld();
  });
  after(async () => {
    await g?.close();
  });

  test('no start without approval; an old head’s approval does not count; changes requested block; approval starts; promotion merges', async () => {
    const { w, gh } = g;
    const production0 = w.sha('production');
    w.commit('candidate', release('checkout', NEXT), { from: 'production' });

    // 1. The promotion branch and one pull request; the rollout holds.
    let t = await g.tick(1);
    assert.equal(t.decision, 'hold', t.reason);
    assert.match(t.reason, /waiting for an approval of pull request #1/);
    const head1 = branchHead(w);
    assert.deepEqual(parents(w, head1), [production0], 'the branch starts from production');
    assert.match(w.show(head1, 'apps/checkout/deployment.yaml') ?? '', /checkout:1\.1\.0/);
    assert.equal(w.git('diff', '--name-only', production0, head1).trim(), 'apps/checkout/deployment.yaml', 'it holds the promotion, nothing else');
    const pr = gh.pullRequest(1)!;
    assert.equal(pr.state, 'open');
    assert.equal((pr.head as { ref: string }).ref, 'git-canary/checkout');
    assert.equal((pr.base as { ref: string }).ref, 'production');
    assert.match(String(pr.body), /Rollout plan/);
    assert.match(String(pr.body), /10% → 50% → promote/);
    assert.match(String(pr.body), /\n-\s+image: registry\.example\.com\/checkout:1\.0\.0\b.*\n\+\s+image: registry\.example\.com\/checkout:1\.1\.0\b/);
    assert.match(String(pr.body), /### Candidate commits\n\n- \[[0-9a-f]{7}\]\([^)]*\) fixture: candidate update\n\n###/, 'only the candidate commits it brings');
    const checkoutRecords = () => w.git('log', '--format=%H', '--grep=Canary-Service: checkout', 'production').trim();
    assert.equal(checkoutRecords(), '', 'nothing of checkout committed to production');

    // A second tick changes nothing: same head, still one pull request.
    t = await g.tick(2);
    assert.equal(t.decision, 'hold');
    assert.equal(branchHead(w), head1);
    assert.equal(gh.pullRequest(2), undefined);

    // 2. Approved on head 1, then a new candidate moves the branch forward (no force): the approval is stale.
    gh.addReview(1, { user: 'alice', state: 'APPROVED', commitId: head1 });
    w.commit('candidate', release('checkout', LATER));
    t = await g.tick(3);
    assert.equal(t.decision, 'hold', t.reason);
    assert.match(t.reason, /older head/);
    const head2 = branchHead(w);
    assert.notEqual(head2, head1);
    assert.ok(isAncestor(w, head1, head2), 'the branch moved forward, never forced');
    assert.match(w.show(head2, 'apps/checkout/deployment.yaml') ?? '', /checkout:1\.2\.0/);
    assert.equal(gh.pullRequest(2), undefined, 'the same pull request follows the branch');

    // 3. Changes requested on the new head block.
    gh.addReview(1, { user: 'bob', state: 'CHANGES_REQUESTED', commitId: head2 });
    t = await g.tick(4);
    assert.equal(t.decision, 'hold');
    assert.match(t.reason, /changes requested by bob/);

    // 4. Bob approves the current head: the rollout starts, recording the pull request.
    gh.addReview(1, { user: 'bob', state: 'APPROVED', commitId: head2 });
    t = await g.tick(5);
    assert.equal(t.decision, 'start', t.reason);
    const start = t.commit!;
    assert.ok(trailers(w, start).includes('Canary-Pull-Request: 1'), trailers(w, start).join('\n'));
    assert.deepEqual(
      gh.statuses(start).map((s) => [s.context, s.state]),
      [['git-canary/checkout', 'pending']],
    );
    const deployments = gh.deployments();
    assert.equal(deployments.length, 1);
    assert.equal(deployments[0]!.sha, start);
    assert.equal(deployments[0]!.environment, 'production/checkout');
    assert.deepEqual(deploymentStates(gh, deployments[0]!.id), ['in_progress']);
    assert.equal(gh.comments(1).length, 1, 'one progress comment');
    const firstComment = String(gh.comments(1)[0]!.body);
    assert.match(firstComment, /canary 10%/);

    // 5. Step, then promotion: the comment is edited in place; the promotion merges the head.
    t = await g.tick(7);
    assert.equal(t.decision, 'step', t.reason);
    assert.equal(gh.comments(1).length, 1, 'still one progress comment, edited in place');
    assert.notEqual(String(gh.comments(1)[0]!.body), firstComment);
    t = await g.tick(9);
    assert.equal(t.decision, 'promote', t.reason);
    const promotion = t.commit!;
    const [first, second] = parents(w, promotion);
    assert.equal(second, head2, 'the promotion merges the approved head');
    assert.ok(isAncestor(w, start, first!), 'first parent is production’s own history');
    assert.ok(trailers(w, promotion).includes('Canary-Pull-Request: 1'));
    assert.match(w.show('production', 'apps/checkout/deployment.yaml') ?? '', /checkout:1\.2\.0/);
    const merged = gh.pullRequest(1)!;
    assert.equal(merged.merged, true, 'GitHub sees the pull request merged');
    assert.deepEqual(gh.statuses(promotion).map((s) => s.state), ['success']);
    assert.deepEqual(deploymentStates(gh, deployments[0]!.id), ['in_progress', 'in_progress', 'success']);
    assert.equal(gh.deployments().length, 1, 'one deployment per rollout');
    assert.match(String(gh.comments(1)[0]!.body), /promoted/);
    assert.deepEqual(gh.violations, []);
  });

  test('closed by a person: that release does not start; mid-rollout, closing rolls the canary back; a rollback closes the pull request', async () => {
    const { w, gh } = g;
    w.commit('candidate', release('checkout', 'registry.example.com/checkout:1.3.0'));
    let t = await g.tick(20);
    assert.equal(t.decision, 'hold', t.reason);
    const n = Number(/pull request #(\d+)/.exec(t.reason)?.[1]);
    assert.ok(n > 1, t.reason);
    gh.closePullRequest(n, 'dana');
    t = await g.tick(21);
    assert.equal(t.decision, 'hold');
    assert.match(t.reason, new RegExp(`#${n} was closed without merging.*does not start`));
    t = await g.tick(22);
    assert.equal(gh.pullRequest(n + 1), undefined, 'no new pull request for the release a person closed');

    // A new candidate proposes again: a new pull request, approved, started; then closed by a person.
    w.commit('candidate', release('checkout', 'registry.example.com/checkout:1.4.0'));
    t = await g.tick(23);
    const m = Number(/pull request #(\d+)/.exec(t.reason)?.[1]);
    assert.equal(m, n + 1, t.reason);
    gh.addReview(m, { user: 'alice', state: 'APPROVED', commitId: branchHead(w) });
    t = await g.tick(24);
    assert.equal(t.decision, 'start', t.reason);
    gh.closePullRequest(m, 'dana');
    t = await g.tick(25);
    assert.equal(t.decision, 'rollback', t.reason);
    assert.match(t.reason, new RegExp(`pull request #${m} was closed without merging`));
    assert.deepEqual(gh.statuses(t.commit!).map((s) => s.state), ['failure']);
    const deployment = gh.deployments().find((d) => d.sha !== undefined && String((d.payload as { rollout?: string }).rollout).endsWith(w.sha('candidate').slice(0, 7)))!;
    assert.equal(deploymentStates(gh, deployment.id).at(-1), 'failure');

    // Rollback by the engine (candidate returns to production's release) closes the pull request with the reason.
    w.commit('candidate', release('checkout', 'registry.example.com/checkout:1.5.0'));
    t = await g.tick(30);
    const k = Number(/pull request #(\d+)/.exec(t.reason)?.[1]);
    gh.addReview(k, { user: 'alice', state: 'APPROVED', commitId: branchHead(w) });
    assert.equal((await g.tick(31)).decision, 'start');
    w.commit('candidate', { 'apps/checkout/deployment.yaml': w.show('production', 'apps/checkout/deployment.yaml')! });
    t = await g.tick(32);
    assert.equal(t.decision, 'rollback', t.reason);
    const closed = gh.pullRequest(k)!;
    assert.equal(closed.state, 'closed');
    assert.equal(closed.merged, false);
    assert.match(String(gh.comments(k)[0]!.body), /rolled back/);
    assert.match(String(gh.comments(k)[0]!.body), /returned to production/);
    assert.deepEqual(gh.violations, []);
  });

  test('GitHub down: the gate holds, the tick exits 0, and the other services roll on', async () => {
    const { w, gh } = g;
    w.commit('candidate', release('checkout', 'registry.example.com/checkout:1.6.0'));
    w.commit('candidate', release('payments', 'registry.example.com/payments:4.3.0'));
    gh.failNext(1000, 502);
    const before = w.sha('production');
    const t = await g.tick(40);
    assert.equal(t.decision, 'hold', t.reason);
    assert.match(t.reason, /holding: .*502/);
    const after = w.sha('production');
    assert.notEqual(after, before, 'payments started');
    assert.match(w.git('log', '-1', '--format=%B', 'production'), /Canary-Service: payments/);
    gh.failNext(0, 502);
  });
});
