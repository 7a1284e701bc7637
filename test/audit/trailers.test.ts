import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { CanaryTrailers } from '../../src/engine/types.ts';
import {
  PHASES,
  checksFromBody,
  formatChecksLine,
  formatCommitMessage,
  parseChecksLine,
  parseCommitMessage,
  rolloutId,
  titleFor,
  titles,
} from '../../src/audit/trailers.ts';

const CANDIDATE = '3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39';
const EXAMPLE: CanaryTrailers = {
  service: 'checkout',
  rollout: 'checkout-3f2a9c1',
  candidate: CANDIDATE,
  phase: 'progressing',
  step: { index: 2, total: 3 },
  weight: 25,
};
const EXAMPLE_TEXT = `checkout: canary 25% (step 2/3)

success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass

Canary-Service: checkout
Canary-Rollout: checkout-3f2a9c1
Canary-Candidate: ${CANDIDATE}
Canary-Phase: progressing
Canary-Step: 2/3
Canary-Weight: 25
`;

describe('formatCommitMessage', () => {
  it("writes PRODUCT.md's example exactly", () => {
    const message = formatCommitMessage({
      title: titleFor(EXAMPLE),
      body: 'success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass',
      trailers: EXAMPLE,
    });
    assert.equal(message, EXAMPLE_TEXT);
  });

  it('defaults the title, omits an empty body and the step of a non-progressing commit', () => {
    const message = formatCommitMessage({ body: '\n  \n', trailers: { ...EXAMPLE, phase: 'promoted', step: undefined, weight: 0 } });
    assert.equal(
      message,
      `checkout: promoted 3f2a9c1\n\nCanary-Service: checkout\nCanary-Rollout: checkout-3f2a9c1\nCanary-Candidate: ${CANDIDATE}\nCanary-Phase: promoted\nCanary-Weight: 0\n`,
    );
  });

  it('refuses trailers it could not read back', () => {
    assert.throws(() => formatCommitMessage({ trailers: { ...EXAMPLE, weight: 120 } }), RangeError);
    assert.throws(() => formatCommitMessage({ trailers: { ...EXAMPLE, step: undefined } }), /needs a step/);
    assert.throws(() => formatCommitMessage({ trailers: { ...EXAMPLE, candidate: '3f2a9c1' } }), /full lowercase sha/);
    assert.throws(() => formatCommitMessage({ trailers: { ...EXAMPLE, service: 'a\nb' } }), /bad service/);
    assert.throws(() => formatCommitMessage({ title: 'two\nlines', trailers: EXAMPLE }), /one non-empty line/);
  });
});

describe('titles', () => {
  it('words every phase', () => {
    const t = { ...EXAMPLE, step: undefined };
    assert.equal(titleFor(EXAMPLE), 'checkout: canary 25% (step 2/3)');
    assert.equal(titleFor({ ...t, phase: 'promoted', weight: 0 }), 'checkout: promoted 3f2a9c1');
    assert.equal(titleFor({ ...t, phase: 'rolled-back', weight: 0 }), 'checkout: rolled back 3f2a9c1');
    assert.equal(titleFor({ ...t, phase: 'paused' }), 'checkout: paused');
    assert.equal(titleFor({ ...t, phase: 'resumed' }), 'checkout: resumed');
    assert.equal(titles.progressing('checkout', 10, 1, 3), 'checkout: canary 10% (step 1/3)');
  });

  it('derives the rollout id from service and candidate', () => {
    assert.equal(rolloutId('checkout', CANDIDATE), 'checkout-3f2a9c1');
  });
});

