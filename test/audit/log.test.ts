import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { boundsFromBody, type RolloutEvent, whyOf } from '../../src/audit/events.ts';
import { type RolloutLogEntry, buildRolloutLog, formatRolloutLog } from '../../src/audit/log.ts';
import { formatCommitMessage, rolloutId } from '../../src/audit/trailers.ts';
import type { CanaryTrailers, JudgmentNote } from '../../src/engine/types.ts';
import type { CommitInfo } from '../../src/git/types.ts';
import { at, canary, cand, commit, iso, newestFirst, note, notesFrom } from './helpers.ts';

const A = cand('a');
const B = cand('b');
const C = cand('c');
const PASS = 'success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass';
const LIMITS = { checkout: { 'success-rate': { min: 99 }, 'latency-p99': { max: 0.5 } }, cart: { 'success-rate': { min: 99 } } };
const passChecks = [
  { name: 'success-rate', value: 99.7, outcome: 'pass' as const, min: 99 },
  { name: 'latency-p99', value: 0.21, outcome: 'pass' as const, max: 0.5 },
];

/** A git-canary record with any trailers (the engine's record trailers included), as the engine writes it. */
function record(sha: string, minutes: number, candidate: string, t: Partial<CanaryTrailers> & Pick<CanaryTrailers, 'phase' | 'weight'>, body = '', service = 'checkout'): CommitInfo {
  const trailers: CanaryTrailers = { service, rollout: rolloutId(service, candidate), candidate, ...t };
  return commit(sha, minutes, formatCommitMessage({ body, trailers }), 'git-canary');
}
const step = (index: number, total: number) => ({ index, total });

// An older history: judgments noted on the step commits themselves, an automatic rollback, a rollout in progress.
const history = newestFirst(
  commit('p0', 0, 'Initial manifests\n'),
  canary('c1', 1, 'checkout', C, 'progressing', 10, { step: [1, 2] }),
  canary('c2', 6, 'checkout', C, 'progressing', 50, { step: [2, 2], body: PASS }),
  canary('c3', 11, 'checkout', C, 'promoted', 0, { body: `${PASS}\n\nlast step 2/2 (50%) passed` }),
  commit('p1', 12, 'Scale cart\n'),
  canary('k1', 15, 'cart', A, 'progressing', 20, { step: [1, 1] }),
  canary('k2', 20, 'cart', A, 'rolled-back', 0, {
    body: 'success-rate 97 (min 99) fail; latency-p99 - (max 0.5) no-data\n\n2/2 failed checks',
  }),
  canary('a1', 30, 'checkout', A, 'progressing', 10, { step: [1, 3] }),
  canary('a2', 40, 'checkout', A, 'progressing', 25, { step: [2, 3], body: `${PASS}\n\nstep 1/3 (10%) passed` }),
);
const notes = notesFrom({
  k1: [note('cart', A, 18, 'fail'), note('cart', A, 17, 'fail')],
  a1: [note('checkout', A, 35, 'inconclusive')],
  a2: [note('checkout', A, 45, 'fail'), note('checkout', B, 46, 'fail')],
});
const noted = (service: string, candidate: string, minutes: number, outcome: JudgmentNote['outcome'], min = 99) => {
  const n = note(service, candidate, minutes, outcome);
  return { at: n.at, outcome: n.outcome, checks: n.checks.map((c) => ({ ...c, min })) };
};
const pick = (n: JudgmentNote) => ({ at: n.at, outcome: n.outcome, checks: n.checks });

