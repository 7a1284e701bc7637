/**
 * Regressions that must roll back within `threshold` judgments (at once when
 * `critical`), including one visible only against stable, judged three ways
 * (the README table), and a stuck rollout past its progressDeadline.
 */
import assert from 'node:assert/strict';
import { FAST, HEALTHY_TRAFFIC, type Scenario, SLOW, assertChecksAt, assertExplained, successRateCheck } from './kit.ts';
import { gaugeP99, histogramP99, successRate } from './queries.ts';
import { istioLatency, istioTraffic, latencyGauge, latencySeries, trafficSeries } from './series.ts';

/** One data set, three ways of judging it (the README table): stable 120 ms, canary 160 ms, ±5% noise. */
const STABLE_ONLY_APP = 's07-stable-only';
const stableOnlySeries = [
  latencyGauge(STABLE_ONLY_APP, 'canary', { meanMs: 160, spread: 0.05, seed: 71 }),
  latencyGauge(STABLE_ONLY_APP, 'stable', { meanMs: 120, spread: 0.05, seed: 72 }),
];
const stableOnlyCheck = { name: 'latency-p99', query: gaugeP99(STABLE_ONLY_APP, 'canary') };
const stableBaseline = { query: gaugeP99(STABLE_ONLY_APP, 'stable'), maxIncrease: '10%' };

