import assert from 'node:assert/strict';
import { destinationsOf, routerTypes } from '../../src/routers/index.ts';
import { metricSourceTypes } from '../../src/metrics/index.ts';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/errors.ts';
import { formatIssue, loadConfig, parseConfig } from '../../src/config/index.ts';
import { dedent, edit, problems, VALID } from './util.ts';

// Lines of VALID: 1 version, 3 prom, 4 type, 5 address, 7 checkout, 8 files,
// 10 canary.file, 12 route.type, 14 stable, 15 canary, 16 steps, 17 analysis,
// 18 analysis.metrics, 20 checks[0], 22 min.
const F = 'git-canary.yaml';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  assert.fail('expected an error');
}

describe('parseConfig: exact messages', () => {
  const table: [string, string, string[]][] = [
    ['valid', VALID, []],
    [
      'bad YAML at its line',
      edit('steps:', 'steps: [10, 25', 'interval: 5m'),
      [`${F}:17: (yaml): invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]`],
    ],
    ['bad indentation', 'version: 1\nservices:\n  a: 1\n b: 2\n', [`${F}:4: (yaml): invalid YAML: All mapping items must start at the same column`]],
    [
      'duplicate key',
      edit('steps:', 'steps: [10]', 'steps: [20]'),
      [`${F}:17: services.checkout.steps: duplicate key "steps" (first at line 16)`],
    ],
    ['empty file', '', [`${F}:1: (root): the file is empty: start with "version: 1" and a "services" mapping`]],
    ['comments only', '# nothing yet\n', [`${F}:1: (root): the file is empty: start with "version: 1" and a "services" mapping`]],
    ['not a mapping', '- a\n', [`${F}:1: (root): expected a mapping, got a list`]],
    ['two documents', `${VALID}---\nversion: 1\n`, [`${F}:23: (root): expected one YAML document, found another one here`]],
    ['unknown alias', VALID.replace('version: 1', 'version: *v'), [`${F}:1: version: unknown alias *v`]],
    [
      'unknown nested key with suggestion',
      edit('steps:', 'steps: [10]', 'intervl: 5m'),
      [`${F}:17: services.checkout.intervl: unknown key "intervl" — did you mean "interval"?`],
    ],
    [
      'unknown key in a destination',
      edit('stable:', 'stable: { name: checkout, prot: 80 }'),
      [`${F}:14: services.checkout.route.stable.prot: unknown key "prot" — did you mean "port"?`],
    ],
    [
      'unknown key in a metrics source',
      edit('address:', 'address: http://x', 'timout: 5s'),
      [`${F}:6: metrics.prom.timout: unknown key "timout" — did you mean "timeout"?`],
    ],
    [
      'unknown key without a close match',
      edit('steps:', 'steps: [10]', 'weights: [1]'),
      [`${F}:17: services.checkout.weights: unknown key "weights"; allowed keys: files, canary, route, steps, interval, analysis, applied, gate`],
    ],
    [
      'unknown top-level key and a missing one',
      'version: 1\nservice: {}\n',
      [`${F}:1: services: required key is missing`, `${F}:2: service: unknown key "service" — did you mean "services"?`],
    ],
    ['missing version', VALID.replace('version: 1\n', ''), [`${F}:1: version: required key is missing`]],
    ['version 2', VALID.replace('version: 1', 'version: 2'), [`${F}:1: version: unsupported version 2: this git-canary reads version 1`]],
    ['missing route', VALID.replace(/ {4}route:\n( {6}.*\n)+/, ''), [`${F}:7: services.checkout.route: required key is missing`]],
    ['steps not increasing', edit('steps:', 'steps: [10, 5, 50]'), [`${F}:16: services.checkout.steps[1]: must be greater than the step before it (10)`]],
    ['steps equal', edit('steps:', 'steps: [10, 10]'), [`${F}:16: services.checkout.steps[1]: must be greater than the step before it (10)`]],
    ['step 0', edit('steps:', 'steps: [0, 10]'), [`${F}:16: services.checkout.steps[0]: must be at least 1`]],
    ['step 101', edit('steps:', 'steps: [10, 101]'), [`${F}:16: services.checkout.steps[1]: must be at most 100`]],
    ['step not an integer', edit('steps:', 'steps: [12.5]'), [`${F}:16: services.checkout.steps[0]: must be a whole number of percent`]],
    ['step as text', edit('steps:', 'steps: ["10"]'), [`${F}:16: services.checkout.steps[0]: expected a weight in percent (1-100)`]],
    ['steps empty', edit('steps:', 'steps: []'), [`${F}:16: services.checkout.steps: must list at least one weight`]],
    ['steps not a list', edit('steps:', 'steps: 10'), [`${F}:16: services.checkout.steps: expected a list, got a number`]],
    [
      'steps in block form point at the item',
      edit('steps:', 'steps:', '  - 10', '  - 150'),
      [`${F}:18: services.checkout.steps[1]: must be at most 100`],
    ],
    [
      'bad duration',
      edit('steps:', 'steps: [10]', 'interval: 5x'),
      [`${F}:17: services.checkout.interval: invalid duration "5x": write e.g. 500ms, 30s, 5m, 1h, 1m30s`],
    ],
    [
      'duration without unit',
      edit('steps:', 'steps: [10]', 'interval: 5'),
      [`${F}:17: services.checkout.interval: expected a duration such as 500ms, 30s, 5m, 1h, 1m30s`],
    ],
    ['zero timeout', edit('address:', 'address: http://x', 'timeout: 0s'), [`${F}:6: metrics.prom.timeout: must be longer than 0s`]],
    ['unknown route type', edit('type: istio', 'type: linkerd'), [`${F}:12: services.checkout.route.type: unknown type "linkerd"; allowed: ${routerTypes.join(', ')}`]],
    ['unknown metrics type', edit('type: prometheus', 'type: datadog'), [`${F}:4: metrics.prom.type: unknown type "datadog"; allowed: ${metricSourceTypes.join(', ')}`]],
    ['missing metrics type', edit('type: prometheus', 'kind: prometheus'), [`${F}:3: metrics.prom.type: required key is missing; allowed: ${metricSourceTypes.join(', ')}`]],
    [
      'address not http(s)',
      edit('address:', 'address: ftp://prometheus'),
      [`${F}:5: metrics.prom.address: must be an http(s) URL such as http://prometheus.monitoring:9090`],
    ],
    [
      'analysis names a missing source',
      edit('metrics: prom', 'metrics: promx'),
      [`${F}:18: services.checkout.analysis.metrics: no metrics source named "promx" — did you mean "prom"?`],
    ],
    [
      'analysis names a source when none is defined',
      VALID.replace(/metrics:\n {2}prom:\n( {4}.*\n)+/, ''),
      [`${F}:14: services.checkout.analysis.metrics: no metrics source named "prom": define it under the top-level "metrics"`],
    ],
    ['check with neither min nor max', VALID.replace(/\n +min: 99/, ''), [`${F}:20: services.checkout.analysis.checks[0]: a check needs min, max, baseline, or a combination`]],
    ['check with min above max', edit('min: 99', 'min: 99', 'max: 1'), [`${F}:22: services.checkout.analysis.checks[0].min: min must not be greater than max`]],
    ['check name with a space', edit('- name:', '- name: success rate'), [`${F}:20: services.checkout.analysis.checks[0].name: check names are letters, digits, ".", "_" and "-"`]],
    ['threshold 0', edit('metrics: prom', 'metrics: prom', 'threshold: 0'), [`${F}:19: services.checkout.analysis.threshold: must be at least 1`]],
    ['unknown gate', edit('steps:', 'steps: [10]', 'gate: manual'), [`${F}:17: services.checkout.gate: must be one of: auto, pull-request`]],
    [
      'service name not a Kubernetes name',
      VALID.replace('  checkout:', '  Checkout:'),
      [`${F}:7: services.Checkout: service names are lowercase letters, digits and "-", like a Kubernetes name`],
    ],
    [
      'destination of the wrong type',
      edit('stable:', 'stable: 5'),
      [`${F}:14: services.checkout.route.stable: expected a destination name, or {name, port, subset, namespace}`],
    ],
    ['destination port as text', edit('stable:', 'stable: { name: checkout, port: "80" }'), [`${F}:14: services.checkout.route.stable.port: expected a number, got a string`]],
    ['path leaving the repository', edit('file: apps/checkout/deployment-canary.yaml', 'file: ../x.yaml'), [`${F}:10: services.checkout.canary.file: path must not contain ".." (it would leave the repository)`]],
    ['absolute path', edit('files:', 'files: [/etc/passwd]'), [`${F}:8: services.checkout.files[0]: path must be relative to the repository root, not absolute`]],
    ['files empty', edit('files:', 'files: []'), [`${F}:8: services.checkout.files: must list at least one file`]],
    [
      'canary file is a release file',
      edit('file: apps/checkout/deployment-canary.yaml', 'file: apps/checkout/deployment.yaml'),
      [`${F}:10: services.checkout.canary.file: must not be one of files (files[0]): the canary workload lives only on production`],
    ],
    [
      'canary.from outside files',
      edit('file: apps/checkout/deployment-canary.yaml', 'file: apps/checkout/deployment-canary.yaml', 'from: apps/checkout/other.yaml'),
      [`${F}:11: services.checkout.canary.from: must be one of files (apps/checkout/deployment.yaml): the canary is built from a release file`],
    ],
    [
      'stable equals canary',
      edit('canary: checkout-canary', 'canary: { name: checkout-stable }'),
      [`${F}:15: services.checkout.route.canary: must differ from route.stable: the weights would move traffic nowhere`],
    ],
    ['same branch twice', `${VALID}branches: { production: candidate }\n`, [`${F}:23: branches.production: must differ from branches.candidate`]],
    ['bad commit author', `${VALID}commit:\n  author: bob\n`, [`${F}:24: commit.author: write the author as "Name <email>"`]],
    [
      'commit author with a line break (it would fail at the first commit)',
      `${VALID}commit:\n  author: "Eve\\nX <eve@example.test>"\n`,
      [`${F}:24: commit.author: must be one line without control characters, as "Name <email>"`],
    ],
    [
      'commit author name with an ANSI escape',
      `${VALID}commit:\n  author: { name: "Eve\\e[2K", email: eve@example.test }\n`,
      [`${F}:24: commit.author.name: must be one line without control characters, < or >`],
    ],
    [
      'destination name with a line break, printed escaped on one line',
      edit('canary: checkout-canary', 'canary: "checkout-canary\\nerror: forged"'),
      [
        `${F}:15: services.checkout.route.canary: must be a host or service name (letters, digits, ".", "_" and "-"), e.g. checkout-canary or checkout.shop.svc.cluster.local`,
      ],
    ],
    [
      'destination name with shell metacharacters',
      edit('stable:', 'stable: { name: "checkout;$(id)" }'),
      [
        `${F}:14: services.checkout.route.stable.name: must be a host or service name (letters, digits, ".", "_" and "-"), e.g. checkout-canary or checkout.shop.svc.cluster.local`,
      ],
    ],
    [
      'service name longer than a Kubernetes name',
      VALID.replace('  checkout:', `  ${'c'.repeat(64)}:`),
      [`${F}:7: services.${'c'.repeat(64)}: service names are at most 63 characters, like a Kubernetes name`],
    ],
    ['path into a nested .git', edit('files:', 'files: [apps/.git/config]'), [`${F}:8: services.checkout.files[0]: path must not point inside .git`]],
    ['a control character in the file', VALID.replace('version: 1', 'version: 1 \u0007'), [`${F}:1: (root): the file holds the control character U+0007: git-canary.yaml is a YAML text file`]],
  ];
  for (const [name, text, expected] of table) {
    it(name, () => {
      const { errors, result } = problems(text);
      assert.deepEqual(errors, expected);
      assert.equal(result.config === undefined, expected.length > 0);
    });
  }
});

