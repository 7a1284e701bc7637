import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { JudgmentNote } from '../../src/engine/types.ts';
import { appendNote, formatNoteLine, notePaths, parseNote } from '../../src/audit/notes.ts';

const FAIL: JudgmentNote = {
  service: 'checkout',
  rollout: 'checkout-3f2a9c1',
  at: '2024-05-01T10:05:00.000Z',
  outcome: 'fail',
  checks: [
    { name: 'success-rate', value: 97.2, outcome: 'fail' },
    { name: 'latency-p99', value: 0.21, outcome: 'pass' },
  ],
};
const HOLD: JudgmentNote = {
  service: 'checkout',
  rollout: 'checkout-3f2a9c1',
  at: '2024-05-01T10:10:00.000Z',
  outcome: 'inconclusive',
  checks: [{ name: 'success-rate', value: null, outcome: 'no-data' }],
};

describe('notes', () => {
  it('writes one JSON line per judgment, keys in a fixed order', () => {
    assert.equal(
      formatNoteLine(HOLD),
      '{"service":"checkout","rollout":"checkout-3f2a9c1","at":"2024-05-01T10:10:00.000Z","outcome":"inconclusive","checks":[{"name":"success-rate","value":null,"outcome":"no-data"}]}',
    );
    assert.equal(formatNoteLine({ ...HOLD, checks: [{ name: 'x', value: Number.NaN, outcome: 'no-data' }] }).includes('"value":null'), true);
  });

  it('appends to no note, an empty note, and a note without a final newline', () => {
    const one = appendNote(undefined, FAIL);
    assert.equal(one, `${formatNoteLine(FAIL)}\n`);
    assert.equal(appendNote('', FAIL), one);
    const two = appendNote(one, HOLD);
    assert.equal(two, `${formatNoteLine(FAIL)}\n${formatNoteLine(HOLD)}\n`);
    assert.equal(appendNote(one.trimEnd(), HOLD), two);
    assert.deepEqual(parseNote(two), [FAIL, HOLD]);
  });

  it('skips blank and garbled lines', () => {
    const text = [
      '',
      formatNoteLine(FAIL),
      'not json',
      '{"service":"checkout"',
      '[1,2]',
      'null',
      JSON.stringify({ ...FAIL, outcome: 'maybe' }),
      JSON.stringify({ ...FAIL, at: 'yesterday' }),
      JSON.stringify({ ...FAIL, rollout: 7 }),
      '   ',
      formatNoteLine(HOLD),
    ].join('\n');
    assert.deepEqual(parseNote(text), [FAIL, HOLD]);
  });

  it('keeps only known fields and well-formed checks', () => {
    const line = JSON.stringify({
      ...FAIL,
      extra: true,
      checks: [{ name: 'a', value: '1', outcome: 'pass', reason: 'x' }, { name: 'b', outcome: 'weird' }, 3],
    });
    assert.deepEqual(parseNote(line), [{ ...FAIL, checks: [{ name: 'a', value: null, outcome: 'pass', reason: 'x' }] }]);
    assert.deepEqual(parseNote(JSON.stringify({ ...FAIL, checks: undefined })), [{ ...FAIL, checks: [] }]);
  });

  it('round-trips what explains a check (limits, reference, p-value, effect size, critical, reason) and the judgment (critical, requests)', () => {
    const note = {
      ...FAIL,
      outcome: 'fail' as const,
      checks: [
        { name: 'latency', value: 0.3, outcome: 'fail' as const, max: 0.5, critical: true, reference: 0.2, from: 'baseline' as const, pValue: 0.001, effectSize: 1.5, reason: '0.3 is 50% above the reference 0.2' },
        { name: 'errors', value: 1, outcome: 'pass' as const, reference: 0, from: 'first-value' as const, effectSize: null },
      ],
      critical: ['latency'],
      requests: { value: 1200, min: 100 },
    };
    assert.deepEqual(parseNote(formatNoteLine(note)), [note]);
    // Malformed optional fields are dropped, the check kept.
    const edited = JSON.stringify({ ...FAIL, checks: [{ name: 'x', value: 1, outcome: 'pass', pValue: 'low', from: 'elsewhere', critical: 'yes', reference: null }], critical: 'x', requests: { min: 'many' } });
    assert.deepEqual(parseNote(edited), [{ ...FAIL, checks: [{ name: 'x', value: 1, outcome: 'pass' }] }]);
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void parseNote(s)));
    fc.assert(fc.property(fc.json(), (s) => void parseNote(s)));
  });

  it('names the flat and fanout paths of a note', () => {
    const sha = '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39';
    assert.deepEqual(notePaths(sha), [
      sha,
      '3f/2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
      '3f/2a/9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39',
    ]);
  });
});