describe('parseCommitMessage', () => {
  it("reads PRODUCT.md's example", () => {
    assert.deepEqual(parseCommitMessage(EXAMPLE_TEXT), {
      title: 'checkout: canary 25% (step 2/3)',
      body: 'success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass',
      trailers: EXAMPLE,
    });
  });

  it('tolerates other trailers, any key case, padded values and CRLF', () => {
    const message = [
      'checkout: paused',
      '',
      'apps/checkout/virtualservice.yaml edited in 1234567',
      '',
      'Signed-off-by: Alice <alice@example.com>',
      'canary-service:   checkout  ',
      'CANARY-ROLLOUT: checkout-3f2a9c1',
      'Canary-Candidate: ' + CANDIDATE.toUpperCase(),
      'Reviewed-by: Bob',
      'Canary-Phase: Paused',
      'Canary-Weight:25',
      'Co-authored-by: Carol',
      '  <carol@example.com>',
    ].join('\r\n');
    assert.deepEqual(parseCommitMessage(message), {
      title: 'checkout: paused',
      body: 'apps/checkout/virtualservice.yaml edited in 1234567',
      trailers: { service: 'checkout', rollout: 'checkout-3f2a9c1', candidate: CANDIDATE, phase: 'paused', weight: 25 },
    });
  });

  const replace = (from: string, to: string) => EXAMPLE_TEXT.replace(from, to);
  const notOurs: [string, string][] = [
    ['weight 120', replace('Canary-Weight: 25', 'Canary-Weight: 120')],
    ['weight 25%', replace('Canary-Weight: 25', 'Canary-Weight: 25%')],
    ['step 2/x', replace('Canary-Step: 2/3', 'Canary-Step: 2/x')],
    ['step 4/3', replace('Canary-Step: 2/3', 'Canary-Step: 4/3')],
    ['step 0/3', replace('Canary-Step: 2/3', 'Canary-Step: 0/3')],
    ['unknown phase', replace('Canary-Phase: progressing', 'Canary-Phase: finished')],
    ['progressing without step', replace('Canary-Step: 2/3\n', '')],
    ['missing service', replace('Canary-Service: checkout\n', '')],
    ['short candidate', replace(CANDIDATE, '3f2a9c1')],
    ['duplicate key', replace('Canary-Weight: 25', 'Canary-Weight: 25\nCanary-Weight: 50')],
    ['a free-text line in the last paragraph', replace('Canary-Weight: 25', 'Canary-Weight: 25\nthanks!')],
    ['trailers not in the last paragraph', `${EXAMPLE_TEXT}\nSigned-off-by: Alice <alice@example.com>\n`],
    ['trailers in the title paragraph', replace('\n\nsuccess-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass\n\n', '\n')],
  ];
  for (const [name, message] of notOurs) {
    it(`ignores malformed trailers: ${name}`, () => {
      const parsed = parseCommitMessage(message);
      assert.equal(parsed.trailers, undefined);
      assert.equal(parsed.title, 'checkout: canary 25% (step 2/3)');
    });
  }

  it("reads a person's commit without trailers", () => {
    assert.deepEqual(parseCommitMessage('Bump replicas\n\nWe need more.\n'), { title: 'Bump replicas', body: 'We need more.' });
    assert.deepEqual(parseCommitMessage(''), { title: '', body: '' });
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (s) => {
        parseCommitMessage(s);
        parseCommitMessage(`${s}\n\n${EXAMPLE_TEXT.split('\n\n')[2]}`);
      }),
    );
  });
});

const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const token = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_.'), minLength: 1, maxLength: 12 });
const trailersArb: fc.Arbitrary<CanaryTrailers> = fc
  .record({
    service: token,
    candidate: fc.oneof(hex(40), hex(64)),
    phase: fc.constantFrom(...PHASES),
    total: fc.integer({ min: 1, max: 20 }),
    index: fc.integer({ min: 1, max: 20 }),
    hasStep: fc.boolean(),
    weight: fc.integer({ min: 0, max: 100 }),
    pullRequest: fc.option(fc.integer({ min: 1, max: 2_000_000_000 }), { nil: undefined }),
    judgment: fc.option(fc.constantFrom('fail' as const, 'inconclusive' as const, 'error' as const), { nil: undefined }),
    inconclusive: fc.option(fc.integer({ min: 1, max: 999_999 }), { nil: undefined }),
    errors: fc.option(fc.integer({ min: 1, max: 999_999 }), { nil: undefined }),
    started: fc.option(fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms)), { nil: undefined }),
    references: fc.option(
      fc.dictionary(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,15}$/),
        fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v)),
        { minKeys: 1, maxKeys: 4 },
      ).map((d) => ({ ...d })),
      { nil: undefined },
    ),
  })
  .map(({ service, candidate, phase, total, index, hasStep, weight, pullRequest, judgment, inconclusive, errors, started, references }) => ({
    service,
    rollout: rolloutId(service, candidate),
    candidate,
    phase,
    ...(phase === 'progressing' || hasStep ? { step: { index: Math.min(index, total), total } } : {}),
    weight,
    ...(judgment !== undefined ? { judgment } : {}),
    ...(inconclusive !== undefined ? { inconclusive } : {}),
    ...(errors !== undefined ? { errors } : {}),
    ...(started !== undefined ? { started } : {}),
    ...(references !== undefined ? { references } : {}),
    ...(pullRequest !== undefined ? { pullRequest } : {}),
  }));
