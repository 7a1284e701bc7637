// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold the literal ${NAME} syntax of git-canary.yaml.
/**
 * parseConfig keeps the texts that loaded (their data before ${ENV} expansion)
 * and answers the next parse of the same text from them, without parsing the
 * YAML again. The invariant: whatever the text and the environment, the answer
 * is exactly the one a full parse gives; and no expanded value (a secret), nor
 * a digest of one, ever lands in the memo file.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { configLoads, parseConfig, parseConfigFully } from '../../src/config/validate.ts';
import { flushMemos, forgetKeptMemos, keepMemosIn } from '../../src/memo.ts';
import { clearSecrets, scrub } from '../../src/secrets.ts';
import { dedent, VALID } from './util.ts';

const F = 'git-canary.yaml';

/** A config of `names` services; the knobs put ${ENV}, anchors, literal $${ and CRLF where real files have them. */
function configText(o: {
  names: string[];
  addressFromEnv: boolean;
  tokenHeader: boolean;
  literalDollar: boolean;
  sharedSteps: boolean;
  crlf: boolean;
  steps: number[];
}): string {
  const lines = ['version: 1', '# the worker reads this from production', 'metrics:', '  prom:', '    type: prometheus'];
  lines.push(o.addressFromEnv ? '    address: ${PROM_URL}' : '    address: http://prometheus.monitoring:9090');
  if (o.tokenHeader || o.literalDollar) {
    lines.push('    headers:');
    if (o.tokenHeader) lines.push('      Authorization: "Bearer ${PROM_TOKEN}"');
    if (o.literalDollar) lines.push('      X-Literal: "a$${b}"');
  }
  lines.push('services:');
  o.names.forEach((name, i) => {
    lines.push(
      `  ${name}:`,
      `    files: [apps/${name}/deployment.yaml]`,
      '    canary:',
      `      file: apps/${name}/deployment-canary.yaml`,
      '    route:',
      '      type: istio',
      `      file: apps/${name}/virtualservice.yaml`,
      `      stable: ${name}-stable`,
      `      canary: ${name}-canary`,
    );
    if (o.sharedSteps && i > 0) lines.push('    steps: *steps');
    else lines.push(`    steps: ${o.sharedSteps ? '&steps ' : ''}[${o.steps.join(', ')}]`);
    lines.push('    analysis:', '      metrics: prom', '      checks:', '        - name: success-rate', '          query: sum(rate(x[1m]))', '          min: 99');
  });
  const text = `${lines.join('\n')}\n`;
  return o.crlf ? text.replace(/\n/g, '\r\n') : text;
}

const knobs = fc.record({
  names: fc.uniqueArray(fc.constantFrom('checkout', 'cart', 'search', 'payments', 'web'), { minLength: 1, maxLength: 4 }),
  addressFromEnv: fc.boolean(),
  tokenHeader: fc.boolean(),
  literalDollar: fc.boolean(),
  sharedSteps: fc.boolean(),
  crlf: fc.boolean(),
  steps: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 4 }).map((s) => s.sort((a, b) => a - b)),
});

/** An environment: each variable unset, or one of a few values (a bad URL, quotes and backslashes, non-ASCII). */
const environment = fc.record({
  PROM_URL: fc.option(fc.constantFrom('http://prom.example:9090', 'https://user:pa55@prom.example/x', 'not a url', ''), { nil: undefined }),
  PROM_TOKEN: fc.option(fc.oneof(fc.constantFrom('t0k3n', 'a"b\\c', 'ünï', '${NESTED}'), fc.string({ minLength: 1, maxLength: 12 })), { nil: undefined }),
});

