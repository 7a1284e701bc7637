import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { TemplateName, TemplateProvider } from '../../src/config/analysis-schema.ts';
import { labelMatchers, promqlProblem, quoteRegex } from '../../src/analysis/promql.ts';
import { defaultProvider, providers, renderRequestCount, renderTemplate, type TemplateVars } from '../../src/analysis/templates.ts';

const PROVIDERS = Object.keys(providers) as TemplateProvider[];
const TEMPLATES: TemplateName[] = ['request-success-rate', 'request-duration'];
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const vars: TemplateVars = { namespace: 'shop', target: 'checkout-canary', windowMs: 60_000 };

describe('the rendered queries, per provider', () => {
  const golden: Record<TemplateProvider, [string, string, string]> = {
    istio: [
      'sum(rate(istio_requests_total{reporter="destination", destination_service_namespace="shop", destination_service_name="checkout-canary", response_code!~"5.."}[1m])) / sum(rate(istio_requests_total{reporter="destination", destination_service_namespace="shop", destination_service_name="checkout-canary"}[1m])) * 100',
      'histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination", destination_service_namespace="shop", destination_service_name="checkout-canary"}[1m])))',
      'sum(increase(istio_requests_total{reporter="destination", destination_service_namespace="shop", destination_service_name="checkout-canary"}[1m]))',
    ],
    envoy: [
      'sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"shop_checkout-canary_[0-9]+", envoy_response_code!~"5.."}[1m])) / sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~"shop_checkout-canary_[0-9]+"}[1m])) * 100',
      'histogram_quantile(0.99, sum by (le) (rate(envoy_cluster_upstream_rq_time_bucket{envoy_cluster_name=~"shop_checkout-canary_[0-9]+"}[1m])))',
      'sum(increase(envoy_cluster_upstream_rq{envoy_cluster_name=~"shop_checkout-canary_[0-9]+"}[1m]))',
    ],
    nginx: [
      'sum(rate(nginx_ingress_controller_requests{namespace="shop", service="checkout-canary", status!~"5.."}[1m])) / sum(rate(nginx_ingress_controller_requests{namespace="shop", service="checkout-canary"}[1m])) * 100',
      'histogram_quantile(0.99, sum by (le) (rate(nginx_ingress_controller_request_duration_seconds_bucket{namespace="shop", service="checkout-canary"}[1m]))) * 1000',
      'sum(increase(nginx_ingress_controller_requests{namespace="shop", service="checkout-canary"}[1m]))',
    ],
    linkerd: [
      'sum(rate(response_total{direction="inbound", namespace="shop", deployment="checkout-canary", status_code!~"5.."}[1m])) / sum(rate(response_total{direction="inbound", namespace="shop", deployment="checkout-canary"}[1m])) * 100',
      'histogram_quantile(0.99, sum by (le) (rate(response_latency_ms_bucket{direction="inbound", namespace="shop", deployment="checkout-canary"}[1m])))',
      'sum(increase(response_total{direction="inbound", namespace="shop", deployment="checkout-canary"}[1m]))',
    ],
    knative: [
      'sum(rate(revision_request_count{namespace_name="shop", revision_name="checkout-canary", response_code_class!="5xx"}[1m])) / sum(rate(revision_request_count{namespace_name="shop", revision_name="checkout-canary"}[1m])) * 100',
      'histogram_quantile(0.99, sum by (le) (rate(revision_request_latencies_bucket{namespace_name="shop", revision_name="checkout-canary"}[1m])))',
      'sum(increase(revision_request_count{namespace_name="shop", revision_name="checkout-canary"}[1m]))',
    ],
  };
  for (const provider of PROVIDERS) {
    it(provider, () => {
      const [success, duration, count] = golden[provider];
      assert.equal(renderTemplate('request-success-rate', provider, vars), success);
      assert.equal(renderTemplate('request-duration', provider, vars), duration);
      assert.equal(renderRequestCount(provider, vars), count);
      for (const q of golden[provider]) assert.equal(promqlProblem(q), undefined, q);
    });
  }

  it('envoy with the route\'s port matches the cluster name exactly', () => {
    assert.equal(
      renderRequestCount('envoy', { ...vars, port: 8443 }),
      'sum(increase(envoy_cluster_upstream_rq{envoy_cluster_name="shop_checkout-canary_8443"}[1m]))',
    );
  });

  it('the quantile and window come in as numbers', () => {
    assert.equal(
      renderTemplate('request-duration', 'istio', { ...vars, quantile: 0.5, windowMs: 90_000 }),
      'histogram_quantile(0.5, sum by (le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination", destination_service_namespace="shop", destination_service_name="checkout-canary"}[1m30s])))',
    );
    assert.throws(() => renderTemplate('request-duration', 'istio', { ...vars, quantile: 1 }), /above 0 and below 1/);
    assert.throws(() => renderTemplate('request-duration', 'istio', { ...vars, windowMs: 0 }), /whole, positive/);
  });

  it('route types name their default provider', () => {
    assert.equal(defaultProvider('istio'), 'istio');
    assert.equal(defaultProvider('gateway-api'), 'envoy');
    assert.equal(defaultProvider('traefik'), undefined);
  });
});

