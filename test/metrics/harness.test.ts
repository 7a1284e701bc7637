/** The OpenMetrics builders of test/helpers/prometheus.ts (their output is what promtool backfills). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  counterSeries,
  gaugeSeries,
  histogramSeries,
  openMetrics,
  prometheusSkip,
  startPrometheus,
  timestamps,
} from '../helpers/prometheus.ts';

const start = new Date('2024-01-01T00:00:00Z');
const t0 = start.getTime() / 1000;

describe('OpenMetrics builders', () => {
  test('timestamps are seconds, durationSeconds includes both ends', () => {
    assert.deepEqual(timestamps({ start, stepSeconds: 15, durationSeconds: 30 }), [t0, t0 + 15, t0 + 30]);
    assert.deepEqual(timestamps({ start, stepSeconds: 10, samples: 2 }), [t0, t0 + 10]);
    assert.throws(() => timestamps({ start, stepSeconds: 10 }), /samples or durationSeconds/);
  });

  test('counters grow at the given rate from initial; families get one # TYPE; # EOF ends', () => {
    const text = openMetrics(
      counterSeries('req_total', { app: 'a', code: '200' }, { start, stepSeconds: 15, samples: 3, ratePerSecond: 2 }),
      gaugeSeries('pods', {}, { start, stepSeconds: 15, values: [1, Number.NaN] }),
      counterSeries('req_total', { app: 'a', code: '500' }, { start, stepSeconds: 15, values: [5, 6] }),
    );
    assert.equal(
      text,
      [
        '# TYPE req counter',
        `req_total{app="a",code="200"} 0 ${t0}`,
        `req_total{app="a",code="200"} 30 ${t0 + 15}`,
        `req_total{app="a",code="200"} 60 ${t0 + 30}`,
        `req_total{app="a",code="500"} 5 ${t0}`,
        `req_total{app="a",code="500"} 6 ${t0 + 15}`,
        '# TYPE pods gauge',
        `pods 1 ${t0}`,
        `pods NaN ${t0 + 15}`,
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  test('label values are escaped; counters must end in _total', () => {
    const s = gaugeSeries('g', { v: 'a"b\\c\nd' }, { start, stepSeconds: 1, value: Number.POSITIVE_INFINITY, samples: 1 });
    assert.deepEqual(s.lines, [`g{v="a\\"b\\\\c\\nd"} +Inf ${t0}`]);
    assert.throws(() => counterSeries('req', {}, { start, stepSeconds: 1, samples: 1, ratePerSecond: 1 }), /_total/);
  });

  test('histograms: buckets sorted by le, then _count and _sum, per timestamp', () => {
    const s = histogramSeries('d', { app: 'a' }, {
      start,
      stepSeconds: 10,
      samples: 2,
      bucketRates: { '+Inf': 4, '0.5': 3, '0.1': 1 },
      sumPerSecond: 0.5,
    });
    assert.deepEqual(s.lines, [
      `d_bucket{app="a",le="0.1"} 0 ${t0}`,
      `d_bucket{app="a",le="0.5"} 0 ${t0}`,
      `d_bucket{app="a",le="+Inf"} 0 ${t0}`,
      `d_count{app="a"} 0 ${t0}`,
      `d_sum{app="a"} 0 ${t0}`,
      `d_bucket{app="a",le="0.1"} 10 ${t0 + 10}`,
      `d_bucket{app="a",le="0.5"} 30 ${t0 + 10}`,
      `d_bucket{app="a",le="+Inf"} 40 ${t0 + 10}`,
      `d_count{app="a"} 40 ${t0 + 10}`,
      `d_sum{app="a"} 5 ${t0 + 10}`,
    ]);
    assert.throws(() => histogramSeries('d', {}, { start, stepSeconds: 1, samples: 1, bucketRates: { '1': 1 } }), /\+Inf/);
  });

  test('one family cannot have two types', () => {
    assert.throws(
      () =>
        openMetrics(
          gaugeSeries('x', {}, { start, stepSeconds: 1, value: 1, samples: 1 }),
          histogramSeries('x', {}, { start, stepSeconds: 1, samples: 1, bucketRates: { '+Inf': 1 } }),
        ),
      /both gauge and histogram/,
    );
  });

  test('startPrometheus refuses text without # EOF before starting anything', async () => {
    await assert.rejects(startPrometheus({ openmetrics: 'x 1 1\n' }), /must end with "# EOF"/);
  });
});

describe('startPrometheus failures', { skip: prometheusSkip() }, () => {
  test('text promtool cannot read: the error carries promtool output', async () => {
    await assert.rejects(startPrometheus({ openmetrics: 'this is { not openmetrics\n# EOF\n' }), (e: unknown) => {
      assert.match(String((e as Error).message), /^promtool could not backfill the OpenMetrics text: .+/s);
      return true;
    });
  });

  test('prometheus exiting before ready: the error carries its stderr', async () => {
    const openmetrics = openMetrics(gaugeSeries('g', {}, { start, stepSeconds: 15, value: 1, samples: 2 }));
    await assert.rejects(startPrometheus({ openmetrics, retention: 'not-a-duration' }), (e: unknown) => {
      const message = String((e as Error).message);
      assert.match(message, /^prometheus exited with code \d+ before it was ready/);
      assert.match(message, /--- stderr ---\n.*not-a-duration/s);
      return true;
    });
  });
});