const checkoutA: RolloutLogEntry = {
  service: 'checkout',
  rollout: 'checkout-aaaaaaa',
  candidate: A,
  outcome: 'progressing',
  startedAt: iso(30),
  endedAt: null,
  steps: [
    {
      weight: 10,
      step: 1,
      commit: 'a1',
      at: iso(30),
      checks: [],
      judgments: [pick(note('checkout', A, 35, 'inconclusive'))],
      judged: [
        { ...noted('checkout', A, 35, 'inconclusive'), commit: 'a1', source: 'note' },
        { at: iso(40), commit: 'a2', outcome: 'pass', checks: passChecks, source: 'commit' },
      ],
    },
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
      judged: [{ ...noted('checkout', A, 45, 'fail'), commit: 'a2', source: 'note' }],
    },
  ],
  events: [
    { kind: 'start', at: iso(30), commit: 'a1', weight: 10, step: 1, total: 3, why: '' },
    { kind: 'judgment', ...noted('checkout', A, 35, 'inconclusive'), commit: 'a1', weight: 10, step: 1, total: 3, source: 'note', stepCommit: 'a1' },
    { kind: 'judgment', at: iso(40), commit: 'a2', weight: 10, step: 1, total: 3, outcome: 'pass', checks: passChecks, source: 'commit', stepCommit: 'a1' },
    { kind: 'step', at: iso(40), commit: 'a2', weight: 25, step: 2, total: 3, why: 'step 1/3 (10%) passed', from: 10 },
    { kind: 'judgment', ...noted('checkout', A, 45, 'fail'), commit: 'a2', weight: 25, step: 2, total: 3, source: 'note', stepCommit: 'a2' },
  ],
};
const rollbackChecks = [
  { name: 'success-rate', value: 97, outcome: 'fail' as const, min: 99 },
  { name: 'latency-p99', value: null, outcome: 'no-data' as const, max: 0.5 },
];
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
      judged: [
        { ...noted('cart', A, 17, 'fail'), commit: 'k1', source: 'note' },
        { ...noted('cart', A, 18, 'fail'), commit: 'k1', source: 'note' },
        { at: iso(20), commit: 'k2', outcome: 'fail', checks: rollbackChecks, source: 'commit' },
      ],
    },
  ],
  events: [
    { kind: 'start', at: iso(15), commit: 'k1', weight: 20, step: 1, total: 1, why: '' },
    { kind: 'judgment', ...noted('cart', A, 17, 'fail'), commit: 'k1', weight: 20, step: 1, total: 1, source: 'note', stepCommit: 'k1' },
    { kind: 'judgment', ...noted('cart', A, 18, 'fail'), commit: 'k1', weight: 20, step: 1, total: 1, source: 'note', stepCommit: 'k1' },
    // The deciding judgment of an automatic rollback is in the rollback's body: its own event, on the step it judged.
    { kind: 'judgment', at: iso(20), commit: 'k2', weight: 20, step: 1, total: 1, outcome: 'fail', checks: rollbackChecks, source: 'commit', stepCommit: 'k1' },
    { kind: 'rollback', at: iso(20), commit: 'k2', weight: 0, step: 1, total: 1, why: '2/2 failed checks' },
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
    { weight: 10, step: 1, commit: 'c1', at: iso(1), checks: [], judgments: [], judged: [{ at: iso(6), commit: 'c2', outcome: 'pass', checks: passChecks, source: 'commit' }] },
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
      // The pass that promoted judged the last step.
      judged: [{ at: iso(11), commit: 'c3', outcome: 'pass', checks: passChecks, source: 'commit' }],
    },
  ],
  events: [
    { kind: 'start', at: iso(1), commit: 'c1', weight: 10, step: 1, total: 2, why: '' },
    { kind: 'judgment', at: iso(6), commit: 'c2', weight: 10, step: 1, total: 2, outcome: 'pass', checks: passChecks, source: 'commit', stepCommit: 'c1' },
    { kind: 'step', at: iso(6), commit: 'c2', weight: 50, step: 2, total: 2, why: '', from: 10 },
    { kind: 'judgment', at: iso(11), commit: 'c3', weight: 50, step: 2, total: 2, outcome: 'pass', checks: passChecks, source: 'commit', stepCommit: 'c2' },
    { kind: 'promote', at: iso(11), commit: 'c3', weight: 0, step: 2, total: 2, why: 'last step 2/2 (50%) passed' },
  ],
};

/** Every judgment event of a log, as `step@commit outcome`. */
function judgmentsOf(log: RolloutLogEntry[]): string[] {
  return log.flatMap((e) => e.events.filter((x) => x.kind === 'judgment').map((x) => `${e.rollout} ${x.step}/${x.total} ${x.weight}% ${x.outcome} @${x.commit}`));
}

