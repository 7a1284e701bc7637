import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RolloutLogEntry, buildRolloutLog, formatRolloutLog } from '../../src/audit/log.ts';
import { at, canary, cand, commit, iso, newestFirst, note, notesFrom } from './helpers.ts';

const A = cand('a');
const B = cand('b');
const C = cand('c');
const PASS = 'success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass';

const history = newestFirst(
  commit('p0', 0, 'Initial manifests\n'),
  canary('c1', 1, 'checkout', C, 'progressing', 10, { step: [1, 2] }),
  canary('c2', 6, 'checkout', C, 'progressing', 50, { step: [2, 2], body: PASS }),
  canary('c3', 11, 'checkout', C, 'promoted', 0, { body: PASS }),
  commit('p1', 12, 'Scale cart\n'),
  canary('k1', 15, 'cart', A, 'progressing', 20, { step: [1, 1] }),
  canary('k2', 20, 'cart', A, 'rolled-back', 0, {
    body: '2 failed checks (threshold 2)\n\nsuccess-rate 97 (min 99) fail; latency-p99 - (max 0.5) no-data',
  }),
  canary('a1', 30, 'checkout', A, 'progressing', 10, { step: [1, 3] }),
  canary('a2', 40, 'checkout', A, 'progressing', 25, { step: [2, 3], body: PASS }),
);
const notes = notesFrom({
  k1: [note('cart', A, 18, 'fail'), note('cart', A, 17, 'fail')],
  a1: [note('checkout', A, 35, 'inconclusive')],
  a2: [note('checkout', A, 45, 'fail'), note('checkout', B, 46, 'fail')],
});

const checkoutA: RolloutLogEntry = {
  service: 'checkout',
  rollout: 'checkout-aaaaaaa',
  candidate: A,
  outcome: 'progressing',
  startedAt: iso(30),
  endedAt: null,
  steps: [
    { weight: 10, step: 1, commit: 'a1', at: iso(30), checks: [], judgments: [pick(note('checkout', A, 35, 'inconclusive'))] },
    {
      weight: 25,
      step: 2,
      commit: 'a2',
      at: iso(40),
      checks: [
        { name: 'success-rate', value: 99.7, outcome: 'pass' },
        { name: 'latency-p99', value: 0.21, outcome: 'pass' },
      ],
      judgments: [pick(note('checkout', A, 45, 'fail'))],
    },
  ],
};
const cartA: RolloutLogEntry = {
  service: 'cart',
  rollout: 'cart-aaaaaaa',
  candidate: A,
  outcome: 'rolled-back',
  startedAt: iso(15),
  endedAt: iso(20),
  steps: [
    {
      weight: 20,
      step: 1,
      commit: 'k1',
      at: iso(15),
      checks: [],
      judgments: [pick(note('cart', A, 17, 'fail')), pick(note('cart', A, 18, 'fail'))],
    },
  ],
};
const checkoutC: RolloutLogEntry = {
  service: 'checkout',
  rollout: 'checkout-ccccccc',
  candidate: C,
  outcome: 'promoted',
  startedAt: iso(1),
  endedAt: iso(11),
  steps: [
    { weight: 10, step: 1, commit: 'c1', at: iso(1), checks: [], judgments: [] },
    {
      weight: 50,
      step: 2,
      commit: 'c2',
      at: iso(6),
      checks: [
        { name: 'success-rate', value: 99.7, outcome: 'pass' },
        { name: 'latency-p99', value: 0.21, outcome: 'pass' },
      ],
      judgments: [],
    },
  ],
};

function pick(n: ReturnType<typeof note>) {
  return { at: n.at, outcome: n.outcome, checks: n.checks };
}

describe('buildRolloutLog', () => {
  it('lists promoted, rolled-back and in-progress rollouts, newest first', () => {
    const log = buildRolloutLog(history, notes, {});
    assert.deepEqual(log, [checkoutA, cartA, checkoutC]);
    // The `log --json` document is plain JSON.
    assert.deepEqual(JSON.parse(JSON.stringify({ rollouts: log })), { rollouts: log });
  });

  it('filters by service and by start time', () => {
    assert.deepEqual(buildRolloutLog(history, notes, { service: 'checkout' }), [checkoutA, checkoutC]);
    assert.deepEqual(buildRolloutLog(history, notes, { since: at(15) }), [checkoutA, cartA]);
    assert.deepEqual(buildRolloutLog(history, notes, { service: 'cart', since: at(16) }), []);
    assert.deepEqual(buildRolloutLog([], notes), []);
  });

  it('reports paused and resumed rollouts by their newest commit', () => {
    const base = [
      canary('a1', 30, 'checkout', A, 'progressing', 10, { step: [1, 3] }),
      canary('a2', 35, 'checkout', A, 'paused', 10, { body: 'route edited' }),
    ];
    assert.equal(buildRolloutLog(newestFirst(...base), notes)[0]?.outcome, 'paused');
    const resumed = buildRolloutLog(newestFirst(...base, canary('a3', 40, 'checkout', A, 'resumed', 10)), notes);
    assert.equal(resumed[0]?.outcome, 'progressing');
    assert.equal(resumed[0]?.endedAt, null);
    assert.deepEqual(
      resumed[0]?.steps.map((s) => s.commit),
      ['a1'],
    );
  });

  it('marks a rollout superseded when the candidate moved before it finished', () => {
    const log = buildRolloutLog(
      newestFirst(
        canary('a1', 30, 'checkout', A, 'progressing', 10, { step: [1, 3] }),
        canary('b1', 40, 'checkout', B, 'progressing', 10, { step: [1, 3] }),
      ),
      notes,
    );
    assert.deepEqual(
      log.map((e) => [e.rollout, e.outcome, e.supersededBy]),
      [
        ['checkout-bbbbbbb', 'progressing', undefined],
        ['checkout-aaaaaaa', 'progressing', 'checkout-bbbbbbb'],
      ],
    );
  });
});

describe('formatRolloutLog', () => {
  it('prints a block per rollout and a line per step', () => {
    assert.equal(
      formatRolloutLog([checkoutA, cartA]),
      `checkout-aaaaaaa  progressing
  service checkout  candidate aaaaaaa  started ${iso(30)}  ended -
  step 1  10%  a1  ${iso(30)}
    judged ${iso(35)}  inconclusive
  step 2  25%  a2  ${iso(40)}  success-rate 99.7 pass; latency-p99 0.21 pass
    judged ${iso(45)}  fail  success-rate 97.5 fail

cart-aaaaaaa  rolled-back
  service cart  candidate aaaaaaa  started ${iso(15)}  ended ${iso(20)}
  step 1  20%  k1  ${iso(15)}
    judged ${iso(17)}  fail  success-rate 97.5 fail
    judged ${iso(18)}  fail  success-rate 97.5 fail
`,
    );
    assert.equal(formatRolloutLog([]), 'no rollouts\n');
  });
});