export const REGRESSIONS: Scenario[] = [
  {
    id: 's04-5xx-regression',
    label: '5xx regression: 5% of requests fail (95 < min 99); rolled back at the threshold (3) judgment',
    source: 'prometheus',
    series: trafficSeries('s04-5xx-regression', 'canary', { rps: 20, errorRatio: 0.05 }),
    steps: [10, 50],
    analysis: { threshold: 3, checks: [successRateCheck('s04-5xx-regression')] },
    minutes: [2, 3, 4, 5],
    expected: ['start', 'hold', 'hold', 'rollback'],
    reasons: { 1: [/1\/3/], 2: [/2\/3/], 3: [/3\/3/] },
    verify: (t) => assertChecksAt(t, [1, 2, 3], 'success-rate', 'fail'),
  },
  {
    id: 's05-5xx-critical',
    label: '5xx regression on a critical check: rolled back at the first failed judgment, whatever threshold (3) says',
    source: 'prometheus',
    series: trafficSeries('s05-5xx-critical', 'canary', { rps: 20, errorRatio: 0.05 }),
    steps: [10, 50],
    analysis: { threshold: 3, checks: [successRateCheck('s05-5xx-critical', { critical: true })] },
    minutes: [2, 3],
    expected: ['start', 'rollback'],
    reasons: { 1: [/critical/i, /success-rate/] },
    verify: (t) => assertChecksAt(t, [1], 'success-rate', 'fail'),
  },
  {
    id: 's06-latency-regression',
    label: 'latency regression: histogram p99 1750 ms > max 500 ms (request-duration style query); rolled back at threshold 2',
    source: 'prometheus',
    series: [...trafficSeries('s06-latency-regression', 'canary', HEALTHY_TRAFFIC), latencySeries('s06-latency-regression', 'canary', SLOW)],
    steps: [10, 50],
    analysis: { checks: [successRateCheck('s06-latency-regression'), { name: 'latency-p99', query: histogramP99('s06-latency-regression'), max: 500 }] },
    minutes: [2, 3, 4],
    expected: ['start', 'hold', 'rollback'],
    verify: (t) => {
      assertChecksAt(t, [1, 2], 'latency-p99', 'fail');
      assertChecksAt(t, [1, 2], 'success-rate', 'pass');
      const p99 = t[1]?.checks.find((c) => c.name === 'latency-p99')?.value;
      assert.ok(p99 !== null && p99 !== undefined && Math.abs(p99 - 1750) < 0.01, `p99 is 1750 ms: ${p99}`);
    },
  },
  {
    id: 's07a-stable-only-fixed',
    label: 'regression visible only against stable, judged by a fixed limit: canary 160 ms is within max 250 ms, so it is promoted',
    source: 'prometheus',
    series: stableOnlySeries,
    steps: [10, 50],
    analysis: { checks: [{ ...stableOnlyCheck, max: 250 }] },
    minutes: [2, 3, 4],
    expected: ['start', 'step', 'promote'],
    premise: async (ask) => {
      for (const m of [3, 4]) {
        const canary = await ask(gaugeP99(STABLE_ONLY_APP, 'canary'), m);
        const stable = await ask(gaugeP99(STABLE_ONLY_APP, 'stable'), m);
        assert.ok(canary < 250 && canary / stable > 1.2, `minute ${m}: canary ${canary} within 250 yet > 1.2 × stable ${stable}`);
      }
    },
  },
  {
    id: 's07b-stable-only-value',
    label: 'the same regression against stable\'s value, maxIncrease 10%: rolled back at threshold 2',
    source: 'prometheus',
    series: [],
    steps: [10, 50],
    analysis: { checks: [{ ...stableOnlyCheck, baseline: stableBaseline }] },
    minutes: [2, 3, 4],
    expected: ['start', 'hold', 'rollback'],
    verify: (t) => {
      assertChecksAt(t, [1, 2], 'latency-p99', 'fail');
      for (const i of [1, 2]) assertExplained(t, i, 'latency-p99', (c) => c.from === 'baseline' && c.reference !== undefined && c.reference > 110 && c.reference < 130);
    },
  },
  {
    id: 's07c-stable-only-mann-whitney',
    label: 'the same regression against stable\'s series, Mann-Whitney at 98% with maxIncrease 10%: rolled back at threshold 2',
    source: 'prometheus',
    series: [],
    steps: [10, 50],
    analysis: { checks: [{ ...stableOnlyCheck, baseline: { ...stableBaseline, method: 'mann-whitney', resolution: '5s' } }] },
    minutes: [2, 3, 4],
    expected: ['start', 'hold', 'rollback'],
    verify: (t) => {
      assertChecksAt(t, [1, 2], 'latency-p99', 'fail');
      for (const i of [1, 2]) {
        assertExplained(t, i, 'latency-p99', (c) => c.pValue !== undefined && c.pValue < 0.02 && typeof c.effectSize === 'number' && c.effectSize > 1.1);
      }
    },
  },
  {
    id: 's15-progress-deadline',
    label: 'a rollout stuck on holds past progressDeadline 3m (inconclusiveLimit 10 not reached): rolled back',
    source: 'prometheus',
    series: [],
    steps: [10, 50],
    analysis: { inconclusiveLimit: 10, progressDeadline: '3m', checks: [successRateCheck('s15-progress-deadline')] },
    minutes: [2, 3, 4, 5.5],
    expected: ['start', 'hold', 'hold', 'rollback'],
    reasons: { 3: [/deadline/i] },
  },
  {
    id: 's16-degrading-vs-first-value',
    label: 'a canary that degrades after its first judgment (99.9% → 97% success), judged against its own first value with maxDecrease 1: rolled back at threshold 2',
    source: 'prometheus',
    series: trafficSeries('s16-degrading-vs-first-value', 'canary', { rps: 20, errorRatio: 0.001, degradesAt: { minute: 3, errorRatio: 0.03 } }),
    steps: [10, 50],
    analysis: { checks: [{ name: 'success-rate', query: successRate('s16-degrading-vs-first-value'), baseline: { maxDecrease: 1 } }] },
    minutes: [2, 3, 4, 5],
    expected: ['start', 'step', 'hold', 'rollback'],
    reasons: { 2: [/99\.9\b/], 3: [/99\.9\b/] },
    verify: (t) => {
      assertChecksAt(t, [1], 'success-rate', 'pass');
      assertChecksAt(t, [2, 3], 'success-rate', 'fail');
      for (const i of [2, 3]) assertExplained(t, i, 'success-rate', (c) => c.from === 'first-value' && c.reference !== undefined && Math.abs(c.reference - 99.9) < 1e-9);
    },
    premise: async (ask) => {
      assert.ok(Math.abs((await ask(successRate('s16-degrading-vs-first-value'), 3)) - 99.9) < 1e-9, 'first judgment sees 99.9%');
      assert.ok(Math.abs((await ask(successRate('s16-degrading-vs-first-value'), 4)) - 97) < 1e-9, 'later judgments see 97%');
    },
  },
  {
    id: 's18-istio-templates',
    label: 'built-in checks on Istio\'s metrics (no PromQL written): request-success-rate passes, request-duration p99 1750 ms vs stable\'s 250 ms (maxIncrease 10%) fails; minRequests without query counts Istio requests',
    source: 'prometheus',
    // The templates select the route's destinations (checkout-canary, checkout-stable) in the namespace given.
    series: [
      ...istioTraffic('s18-istio-templates', 'checkout-canary', HEALTHY_TRAFFIC),
      ...istioTraffic('s18-istio-templates', 'checkout-stable', HEALTHY_TRAFFIC),
      istioLatency('s18-istio-templates', 'checkout-canary', SLOW),
      istioLatency('s18-istio-templates', 'checkout-stable', FAST),
    ],
    steps: [10, 50],
    analysis: {
      minRequests: { min: 100 },
      templates: [
        { template: 'request-success-rate', namespace: 's18-istio-templates', min: 99 },
        { template: 'request-duration', namespace: 's18-istio-templates', baseline: { maxIncrease: '10%' } },
      ],
    },
    minutes: [2, 3, 4],
    expected: ['start', 'hold', 'rollback'],
    verify: (t) => {
      assertChecksAt(t, [1, 2], 'request-success-rate', 'pass');
      assertChecksAt(t, [1, 2], 'request-duration', 'fail');
      for (const i of [1, 2]) {
        assertExplained(t, i, 'request-duration', (c) => c.from === 'baseline' && c.reference !== undefined && Math.abs(c.reference - 250) < 0.01);
      }
    },
  },
];
