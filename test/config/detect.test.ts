import assert from 'node:assert/strict';
import { destinationsOf } from '../../src/routers/index.ts';
import { describe, it } from 'node:test';
import { type DetectedService, detect, type InitFile } from '../../src/config/detect.ts';
import { formatIssue, parseConfig } from '../../src/config/index.ts';
import { destination, renderInit, scalar } from '../../src/config/render-init.ts';
import { dedent } from './util.ts';

/** A Deployment (or `kind`) with pod labels, as a YAML document. */
function workload(name: string, labels: Record<string, string>, o: { kind?: string; ns?: string; image?: string } = {}): string {
  return dedent(`
    apiVersion: apps/v1
    kind: ${o.kind ?? 'Deployment'}
    metadata:
      name: ${name}${o.ns ? `\n      namespace: ${o.ns}` : ''}
    spec:
      template:
        metadata:
          labels: ${JSON.stringify(labels)}
        spec:
          containers:
            - name: app
              image: ${o.image ?? 'registry.example.com/app:1.0'}
  `);
}

function service(name: string, selector: Record<string, string>): string {
  return `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  selector: ${JSON.stringify(selector)}\n  ports: [{ port: 80 }]\n`;
}

/** A VirtualService with one rule per list of `[host, weight, subset?, port?]`. */
function virtualService(name: string, ...rules: [string, number | undefined, string?, number?][][]): string {
  const http = rules.map((routes, i) =>
    [
      i < rules.length - 1 ? `    - match: [{ uri: { prefix: /r${i} } }]\n      route:` : '    - route:',
      ...routes.map(([host, weight, subset, port]) =>
        [
          `        - destination:`,
          `            host: ${host}`,
          ...(subset ? [`            subset: ${JSON.stringify(subset)}`] : []),
          ...(port ? [`            port: { number: ${port} }`] : []),
          ...(weight === undefined ? [] : [`          weight: ${weight}`]),
        ].join('\n'),
      ),
    ].join('\n'),
  );
  return `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ${name}\nspec:\n  hosts: [${name}]\n  http:\n${http.join('\n')}\n`;
}

