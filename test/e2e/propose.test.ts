/**
 * `git-canary propose` end to end (PRODUCT.md, "Who uses it": app CI commits
 * the new tag to candidate): the real CLI process, real repositories (a local
 * bare path, and over HTTP through `git http-backend`), read back with the
 * real git CLI. Deployment, Kustomize and Helm layouts; refusals that move no
 * ref; two app CI jobs proposing at the same moment; and a proposal rolled
 * out by `tick` until production runs it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jsonOf, runCli } from '../helpers/cli.ts';
import { createRepo } from '../helpers/git-fixtures.ts';
import { gitCanaryYaml, productionFiles } from '../helpers/scenario.ts';
import { startBarrierProxy } from './support-races.ts';
import { assertUntouched, at, changedLines, identity, oneNewCommit, openWorld, trailers, type World } from './support.ts';

const AUTHOR = 'git-canary <git-canary@users.noreply.github.com>';
const CHECKOUT = 'registry.example.com/checkout';
const ENV = { GITHUB_REPOSITORY: 'acme/checkout', GITHUB_SHA: '4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e' };

/** Two more services beside the scenario's: cart deployed with Kustomize, search with a Helm chart. */
const EXTRA_SERVICES = `  cart:
    files: [apps/cart/overlays/production/kustomization.yaml]
    canary:
      file: apps/cart/overlays/canary/kustomization.yaml
    route:
      type: istio
      file: apps/cart/virtualservice.yaml
      stable: cart-stable
      canary: cart-canary
    steps: [50]
  search:
    files: [charts/search/values.yaml]
    canary:
      file: charts/search/values-canary.yaml
    route:
      type: istio
      file: charts/search/virtualservice.yaml
      stable: search-stable
      canary: search-canary
    steps: [50]
`;

const CART_BASE = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
spec:
  selector:
    matchLabels: { app: cart }
  template:
    metadata:
      labels: { app: cart }
    spec:
      containers:
        - name: cart
          image: cart   # set by the overlays' images:
`;

const CART_OVERLAY = `# Production overlay of cart.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
resources:
  - ../../base
images:
  - name: cart                      # the base's image name
    newName: registry.example.com/cart
    newTag: "2.3"                   # set by app CI (git-canary propose)
  - name: envoyproxy/envoy
    newTag: v1.29.1
`;

const SEARCH_VALUES = `# Values for the search chart.
replicaCount: 2

image:
  repository: registry.example.com/search
  # The chart's appVersion when empty.
  tag: "7.0"
  pullPolicy: IfNotPresent

exporter:
  image:
    repository: prom/statsd-exporter
    tag: v0.26.0
`;

function files(): Record<string, string> {
  return {
    ...productionFiles({ analysis: false }),
    'git-canary.yaml': gitCanaryYaml({ analysis: false }) + EXTRA_SERVICES,
    'apps/cart/base/kustomization.yaml': 'resources: [deployment.yaml]\n',
    'apps/cart/base/deployment.yaml': CART_BASE,
    'apps/cart/overlays/production/kustomization.yaml': CART_OVERLAY,
    'apps/cart/overlays/canary/kustomization.yaml': CART_OVERLAY.replace('Production', 'Canary').replace('namespace: shop', 'namespace: shop\nnameSuffix: -canary'),
    'charts/search/values.yaml': SEARCH_VALUES,
    'charts/search/values-canary.yaml': SEARCH_VALUES.replace('replicaCount: 2', 'replicaCount: 1'),
  };
}

/** `propose --service S --image I …` on the world's repository at T0. */
function propose(w: World, args: string[], env: Record<string, string> = ENV) {
  return w.cli(['propose', ...args], { at: at(0), env });
}

/** The error line of a refused run: exactly one line on stderr. */
function oneErrorLine(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one error line, got:\n${stderr}`);
  assert.match(lines[0]!, /^error: /);
  return lines[0]!;
}