/** The values the target's matchers must hold, given the names that went in. */
function expectedTargetValues(provider: TemplateProvider, v: TemplateVars): string[] {
  if (provider === 'envoy') {
    return [v.port === undefined ? `${quoteRegex(v.namespace)}_${quoteRegex(v.target)}_[0-9]+` : `${v.namespace}_${v.target}_${v.port}`];
  }
  return [v.namespace, v.target];
}

/** The matcher values of a query that came from the names (the fixed ones, like reporter="destination", left out). */
function targetValues(provider: TemplateProvider, q: string): string[][] {
  const labels: Record<TemplateProvider, string[]> = {
    istio: ['destination_service_namespace', 'destination_service_name'],
    envoy: ['envoy_cluster_name'],
    nginx: ['namespace', 'service'],
    linkerd: ['namespace', 'deployment'],
    knative: ['namespace_name', 'revision_name'],
  };
  const matchers = labelMatchers(q).filter((m) => labels[provider].includes(m.label));
  const perSelector = labels[provider].length;
  const out: string[][] = [];
  for (let i = 0; i < matchers.length; i += perSelector) out.push(matchers.slice(i, i + perSelector).map((m) => m.value));
  return out;
}

describe('a name can never change a query\'s structure', () => {
  const hostile = ['a"b', 'x"} or vector(1) or {a="', 'back\\slash\\', 'new\nline', 'a=~".*"', '}', '"', '\\', '`', "'", '# comment', 'é😀', '\u202e'];
  for (const provider of PROVIDERS) {
    for (const template of TEMPLATES) {
      it(`${provider} ${template}: hostile names parse and stay values`, () => {
        for (const name of hostile) {
          const v = { namespace: name, target: name, windowMs: 300_000 };
          for (const q of [renderTemplate(template, provider, v), renderRequestCount(provider, v)]) {
            assert.equal(promqlProblem(q), undefined, q);
            for (const values of targetValues(provider, q)) assert.deepEqual(values, expectedTargetValues(provider, v), q);
          }
        }
      });
    }
  }

  it('for arbitrary names, ports and windows, every provider\'s queries parse and their matchers hold exactly the names', () => {
    const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => !LONE_SURROGATE.test(s));
    fc.assert(
      fc.property(
        fc.constantFrom(...PROVIDERS),
        fc.constantFrom(...TEMPLATES),
        name,
        name,
        fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
        fc.integer({ min: 1000, max: 7 * 86_400_000 }),
        (provider, template, namespace, target, port, windowMs) => {
          const v: TemplateVars = { namespace, target, windowMs, ...(port === undefined ? {} : { port }) };
          const queries: [string, number][] = [
            // success rate: two selectors; duration and count: one.
            [renderTemplate(template, provider, v), template === 'request-success-rate' ? 2 : 1],
            [renderRequestCount(provider, v), 1],
          ];
          for (const [q, selectorCount] of queries) {
            assert.equal(promqlProblem(q), undefined, q);
            const selectors = targetValues(provider, q);
            assert.equal(selectors.length, selectorCount, q);
            for (const values of selectors) assert.deepEqual(values, expectedTargetValues(provider, v));
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});