// Body lines include `Key: value` lines and Canary-* look-alikes that must stay body.
const bodyLine = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abc XYZ:;()%.-/1'), minLength: 1, maxLength: 30 }).filter((l) => l.trim() !== ''),
  fc.constantFrom('Canary-Weight: 99', 'Signed-off-by: Mallory <m@example.com>', 'Canary-Phase: promoted', 'Key: value'),
);
const paragraph = fc.array(bodyLine, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n'));
const bodyArb = fc.option(fc.array(paragraph, { minLength: 1, maxLength: 4 }).map((ps) => ps.join('\n\n')), { nil: undefined });

describe('Canary-Pull-Request', () => {
  it('is written last and read back; a malformed number makes the message not ours', () => {
    const text = formatCommitMessage({ trailers: { ...EXAMPLE, phase: 'promoted', step: undefined, weight: 0, pullRequest: 12 } });
    assert.match(text, /Canary-Weight: 0\nCanary-Pull-Request: 12\n$/);
    assert.equal(parseCommitMessage(text).trailers?.pullRequest, 12);
    assert.equal(parseCommitMessage(text.replace('Canary-Pull-Request: 12', 'Canary-Pull-Request: 12a')).trailers, undefined);
    assert.equal(parseCommitMessage(text.replace('Canary-Pull-Request: 12', 'Canary-Pull-Request: 0')).trailers, undefined);
  });
});

describe('judgment records', () => {
  const record = (judgment: CanaryTrailers['judgment'], extra: Partial<CanaryTrailers> = {}): CanaryTrailers => ({
    ...EXAMPLE,
    step: { index: 1, total: 3 },
    weight: 10,
    failedChecks: 1,
    judgment,
    ...extra,
  });

  it('titles each kind of judgment record', () => {
    assert.equal(titleFor(record('fail')), 'checkout: check failed at 10% (step 1/3)');
    assert.equal(titleFor(record('inconclusive')), 'checkout: inconclusive at 10% (step 1/3)');
    assert.equal(titleFor(record('error')), 'checkout: metrics error at 10% (step 1/3)');
  });

  it('writes the counts in a row, the start and the references in a fixed order, and reads them back', () => {
    const t = record('error', { inconclusive: 2, errors: 3, started: new Date('2024-01-01T00:02:00Z'), references: { latency: 0.21, errors: 1e-7 } });
    const text = formatCommitMessage({ body: 'success-rate - (min 99) error (HTTP 401)', trailers: t });
    assert.match(
      text,
      /Canary-Failed-Checks: 1\nCanary-Judgment: error\nCanary-Inconclusive: 2\nCanary-Errors: 3\nCanary-Started: 2024-01-01T00:02:00\.000Z\nCanary-Reference: latency=0\.21, errors=1e-7\n$/,
    );
    assert.deepEqual(parseCommitMessage(text).trailers, t);
    // Zero counts are not written: absent reads as 0.
    assert.doesNotMatch(formatCommitMessage({ trailers: record('fail', { inconclusive: 0, errors: 0 }) }), /Canary-(Inconclusive|Errors)/);
  });

  const text = formatCommitMessage({ trailers: record('inconclusive', { inconclusive: 1, started: new Date('2024-01-01T00:00:00Z'), references: { a: 1 } }) });
  const malformed: [string, string][] = [
    ['an unknown judgment', text.replace('Canary-Judgment: inconclusive', 'Canary-Judgment: maybe')],
    ['a count that is not a number', text.replace('Canary-Inconclusive: 1', 'Canary-Inconclusive: one')],
    ['a negative count', text.replace('Canary-Inconclusive: 1', 'Canary-Inconclusive: -1')],
    ['a start that is not ISO', text.replace('Canary-Started: 2024-01-01T00:00:00.000Z', 'Canary-Started: yesterday')],
    ['a reference without a number', text.replace('Canary-Reference: a=1', 'Canary-Reference: a=')],
    ['a reference that is not finite', text.replace('Canary-Reference: a=1', 'Canary-Reference: a=Infinity')],
    ['a reference with a bad name', text.replace('Canary-Reference: a=1', 'Canary-Reference: a b=1')],
  ];
  for (const [name, message] of malformed) {
    it(`a record with ${name} is not ours`, () => assert.equal(parseCommitMessage(message).trailers, undefined));
  }

  it('refuses to write references or counts it could not read back', () => {
    assert.throws(() => formatCommitMessage({ trailers: record('fail', { references: { 'a b': 1 } }) }), RangeError);
    assert.throws(() => formatCommitMessage({ trailers: record('fail', { references: { a: Number.NaN } }) }), RangeError);
    assert.throws(() => formatCommitMessage({ trailers: record('fail', { errors: 1.5 }) }), RangeError);
  });
});

describe('round trip', () => {
  it('parse(format(x)) == x', () => {
    fc.assert(
      fc.property(trailersArb, bodyArb, fc.boolean(), (trailers, body, customTitle) => {
        const title = customTitle ? `${trailers.service}: something else` : titleFor(trailers);
        const parsed = parseCommitMessage(formatCommitMessage({ title, body, trailers }));
        assert.deepEqual(parsed, { title, body: body ?? '', trailers });
      }),
      { numRuns: 500 },
    );
  });
});

describe('checks line', () => {
  it("reads PRODUCT.md's example", () => {
    assert.deepEqual(parseChecksLine('success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass'), [
      { name: 'success-rate', value: 99.7, outcome: 'pass' },
      { name: 'latency-p99', value: 0.21, outcome: 'pass' },
    ]);
  });

  it('reads no-data and error with value -, reasons, and skips what does not parse', () => {
    assert.deepEqual(
      parseChecksLine('success-rate - (min 99) no-data; latency-p99 - (max 0.5) error connection refused; junk; errors 1e-3 fail;'),
      [
        { name: 'success-rate', value: null, outcome: 'no-data' },
        { name: 'latency-p99', value: null, outcome: 'error' },
        { name: 'errors', value: 0.001, outcome: 'fail' },
      ],
    );
    assert.deepEqual(parseChecksLine('apps/checkout/virtualservice.yaml edited by alice'), []);
    assert.deepEqual(parseChecksLine('x NaN no-data; y +Inf fail'), [
      { name: 'x', value: null, outcome: 'no-data' },
      { name: 'y', value: null, outcome: 'fail' },
    ]);
  });

  it('formats what it parses', () => {
    const checks = [
      { name: 'success-rate', value: 99.7, outcome: 'pass' as const, min: 99 },
      { name: 'latency-p99', value: null, outcome: 'error' as const, max: 0.5 },
      { name: 'band', value: -2, outcome: 'fail' as const, min: 1, max: 5 },
    ];
    const line = formatChecksLine(checks);
    assert.equal(line, 'success-rate 99.7 (min 99) pass; latency-p99 - (max 0.5) error; band -2 (min 1, max 5) fail');
    assert.deepEqual(
      parseChecksLine(line),
      checks.map(({ name, value, outcome }) => ({ name, value, outcome })),
    );
  });

  it('finds the checks line in a body', () => {
    assert.deepEqual(checksFromBody('2 failed checks (threshold 2)\n\nsuccess-rate 97 (min 99) fail'), [
      { name: 'success-rate', value: 97, outcome: 'fail' },
    ]);
    assert.deepEqual(checksFromBody(''), []);
  });
});
