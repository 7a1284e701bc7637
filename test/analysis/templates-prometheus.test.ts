/**
 * The built-in queries against a real Prometheus: series shaped like each
 * provider's own metrics (metric and label names as the provider exports
 * them, plus decoy series a wrong matcher would pick up) for a canary and a
 * stable workload, and each template's query must return exactly the
 * expected value for each.
 *
 * Traffic, the same for every provider: the canary answers 3 requests/s
 * without and 1/s with a 5xx (success rate 75, 4 requests/s); stable 7/s and
 * 1/s (87.5, 8/s). Latency buckets put the canary's p99 at 475 ms and
 * stable's at 242.5 ms (linear interpolation inside the bucket holding rank 99).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TemplateProvider } from '../../src/config/analysis-schema.ts';
import { renderRequestCount, renderTemplate, type TemplateVars } from '../../src/analysis/templates.ts';
import { prometheus } from '../../src/metrics/prometheus.ts';
import {
  counterSeries,
  FIXED_START,
  gaugeSeries,
  histogramSeries,
  type Labels,
  openMetrics,
  prometheusSkip,
  type RunningPrometheus,
  type Series,
  startPrometheus,
} from '../helpers/prometheus.ts';

const timeline = { start: FIXED_START, stepSeconds: 15, durationSeconds: 30 * 60 };
const AT = new Date(FIXED_START.getTime() + 20 * 60_000);
const WINDOW = 5 * 60_000;

interface Workload {
  ok: number;
  errors: number;
  /** Cumulative observations per second by upper bound, in milliseconds. */
  bucketsMs: Record<string, number>;
}
const CANARY: Workload = { ok: 3, errors: 1, bucketsMs: { '100': 50, '250': 90, '500': 100, '+Inf': 100 } };
const STABLE: Workload = { ok: 7, errors: 1, bucketsMs: { '100': 80, '250': 100, '500': 100, '+Inf': 100 } };
const EXPECTED = {
  canary: { success: 75, p99: 475, p50: 100, count: 4 * 300 },
  stable: { success: 87.5, p99: 242.5, p50: 62.5, count: 8 * 300 },
};

/** How one provider exports a workload's traffic: its counter (per code) and its latency histogram. */
interface Shape {
  names: { canary: string; stable: string };
  port?: { canary: number; stable: number };
  series(w: Workload, name: string, port: number | undefined): Series[];
}

/** Envoy and knative counters and ingress-nginx's carry no `_total`: written as gauges that only grow, as promtool needs. */
const growing = (metric: string, labels: Labels, perSecond: number) => gaugeSeries(metric, labels, { ...timeline, values: times().map((t) => perSecond * t) });
const times = () => Array.from({ length: timeline.durationSeconds / timeline.stepSeconds + 1 }, (_, i) => i * timeline.stepSeconds);
const inSeconds = (b: Record<string, number>) => Object.fromEntries(Object.entries(b).map(([le, r]) => [le === '+Inf' ? le : String(Number(le) / 1000), r]));

