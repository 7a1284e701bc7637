/**
 * Canaries that must never roll back: healthy, and noisy-but-healthy judged
 * by baselines (README.md).
 */
import assert from 'node:assert/strict';
import { FAST, HEALTHY_TRAFFIC, type Scenario, assertChecksAt, assertExplained, checkAt, successRateCheck } from './kit.ts';
import { gaugeP99, histogramP99, meanLatency, successRate } from './queries.ts';
import { type Latency, latencyGauge, latencySeries, trafficSeries } from './series.ts';

const NOISY_VALUE_CANARY: Latency = { ...FAST, meanMs: 100, noise: { spread: 0.3, seed: 31 } };
const NOISY_VALUE_STABLE: Latency = { ...FAST, meanMs: 100, noise: { spread: 0.3, seed: 32 } };

export const HEALTHY: Scenario[] = [
  {
    id: 's01-healthy',
    label: 'healthy canary: every step passes, the release is promoted',
    source: 'prometheus',
    series: [...trafficSeries('s01-healthy', 'canary', HEALTHY_TRAFFIC), latencySeries('s01-healthy', 'canary', FAST)],
    steps: [10, 50],
    analysis: { checks: [successRateCheck('s01-healthy'), { name: 'latency-p99', query: histogramP99('s01-healthy'), max: 500 }] },
    minutes: [2, 3, 4],
    expected: ['start', 'step', 'promote'],
    verify: (t) => {
      assertChecksAt(t, [1, 2], 'success-rate', 'pass');
      assertChecksAt(t, [1, 2], 'latency-p99', 'pass');
    },
  },
  {
    id: 's02-noisy-mann-whitney',
    label: 'noisy-but-healthy canary, Mann-Whitney against stable: ±30% per sample, same distribution, never rolled back',
    source: 'prometheus',
    series: [
      latencyGauge('s02-noisy-mann-whitney', 'canary', { meanMs: 100, spread: 0.3, seed: 41 }),
      latencyGauge('s02-noisy-mann-whitney', 'stable', { meanMs: 100, spread: 0.3, seed: 42 }),
    ],
    steps: [10, 25, 50],
    analysis: {
      checks: [
        {
          name: 'latency-p99',
          query: gaugeP99('s02-noisy-mann-whitney', 'canary'),
          baseline: { query: gaugeP99('s02-noisy-mann-whitney', 'stable'), maxIncrease: '10%', method: 'mann-whitney', resolution: '5s' },
        },
      ],
    },
    minutes: [2, 3, 4, 5],
    expected: ['start', 'step', 'step', 'promote'],
    // The U test really ran (a p-value at every judgment), and found nothing significant.
    verify: (t) => {
      for (const i of [1, 2, 3]) assertExplained(t, i, 'latency-p99', (c) => c.pValue !== undefined && c.pValue >= 0.02);
    },
    premise: async (ask) => {
      // Instant values at the judgments differ by far more than the 10% bound: a value comparison would trip.
      const ratios = await Promise.all([3, 4, 5].map(async (m) => (await ask(gaugeP99('s02-noisy-mann-whitney', 'canary'), m)) / (await ask(gaugeP99('s02-noisy-mann-whitney', 'stable'), m))));
      assert.ok(ratios.some((r) => Math.abs(r - 1) > 0.1), `the noise is visible at a judgment instant: ${ratios.join(', ')}`);
    },
  },
  {
    id: 's03-noisy-value',
    label: 'noisy-but-healthy canary, value baselines: mean latency vs stable (±30% per 15s) and success rate vs its first value',
    source: 'prometheus',
    series: [
      latencySeries('s03-noisy-value', 'canary', NOISY_VALUE_CANARY),
      latencySeries('s03-noisy-value', 'stable', NOISY_VALUE_STABLE),
      ...trafficSeries('s03-noisy-value', 'canary', { rps: 20, errorRatio: 0.01, noise: { spread: 0.5, seed: 33 } }),
    ],
    steps: [10, 25, 50],
    analysis: {
      checks: [
        { name: 'latency-mean', query: meanLatency('s03-noisy-value', 'canary'), baseline: { query: meanLatency('s03-noisy-value', 'stable'), maxIncrease: '20%' } },
        { name: 'success-rate', query: successRate('s03-noisy-value'), baseline: { maxDecrease: 1 } },
      ],
    },
    minutes: [2, 3, 4, 5],
    expected: ['start', 'step', 'step', 'promote'],
    verify: (t) => {
      for (const i of [1, 2, 3]) assertExplained(t, i, 'latency-mean', (c) => c.from === 'baseline' && c.reference !== undefined);
      // The reference of a baseline without query is the FIRST value of the rollout, kept for every later step.
      const first = checkAt(t, 1, 'success-rate')?.value;
      assert.ok(typeof first === 'number', JSON.stringify(t[1]?.checks));
      for (const i of [2, 3]) assertExplained(t, i, 'success-rate', (c) => c.from === 'first-value' && c.reference === first);
    },
    premise: async (ask) => {
      const at = (m: number) => Promise.all([ask(meanLatency('s03-noisy-value', 'canary'), m), ask(meanLatency('s03-noisy-value', 'stable'), m)]);
      const windows = await Promise.all([3, 4, 5].map(at));
      const ratios = windows.map(([c, s]) => c / s);
      assert.ok(ratios.every((r) => r < 1.2), `the canary stays within maxIncrease 20% of stable: ${ratios.join(', ')}`);
      assert.ok(ratios.some((r) => Math.abs(r - 1) > 0.02), `the canary is not a copy of stable: ${ratios.join(', ')}`);
      const canary = windows.map(([c]) => c);
      assert.ok(Math.max(...canary) / Math.min(...canary) > 1.03, `the canary's mean moves between judgments: ${canary.join(', ')}`);
      const success = await Promise.all([3, 4, 5].map((m) => ask(successRate('s03-noisy-value'), m)));
      assert.ok(Math.max(...success) - Math.min(...success) < 1, `success rate moves less than 1 point: ${success.join(', ')}`);
      assert.ok(new Set(success).size === 3, `success rate is noisy: ${success.join(', ')}`);
    },
  },
  {
    id: 's17-mann-whitney-step-window',
    label: 'Mann-Whitney judges only the step\'s window: the canary was slow (160 ms) before the rollout started, as fast as stable (100 ms) from then on',
    source: 'prometheus',
    series: [
      latencyGauge('s17-mann-whitney-step-window', 'canary', { meanMs: 160, spread: 0.05, seed: 171, changesAt: { minute: 2, meanMs: 100 } }),
      latencyGauge('s17-mann-whitney-step-window', 'stable', { meanMs: 100, spread: 0.05, seed: 172 }),
    ],
    steps: [10, 50],
    analysis: {
      checks: [
        {
          name: 'latency-p99',
          query: gaugeP99('s17-mann-whitney-step-window', 'canary'),
          baseline: { query: gaugeP99('s17-mann-whitney-step-window', 'stable'), maxIncrease: '10%', method: 'mann-whitney', resolution: '5s' },
        },
      ],
    },
    minutes: [2, 3, 4],
    expected: ['start', 'step', 'promote'],
    verify: (t) => assertChecksAt(t, [1, 2], 'latency-p99', 'pass'),
    premise: async (ask) => {
      const before = (await ask(gaugeP99('s17-mann-whitney-step-window', 'canary'), 1)) / (await ask(gaugeP99('s17-mann-whitney-step-window', 'stable'), 1));
      assert.ok(before > 1.4, `before the rollout the canary is far slower than stable: ${before}`);
    },
  },
];