describe('parseConfig and the texts it keeps', () => {
  it('answers a text it kept exactly as a full parse does, for any environment', () => {
    fc.assert(
      fc.property(knobs, environment, environment, (k, first, second) => {
        const text = configText(k);
        // The first parse may keep the text; the second, with another environment, may answer from it.
        assert.deepStrictEqual(parseConfig(text, { file: F, env: first }), parseConfigFully(text, { file: F, env: first }));
        assert.deepStrictEqual(parseConfig(text, { file: F, env: second }), parseConfigFully(text, { file: F, env: second }));
      }),
      { numRuns: 300 },
    );
  });

  it('answers a text that loaded before without parsing it again', () => {
    const text = configText({ names: ['checkout', 'cart'], addressFromEnv: true, tokenHeader: true, literalDollar: true, sharedSteps: true, crlf: true, steps: [10, 50] });
    const env = { PROM_URL: 'http://prom:9090', PROM_TOKEN: 'secret-1' };
    parseConfig(text, { file: F, env });
    const before = { ...configLoads };
    const again = parseConfig(text, { file: F, env: { ...env, PROM_TOKEN: 'secret-2' } });
    // It names ${VAR}s: validated again, with this environment's values.
    assert.deepEqual(configLoads, { parsed: before.parsed, fromKept: before.fromKept + 1, validated: before.validated + 1 });
    assert.equal(again.config?.metrics.prom?.type, 'prometheus');
    assert.deepEqual(again.secrets.sort(), ['http://prom:9090', 'secret-2']);
  });

  it('registers the credentials of a config it answers from a kept text, as a full parse does', () => {
    const text = configText({ names: ['web'], addressFromEnv: true, tokenHeader: true, literalDollar: false, sharedSteps: false, crlf: false, steps: [20] });
    parseConfig(text, { file: F, env: { PROM_URL: 'http://prom:9090', PROM_TOKEN: 'first-token' } });
    clearSecrets();
    const before = configLoads.fromKept;
    parseConfig(text, { file: F, env: { PROM_URL: 'https://reader:Pa55word@prom:9090', PROM_TOKEN: 'second-token' } });
    assert.equal(configLoads.fromKept, before + 1);
    const said = scrub('sent Bearer second-token to reader:Pa55word');
    assert.ok(!said.includes('second-token') && !said.includes('Pa55word'), said);
    clearSecrets();
  });

  it('reuses what a kept text without ${VAR} validated to: neither parsed nor validated again, and the same config', () => {
    const text = configText({ names: ['search', 'web'], addressFromEnv: false, tokenHeader: false, literalDollar: false, sharedSteps: true, crlf: true, steps: [5, 25] });
    const full = parseConfigFully(text, { file: F, env: {} });
    assert.ok(full.config);
    assert.deepStrictEqual(parseConfig(text, { file: F, env: {} }), full);
    const before = { ...configLoads };
    const again = parseConfig(text, { file: F, env: { PROM_TOKEN: 'unused' } });
    assert.deepStrictEqual(again, full);
    assert.deepEqual(configLoads, { parsed: before.parsed, fromKept: before.fromKept + 1, validated: before.validated });
    // A fresh object each time: a caller that changes its config changes nobody else's.
    assert.notEqual(again.config, parseConfig(text, { file: F, env: {} }).config);
  });

  it('parses in full when the kept text cannot answer: an unset variable is still an error with its line', () => {
    const text = configText({ names: ['checkout'], addressFromEnv: true, tokenHeader: false, literalDollar: false, sharedSteps: false, crlf: false, steps: [10] });
    assert.ok(parseConfig(text, { file: F, env: { PROM_URL: 'http://prom:9090' } }).config);
    const before = configLoads.parsed;
    const r = parseConfig(text, { file: F, env: {} });
    assert.equal(configLoads.parsed, before + 1);
    assert.equal(r.config, undefined);
    assert.deepEqual(r.errors.map((e) => [e.line, e.path, e.message]), [[6, 'metrics.prom.address', 'environment variable PROM_URL is not set']]);
  });

  it('parses in full when the rules warn: their warnings name lines only the document knows', () => {
    const text = `${VALID}  cart:\n    files: [apps/cart/deployment.yaml]\n`;
    const full = parseConfigFully(text, { file: F, env: {} });
    assert.deepStrictEqual(parseConfig(text, { file: F, env: {} }), full);
    assert.deepStrictEqual(parseConfig(text, { file: F, env: {} }), full);
  });

  describe('on disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'git-canary-kept-config-'));
    after(() => {
      forgetKeptMemos();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps what the file says, never an expanded value or a digest of one', async () => {
      const secret = 'Sup3r-secret-token';
      const text = dedent(`
        version: 1
        metrics:
          prom:
            type: prometheus
            address: http://prometheus.monitoring:9090
            headers: { Authorization: "Bearer \${PROM_TOKEN}" }
        services:
          vault-reader:
            files: [apps/vault-reader/deployment.yaml]
            canary: { file: apps/vault-reader/deployment-canary.yaml }
            route: { type: istio, file: apps/vault-reader/vs.yaml, stable: vr-stable, canary: vr-canary }
            steps: [10, 50]
            analysis:
              metrics: prom
              checks: [{ name: ok, query: 'sum(rate(x[1m]))', min: 1 }]
      `);
      keepMemosIn(dir, 'test-build');
      assert.ok(parseConfig(text, { file: F, env: { PROM_TOKEN: secret } }).config);
      await flushMemos();
      const file = readFileSync(join(dir, 'memo-test-build.json'), 'utf8');
      const kept = JSON.parse(file) as Record<string, Record<string, string>>;
      assert.equal(Object.keys(kept['config-data'] ?? {}).length, 1, 'the text that loaded is kept');
      assert.match(file, /vault-reader/);
      // It names a ${VAR}: what it validated to (expanded) is not kept.
      assert.equal(Object.keys(kept['config-valid'] ?? {}).length, 0, 'an expanded config is kept');
      for (const form of [secret, `Bearer ${secret}`]) {
        assert.ok(!file.includes(form), `the memo file holds ${form}`);
        for (const encoding of ['hex', 'base64', 'base64url'] as const) {
          assert.ok(!file.includes(createHash('sha256').update(form).digest(encoding)), `the memo file holds a ${encoding} digest of ${form}`);
        }
      }
    });

    it('keeps what a text without ${VAR} validated to, exactly the config a full parse gives', async () => {
      const text = configText({ names: ['payments'], addressFromEnv: false, tokenHeader: false, literalDollar: false, sharedSteps: false, crlf: false, steps: [10, 40] });
      keepMemosIn(dir, 'test-build');
      // Loaded twice: the first parse keeps the text, the second validates the kept data (and keeps that).
      assert.ok(parseConfig(text, { file: F, env: {} }).config);
      assert.ok(parseConfig(text, { file: F, env: {} }).config);
      await flushMemos();
      const kept = JSON.parse(readFileSync(join(dir, 'memo-test-build.json'), 'utf8')) as Record<string, Record<string, string>>;
      const valid = Object.values(kept['config-valid'] ?? {});
      assert.ok(valid.length >= 1, 'the validated config is kept');
      assert.ok(valid.some((json) => json !== '' && JSON.stringify(JSON.parse(json)) === JSON.stringify(parseConfigFully(text, { file: F, env: {} }).config)));
    });
  });
});