describe('parseConfig: warnings', () => {
  it('warns about unused sources, and still returns the config', () => {
    const text = VALID.replace('metrics:\n', 'metrics:\n  spare:\n    type: prometheus\n    address: https://spare\n');
    const { errors, warnings, result } = problems(text);
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, [`${F}:3: metrics.spare: is not used by any service analysis`]);
    assert.ok(result.config);
  });
  it('refuses a route file that is also a release file (the ticks would start the same release forever)', () => {
    const { errors } = problems(edit('file: apps/checkout/virtualservice.yaml', 'file: apps/checkout/deployment.yaml'));
    assert.deepEqual(errors, [
      `${F}:13: services.checkout.route.file: apps/checkout/deployment.yaml must not also be a release file (files[0]): git-canary owns the route's weights on production`,
    ]);
  });
  it('passes YAML warnings on with their line', () => {
    assert.deepEqual(problems(VALID.replace('version: 1', 'version: !custom 1')).warnings, [`${F}:1: (root): Unresolved tag: !custom`]);
  });
});

describe('parseConfig: defaults and normalisation', () => {
  it('applies every default', () => {
    const { config } = parseConfig(VALID, { file: F, env: {} });
    assert.ok(config);
    assert.deepEqual(config.branches, { candidate: 'candidate', production: 'production' });
    assert.equal(config.commit, undefined);
    assert.deepEqual(config.metrics.prom, { type: 'prometheus', address: 'http://prometheus.monitoring:9090', timeoutMs: 10_000 });
    const s = config.services.checkout!;
    assert.equal(s.interval, 300_000);
    assert.equal(s.gate, 'auto');
    assert.equal(s.analysis?.threshold, 2);
    assert.equal(s.canary?.from, 'apps/checkout/deployment.yaml');
    assert.deepEqual(destinationsOf(s.route), { stable: { name: 'checkout-stable' }, canary: { name: 'checkout-canary' } });
  });

  it('fills a missing branch name alone, and metrics with {}', () => {
    const text = dedent(`
      version: 1
      branches: { production: main }
      services: {}
    `);
    const r = parseConfig(text, { file: F, env: {} });
    assert.deepEqual(r.config?.branches, { candidate: 'candidate', production: 'main' });
    assert.deepEqual(r.config?.metrics, {});
    assert.deepEqual(r.warnings.map(formatIssue), [`${F}:3: services: no services are configured: nothing will roll out`]);
  });

  it('keeps explicit values and normalises shorthands', () => {
    const text = dedent(`
      version: 1
      metrics:
        prom: { type: prometheus, address: "https://p", timeout: 1m30s, headers: { X-Scope-OrgID: acme } }
      services:
        checkout:
          files: [a/deploy.yaml, a/config.yaml]
          canary: { file: a/canary.yaml, from: a/config.yaml, fromName: checkout }
          route:
            type: gateway-api
            file: a/route.yaml
            name: checkout
            stable: { name: checkout, port: 8080, namespace: shop }
            canary: { name: checkout-canary, port: 8080, namespace: shop }
          steps: [5, 100]
          interval: 30s
          analysis: { metrics: prom, threshold: 1, checks: [{ name: p99, query: q, max: 0.5 }] }
          gate: auto
      commit:
        author: { name: Release Bot, email: bot@example.com }
    `);
    const r = parseConfig(text, { file: F, env: {} });
    assert.deepEqual(r.errors, []);
    const c = r.config!;
    assert.deepEqual(c.metrics.prom, { type: 'prometheus', address: 'https://p', headers: { 'X-Scope-OrgID': 'acme' }, timeoutMs: 90_000 });
    const s = c.services.checkout!;
    assert.deepEqual(s.canary, { file: 'a/canary.yaml', from: 'a/config.yaml', fromName: 'checkout', keep: [], unexercised: 'warn' });
    assert.deepEqual(s.route, {
      type: 'gateway-api',
      file: 'a/route.yaml',
      name: 'checkout',
      stable: { name: 'checkout', port: 8080, namespace: 'shop' },
      canary: { name: 'checkout-canary', port: 8080, namespace: 'shop' },
    });
    assert.equal(s.interval, 30_000);
    assert.equal(s.gate, 'auto');
    assert.deepEqual(s.analysis, { metrics: 'prom', threshold: 1, checks: [{ name: 'p99', query: 'q', max: 0.5, critical: false }], templates: [], inconclusiveLimit: 5, errorLimit: 4 });
    assert.deepEqual(c.commit, { author: { name: 'Release Bot', email: 'bot@example.com' } });
  });

  it('reads "Name <email>" authors', () => {
    const r = parseConfig(`${VALID}commit: { author: "Release Bot <bot@example.com>" }\n`, { file: F, env: {} });
    assert.deepEqual(r.config?.commit, { author: { name: 'Release Bot', email: 'bot@example.com' } });
  });

  it('has no analysis when none is written', () => {
    const r = parseConfig(VALID.replace(/ {4}analysis:\n( {6}.*\n)+/, ''), { file: F, env: {} });
    assert.deepEqual(r.errors, []);
    assert.equal(r.config?.services.checkout?.analysis, undefined);
  });
});

describe('loadConfig', () => {
  it('returns the config, warnings and secrets', () => {
    const r = loadConfig(VALID, { file: F, env: {} });
    assert.equal(r.config.version, 1);
    assert.deepEqual(r.secrets, []);
  });

  it('throws a ConfigError for the first error, carrying all of them', () => {
    const text = edit('steps:', 'steps: [0]', 'intervl: 5m');
    const e = thrown(() => loadConfig(text, { file: F, env: {} }));
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'CONFIG');
    assert.deepEqual(e.where, { file: F, line: 16 });
    assert.equal(e.message, 'services.checkout.steps[0]: must be at least 1');
    assert.equal(
      e.oneLine(),
      'services.checkout.steps[0]: must be at least 1 (git-canary.yaml:16) — 1 more problem in git-canary.yaml; `git-canary validate` lists them all',
    );
    const issues = e.data?.issues as { line: number }[];
    assert.deepEqual(issues.map((i) => i.line), [16, 17]);
  });
});
