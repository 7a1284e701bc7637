import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ConfigError } from '../../src/errors.ts';
import { getMetricSource, isMetricSourceType, metricSources, metricSourceTypes } from '../../src/metrics/index.ts';
import { keptn } from '../../src/metrics/keptn.ts';
import { prometheus } from '../../src/metrics/prometheus.ts';
import { web } from '../../src/metrics/web.ts';

/** Files of src/metrics/ that are not a metric source. */
const NOT_SOURCES = new Set([
  'index.ts',
  'types.ts',
  'run-checks.ts',
  'redact.ts',
  'schema-parts.ts',
  'keptn-query.ts',
  'kube-write.ts',
]);

describe('metric source registry', () => {
  test('lists exactly the source files on disk, each under its own type', () => {
    const files = readdirSync(new URL('../../src/metrics/', import.meta.url))
      .filter((f) => f.endsWith('.ts') && !NOT_SOURCES.has(f))
      .map((f) => f.slice(0, -'.ts'.length))
      .sort();
    assert.deepEqual(Object.keys(metricSources).sort(), files);
    assert.deepEqual([...metricSourceTypes].sort(), files);
    for (const [type, source] of Object.entries(metricSources)) {
      assert.equal(source.type, type);
      assert.equal(typeof source.query, 'function');
      assert.equal(typeof source.queryRange, 'function');
    }
  });

  test('getMetricSource returns the registered source', () => {
    assert.equal(getMetricSource('prometheus'), prometheus);
    assert.equal(getMetricSource('web'), web);
    assert.equal(getMetricSource('keptn'), keptn);
    assert.equal(isMetricSourceType('prometheus'), true);
  });

  test('only prometheus queries are PromQL (built-in templates and mann-whitney need it)', () => {
    assert.deepEqual(
      Object.values(metricSources)
        .filter((s) => s.promql)
        .map((s) => s.type),
      ['prometheus'],
    );
  });

  for (const type of ['Web', 'datadog', 'Prometheus', '', 'toString', '__proto__', 'constructor', 'hasOwnProperty']) {
    test(`unknown type ${JSON.stringify(type)} is a ConfigError, no fallback`, () => {
      assert.equal(isMetricSourceType(type), false);
      assert.throws(
        () => getMetricSource(type),
        (e: unknown) => {
          assert.ok(e instanceof ConfigError);
          assert.equal(e.code, 'CONFIG');
          assert.equal(e.message, `unknown metrics source type "${type}"`);
          assert.equal(e.hint, 'use one of: prometheus, web, keptn');
          return true;
        },
      );
    });
  }
});
