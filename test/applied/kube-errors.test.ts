/**
 * When the Kubernetes API cannot be read, Argo CD and Flux alike: every
 * failure is an `error` observation whose reason says what, which object and
 * what to fix, and the token is in none of them. https is verified against the
 * configured CA (made with openssl at test time).
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { observeApplied } from '../../src/applied/index.ts';
import { MAX_OBJECT_BYTES } from '../../src/applied/kube-client.ts';
import type { AppliedConfig, KubernetesConfig } from '../../src/config/analysis-schema.ts';
import type { AppliedObservation } from '../../src/engine/types.ts';
import { scrub } from '../../src/secrets.ts';
import { type FakeKube, hasOpenssl, startFakeKube } from '../helpers/fake-kube.ts';
import { freePort } from '../helpers/prometheus.ts';
import {
  ARGO,
  application,
  deployed,
  FLUX,
  type History,
  kubeConfig,
  kustomization,
  productionHistory,
  readyCondition,
  startKube,
  TOKEN,
} from './support.ts';

const T2 = '2024-01-01T00:20:00Z';
let h: History;
let kube: FakeKube;
const reasons: string[] = [];

before(async () => {
  h = await productionHistory();
  kube = await startKube();
});
after(async () => {
  await kube.stop();
});
beforeEach(() => {
  kube.requests.length = 0;
  kube.delayMs = 0;
});

interface Tool {
  name: string;
  applied: AppliedConfig;
  path: string;
  group: string;
  plural: string;
  namespace: string;
  object(): Record<string, unknown>;
}

const tools: Tool[] = [
  {
    name: 'Argo CD',
    applied: ARGO,
    path: '/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/shop',
    group: 'argoproj.io',
    plural: 'applications',
    namespace: 'argocd',
    object: () =>
      application({ sync: { status: 'Synced', revision: h.commit }, health: { status: 'Healthy' }, history: [deployed(1, h.commit, T2)] }),
  },
  {
    name: 'Flux',
    applied: FLUX,
    path: '/apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/shop',
    group: 'kustomize.toolkit.fluxcd.io',
    plural: 'kustomizations',
    namespace: 'flux-system',
    object: () =>
      kustomization({
        observedGeneration: 2,
        lastAppliedRevision: `production@sha1:${h.commit}`,
        conditions: [readyCondition('True', 'ReconciliationSucceeded', 'Applied revision', T2)],
      }),
  },
];

async function observe(
  tool: Tool,
  config: KubernetesConfig,
  readFile?: (path: string) => Promise<string>,
): Promise<AppliedObservation> {
  const o = await observeApplied({
    applied: tool.applied,
    kubernetes: config,
    commit: h.commit,
    production: h.production,
    ...(readFile ? { readFile } : {}),
  });
  if (o.state !== 'applied') reasons.push(o.reason);
  return o;
}

function errorReason(o: AppliedObservation): string {
  assert.equal(o.state, 'error', `expected an error, got ${JSON.stringify(o)}`);
  return (o as { reason: string }).reason;
}

for (const tool of tools) {
  describe(`${tool.name}: the API cannot be read → error`, () => {
    test('a wrong token: 401, saying which token to check', async () => {
      kube.put(tool.object());
      const reason = errorReason(await observe(tool, kubeConfig(kube, { token: 'a-wrong-token-1234' })));
      assert.match(reason, new RegExp(`^the Kubernetes API at ${kube.url} refused the token reading \\w+ ${tool.namespace}/shop \\(HTTP 401\\): Unauthorized — check kubernetes.token`));
    });

    test('RBAC forbids it: 403, with the Role rules to grant', async () => {
      const forbidding = await startKube();
      try {
        forbidding.put(tool.object());
        forbidding.forbid(tool.group, tool.plural, tool.namespace);
        const reason = errorReason(await observe(tool, kubeConfig(forbidding)));
        assert.match(reason, /\(HTTP 403\): .* cannot get resource/);
        assert.ok(
          reason.endsWith(
            `— grant a Role in namespace ${tool.namespace} with rules [{ apiGroups: ["${tool.group}"], resources: ["${tool.plural}"], verbs: ["get"] }] bound to git-canary's service account`,
          ),
          reason,
        );
      } finally {
        await forbidding.stop();
      }
    });

    test('the object does not exist: 404', async () => {
      kube.remove(String(tool.object().apiVersion), String(tool.object().kind), tool.namespace, 'shop');
      const reason = errorReason(await observe(tool, kubeConfig(kube)));
      assert.match(reason, new RegExp(`${tool.namespace}/shop not found .*\\(HTTP 404\\): ${tool.plural}\\.${tool.group.replace(/\./g, '\\.')} "shop" not found — check the name and namespace`));
    });

    test('the resource type is not installed: 404 saying so', async () => {
      const empty = await startFakeKube({ token: TOKEN });
      try {
        const reason = errorReason(await observe(tool, kubeConfig(empty)));
        assert.match(reason, new RegExp(`check that the ${tool.plural}\\.${tool.group.replace(/\./g, '\\.')} resource .* is installed`));
      } finally {
        await empty.stop();
      }
    });

    test('unreachable: connection refused', async () => {
      const port = await freePort();
      const reason = errorReason(await observe(tool, kubeConfig(kube, { address: `http://127.0.0.1:${port}` })));
      assert.match(reason, new RegExp(`^cannot reach the Kubernetes API at http://127\\.0\\.0\\.1:${port} to read .*: connection refused — check kubernetes.address`));
    });

    test('a slow server past the timeout: error naming the timeout', async () => {
      kube.put(tool.object());
      kube.delayMs = 2_000;
      const reason = errorReason(await observe(tool, kubeConfig(kube, { timeout: 100 })));
      assert.match(reason, /did not answer for .*: no answer within 100ms — the API server is slow or unreachable \(raise kubernetes.timeout/);
    });

    test('a page that is not JSON (a proxy login page): error', async () => {
      const odd = await startKube();
      try {
        odd.answerRaw(tool.path, { status: 200, body: '<html>login</html>', contentType: 'text/html' });
        const reason = errorReason(await observe(tool, kubeConfig(odd)));
        assert.match(reason, /is not a Kubernetes object \(not JSON\) — check that kubernetes.address points at the Kubernetes API server/);
      } finally {
        await odd.stop();
      }
    });

    test('an object of another kind: error naming both', async () => {
      const odd = await startKube();
      try {
        odd.answerRaw(tool.path, { status: 200, body: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }) });
        const reason = errorReason(await observe(tool, kubeConfig(odd)));
        assert.match(reason, /is a ConfigMap of v1, expected/);
      } finally {
        await odd.stop();
      }
    });

    test('an object whose status has the wrong types: error at the path', async () => {
      const odd = await startKube();
      try {
        const object = tool.object() as { status: Record<string, unknown> };
        if (tool.name === 'Argo CD') object.status.sync = { status: 42 };
        else object.status.conditions = [{ type: 'Ready', status: 'True' }];
        odd.answerRaw(tool.path, { status: 200, body: JSON.stringify(object) });
        const reason = errorReason(await observe(tool, kubeConfig(odd)));
        assert.match(reason, tool.name === 'Argo CD' ? /unexpected shape at status\.sync\.status: / : /unexpected shape at status\.conditions\.0\.lastTransitionTime: /);
      } finally {
        await odd.stop();
      }
    });

    test('an answer larger than the cap: error', async () => {
      const odd = await startKube();
      try {
        odd.answerRaw(tool.path, { status: 200, body: `{"pad":"${'x'.repeat(MAX_OBJECT_BYTES)}"}` });
        const reason = errorReason(await observe(tool, kubeConfig(odd)));
        assert.match(reason, /is larger than 8 MiB or unreadable — one object is never that large/);
      } finally {
        await odd.stop();
      }
    });

    test('a redirect is not followed (the token would go with it)', async () => {
      const odd = await startKube();
      try {
        odd.answerRaw(tool.path, { status: 302, body: '' });
        const reason = errorReason(await observe(tool, kubeConfig(odd)));
        assert.match(reason, /answered with a redirect \(HTTP 302\)/);
        assert.equal(odd.requests.length, 1);
      } finally {
        await odd.stop();
      }
    });

    test('a server error echoing the token: the reason hides it', async () => {
      const odd = await startKube();
      try {
        odd.answerRaw(tool.path, {
          status: 500,
          body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: `etcd timeout for Bearer ${TOKEN}`, code: 500 }),
        });
        const reason = errorReason(await observe(tool, kubeConfig(odd)));
        assert.match(reason, /failed reading .* \(HTTP 500\): etcd timeout for Bearer \[redacted\]/);
      } finally {
        await odd.stop();
      }
    });
  });
}

describe('token and CA', () => {
  const tool = tools[0]!;

  test('without kubernetes.token the token file is read (and trimmed)', async () => {
    kube.put(tool.object());
    const files: Record<string, string> = { '/var/run/token': `${TOKEN}\n` };
    const readFile = async (path: string) => {
      if (path in files) return files[path]!;
      throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    };
    const o = await observe(tool, kubeConfig(kube, { token: undefined, tokenFile: '/var/run/token' }), readFile);
    assert.equal(o.state, 'applied');
    assert.equal(kube.requests.at(-1)!.headers.authorization, `Bearer ${TOKEN}`);
  });

  test('without a kubernetes block: the in-cluster defaults (service-account token and CA files, kubernetes.default.svc)', async () => {
    const asked: string[] = [];
    const readFile = async (path: string) => {
      asked.push(path);
      if (path.endsWith('/token')) return TOKEN;
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    const o = await observeApplied({ applied: tool.applied, kubernetes: undefined, commit: h.commit, production: h.production, readFile });
    assert.deepEqual(asked, ['/var/run/secrets/kubernetes.io/serviceaccount/token', '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt']);
    assert.match(errorReason(o), /^cannot read the CA file \/var\/run\/secrets\/kubernetes.io\/serviceaccount\/ca.crt to verify the Kubernetes API at https:\/\/kubernetes.default.svc: no such file/);
  });

  test("the tick's deadline already passed: error, no request", async () => {
    const before = kube.requests.length;
    const o = await observeApplied({
      applied: tool.applied,
      kubernetes: kubeConfig(kube),
      commit: h.commit,
      production: h.production,
      signal: AbortSignal.abort(),
    });
    assert.match(errorReason(o), /^deadline reached before reading Application argocd\/shop — /);
    assert.equal(kube.requests.length, before);
  });

  test('the token is registered as a secret for every output', () => {
    assert.equal(scrub(`x ${TOKEN} y`), 'x *** y');
  });

  test('over http without any token (kubectl proxy): no Authorization, and a 401 says no token was sent', async () => {
    const reason = errorReason(await observe(tool, kubeConfig(kube, { token: undefined, tokenFile: '/nonexistent/token' })));
    assert.equal(kube.requests.at(-1)!.headers.authorization, undefined);
    assert.match(reason, /no token was sent: set kubernetes.token, or kubernetes.tokenFile \(\/nonexistent\/token\)$/);
  });

  test('over https a missing token file is an error, before any request', async () => {
    const reason = errorReason(
      await observe(tool, kubeConfig(kube, { address: 'https://127.0.0.1:1', token: undefined, tokenFile: '/nonexistent/token' })),
    );
    assert.match(reason, /^cannot read the Kubernetes token file \/nonexistent\/token: no such file — set kubernetes.token/);
  });

  describe('https', { skip: hasOpenssl() ? false : 'openssl is not installed' }, () => {
    let secure: FakeKube;
    before(async () => {
      secure = await startKube({ tls: true });
      secure.put(tool.object());
    });
    after(() => secure?.stop());

    test('verified against kubernetes.caFile: applied', async () => {
      const o = await observe(tool, kubeConfig(secure));
      assert.equal(o.state, 'applied');
      assert.equal(secure.requests.length, 1);
    });

    test('a missing CA file: error naming it, before any request', async () => {
      const before = secure.requests.length;
      const reason = errorReason(await observe(tool, kubeConfig(secure, { caFile: '/nonexistent/ca.crt' })));
      assert.match(reason, /^cannot read the CA file \/nonexistent\/ca\.crt to verify the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: no such file — set kubernetes.caFile/);
      assert.equal(secure.requests.length, before);
    });

    test('a CA that did not sign the server certificate: error, the request never sent', async () => {
      const other = await startKube({ tls: true });
      try {
        const before = secure.requests.length;
        const reason = errorReason(await observe(tool, kubeConfig(secure, { caFile: other.caFile! })));
        assert.match(reason, /^cannot reach the Kubernetes API at https:.* — check that kubernetes.caFile .* holds the CA that signed/);
        assert.equal(secure.requests.length, before);
      } finally {
        await other.stop();
      }
    });
  });
});

after(() => {
  if (process.env.SHOW_REASONS) for (const r of reasons) console.log(r);
  // Every reason any test produced, whatever it was about.
  assert.ok(reasons.length > 20, `only ${reasons.length} reasons collected`);
  for (const reason of reasons) assert.ok(!reason.includes(TOKEN), `the token leaked into: ${reason}`);
});
