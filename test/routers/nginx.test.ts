/** What is specific to the ingress-nginx canary router: the string weight out of canary-weight-total, and what it refuses. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { formatIssue, parseConfig } from '../../src/config/index.ts';
import { applyEdits } from '../../src/manifests/index.ts';
import { nginx, WEIGHT_ANNOTATION } from '../../src/routers/nginx.ts';
import type { RouteConfig } from '../../src/routers/types.ts';
import { fixture, parse, routerError } from './helpers.ts';

type NginxRoute = Parameters<typeof nginx.read>[1];
const route = (r: Partial<NginxRoute> = {}): NginxRoute => ({ type: 'nginx', file: 'ingress.yaml', ...r });
const step = (text: string, r: NginxRoute, p: number) => {
  const file = parse('ingress.yaml', text);
  return applyEdits(file, nginx.plan(file, r, p));
};
const read = (text: string, r: NginxRoute = route()) => nginx.read(parse('ingress.yaml', text), r);

/** A canary Ingress with `annotations` (lines at 4 spaces) and a backend. */
const ingress = (annotations: string, o: { name?: string; backend?: string; apiVersion?: string; host?: string } = {}) => `apiVersion: ${o.apiVersion ?? 'networking.k8s.io/v1'}
kind: Ingress
metadata:
  name: ${o.name ?? 'web-canary'}
  annotations:
${annotations}
spec:
  ingressClassName: nginx
  rules:
    - host: ${o.host ?? 'web.example.com'}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${o.backend ?? 'web-canary'}
                port: { number: 80 }
`;
const CANARY = '    nginx.ingress.kubernetes.io/canary: "true"';

