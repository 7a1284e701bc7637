/**
 * Low traffic, missing or non-finite data, and outages: they hold (never
 * advance, never roll back), then pause at their limit (README.md).
 */
import assert from 'node:assert/strict';
import { HEALTHY_TRAFFIC, type Scenario, assertChecksAt, limitReached, successRateCheck } from './kit.ts';
import { queueRatio, requestCount, requestRateByCode } from './queries.ts';
import { constantGauge, trafficSeries } from './series.ts';

export const HOLDS: Scenario[] = [
  {
    id: 's08-low-traffic',
    label: 'low traffic: 30 requests a minute under minRequests 100: inconclusive holds, paused at inconclusiveLimit 3',
    source: 'prometheus',
    series: trafficSeries('s08-low-traffic', 'canary', { rps: 0.5, errorRatio: 0 }),
    steps: [10, 50],
    analysis: {
      inconclusiveLimit: 3,
      minRequests: { query: requestCount('s08-low-traffic'), min: 100 },
      checks: [successRateCheck('s08-low-traffic')],
    },
    minutes: [2, 3, 4, 5, 6],
    expected: ['start', 'hold', 'hold', 'pause', 'none'],
    reasons: { 1: [/\b30\b/, /\b100\b/], 2: [/\b30\b/], 3: [limitReached('inconclusiveLimit', 3)] },
  },
  {
    id: 's09-traffic-stops',
    label: 'traffic stopping mid-rollout: step 1 passes, then 0/0 = NaN: inconclusive hold, paused at inconclusiveLimit 2',
    source: 'prometheus',
    series: trafficSeries('s09-traffic-stops', 'canary', { ...HEALTHY_TRAFFIC, stopsAtMinute: 3 }),
    steps: [10, 50],
    analysis: { inconclusiveLimit: 2, checks: [successRateCheck('s09-traffic-stops')] },
    minutes: [2, 3, 4, 5, 6],
    expected: ['start', 'step', 'hold', 'pause', 'none'],
    reasons: { 2: [/NaN/], 3: [limitReached('inconclusiveLimit', 2)] },
  },
  {
    id: 's10-empty-result',
    label: 'empty results: the query selects no series: inconclusive holds, paused at the default inconclusiveLimit 5',
    source: 'prometheus',
    series: [],
    steps: [10, 50],
    analysis: { checks: [successRateCheck('s10-empty-result')] },
    minutes: [2, 3, 4, 5, 6, 7, 8],
    expected: ['start', 'hold', 'hold', 'hold', 'hold', 'pause', 'none'],
    reasons: { 1: [/no series/], 5: [limitReached('inconclusiveLimit', 5)] },
  },
  {
    id: 's11-nan-inf',
    label: 'NaN, +Inf and -Inf answers (a max check on +Inf, a min check on -Inf): inconclusive, never a failure; paused at inconclusiveLimit 2',
    source: 'prometheus',
    series: [constantGauge('s11-nan-inf', 'nan', Number.NaN), constantGauge('s11-nan-inf', 'pos', Number.POSITIVE_INFINITY), constantGauge('s11-nan-inf', 'neg', Number.NEGATIVE_INFINITY)],
    steps: [10, 50],
    analysis: {
      inconclusiveLimit: 2,
      checks: [
        { name: 'nan', query: queueRatio('s11-nan-inf', 'nan'), max: 1 },
        { name: 'plus-inf', query: queueRatio('s11-nan-inf', 'pos'), max: 1 },
        { name: 'minus-inf', query: queueRatio('s11-nan-inf', 'neg'), min: 0 },
      ],
    },
    minutes: [2, 3, 4, 5],
    expected: ['start', 'hold', 'pause', 'none'],
    reasons: { 1: [/NaN/, /\+Inf/, /-Inf/], 2: [limitReached('inconclusiveLimit', 2)] },
    verify: (t) => {
      for (const name of ['nan', 'plus-inf', 'minus-inf']) {
        const c = t[1]?.checks.find((x) => x.name === name);
        assert.ok(c && c.value === null && ['no-data', 'inconclusive'].includes(c.outcome), `${name}: ${JSON.stringify(c)}`);
      }
    },
  },
  {
    id: 's12-multi-series',
    label: 'a multi-series result (rate per status code, not aggregated): error holds, paused at the default errorLimit 4',
    source: 'prometheus',
    series: trafficSeries('s12-multi-series', 'canary', HEALTHY_TRAFFIC),
    steps: [10, 50],
    analysis: { checks: [{ name: 'request-rate', query: requestRateByCode('s12-multi-series'), max: 1000 }] },
    minutes: [2, 3, 4, 5, 6, 7],
    expected: ['start', 'hold', 'hold', 'hold', 'pause', 'none'],
    reasons: { 1: [/2 series/], 4: [limitReached('errorLimit', 4)] },
    verify: (t) => assertChecksAt(t, [1, 2, 3, 4], 'request-rate', 'error'),
  },
  {
    id: 's13-prometheus-down',
    label: 'Prometheus down (nothing listens at the address): error holds, paused at errorLimit 2',
    source: 'down',
    series: [],
    steps: [10, 50],
    analysis: { errorLimit: 2, checks: [successRateCheck('s13-prometheus-down')] },
    minutes: [2, 3, 4, 5],
    expected: ['start', 'hold', 'pause', 'none'],
    reasons: { 1: [/cannot reach prometheus/], 2: [limitReached('errorLimit', 2)] },
  },
  {
    id: 's14-unauthorized',
    label: 'Prometheus answering 401 (an auth proxy refusing the credentials): error holds, paused at errorLimit 3 with the reason',
    source: 'unauthorized',
    series: [],
    steps: [10, 50],
    analysis: { errorLimit: 3, checks: [successRateCheck('s14-unauthorized')] },
    minutes: [2, 3, 4, 5, 6],
    expected: ['start', 'hold', 'hold', 'pause', 'none'],
    reasons: { 1: [/401/], 3: [limitReached('errorLimit', 3), /401/] },
  },
];