function httpRoute(name: string, refs: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: ${name}\nspec:\n  parentRefs: [{ name: public }]\n  rules:\n    - backendRefs: ${refs}\n`;
}

const files = (map: Record<string, string>): InitFile[] => Object.entries(map).map(([path, text]) => ({ path, text }));
const only = (map: Record<string, string>): DetectedService => {
  const d = detect(files(map));
  assert.equal(d.services.length, 1, JSON.stringify(d.services));
  return d.services[0]!;
};
const STABLE = { app: 'web', track: 'stable' };
const CANARY = { app: 'web', track: 'canary' };

describe('detect: workloads and their canary twins', () => {
  it('pairs a workload with <name>-canary of the same kind in another file; the release is the stable\'s file', () => {
    const s = only({
      'web/deploy.yaml': `${service('web', STABLE)}---\n${workload('web', STABLE)}`,
      'web/canary.yaml': workload('web-canary', CANARY),
      'web/vs.yaml': virtualService('web', [['web', 100], ['web-canary', 0]]),
    });
    assert.deepEqual(
      { name: s.name, workload: s.workload, twin: s.twin, files: s.files, canary: s.canary, missing: s.missing },
      {
        name: 'web',
        workload: { kind: 'Deployment', name: 'web', file: 'web/deploy.yaml' },
        twin: { kind: 'Deployment', name: 'web-canary', file: 'web/canary.yaml', overlay: false },
        files: ['web/deploy.yaml'],
        canary: { file: 'web/canary.yaml' },
        missing: undefined,
      },
    );
    assert.deepEqual(s.route, { type: 'istio', file: 'web/vs.yaml', stable: { name: 'web' }, canary: { name: 'web-canary' }, document: 'VirtualService web' });
  });

  it('StatefulSets and DaemonSets pair too, only with a twin of their own kind; the rest are listed as unpaired', () => {
    const d = detect(
      files({
        'a.yaml': workload('db', {}, { kind: 'StatefulSet' }),
        'b.yaml': workload('db-canary', {}, { kind: 'Deployment' }),
        'c.yaml': workload('agent', { app: 'agent' }, { kind: 'DaemonSet' }),
        'd.yaml': workload('agent-canary', { app: 'agent-canary' }, { kind: 'DaemonSet' }),
      }),
    );
    assert.deepEqual(d.services.map((s) => [s.name, s.workload.kind, s.twin.name]), [['agent', 'DaemonSet', 'agent-canary']]);
    assert.deepEqual(d.unpaired, [
      { kind: 'StatefulSet', name: 'db', file: 'a.yaml' },
      { kind: 'Deployment', name: 'db-canary', file: 'b.yaml' },
    ]);
  });

  it('a shared file holding other services\' workloads: the release names the document', () => {
    const d = detect(
      files({
        'all.yaml': [workload('a', { app: 'a' }), workload('b', { app: 'b' }), workload('c', { app: 'c' })].join('---\n'),
        'a-canary.yaml': workload('a-canary', { app: 'a-canary' }),
        'b-canary.yaml': workload('b-canary', { app: 'b-canary' }),
      }),
    );
    assert.deepEqual(d.services.map((s) => s.files), [[{ path: 'all.yaml', documents: ['Deployment/a'] }], [{ path: 'all.yaml', documents: ['Deployment/b'] }]]);
    assert.deepEqual(d.unpaired, [{ kind: 'Deployment', name: 'c', file: 'all.yaml' }]);
  });

  it('names are unique: the same workload name in two namespaces gets the namespace', () => {
    const d = detect(
      files({
        'a/api.yaml': workload('api', { app: 'api' }, { ns: 'a' }),
        'a/api-canary.yaml': workload('api-canary', { app: 'api-canary' }, { ns: 'a' }),
        'b/api.yaml': workload('api', { app: 'api' }, { ns: 'b' }),
        'b/api-canary.yaml': workload('api-canary', { app: 'api-canary' }, { ns: 'b' }),
      }),
    );
    assert.deepEqual(d.services.map((s) => [s.name, s.canary.file]), [['api', 'a/api-canary.yaml'], ['api-b', 'b/api-canary.yaml']]);
  });

  const missing = (map: Record<string, string>) => only(map).missing ?? '';

  it('a twin that cannot be the canary: in the release file, or sharing its file with another workload', () => {
    assert.match(
      missing({ 'web.yaml': `${workload('web', STABLE)}---\n${workload('web-canary', CANARY)}` }),
      /^the canary Deployment web-canary is in the release file web\.yaml: move it to a file of its own/,
    );
    assert.equal(
      missing({ 'web.yaml': workload('web', STABLE), 'canaries.yaml': `${workload('web-canary', CANARY)}---\n${workload('redis', { app: 'redis' })}` }),
      'the canary file canaries.yaml also holds Deployment redis: give the canary workload web-canary a file of its own',
    );
    assert.equal(
      missing({ 'web.yaml': workload('web', STABLE), 'c1.yaml': workload('web-canary', CANARY), 'c2.yaml': workload('web-canary', CANARY) }),
      'there are 2 Deployment web-canary (c1.yaml, c2.yaml): keep one',
    );
    assert.match(
      missing({ 'web.yaml': workload('web', STABLE), 'copy/web.yaml': workload('web', STABLE), 'c.yaml': workload('web-canary', CANARY) }),
      /^Deployment web is defined in 2 files \(copy\/web\.yaml, web\.yaml\)/,
    );
  });

  it('files that do not parse are skipped with the reason and the line; CRLF and multi-document files parse', () => {
    const crlf = (t: string) => t.replace(/\n/g, '\r\n');
    const d = detect(
      files({
        'broken.yaml': 'kind: Deployment\nmetadata:\n  name: "x\n',
        'chart/templates/d.yaml': 'kind: Deployment\nmetadata:\n  labels:\n    {{- include "x" . | nindent 4 }}\n',
        'dup.yaml': 'a: 1\na: 2\n',
        'web.yaml': crlf(`${service('web', STABLE)}---\n${workload('web', STABLE)}`),
        'web-canary.yaml': crlf(workload('web-canary', CANARY)),
        'vs.yaml': crlf(virtualService('web', [['web', 100], ['web-canary', 0]])),
      }),
    );
    assert.deepEqual(d.services.map((s) => [s.name, s.route?.file]), [['web', 'vs.yaml']]);
    assert.deepEqual(d.skipped.map((s) => s.file), ['broken.yaml', 'chart/templates/d.yaml', 'dup.yaml']);
    assert.match(d.skipped[0]!.reason, /^invalid YAML in broken\.yaml: .*\(line 3\)$/);
    assert.match(d.skipped[1]!.reason, /^a template \(it has \{\{ \}\}\), not plain YAML: /);
    assert.match(d.skipped[2]!.reason, /^duplicate key "a" in dup\.yaml/);
  });
});

describe('detect: routes', () => {
  const base = {
    'web/web.yaml': workload('web', STABLE),
    'web/web-canary.yaml': workload('web-canary', CANARY),
  };

  it('without Services, hosts are matched by name: <name> or <name>-stable, and <name>-canary', () => {
    const s = only({ ...base, 'vs.yaml': virtualService('web', [['web-stable.shop.svc.cluster.local', 90], ['other', 10], ['web-canary.shop.svc.cluster.local', 0]]) });
    assert.deepEqual([s.route?.stable, s.route?.canary], [{ name: 'web-stable.shop.svc.cluster.local' }, { name: 'web-canary.shop.svc.cluster.local' }]);
  });

  it('with Services, hosts are matched by the Services selecting each workload, whatever their names', () => {
    const s = only({
      ...base,
      'svc.yaml': `${service('front', STABLE)}---\n${service('preview', CANARY)}---\n${service('web-canary', STABLE)}`,
      'route.yaml': httpRoute('web', '[{ name: front, port: 80, weight: 100 }, { name: preview, port: 80, weight: 0 }]'),
    });
    assert.deepEqual(s.route, { type: 'gateway-api', file: 'route.yaml', stable: { name: 'front' }, canary: { name: 'preview' }, document: 'HTTPRoute web' });
  });

  it('Istio subsets tell apart pods behind one Service; a port is added only where the host and subset appear with another port', () => {
    const s = only({
      ...base,
      'svc.yaml': service('web', { app: 'web' }),
      'dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\nspec:\n  host: web\n  subsets:\n    - { name: stable, labels: { track: stable } }\n    - { name: canary, labels: { track: canary } }\n',
      'vs.yaml': virtualService('web', [['web', undefined, 'stable', 9090]], [['web', 100, 'stable', 80], ['web', 0, 'canary', 80]]),
    });
    assert.deepEqual([s.route?.stable, s.route?.canary], [{ name: 'web', subset: 'stable', port: 80 }, { name: 'web', subset: 'canary' }]);
    assert.equal(s.route?.name, undefined);
  });

  it('a subset no DestinationRule defines reaches nothing', () => {
    const s = only({ ...base, 'svc.yaml': service('web', { app: 'web' }), 'vs.yaml': virtualService('web', [['web', 100, 'v1'], ['web', 0, 'v2']]) });
    assert.match(s.missing ?? '', /^no VirtualService, HTTPRoute or GRPCRoute routes to both web \(Deployment web\) and web \(Deployment web-canary\)$/);
  });

  it('route.name is set when the file holds several routes of the kind', () => {
    const s = only({ ...base, 'vs.yaml': `${virtualService('other', [['other', 100]])}---\n${virtualService('web', [['web', 100], ['web-canary', 0]])}` });
    assert.equal(s.route?.name, 'web');
  });

  it('a stable Service that also selects the canary\'s pods still routes, with a note', () => {
    const s = only({
      'web.yaml': workload('web', { app: 'web' }),
      'web-canary.yaml': workload('web-canary', CANARY),
      'svc.yaml': `${service('web', { app: 'web' })}---\n${service('web-canary', CANARY)}`,
      'vs.yaml': virtualService('web', [['web', 100], ['web-canary', 0]]),
    });
    assert.deepEqual([s.route?.stable, s.route?.canary, s.missing], [{ name: 'web' }, { name: 'web-canary' }, undefined]);
    assert.match(s.notes.join('\n'), /web also reaches the canary's pods/);
  });

  it('a route naming only the stable, and a Service for the canary: the canary is added at the first start', () => {
    const s = only({ ...base, 'svc.yaml': `${service('web', STABLE)}---\n${service('web-canary', CANARY)}`, 'vs.yaml': virtualService('web', [['web', undefined]]) });
    assert.deepEqual([s.route?.stable, s.route?.canary], [{ name: 'web' }, { name: 'web-canary' }]);
    assert.deepEqual(s.notes, ['web-canary is not in vs.yaml yet: the first rollout adds it beside web, at weight 0 between rollouts']);
  });

  it('a route the router refuses is not used, and the stub says why', () => {
    const s = only({ ...base, 'route.yaml': httpRoute('web', '[{ name: web, weight: 100 }, { name: web-canary }]') });
    assert.equal(s.route, undefined);
    assert.match(s.missing ?? '', /; HTTPRoute web in route\.yaml names both, but canary backendRef web-canary at spec\.rules\[0\]\.backendRefs\[1\] has no weight/);
  });

  it('a route in the release file is not used: git-canary owns its weights', () => {
    const s = only({ 'web.yaml': `${workload('web', STABLE)}---\n${virtualService('web', [['web', 100], ['web-canary', 0]])}`, 'c.yaml': workload('web-canary', CANARY) });
    assert.match(s.missing ?? '', /VirtualService web in web\.yaml names both, but that file is also a release file: move the route to a file of its own$/);
  });
});

describe('detect: Kustomize', () => {
  const kustomization = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

  it('a plain canary beside a kustomization whose images: name the workload\'s image: the kustomization is the release too', () => {
    const s = only({
      'app/base/deploy.yaml': workload('app', { app: 'app' }, { image: 'app' }),
      'app/base/kustomization.yaml': kustomization('resources: [deploy.yaml]\n'),
      'app/prod/kustomization.yaml': kustomization('resources: [../base]\nimages:\n  - { name: app, newName: registry.example.com/app, newTag: "1.0" }\n'),
      'app/canary.yaml': workload('app-canary', { app: 'app-canary' }),
    });
    assert.deepEqual([s.files, s.canary.file], [['app/prod/kustomization.yaml', 'app/base/deploy.yaml'], 'app/canary.yaml']);
  });

  it('a canary overlay with no other kustomization setting images: is a stub saying so', () => {
    const s = only({
      'app/base/deploy.yaml': workload('app', { app: 'app' }),
      'app/base/kustomization.yaml': kustomization('resources: [deploy.yaml]\n'),
      'app/canary/kustomization.yaml': kustomization('nameSuffix: -canary\nresources: [../base, https://github.com/acme/x//y?ref=v1]\n'),
    });
    assert.equal(s.twin.name, 'app-canary');
    assert.equal(s.twin.overlay, true);
    assert.match(s.missing ?? '', /^no kustomization besides the canary overlay app\/canary\/kustomization\.yaml includes app\/base\/deploy\.yaml and sets its image/);
  });

  it('overlay labels and nameSuffix reach the Services: the canary Service is <service>-canary with the overlay\'s selector', () => {
    const s = only({
      'app/base/deploy.yaml': workload('app', { app: 'app' }),
      'app/base/svc.yaml': service('app-svc', { app: 'app' }),
      'app/base/kustomization.yaml': kustomization('resources: [deploy.yaml, svc.yaml]\n'),
      'app/prod/kustomization.yaml': kustomization('resources: [../base]\ncommonLabels: { track: stable }\nimages: [{ name: app, newTag: "2" }]\n'),
      'app/canary/kustomization.yaml': kustomization('resources: [../base]\nnameSuffix: -canary\nlabels: [{ pairs: { track: canary }, includeSelectors: true }]\n'),
      'route.yaml': httpRoute('app', '[{ name: app-svc, weight: 100 }, { name: app-svc-canary, weight: 0 }]'),
    });
    assert.deepEqual([s.files, s.canary.file, s.route?.stable, s.route?.canary, s.notes], [
      ['app/prod/kustomization.yaml', 'app/base/deploy.yaml'],
      'app/canary/kustomization.yaml',
      { name: 'app-svc' },
      { name: 'app-svc-canary' },
      [],
    ]);
  });
});

describe('render-init', () => {
  const detection = detect(
    files({
      'my apps/all.yaml': [service('web', STABLE), workload('web', STABLE), workload('api', { app: 'api' })].join('---\n'),
      'my apps/web-canary.yaml': workload('web-canary', CANARY),
      'my apps/api-canary.yaml': workload('api-canary', { app: 'api-canary' }),
      'my apps/dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: web\nspec:\n  host: web\n  subsets: [{ name: "1.0", labels: { track: stable } }]\n',
      'my apps/vs.yaml': virtualService('web', [['web', 100, '1.0'], ['web-canary', 0]]),
    }),
  );

  it('writes a config that parses with no error and no warning in an empty environment; stubs stay comments', () => {
    const { text } = renderInit(detection);
    const r = parseConfig(text, { file: 'git-canary.yaml', env: {} });
    assert.deepEqual([...r.errors, ...r.warnings].map(formatIssue), []);
    assert.deepEqual(Object.keys(r.config!.services), ['web']);
    const web = r.config!.services.web!;
    assert.deepEqual(web.files, ['my apps/all.yaml']);
    assert.deepEqual(web.documents, { 'my apps/all.yaml': [{ kind: 'Deployment', name: 'web' }] });
    assert.deepEqual([destinationsOf(web.route)?.stable, destinationsOf(web.route)?.canary, web.steps, web.interval, web.analysis], [{ name: 'web', subset: '1.0' }, { name: 'web-canary' }, [10, 25, 50], 300_000, undefined]);
    assert.match(text, /^ {2}# api is not set up: no VirtualService, HTTPRoute or GRPCRoute routes to both/m);
    assert.match(text, /^ {2}# {3}files:\n {2}# {5}- path: "my apps\/all\.yaml"\n {2}# {7}documents: \[Deployment\/api\]$/m);
  });

  it('the commented-out examples parse once uncommented', () => {
    const { text } = renderInit(detection);
    const enabled = text
      .replace(/^# (metrics:| {2}prom:| {4}type:| {4}address:)/gm, '$1')
      .replace(/^( {4})# (analysis:| {2}metrics:| {2}threshold:| {2}checks:| {4}- name:| {6}query:| {6}min:| {6}max:)/gm, '$1$2');
    const r = parseConfig(enabled, { file: 'git-canary.yaml', env: {} });
    assert.deepEqual(r.errors.map(formatIssue), []);
    assert.equal(r.config!.services.web!.analysis?.checks.length, 2);
    const stub = text.replace(/^ {2}# (api:| {2}.*)$/gm, (_m, rest: string) => `  ${rest}`);
    assert.deepEqual(Object.keys(parseConfig(stub, { file: 'git-canary.yaml', env: {} }).config?.services ?? {}), ['web', 'api']);
  });

  it('gives line ranges of each configured service block', () => {
    const { text, lines } = renderInit(detection);
    const all = text.split('\n');
    const [start, end] = lines.web!;
    assert.match(all[start - 1]!, /^ {2}# web: Deployment web in my apps\/all\.yaml/);
    assert.match(all.slice(start - 1, end).join('\n'), /^ {4}gate: auto/m);
  });

  it('only stubs: services is {} and the config still parses', () => {
    const d = detect(files({ 'a.yaml': workload('a', {}), 'a-canary.yaml': workload('a-canary', {}) }));
    const r = parseConfig(renderInit(d).text, { file: 'git-canary.yaml', env: {} });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings.map((w) => w.message), ['no services are configured: nothing will roll out']);
  });

  it('scalars are plain when they read back the same, else quoted', () => {
    assert.deepEqual(
      ['apps/web.yaml', 'my apps/x.yaml', '1.0', 'true', 'a#b', 'x: y', '-canary', 'Deployment/web'].map(scalar),
      ['apps/web.yaml', '"my apps/x.yaml"', '"1.0"', '"true"', '"a#b"', '"x: y"', '"-canary"', 'Deployment/web'],
    );
    assert.equal(destination({ name: 'web' }), 'web');
    assert.equal(destination({ name: 'web', subset: 'v1', port: 80 }), '{ name: web, subset: v1, port: 80 }');
  });
});