describe('buildRolloutLog', () => {
  it('lists promoted, rolled-back and in-progress rollouts, newest first, each with its events', () => {
    const log = buildRolloutLog(history, notes, { limits: LIMITS });
    assert.deepEqual(log, [checkoutA, cartA, checkoutC]);
    // The `log --json` document is plain JSON.
    assert.deepEqual(JSON.parse(JSON.stringify({ rollouts: log })), { rollouts: log });
  });

  it('filters by service, start time and outcome', () => {
    assert.deepEqual(buildRolloutLog(history, notes, { service: 'checkout', limits: LIMITS }), [checkoutA, checkoutC]);
    assert.deepEqual(buildRolloutLog(history, notes, { since: at(15), limits: LIMITS }), [checkoutA, cartA]);
    assert.deepEqual(buildRolloutLog(history, notes, { service: 'cart', since: at(16) }), []);
    assert.deepEqual(buildRolloutLog(history, notes, { outcomes: ['rolled-back'], limits: LIMITS }), [cartA]);
    assert.deepEqual(buildRolloutLog(history, notes, { outcomes: ['promoted', 'progressing'], limits: LIMITS }), [checkoutA, checkoutC]);
    assert.deepEqual(buildRolloutLog(history, notes, { outcomes: ['paused'] }), []);
    assert.deepEqual(buildRolloutLog([], notes), []);
  });

  it("without the config's limits, the bounds written in the record's body are shown, and only those", () => {
    const [, cart, promoted] = buildRolloutLog(history, notes);
    assert.deepEqual(cart!.events[3], cartA.events[3], 'the rollback body says (min 99) and (max 0.5)');
    // The noted judgments carry no bounds, and no body beside them does.
    assert.deepEqual((cart!.events[1] as Extract<RolloutEvent, { kind: 'judgment' }>).checks, [{ name: 'success-rate', value: 97.5, outcome: 'fail' }]);
    assert.deepEqual(promoted!.events[1], checkoutC.events[1]);
  });

  it('a bound written in the record wins over the config: it is what the check was held to', () => {
    const [c] = buildRolloutLog(history, notes, { service: 'checkout', limits: { checkout: { 'success-rate': { min: 95 }, 'latency-p99': { max: 1 } } } });
    const pass = c!.events.find((x) => x.kind === 'judgment' && x.outcome === 'pass') as Extract<RolloutEvent, { kind: 'judgment' }>;
    assert.deepEqual(pass.checks, passChecks);
    const inconclusive = c!.events[1] as Extract<RolloutEvent, { kind: 'judgment' }>;
    assert.deepEqual(inconclusive.checks, [{ name: 'success-rate', value: 99.9, outcome: 'pass', min: 95 }], 'a note says no bound: the config does');
  });

  it("the engine's records today: a failed judgment recorded with its note once, then the rollback it decided", () => {
    const FAIL = 'success-rate 90 (min 99) fail';
    const commits = newestFirst(
      record('s1', 2, A, { phase: 'progressing', step: step(1, 3), weight: 10, failedChecks: 0 }, 'candidate aaaaaaa differs from production', 'payments'),
      record('f1', 3, A, { phase: 'progressing', step: step(1, 3), weight: 10, failedChecks: 1, judgment: 'fail' }, `${FAIL}\n\ncheck failed at step 1/3 (10%), 1/2 failed checks`, 'payments'),
      record('r1', 4, A, { phase: 'rolled-back', weight: 0, failedChecks: 2 }, `${FAIL}\n\n2/2 failed checks`, 'payments'),
    );
    const exact = { service: 'payments', rollout: 'payments-aaaaaaa', at: iso(3), outcome: 'fail' as const, checks: [{ name: 'success-rate', value: 89.99999, outcome: 'fail' as const }] };
    const [e] = buildRolloutLog(commits, notesFrom({ f1: [exact] }));
    const fail = (commit: string, minutes: number, value: number, failedChecks: number, source: 'note' | 'commit') => ({
      kind: 'judgment' as const,
      at: iso(minutes),
      commit,
      weight: 10,
      step: 1,
      total: 3,
      outcome: 'fail' as const,
      checks: [{ name: 'success-rate', value, outcome: 'fail' as const, min: 99 }],
      failedChecks,
      source,
      stepCommit: 's1',
    });
    assert.deepEqual(e!.events, [
      { kind: 'start', at: iso(2), commit: 's1', weight: 10, step: 1, total: 3, why: 'candidate aaaaaaa differs from production' },
      // The note's exact value, the record's bound: one judgment, not two.
      fail('f1', 3, 89.99999, 1, 'note'),
      fail('r1', 4, 90, 2, 'commit'),
      { kind: 'rollback', at: iso(4), commit: 'r1', weight: 0, step: 1, total: 3, why: '2/2 failed checks' },
    ]);
    assert.deepEqual(e!.steps.map((s) => s.judged.map((j) => j.commit)), [['f1', 'r1']]);
    assert.deepEqual(e!.steps[0]!.judgments, [{ at: iso(3), outcome: 'fail', checks: exact.checks }]);
  });

  it('inconclusive and errored judgment records, and the pause their limit made: each a judgment at its step, with its count in a row', () => {
    const ERR = 'success-rate - (min 99) error (prometheus refused the credentials (HTTP 401))';
    const commits = newestFirst(
      record('s1', 2, A, { phase: 'progressing', step: step(1, 3), weight: 10, failedChecks: 0 }, 'candidate aaaaaaa differs from production'),
      record('i1', 3, A, { phase: 'progressing', step: step(1, 3), weight: 10, failedChecks: 0, judgment: 'inconclusive', inconclusive: 1 }, 'success-rate - (min 99) no-data (query returned NaN)\n\ninconclusive at step 1/3 (10%), 1/5 in a row before a pause'),
      record('e1', 4, A, { phase: 'progressing', step: step(1, 3), weight: 10, failedChecks: 0, judgment: 'error', inconclusive: 1, errors: 1 }, `${ERR}\n\nmetrics error at step 1/3 (10%), 1/2 in a row before a pause`),
      record('p1', 5, A, { phase: 'paused', rolloutStep: step(1, 3), weight: 10, failedChecks: 0, inconclusive: 1, errors: 2 }, `${ERR}\n\n2 errored judgments in a row at step 1/3 (10%): success-rate: HTTP 401 — fix the metrics source, then git-canary resume --service checkout`),
    );
    const errNote = (minutes: number) => ({ service: 'checkout', rollout: 'checkout-aaaaaaa', at: iso(minutes), outcome: 'error' as const, checks: [{ name: 'success-rate', value: null, outcome: 'error' as const, reason: 'HTTP 401' }] });
    const [e] = buildRolloutLog(commits, notesFrom({ e1: [errNote(4)], p1: [errNote(5)] }), { limits: LIMITS });
    const judgments = e!.events.filter((x): x is Extract<RolloutEvent, { kind: 'judgment' }> => x.kind === 'judgment');
    assert.deepEqual(
      judgments.map((j) => [j.commit, j.outcome, j.step, j.weight, j.inconclusive, j.errors, j.source, j.stepCommit]),
      [
        ['i1', 'inconclusive', 1, 10, 1, undefined, 'commit', 's1'],
        // Both counts in a row as the record carries them (an error does not reset the inconclusive count).
        ['e1', 'error', 1, 10, 1, 1, 'note', 's1'],
        ['p1', 'error', 1, 10, 1, 2, 'note', 's1'],
      ],
    );
    assert.deepEqual(e!.events.map((x) => x.kind), ['start', 'judgment', 'judgment', 'judgment', 'pause'], 'the judgment that paused comes before the pause');
    assert.deepEqual(e!.steps.map((x) => x.commit), ['s1'], 'judgment records are not steps');
    assert.deepEqual(e!.steps[0]!.judged.map((j) => j.commit), ['i1', 'e1', 'p1']);
    const text = formatRolloutLog([e!]);
    assert.match(text, /judgment .* inconclusive: success-rate - \(min 99\) no-data \(1 inconclusive in a row\)/);
    assert.match(text, /judgment .* error: success-rate - \(min 99\) error \(HTTP 401\) \(2 errored in a row\)/);
    assert.match(text, /pause .* 2 errored judgments in a row at step 1\/3 \(10%\)/);
  });

  it("a person's edit pauses, a person resumes and promotes: who, why, which files and commit", () => {
    const commits = newestFirst(
      record('s1', 2, A, { phase: 'progressing', step: step(1, 3), weight: 10 }, 'candidate aaaaaaa differs from production'),
      commit('h1', 2.5, 'ops: less canary\n', 'Carol'),
      record('p1', 3, A, { phase: 'paused', weight: 5, rolloutStep: step(1, 3) }, 'apps/checkout/virtualservice.yaml, apps/checkout/deployment-canary.yaml changed on production in 1234abc by someone else during the rollout'),
      record('u1', 4, A, { phase: 'resumed', weight: 5, rolloutStep: step(1, 3), actor: 'alice', reason: 'the edit is fine' }, 'resume requested by alice: the edit is fine'),
      record('q1', 5, A, { phase: 'paused', weight: 5, rolloutStep: step(1, 3), actor: 'bob' }, 'pause requested by bob'),
      record('m1', 6, A, { phase: 'promoted', weight: 0, actor: 'bob', reason: 'ship it' }, 'promote requested by bob: ship it'),
    );
    const [e] = buildRolloutLog(commits, notesFrom());
    assert.deepEqual(e!.events, [
      { kind: 'start', at: iso(2), commit: 's1', weight: 10, step: 1, total: 3, why: 'candidate aaaaaaa differs from production' },
      {
        kind: 'pause',
        at: iso(3),
        commit: 'p1',
        weight: 5,
        step: 1,
        total: 3,
        why: 'apps/checkout/virtualservice.yaml, apps/checkout/deployment-canary.yaml changed on production in 1234abc by someone else during the rollout',
        by: '1234abc',
        files: ['apps/checkout/virtualservice.yaml', 'apps/checkout/deployment-canary.yaml'],
      },
      { kind: 'resume', at: iso(4), commit: 'u1', weight: 5, step: 1, total: 3, actor: 'alice', reason: 'the edit is fine', why: 'resume requested by alice: the edit is fine' },
      { kind: 'pause', at: iso(5), commit: 'q1', weight: 5, step: 1, total: 3, actor: 'bob', why: 'pause requested by bob', by: 'bob' },
      // A person's promotion: no judgment decided it.
      { kind: 'promote', at: iso(6), commit: 'm1', weight: 0, step: 1, total: 3, actor: 'bob', reason: 'ship it', why: 'promote requested by bob: ship it' },
    ]);
    assert.equal(e!.outcome, 'promoted');
    assert.deepEqual(e!.steps.map((s) => s.judged), [[]]);
  });

  it('a judgment after a resume at a weight a person set judges that weight; a zero-traffic step gets its weight back without a judgment', () => {
    const commits = newestFirst(
      record('s1', 2, A, { phase: 'progressing', step: step(1, 2), weight: 20 }),
      record('p1', 3, A, { phase: 'paused', weight: 0, rolloutStep: step(1, 2) }, 'apps/checkout/virtualservice.yaml changed on production in 1234abc by someone else during the rollout'),
      record('u1', 4, A, { phase: 'resumed', weight: 0, rolloutStep: step(1, 2), actor: 'alice' }, 'resume requested by alice'),
      record('z1', 5, A, { phase: 'progressing', step: step(1, 2), weight: 20 }, 'the canary receives no traffic (0%); giving step 1/2 its weight back and starting its clock'),
      record('s2', 7, A, { phase: 'progressing', step: step(2, 2), weight: 50 }, 'success-rate 99.9 (min 99) pass\n\nstep 1/2 (20%) passed'),
    );
    const [e] = buildRolloutLog(commits, notesFrom());
    assert.deepEqual(
      e!.events.map((x) => `${x.kind} ${x.step}/${x.total} ${x.weight}%${x.kind === 'step' ? ` from ${x.from}%` : ''}${x.kind === 'judgment' ? ` judged ${x.stepCommit}` : ''}`),
      ['start 1/2 20%', 'pause 1/2 0%', 'resume 1/2 0%', 'step 1/2 20% from 0%', 'judgment 1/2 20% judged z1', 'step 2/2 50% from 20%'],
    );
    assert.deepEqual(e!.steps.map((s) => [s.commit, s.judged.length]), [['s1', 0], ['z1', 1], ['s2', 0]]);
  });

  it('reports paused and resumed rollouts by their newest commit', () => {
    const base = [
      canary('a1', 30, 'checkout', A, 'progressing', 10, { step: [1, 3] }),
      canary('a2', 35, 'checkout', A, 'paused', 10, { body: 'route edited' }),
    ];
    assert.equal(buildRolloutLog(newestFirst(...base), notesFrom())[0]?.outcome, 'paused');
    const resumed = buildRolloutLog(newestFirst(...base, canary('a3', 40, 'checkout', A, 'resumed', 10)), notesFrom());
    assert.equal(resumed[0]?.outcome, 'progressing');
    assert.equal(resumed[0]?.endedAt, null);
    assert.deepEqual(
      resumed[0]?.steps.map((s) => s.commit),
      ['a1'],
    );
    assert.deepEqual(
      resumed[0]?.events.map((x) => x.kind),
      ['start', 'pause', 'resume'],
    );
  });

  it('marks a rollout superseded when the candidate moved before it finished, and the new one says what it supersedes', () => {
    const log = buildRolloutLog(
      newestFirst(
        canary('a1', 30, 'checkout', A, 'progressing', 10, { step: [1, 3] }),
        canary('b1', 40, 'checkout', B, 'progressing', 10, { step: [1, 3], body: 'candidate moved to bbbbbbb during rollout checkout-aaaaaaa; restarting at step 1' }),
      ),
      notesFrom(),
    );
    assert.deepEqual(
      log.map((e) => [e.rollout, e.outcome, e.supersededBy]),
      [
        ['checkout-bbbbbbb', 'progressing', undefined],
        ['checkout-aaaaaaa', 'progressing', 'checkout-bbbbbbb'],
      ],
    );
    assert.deepEqual(log[0]!.events, [
      {
        kind: 'start',
        at: iso(40),
        commit: 'b1',
        weight: 10,
        step: 1,
        total: 3,
        why: 'candidate moved to bbbbbbb during rollout checkout-aaaaaaa; restarting at step 1',
        supersedes: 'checkout-aaaaaaa',
      },
    ]);
  });

  it('every judgment appears exactly once, on the step it judged', () => {
    assert.deepEqual(judgmentsOf(buildRolloutLog(history, notes)), [
      'checkout-aaaaaaa 1/3 10% inconclusive @a1',
      'checkout-aaaaaaa 1/3 10% pass @a2',
      'checkout-aaaaaaa 2/3 25% fail @a2',
      'cart-aaaaaaa 1/1 20% fail @k1',
      'cart-aaaaaaa 1/1 20% fail @k1',
      'cart-aaaaaaa 1/1 20% fail @k2',
      'checkout-ccccccc 1/2 10% pass @c2',
      'checkout-ccccccc 2/2 50% pass @c3',
    ]);
  });
});