describe('propose on a local repository', () => {
  let w: World;
  before(async () => {
    w = await openWorld('bare', { production: files() });
    w.commit('candidate', {}, { from: 'production', message: 'candidate starts at production\n' });
  });
  after(() => w?.close());

  test('a Deployment: one commit on candidate changing only the image, with the Canary-Proposed-By trailer', async () => {
    const before = w.sha('candidate');
    const production = w.sha('production');
    const r = await propose(w, ['--json', '--service', 'checkout', '--image', `${CHECKOUT}:1.10`]);
    assert.equal(r.code, 0, r.stderr);
    const commit = oneNewCommit(w, before, 'candidate');
    assert.deepEqual(jsonOf(r), {
      service: 'checkout',
      image: `${CHECKOUT}:1.10`,
      commit,
      changes: [
        {
          file: 'apps/checkout/deployment.yaml',
          document: 'Deployment/checkout',
          path: '/spec/template/spec/containers/0/image',
          from: `${CHECKOUT}:1.0.0`,
          to: `${CHECKOUT}:1.10`,
        },
      ],
      noop: false,
      dryRun: false,
    });
    assert.deepEqual(changedLines(w, commit), [
      `apps/checkout/deployment.yaml: -          image: ${CHECKOUT}:1.0.0   # renovate: datasource=docker`,
      `apps/checkout/deployment.yaml: +          image: ${CHECKOUT}:1.10   # renovate: datasource=docker`,
    ]);
    assertUntouched(w, before, commit, ['apps/checkout/deployment.yaml']);
    assert.equal(
      w.git('log', '-1', '--format=%B', commit),
      `checkout: propose ${CHECKOUT}:1.10\n\napps/checkout/deployment.yaml: Deployment/checkout container checkout: 1.0.0 → 1.10\n\nCanary-Proposed-By: acme/checkout@${ENV.GITHUB_SHA}\n\n`,
    );
    assert.deepEqual(trailers(w, commit), [`Canary-Proposed-By: acme/checkout@${ENV.GITHUB_SHA}`], 'not a rollout record');
    assert.deepEqual(identity(w, commit), { author: AUTHOR, committer: AUTHOR, date: '2024-01-01T00:00:00+00:00' });
    assert.equal(w.sha('production'), production, 'production is never touched');
  });

  test('the same image again is a no-op: exit 0, "already at", no commit', async () => {
    const refs = w.refs();
    const r = await propose(w, ['--service', 'checkout', '--image', `${CHECKOUT}:1.10`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `checkout: already at ${CHECKOUT}:1.10 on candidate\n`);
    assert.equal(w.refs(), refs);
  });

  test('Kustomize: newTag of the matching images: entry, quoted so 2.10 stays a string; --source is the trailer', async () => {
    const before = w.sha('candidate');
    const r = await propose(w, ['--service', 'cart', '--image', 'registry.example.com/cart:2.10', '--source', 'acme/cart#812']);
    assert.equal(r.code, 0, r.stderr);
    const commit = oneNewCommit(w, before, 'candidate');
    assert.equal(
      r.stdout,
      `cart: proposed registry.example.com/cart:2.10 on candidate ${commit.slice(0, 7)}\n  apps/cart/overlays/production/kustomization.yaml: Kustomization image cart newTag: 2.3 → 2.10\n`,
    );
    assert.equal(w.show(commit, 'apps/cart/overlays/production/kustomization.yaml'), CART_OVERLAY.replace('newTag: "2.3"', 'newTag: "2.10"'));
    assertUntouched(w, before, commit, ['apps/cart/overlays/production/kustomization.yaml']);
    assert.deepEqual(trailers(w, commit), ['Canary-Proposed-By: acme/cart#812']);
  });

  test('Helm values: image.tag of the matching image.repository, quotes kept', async () => {
    const before = w.sha('candidate');
    const r = await propose(w, ['--service', 'search', '--image', 'registry.example.com/search:7.10'], { GIT_CANARY_ACTOR: 'release-bot' });
    assert.equal(r.code, 0, r.stderr);
    const commit = oneNewCommit(w, before, 'candidate');
    assert.equal(w.show(commit, 'charts/search/values.yaml'), SEARCH_VALUES.replace('tag: "7.0"', 'tag: "7.10"'));
    assertUntouched(w, before, commit, ['charts/search/values.yaml']);
    assert.deepEqual(trailers(w, commit), ['Canary-Proposed-By: release-bot'], 'without GITHUB_* the actor proposed it');
  });

  test('--dry-run prints the diff and commits nothing; --path names a Helm key', async () => {
    const refs = w.refs();
    const r = await propose(w, ['--service', 'search', '--image', 'prom/statsd-exporter:0.27', '--path', '/exporter/image/tag', '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^search: would propose prom\/statsd-exporter:0\.27 on candidate \(dry run: not committed\)\n/);
    assert.match(r.stdout, /\n {2}charts\/search\/values\.yaml: values exporter\.image\.tag: v0\.26\.0 → 0\.27\n/);
    assert.match(r.stdout, /\n--- a\/charts\/search\/values\.yaml\n\+\+\+ b\/charts\/search\/values\.yaml\n@@ [^\n]+ @@\n/);
    assert.ok(r.stdout.includes('\n-    tag: v0.26.0\n+    tag: "0.27"\n'), r.stdout);
    assert.equal(w.refs(), refs);
  });

  test('image references that do not parse: exit 1, one line naming the reference, no ref moved', async () => {
    const refs = w.refs();
    const bad = [
      'Registry.example.com/Checkout:v2',
      `${CHECKOUT}`,
      `${CHECKOUT}:v2;rm -rf /`,
      `${CHECKOUT}:v2\nCanary-Service: checkout`,
      `${CHECKOUT}@sha256:1234`,
      `../checkout:v2`,
      `${CHECKOUT}:$(id)`,
      ' ',
    ];
    const runs = await Promise.all(bad.map((image) => propose(w, ['--service', 'checkout', '--image', image])));
    runs.forEach((r, i) => {
      assert.equal(r.code, 1, `${JSON.stringify(bad[i])}: exit ${r.code}\n${r.stderr}`);
      const line = oneErrorLine(r.stderr);
      assert.ok(line.startsWith(`error: invalid image reference ${JSON.stringify(bad[i])}: `), line);
      assert.match(line, /\(--image\) — write it as \[registry\[:port\]\/\]path\[:tag\]/);
      assert.equal(r.stdout, '');
    });
    assert.equal(w.refs(), refs);
  });

  test('refusals that move no ref: unknown service (usage, exit 2), an image the release does not hold (exit 1)', async () => {
    const refs = w.refs();
    const unknown = await propose(w, ['--service', 'basket', '--image', `${CHECKOUT}:2`]);
    assert.equal(unknown.code, 2);
    assert.equal(oneErrorLine(unknown.stderr), 'error: no service named basket in git-canary.yaml — services: checkout, payments, cart, search');
    const foreign = await propose(w, ['--service', 'checkout', '--image', 'registry.example.com/payments:9']);
    assert.equal(foreign.code, 1);
    assert.equal(
      oneErrorLine(foreign.stderr),
      "error: checkout's release on candidate holds no image registry.example.com/payments (branch candidate, services.checkout.files) — it holds registry.example.com/checkout: check --image",
    );
    const missing = await propose(w, ['--service', 'checkout']);
    assert.equal(missing.code, 2);
    assert.match(oneErrorLine(missing.stderr), /propose needs --image/);
    const json = await propose(w, ['--json', '--service', 'checkout', '--image', 'nginx']);
    assert.equal(json.code, 1);
    assert.equal((jsonOf<{ error: { code: string } }>(json)).error.code, 'CONFIG');
    assert.equal(w.refs(), refs);
  });

  test('a repository without the candidate branch: exit 1 naming the branch', async () => {
    const bare = await createRepo({ production: files() });
    try {
      const refs = bare.git('for-each-ref');
      const r = await runCli(['--repo', bare.dir, 'propose', '--service', 'checkout', '--image', `${CHECKOUT}:2`]);
      assert.equal(r.code, 1);
      assert.match(oneErrorLine(r.stderr), /^error: branch candidate does not exist in .+ \(branch candidate\) — create it from production first/);
      assert.equal(bare.git('for-each-ref'), refs);
    } finally {
      await bare.cleanup();
    }
  });
});

describe('propose over HTTP', () => {
  let w: World;
  const caches: string[] = [];
  const cache = () => {
    const dir = mkdtempSync(join(tmpdir(), 'git-canary-propose-cache-'));
    caches.push(dir);
    return dir;
  };
  before(async () => {
    w = await openWorld('http', { production: productionFiles({ analysis: false }) });
    w.commit('candidate', {}, { from: 'production', message: 'candidate starts at production\n' });
  });
  after(async () => {
    await w?.close();
    for (const c of caches) rmSync(c, { recursive: true, force: true });
  });

  test('two app CI jobs at the same moment, on different services: both commits land, in a linear history', async () => {
    const before = w.sha('candidate');
    // Both read candidate and wait at the push until the other has too: exactly one can win the first push.
    const proxy = await startBarrierProxy(w.server!.url, { parties: 2, timeoutMs: 1500 });
    try {
      const run = (service: string, image: string) =>
        runCli(['--repo', `${proxy.url}/repo.git`, '--cache-dir', cache(), '--json', 'propose', '--service', service, '--image', image], {
          env: { ...ENV, GIT_CANARY_NOW: at(0).toISOString() },
        });
      const [a, b] = await Promise.all([run('checkout', `${CHECKOUT}:1.1.0`), run('payments', 'registry.example.com/payments:4.3.0')]);
      for (const r of [a, b]) assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
      assert.ok(proxy.rounds[0]?.full, 'both pushes raced from the same candidate tip');
      const commits = w.git('rev-list', '--reverse', '--parents', `${before}..candidate`).trim().split('\n').map((l) => l.split(' '));
      assert.equal(commits.length, 2, 'both proposals landed');
      assert.deepEqual(commits[0]!.slice(1), [before]);
      assert.deepEqual(commits[1]!.slice(1), [commits[0]![0]], 'the second sits on the first: linear, nothing lost');
      const made = [jsonOf<{ commit: string }>(a).commit, jsonOf<{ commit: string }>(b).commit].sort();
      assert.deepEqual(made, commits.map((c) => c[0]!).sort());
      assert.match(w.show('candidate', 'apps/checkout/deployment.yaml')!, /image: registry\.example\.com\/checkout:1\.1\.0 /);
      assert.match(w.show('candidate', 'apps/payments/deployment.yaml')!, /image: registry\.example\.com\/payments:4\.3\.0 /);
    } finally {
      await proxy.close();
    }
  });

  test('a proposal rolls out: tick on a pinned clock until promotion, then production runs the proposed image', async () => {
    const r = await w.cli(['propose', '--service', 'checkout', '--image', `${CHECKOUT}:1.2.0`], { at: at(1), env: ENV });
    assert.equal(r.code, 0, r.stderr);
    const seen: string[] = [];
    for (let minute = 2; minute < 30 && !seen.includes('promote'); minute += 2) {
      const t = await w.tick({ at: at(minute), args: ['--service', 'checkout'] });
      seen.push(t.of('checkout').decision);
    }
    assert.deepEqual(seen, ['start', 'step', 'step', 'promote']);
    assert.match(w.show('production', 'apps/checkout/deployment.yaml')!, /image: registry\.example\.com\/checkout:1\.2\.0 /);
    assert.equal(w.show('production', 'apps/checkout/deployment.yaml'), w.show('candidate', 'apps/checkout/deployment.yaml'));
  });
});