describe('nginx weights', () => {
  test('canary-weight is a string out of canary-weight-total (default 100)', () => {
    assert.deepEqual(read(ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/canary-weight: "30"`)), { stable: 70, canary: 30 });
    const thousand = ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/canary-weight-total: "1000"\n    nginx.ingress.kubernetes.io/canary-weight: "100"`);
    assert.deepEqual(read(thousand), { stable: 90, canary: 10 });
    assert.equal(step(thousand, route(), 25), thousand.replace('canary-weight: "100"', 'canary-weight: "250"'));
  });

  test('a canary Ingress without canary-weight is weight 0; the first step adds the annotation, quoted, after the others', () => {
    const text = ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/ssl-redirect: "false"`);
    assert.deepEqual(read(text), { stable: 100, canary: 0 });
    assert.deepEqual(nginx.plan(parse('ingress.yaml', text), route(), 0), []);
    assert.equal(step(text, route(), 10), text.replace('ssl-redirect: "false"\n', `ssl-redirect: "false"\n    ${WEIGHT_ANNOTATION}: "10"\n`));
  });

  test('a single-quoted weight stays single-quoted; a step back to 0 writes "0" (never deletes the annotation)', () => {
    const text = ingress(`    nginx.ingress.kubernetes.io/canary: 'true'\n    nginx.ingress.kubernetes.io/canary-weight: '50'`);
    assert.equal(step(text, route(), 0), text.replace("canary-weight: '50'", "canary-weight: '0'"));
  });

  test('a percent that is not a whole weight of the total is refused', () => {
    const text = ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/canary-weight-total: "8"\n    nginx.ingress.kubernetes.io/canary-weight: "0"`);
    assert.equal(step(text, route(), 25), text.replace('canary-weight: "0"', 'canary-weight: "2"'));
    const e = routerError(() => nginx.plan(parse('ingress.yaml', text), route(), 10), /canary 10% of nginx\.ingress\.kubernetes\.io\/canary-weight-total 8 is 0\.8, not a whole weight/);
    assert.equal(e.where?.line, 7, 'points at canary-weight-total');
  });

  test('for any total, every whole-weight percent round-trips and is written as the exact string (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 0, max: 100 }), (total, p) => {
        fc.pre((p * total) % 100 === 0);
        const text = ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/canary-weight-total: "${total}"`);
        const after = step(text, route(), p);
        assert.equal(read(after).canary, p);
        const written = (parse('x.yaml', after).docs[0]!.value as { metadata: { annotations: Record<string, string> } }).metadata.annotations[WEIGHT_ANNOTATION];
        // 0 on an Ingress without the annotation is already ingress-nginx's default: nothing to write.
        assert.equal(written, p === 0 ? undefined : String((p * total) / 100));
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  test('"True" and "1" are canary Ingresses too (ingress-nginx parses the annotation as a Go bool)', () => {
    for (const v of ['"True"', '"1"']) assert.deepEqual(read(ingress(`    nginx.ingress.kubernetes.io/canary: ${v}`)), { stable: 100, canary: 0 });
  });
});

describe('nginx: the stable Ingress is never touched', () => {
  const name = 'nginx/stable-and-canary.yaml';
  const r = route({ file: name, stable: { name: 'web' }, canary: { name: 'web-canary' } });

  test('a step edits one line of the canary Ingress; the stable Ingress and the Service stay byte-identical', () => {
    const text = fixture(name);
    const file = parse(name, text);
    const after = applyEdits(file, nginx.plan(file, r, 30));
    assert.equal(after, text.replace('canary-weight: "50"', 'canary-weight: "300"'));
  });

  test("owned() changes with the canary Ingress, not with the stable Ingress's edits", () => {
    const text = fixture(name);
    const before = nginx.owned(parse(name, text), r);
    assert.deepEqual(nginx.owned(parse(name, text.replace('proxy-read-timeout: "30"', 'proxy-read-timeout: "60"')), r), before);
    assert.notDeepEqual(nginx.owned(parse(name, text.replace('pathType: Prefix\n            backend:\n              service:\n                name: web-canary', 'pathType: Exact\n            backend:\n              service:\n                name: web-canary')), r), before);
  });
});

describe('nginx refuses', () => {
  const line = (e: { where?: { line?: number } }) => e.where?.line;

  test('an Ingress without canary: "true": it would take all traffic of its hosts', () => {
    const e = routerError(() => read(ingress('    nginx.ingress.kubernetes.io/ssl-redirect: "true"')), /Ingress web-canary is not a canary Ingress \(no nginx\.ingress\.kubernetes\.io\/canary: "true"\).*serves all traffic/, /add nginx\.ingress\.kubernetes\.io\/canary: "true"/);
    assert.equal(line(e), 5);
    const stable = fixture('nginx/stable-and-canary.yaml');
    routerError(() => nginx.plan(parse('s.yaml', stable), route({ file: 's.yaml', name: 'web' }), 10), /Ingress web is not a canary Ingress/);
    routerError(() => read(ingress('    nginx.ingress.kubernetes.io/canary: "false"')), /not a canary Ingress/);
  });

  test('annotations that are not strings (Kubernetes refuses them)', () => {
    routerError(() => read(ingress('    nginx.ingress.kubernetes.io/canary: true')), /canary is true, not a string/, /write nginx\.ingress\.kubernetes\.io\/canary: "true"/);
    const e = routerError(() => read(ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/canary-weight: 10`)), /canary-weight of canary Ingress web-canary is 10, not a string/, /quoted whole number/);
    assert.equal(line(e), 7);
  });

  test('weights that are not whole numbers, a zero total, a weight above the total', () => {
    routerError(() => read(ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/canary-weight: "12.5"`)), /is "12\.5", not a whole number/);
    routerError(() => read(ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/canary-weight-total: "0"`)), /canary-weight-total of canary Ingress web-canary is "0", not a whole number from 1/);
    routerError(() => read(ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/canary-weight: "150"`)), /canary-weight "150" of canary Ingress web-canary is above its nginx\.ingress\.kubernetes\.io\/canary-weight-total 100/);
  });

  for (const key of ['canary-by-header', 'canary-by-cookie', 'canary-by-header-value']) {
    test(`${key}: its requests bypass the weight, even at 0 %`, () => {
      const text = ingress(`${CANARY}\n    nginx.ingress.kubernetes.io/${key}: "x-canary"\n    nginx.ingress.kubernetes.io/canary-weight: "0"`);
      const e = routerError(() => nginx.plan(parse('ingress.yaml', text), route(), 10), new RegExp(`has nginx\\.ingress\\.kubernetes\\.io/${key}: ingress-nginx gives it precedence over canary-weight`), new RegExp(`remove nginx\\.ingress\\.kubernetes\\.io/${key}`));
      assert.equal(line(e), 7);
      routerError(() => read(text), /precedence/);
    });
  }

  test('several canary Ingresses without route.name, and a route.name that is not in the file', () => {
    const two = fixture('nginx/two-canaries.yaml');
    routerError(() => nginx.read(parse('t.yaml', two), route({ file: 't.yaml' })), /2 canary Ingresses in this file: api-canary, docs-canary/, /set route\.name/);
    routerError(() => nginx.read(parse('t.yaml', two), route({ file: 't.yaml', name: 'web' })), /no Ingress named web/, /api-canary \(canary\), docs-canary \(canary\)/);
  });

  test('Ingress APIs other than networking.k8s.io/v1, and a file without an Ingress', () => {
    for (const v of ['networking.k8s.io/v1beta1', 'extensions/v1beta1']) {
      routerError(() => read(ingress(CANARY, { apiVersion: v })), new RegExp(`unsupported apiVersion ${v} for Ingress web-canary`), /networking\.k8s\.io\/v1 \(v1beta1 Ingresses were removed in Kubernetes 1\.22\)/);
    }
    routerError(() => read('apiVersion: v1\nkind: Service\nmetadata: {name: web}\n'), /no Ingress \(networking\.k8s\.io\/v1\) in this file/);
  });

  test('route.canary that is not the canary Ingress\'s backend, route.stable that is not the stable Ingress\'s', () => {
    const e = routerError(() => read(ingress(CANARY, { backend: 'web-v2' }), route({ canary: { name: 'web-canary' } })), /routes to web-v2, not only to route\.canary web-canary/, /fix route\.canary \(web-canary\)/);
    assert.equal(line(e), 17);
    const both = `${ingress('    kubernetes.io/ingress.class: nginx', { name: 'web', backend: 'web-v1' }).replace('ingressClassName: nginx\n', '')}---\n${ingress(CANARY)}`;
    routerError(() => read(both, route({ stable: { name: 'web' } })), /route\.stable web is not a backend of the stable Ingress web \(it routes to web-v1\)/);
    assert.deepEqual(read(both, route({ stable: { name: 'web-v1' }, canary: { name: 'web-canary' } })), { stable: 100, canary: 0 });
    // A stable Ingress of another host is not this canary's: route.stable is not checked against it.
    const other = `${ingress('    a: "b"', { name: 'api', backend: 'api', host: 'api.example.com' })}---\n${ingress(CANARY)}`;
    assert.deepEqual(read(other, route({ stable: { name: 'web' } })), { stable: 100, canary: 0 });
  });
});

describe('nginx route schema', () => {
  const problems = (r: string) =>
    parseConfig(`version: 1\nservices:\n  web:\n    files: [web.yaml]\n    canary: {file: web-canary.yaml}\n    route:\n${r}\n    steps: [10]\n`, { file: 'git-canary.yaml', env: {} });

  test('type and file are enough; name, stable and canary are optional, names expand to {name}', () => {
    assert.deepEqual(problems('      type: nginx\n      file: ingress-canary.yaml').config?.services.web?.route, { type: 'nginx', file: 'ingress-canary.yaml' });
    const r = problems('      type: nginx\n      file: ingress-canary.yaml\n      name: web-canary\n      stable: web\n      canary: {name: web-canary}');
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.config?.services.web?.route as RouteConfig, { type: 'nginx', file: 'ingress-canary.yaml', name: 'web-canary', stable: { name: 'web' }, canary: { name: 'web-canary' } });
  });

  test('keys nginx does not have are config errors at the key', () => {
    assert.deepEqual(problems('      type: nginx\n      file: i.yaml\n      weight: 10').errors.map(formatIssue), ['git-canary.yaml:9: services.web.route.weight: unknown key "weight"; allowed keys: type, file, name, stable, canary']);
    assert.match(problems('      type: nginx\n      file: i.yaml\n      canary: {name: web, port: 80}').errors.map(formatIssue).join('\n'), /^git-canary\.yaml:9: services\.web\.route\.canary\.port: unknown key "port"/);
  });
});