describe('reading record bodies', () => {
  it('why: the paragraphs but the checks line, one line', () => {
    assert.equal(whyOf(`${PASS}\n\nstep 1/3 (10%) passed`), 'step 1/3 (10%) passed');
    assert.equal(whyOf('candidate a differs\nfrom production\n\nnot exercised by the canary: ConfigMap x'), 'candidate a differs from production; not exercised by the canary: ConfigMap x');
    assert.equal(whyOf(''), '');
  });
  it('bounds: as written beside each check of the checks line', () => {
    assert.deepEqual(
      [...boundsFromBody(`reason\n\n${PASS}; error-rate 0.1 (min 0, max 1) pass; bare 3 pass`)],
      [
        ['success-rate', { min: 99 }],
        ['latency-p99', { max: 0.5 }],
        ['error-rate', { min: 0, max: 1 }],
      ],
    );
    assert.deepEqual([...boundsFromBody('no checks here')], []);
    // Every outcome of the grammar, comparisons beside the bounds: the bounds alone are read.
    assert.deepEqual(
      [...boundsFromBody('requests 12 (minRequests 100) inconclusive; p99 - (max 500, ref 180 maxIncrease 10%) inconclusive (too few samples); errors 0.2 (min 0) fail critical')],
      [
        ['p99', { max: 500 }],
        ['errors', { min: 0 }],
      ],
    );
  });
});