const SHAPES: Record<TemplateProvider, Shape> = {
  istio: {
    names: { canary: 'checkout-canary', stable: 'checkout-stable' },
    series: (w, name) => {
      const base = { destination_service_name: name, destination_service_namespace: 'shop', destination_service: `${name}.shop.svc.cluster.local`, destination_workload: name, source_workload: 'frontend' };
      return [
        counterSeries('istio_requests_total', { ...base, reporter: 'destination', response_code: '200' }, { ...timeline, ratePerSecond: w.ok }),
        counterSeries('istio_requests_total', { ...base, reporter: 'destination', response_code: '503' }, { ...timeline, ratePerSecond: w.errors }),
        // The client's sidecar counts the same requests again: reporter="source" must be left out.
        counterSeries('istio_requests_total', { ...base, reporter: 'source', response_code: '503' }, { ...timeline, ratePerSecond: 50 }),
        histogramSeries('istio_request_duration_milliseconds', { ...base, reporter: 'destination', response_code: '200' }, { ...timeline, bucketRates: w.bucketsMs }),
      ];
    },
  },
  envoy: {
    names: { canary: 'checkout-canary', stable: 'checkout' },
    port: { canary: 8080, stable: 8080 },
    series: (w, name) => {
      const cluster = `shop_${name}_8080`;
      return [
        growing('envoy_cluster_upstream_rq', { envoy_cluster_name: cluster, envoy_response_code: '200' }, w.ok),
        growing('envoy_cluster_upstream_rq', { envoy_cluster_name: cluster, envoy_response_code: '503' }, w.errors),
        // Another service whose name starts the same: neither the exact nor the quoted regex matcher may reach it.
        growing('envoy_cluster_upstream_rq', { envoy_cluster_name: `shop_${name}-admin_8080`, envoy_response_code: '503' }, 40),
        histogramSeries('envoy_cluster_upstream_rq_time', { envoy_cluster_name: cluster }, { ...timeline, bucketRates: w.bucketsMs }),
      ];
    },
  },
  nginx: {
    names: { canary: 'checkout-canary', stable: 'checkout' },
    series: (w, name) => {
      const base = { namespace: 'shop', ingress: name === 'checkout' ? 'checkout' : 'checkout-canary', service: name, method: 'GET', path: '/' };
      return [
        growing('nginx_ingress_controller_requests', { ...base, status: '200' }, w.ok),
        growing('nginx_ingress_controller_requests', { ...base, status: '503' }, w.errors),
        growing('nginx_ingress_controller_requests', { ...base, namespace: 'other', status: '503' }, 30),
        histogramSeries('nginx_ingress_controller_request_duration_seconds', { ...base, status: '200' }, { ...timeline, bucketRates: inSeconds(w.bucketsMs) }),
      ];
    },
  },
  linkerd: {
    names: { canary: 'checkout-canary', stable: 'checkout' },
    series: (w, name) => {
      const base = { namespace: 'shop', deployment: name, pod: `${name}-5d8f7c-abcde` };
      return [
        counterSeries('response_total', { ...base, direction: 'inbound', status_code: '200', classification: 'success' }, { ...timeline, ratePerSecond: w.ok }),
        counterSeries('response_total', { ...base, direction: 'inbound', status_code: '503', classification: 'failure' }, { ...timeline, ratePerSecond: w.errors }),
        // What the workload itself calls: outbound, not its own traffic.
        counterSeries('response_total', { ...base, direction: 'outbound', status_code: '503', classification: 'failure' }, { ...timeline, ratePerSecond: 20 }),
        histogramSeries('response_latency_ms', { ...base, direction: 'inbound', status_code: '200' }, { ...timeline, bucketRates: w.bucketsMs }),
      ];
    },
  },
  knative: {
    names: { canary: 'checkout-00002', stable: 'checkout-00001' },
    series: (w, name) => {
      const base = { namespace_name: 'shop', revision_name: name, configuration_name: 'checkout', service_name: 'checkout', container_name: 'queue-proxy' };
      return [
        growing('revision_request_count', { ...base, response_code: '200', response_code_class: '2xx' }, w.ok),
        growing('revision_request_count', { ...base, response_code: '503', response_code_class: '5xx' }, w.errors),
        histogramSeries('revision_request_latencies', { ...base, response_code: '200', response_code_class: '2xx' }, { ...timeline, bucketRates: w.bucketsMs }),
      ];
    },
  },
};

const PROVIDERS = Object.keys(SHAPES) as TemplateProvider[];

describe('built-in queries against a real Prometheus', { skip: prometheusSkip() }, () => {
  let prom: RunningPrometheus;
  before(async () => {
    const series = PROVIDERS.flatMap((p) => [
      ...SHAPES[p].series(CANARY, SHAPES[p].names.canary, SHAPES[p].port?.canary),
      ...SHAPES[p].series(STABLE, SHAPES[p].names.stable, SHAPES[p].port?.stable),
    ]);
    prom = await startPrometheus({ openmetrics: openMetrics(...series) });
  });
  after(() => prom?.stop());

  const query = (q: string) => prometheus.query(q, { source: { type: 'prometheus', address: prom.url, timeoutMs: 10_000 }, time: AT });
  /** Equal up to the last bits of a float: rate() extrapolates, histogram_quantile interpolates, nginx's seconds become ms. */
  const close = (actual: number, expected: number, q: string) =>
    assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.abs(expected), `${q}\n  gave ${actual}, expected ${expected}`);

  for (const provider of PROVIDERS) {
    for (const role of ['canary', 'stable'] as const) {
      it(`${provider}: ${role}`, async () => {
        const shape = SHAPES[provider];
        const vars: TemplateVars = { namespace: 'shop', target: shape.names[role], windowMs: WINDOW, ...(shape.port ? { port: shape.port[role] } : {}) };
        const expected = EXPECTED[role];
        const success = renderTemplate('request-success-rate', provider, vars);
        close(await query(success), expected.success, success);
        const p99 = renderTemplate('request-duration', provider, vars);
        close(await query(p99), expected.p99, p99);
        const p50 = renderTemplate('request-duration', provider, { ...vars, quantile: 0.5 });
        close(await query(p50), expected.p50, p50);
        const count = renderRequestCount(provider, vars);
        close(await query(count), expected.count, count);
        if (provider === 'envoy') {
          // Without the route's port, the quoted regular expression finds the same cluster and nothing else.
          const { port: _, ...noPort } = vars;
          close(await query(renderTemplate('request-success-rate', 'envoy', noPort)), expected.success, 'envoy without a port');
        }
      });
    }
  }
});
