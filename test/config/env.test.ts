// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings test the literal ${NAME} syntax.
import { routerTypes } from '../../src/routers/index.ts';
import type { PrometheusConfig } from '../../src/metrics/prometheus.ts';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../../src/errors.ts';
import { expandEnvInDocument, expandString, formatIssue, loadConfig, parseConfig } from '../../src/config/index.ts';
import { edit, VALID } from './util.ts';

const F = 'git-canary.yaml';
const SECRET = 'tok-3f9a-very-secret';

describe('expandString', () => {
  const env = { A: 'alpha', B: '', LONG_NAME_1: 'x' };
  const table: [string, string, Partial<ReturnType<typeof expandString>>][] = [
    ['plain', 'plain', { used: [], unset: [] }],
    ['${A}', 'alpha', { used: ['A'] }],
    ['Bearer ${A}!', 'Bearer alpha!', { used: ['A'] }],
    ['${A}${LONG_NAME_1}', 'alphax', { used: ['A', 'LONG_NAME_1'] }],
    ['${B}', '', { used: ['B'] }],
    ['$${A}', '${A}', { used: [] }],
    ['$$${A}', '$${A}', { used: [] }],
    ['$A and $$ and {A}', '$A and $$ and {A}', { used: [] }],
    ['${MISSING}', '${MISSING}', { unset: ['MISSING'] }],
    ['${1A}', '${1A}', { malformed: true }],
    ['${A', '${A', { malformed: true }],
    ['${A-B}', '${A-B}', { malformed: true }],
  ];
  for (const [input, value, rest] of table) {
    it(`${input} → ${value}`, () => {
      const r = expandString(input, env);
      assert.equal(r.value, value);
      for (const [k, v] of Object.entries(rest)) assert.deepEqual(r[k as keyof typeof r], v, k);
    });
  }
});

describe('expandEnvInDocument', () => {
  it('expands values, never keys or comments, and lists expanded paths and secrets', () => {
    const lines = new LineCounter();
    const doc = parseDocument('# ${A} in a comment\n${A}: ${A}\nlist: [x, "${B}"]\nn: 5\n', { lineCounter: lines });
    const r = expandEnvInDocument(doc, { file: F, env: { A: 'alpha', B: 'beta' }, lines });
    assert.deepEqual(doc.toJS(), { '${A}': 'alpha', list: ['x', 'beta'], n: 5 });
    assert.deepEqual(r.expandedPaths, ['["${A}"]', 'list[1]']);
    assert.deepEqual(r.secrets, ['alpha', 'beta']);
    assert.deepEqual(r.errors, []);
    assert.match(String(doc), /# \$\{A\} in a comment/);
  });
});

describe('parseConfig: ${ENV}', () => {
  const withHeaders = (headers: string) => edit('address:', 'address: http://prometheus.monitoring:9090', `headers: ${headers}`);

  it('expands a header and reports the value as a secret', () => {
    const r = parseConfig(withHeaders('{ Authorization: "Bearer ${PROMETHEUS_TOKEN}" }'), { file: F, env: { PROMETHEUS_TOKEN: SECRET } });
    assert.deepEqual(r.errors, []);
    assert.equal((r.config?.metrics.prom as PrometheusConfig | undefined)?.headers?.Authorization, `Bearer ${SECRET}`);
    assert.deepEqual(r.secrets, [SECRET]);
  });

  it('an unset variable names the variable and the line, and never shows any value', () => {
    const text = withHeaders('{ Authorization: "Bearer ${PROMETHEUS_TOKEN}", X-Org: "${ORG_SECRET}" }');
    const env = { ORG_SECRET: SECRET };
    const r = parseConfig(text, { file: F, env });
    assert.deepEqual(r.errors.map(formatIssue), [`${F}:6: metrics.prom.headers.Authorization: environment variable PROMETHEUS_TOKEN is not set`]);
    assert.equal(r.config, undefined);

    let error: unknown;
    try {
      loadConfig(text, { file: F, env });
    } catch (e) {
      error = e;
    }
    assert.ok(error instanceof ConfigError);
    assert.equal(error.code, 'CONFIG');
    assert.deepEqual(error.where, { file: F, line: 6 });
    assert.match(error.message, /PROMETHEUS_TOKEN/);
    assert.equal(error.hint, 'set it in the environment git-canary runs in, or write $${ for a literal ${');
    // `secrets` holds it on purpose (for the logger's redaction); nothing else may.
    assert.deepEqual(r.secrets, [SECRET]);
    const shown = { errors: r.errors, warnings: r.warnings, config: r.config };
    const everything = [JSON.stringify(shown), JSON.stringify(error.toJSON()), error.oneLine(), String(error.stack)].join('\n');
    assert.ok(!everything.includes(SECRET), 'the secret leaked into an output');
    assert.match(everything, /PROMETHEUS_TOKEN/);
  });

  it('redacts expanded values from every message', () => {
    const r = parseConfig(edit('type: istio', 'type: ${ROUTER}'), { file: F, env: { ROUTER: SECRET } });
    assert.deepEqual(r.errors.map(formatIssue), [`${F}:12: services.checkout.route.type: unknown type "***"; allowed: ${routerTypes.join(', ')}`]);
    assert.deepEqual(r.secrets, [SECRET]);
  });

  it('$${X} is a literal ${X}, whether or not X is set', () => {
    const text = edit('query:', 'query: up{job="$${JOB}"}');
    for (const env of [{}, { JOB: 'api' }]) {
      const r = parseConfig(text, { file: F, env });
      assert.deepEqual(r.errors, []);
      assert.equal(r.config?.services.checkout?.analysis?.checks[0]?.query, 'up{job="${JOB}"}');
      assert.deepEqual(r.secrets, []);
    }
  });

  it('does not expand keys', () => {
    const r = parseConfig(withHeaders('{ "${HEADER}": value }'), { file: F, env: { HEADER: 'X-Token' } });
    assert.deepEqual(r.errors.map(formatIssue), [`${F}:6: metrics.prom.headers["\${HEADER}"]: is not a valid HTTP header name`]);
  });

  it('reports a malformed reference', () => {
    const r = parseConfig(withHeaders('{ Authorization: "Bearer ${PROMETHEUS-TOKEN}" }'), { file: F, env: {} });
    assert.deepEqual(r.errors.map(formatIssue), [
      `${F}:6: metrics.prom.headers.Authorization: malformed \${...}: write \${NAME} with NAME made of letters, digits and "_", or $\${ for a literal \${`,
    ]);
  });

  it('reports the line of a value on its own line, and keeps shape errors elsewhere', () => {
    const text = VALID.replace('address: http://prometheus.monitoring:9090', 'address:\n      ${PROM_URL}').replace('steps: [10, 25, 50]', 'steps: [0]');
    const r = parseConfig(text, { file: F, env: {} });
    assert.deepEqual(r.errors.map(formatIssue), [
      `${F}:6: metrics.prom.address: environment variable PROM_URL is not set`,
      `${F}:17: services.checkout.steps[0]: must be at least 1`,
    ]);
  });

  it('expands into any string value, e.g. the address', () => {
    const r = parseConfig(VALID.replace('http://prometheus.monitoring:9090', '${PROM_URL}'), { file: F, env: { PROM_URL: 'https://prom.example' } });
    assert.equal((r.config?.metrics.prom as PrometheusConfig | undefined)?.address, 'https://prom.example');
  });
});