describe('formatRolloutLog', () => {
  it('prints a block per rollout and a line per event, with times since the start', () => {
    assert.equal(
      formatRolloutLog([checkoutA, cartA], { now: at(42) }),
      `checkout-aaaaaaa  progressing for 12m
  service checkout  candidate aaaaaaa  started 2023-11-14T22:43:20Z  ended -
  2023-11-14T22:43:20Z  +0s   start     1/3  10%  a1
  2023-11-14T22:48:20Z  +5m   judgment  1/3  10%  a1  inconclusive: success-rate 99.9 (min 99) pass
  2023-11-14T22:53:20Z  +10m  judgment  1/3  10%  a2  pass: success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass
  2023-11-14T22:53:20Z  +10m  step      2/3  25%  a2  10% → 25%: step 1/3 (10%) passed
  2023-11-14T22:58:20Z  +15m  judgment  2/3  25%  a2  fail: success-rate 97.5 (min 99) fail

cart-aaaaaaa  rolled-back after 5m
  service cart  candidate aaaaaaa  started 2023-11-14T22:28:20Z  ended 2023-11-14T22:33:20Z
  2023-11-14T22:28:20Z  +0s  start     1/1  20%  k1
  2023-11-14T22:30:20Z  +2m  judgment  1/1  20%  k1  fail: success-rate 97.5 (min 99) fail
  2023-11-14T22:31:20Z  +3m  judgment  1/1  20%  k1  fail: success-rate 97.5 (min 99) fail
  2023-11-14T22:33:20Z  +5m  judgment  1/1  20%  k2  fail: success-rate 97 (min 99) fail; latency-p99 - (max 0.5) no-data
  2023-11-14T22:33:20Z  +5m  rollback  1/1   0%  k2  2/2 failed checks
`,
    );
    assert.equal(formatRolloutLog([]), 'no rollouts found\n');
  });

  it('durations like 54s and 1m30s; a person, a failed-check count and a superseded rollout are said', () => {
    const e: RolloutLogEntry = {
      ...cartA,
      endedAt: null,
      outcome: 'progressing',
      supersededBy: 'cart-bbbbbbb',
      events: [
        { kind: 'start', at: iso(15), commit: 'k1', weight: 20, step: 1, total: 1, why: 'candidate aaaaaaa differs from production' },
        { kind: 'judgment', at: new Date(at(15).getTime() + 54_000).toISOString(), commit: 'f1', weight: 20, step: 1, total: 1, outcome: 'fail', checks: [], failedChecks: 1, source: 'commit', stepCommit: 'k1' },
        { kind: 'pause', at: new Date(at(16).getTime() + 30_000).toISOString(), commit: 'p1', weight: 20, step: 1, total: 1, actor: 'bob', why: 'pause requested by bob', by: 'bob' },
      ],
    };
    assert.equal(
      formatRolloutLog([e]),
      `cart-aaaaaaa  progressing, superseded by cart-bbbbbbb (the candidate moved)
  service cart  candidate aaaaaaa  started 2023-11-14T22:28:20Z  ended -
  2023-11-14T22:28:20Z  +0s     start     1/1  20%  k1  candidate aaaaaaa differs from production
  2023-11-14T22:29:14Z  +54s    judgment  1/1  20%  f1  fail (1 failed check counted)
  2023-11-14T22:29:50Z  +1m30s  pause     1/1  20%  p1  pause requested by bob
`,
    );
  });
});
