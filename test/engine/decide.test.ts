import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Judgment } from '../../src/analysis/types.ts';
import { decide } from '../../src/engine/decide.ts';
import type { DecideInput, Decision, RolloutState } from '../../src/engine/types.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const min = (n: number) => new Date(T0.getTime() + n * 60_000);
const CAND = 'c'.repeat(40);

function progressing(over: Partial<Extract<RolloutState, { phase: 'progressing' }>> = {}): RolloutState {
  return {
    phase: 'progressing',
    rollout: 'checkout-ccccccc',
    candidate: CAND,
    step: 1,
    total: 3,
    weight: 10,
    base: 'b'.repeat(40),
    release: 'd'.repeat(64),
    stepStartedAt: T0,
    failedChecks: 0,
    lastCommit: 's'.repeat(40),
    ...over,
  };
}

function judgment(outcome: Judgment['outcome']): Judgment {
  return { outcome, checks: [], summary: `success-rate ${outcome}`, critical: [] };
}

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    service: 'checkout',
    steps: [10, 25, 50],
    intervalMs: 5 * 60_000,
    threshold: 2,
    hasAnalysis: true,
    state: { phase: 'idle' },
    observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: false },
    now: min(10),
    ...over,
  };
}

/** The fields of a decision a case pins; reasons are checked by substring. */
type Expect = Partial<Record<string, unknown>> & { kind: Decision['kind']; reasonIncludes?: string };

const cases: [string, DecideInput, Expect][] = [
  ['idle and in sync → none', input({ observed: { candidateSha: CAND, candidateEqualsProduction: true, candidateMatchesRollout: false } }), { kind: 'none', reasonIncludes: 'same' }],
  ['idle and candidate differs → start at steps[0]', input(), { kind: 'start', step: 1, total: 3, weight: 10, restart: false }],
  [
    'idle after promotion of this candidate but release differs again → start',
    input({ state: { phase: 'idle', last: { rollout: 'r', candidate: 'a'.repeat(40), outcome: 'promoted', commit: 'p', at: T0 } } }),
    { kind: 'start', weight: 10 },
  ],
  [
    'rolled-back candidate is never retried',
    input({
      state: { phase: 'idle', last: { rollout: 'r', candidate: CAND, outcome: 'rolled-back', commit: 'p', at: T0 } },
      observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true },
    }),
    { kind: 'none', reasonIncludes: 'rolled back' },
  ],
  [
    'a new candidate commit after a rollback starts a new rollout',
    input({
      state: { phase: 'idle', last: { rollout: 'r', candidate: 'a'.repeat(40), outcome: 'rolled-back', commit: 'p', at: T0 } },
      observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: false },
    }),
    { kind: 'start', weight: 10 },
  ],
  [
    'paused → none until resumed',
    input({
      state: { phase: 'paused', rollout: 'r', candidate: CAND, step: 1, total: 3, weight: 10, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, pausedAt: T0, reason: 'x edited', lastCommit: 's' },
    }),
    { kind: 'none', reasonIncludes: 'git-canary resume --service checkout' },
  ],
  [
    'a person edited a managed file → pause, naming the files',
    input({
      state: progressing(),
      observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true, managedFilesEditedBy: { files: ['vs.yaml'], commit: 'f'.repeat(40) } },
    }),
    { kind: 'pause', files: ['vs.yaml'], reasonIncludes: 'vs.yaml changed on production in fffffff' },
  ],
  [
    'recorded judgment notes vanished → pause with that reason, before anything else is judged',
    input({
      state: progressing({ failedChecks: 1 }),
      observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true, notesVanished: 'the judgment notes of abc are gone' },
      judgment: judgment('pass'),
    }),
    { kind: 'pause', files: [], reasonIncludes: 'notes of abc are gone' },
  ],
  [
    'a canary at 0% (a person set it, then resumed) is given its step weight back, never judged or promoted',
    input({ state: progressing({ step: 3, weight: 0 }), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, now: min(60), judgment: judgment('pass') }),
    { kind: 'step', step: 3, total: 3, weight: 50, reasonIncludes: 'no traffic' },
  ],
  [
    'candidate returned to production content mid-rollout → rollback',
    input({ state: progressing(), observed: { candidateSha: CAND, candidateEqualsProduction: true, candidateMatchesRollout: false } }),
    { kind: 'rollback', reasonIncludes: 'returned' },
  ],
  [
    'candidate moved to other content mid-rollout → restart at step 1',
    input({ state: progressing({ step: 2, weight: 25 }), observed: { candidateSha: 'd'.repeat(40), candidateEqualsProduction: false, candidateMatchesRollout: false } }),
    { kind: 'start', restart: true, weight: 10, step: 1 },
  ],
  [
    'interval not passed → none, with the time left',
    input({ state: progressing(), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, now: min(3) }),
    { kind: 'none', reasonIncludes: 'waiting 2m more at step 1/3 (10%)' },
  ],
  [
    'interval counts from the last judgment at this step',
    input({ state: progressing({ lastJudgedAt: min(8) }), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, now: min(10) }),
    { kind: 'none', reasonIncludes: 'waiting 3m' },
  ],
  [
    'interval passed, no judgment yet → analyze',
    input({ state: progressing(), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, now: min(5) }),
    { kind: 'analyze' },
  ],
  [
    'pass → next step',
    input({ state: progressing(), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, judgment: judgment('pass') }),
    { kind: 'step', step: 2, total: 3, weight: 25 },
  ],
  [
    'pass at the last step → promote',
    input({ state: progressing({ step: 3, weight: 50 }), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, judgment: judgment('pass') }),
    { kind: 'promote' },
  ],
  [
    'no analysis configured → steps advance on interval alone',
    input({ hasAnalysis: false, state: progressing(), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true } }),
    { kind: 'step', weight: 25 },
  ],
  [
    'fail below threshold → hold and record the failure',
    input({ state: progressing(), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, judgment: judgment('fail') }),
    { kind: 'hold', recordFailure: true, failedChecks: 1, reasonIncludes: '1/2 failed checks' },
  ],
  [
    'fail reaching threshold → rollback',
    input({ state: progressing({ failedChecks: 1 }), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, judgment: judgment('fail') }),
    { kind: 'rollback', failedChecks: 2 },
  ],
  [
    'threshold 1 → the first failure rolls back',
    input({ threshold: 1, state: progressing(), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, judgment: judgment('fail') }),
    { kind: 'rollback', failedChecks: 1 },
  ],
  [
    'inconclusive (no data) → hold, nothing recorded',
    input({ state: progressing({ failedChecks: 1 }), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, judgment: judgment('inconclusive') }),
    { kind: 'hold', recordFailure: false, failedChecks: 1, reasonIncludes: 'inconclusive' },
  ],
  [
    'metrics error → hold, never rollback',
    input({ state: progressing({ failedChecks: 1 }), observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true }, judgment: judgment('error') }),
    { kind: 'hold', recordFailure: false, reasonIncludes: 'metrics error' },
  ],
  [
    'progressing and a person closed the promotion pull request → rollback, whatever else is due',
    input({
      state: progressing({ pullRequest: 12, failedChecks: 1 }),
      observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true, pullRequestClosed: { number: 12, by: 'dana' } },
      now: min(60),
    }),
    { kind: 'rollback', failedChecks: 1, reasonIncludes: 'pull request #12 was closed without merging by dana' },
  ],
  [
    'idle without a candidate branch → none, saying so',
    input({ observed: { candidateSha: '', candidateEqualsProduction: false, candidateMatchesRollout: false, candidateMissing: 'candidate' } }),
    { kind: 'none', reasonIncludes: 'no candidate branch yet' },
  ],
  [
    'a rollout whose candidate branch is gone holds, naming its weight',
    input({
      state: progressing({ step: 2, weight: 25 }),
      now: min(60),
      observed: { candidateSha: '', candidateEqualsProduction: false, candidateMatchesRollout: false, candidateMissing: 'candidate' },
    }),
    { kind: 'hold', recordFailure: false, reasonIncludes: 'candidate branch is gone; the rollout at 25% is held' },
  ],
  [
    'a paused rollout whose candidate branch is gone holds too (no commit)',
    input({
      state: { phase: 'paused', rollout: 'r', candidate: CAND, step: 1, total: 3, weight: 10, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, pausedAt: T0, reason: 'x edited', lastCommit: 's' },
      observed: { candidateSha: '', candidateEqualsProduction: false, candidateMatchesRollout: false, candidateMissing: 'candidate' },
    }),
    { kind: 'hold', recordFailure: false, reasonIncludes: 'branch is gone' },
  ],
  [
    'a promoted release a person reverted on production is not rolled out again while candidate holds it',
    input({
      state: { phase: 'idle', last: { rollout: 'r', candidate: CAND, outcome: 'promoted', commit: 'p', at: T0 } },
      observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true, releaseReverted: { commit: 'e'.repeat(40), author: 'Bob', revert: true } },
    }),
    { kind: 'none', reasonIncludes: `release ${CAND.slice(0, 7)} was reverted on production by Bob in eeeeeee; waiting for a new candidate` },
  ],
  [
    'after a revert of a promotion, a new candidate release starts',
    input({
      state: { phase: 'idle', last: { rollout: 'r', candidate: CAND, outcome: 'promoted', commit: 'p', at: T0 } },
      observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: false, releaseReverted: { commit: 'e'.repeat(40), author: 'Bob', revert: true } },
    }),
    { kind: 'start', weight: 10 },
  ],
];

describe('decide()', () => {
  for (const [name, given, expected] of cases) {
    it(name, () => {
      const d = decide(given) as Decision & Record<string, unknown>;
      const { reasonIncludes, ...fields } = expected;
      for (const [k, v] of Object.entries(fields)) assert.deepEqual(d[k], v, `${k} of ${JSON.stringify(d)}`);
      if (reasonIncludes) assert.ok(d.reason.includes(reasonIncludes), `reason "${d.reason}" lacks "${reasonIncludes}"`);
      assert.ok(d.reason.length > 0);
    });
  }

  it('is total: every state × observation × judgment gives a decision with a reason', () => {
    const states: RolloutState[] = [
      { phase: 'idle' },
      progressing(),
      progressing({ step: 3, weight: 50 }),
      progressing({ step: 2, weight: 0 }),
      { phase: 'paused', rollout: 'r', candidate: CAND, step: 1, total: 3, weight: 10, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, pausedAt: T0, reason: 'r', lastCommit: 's' },
    ];
    const bools = [true, false];
    const judgments = [undefined, ...(['pass', 'fail', 'inconclusive', 'error'] as const).map(judgment)];
    for (const state of states)
      for (const eq of bools)
        for (const match of bools)
          for (const j of judgments) {
            const d = decide(input({ state, judgment: j, observed: { candidateSha: CAND, candidateEqualsProduction: eq, candidateMatchesRollout: match } }));
            assert.ok(d.reason, JSON.stringify(d));
            if (d.kind === 'start' || d.kind === 'step') assert.ok(d.weight >= 1 && d.weight <= 100);
            // Nothing advances or promotes on a canary without traffic.
            if (state.phase === 'progressing' && state.weight === 0) assert.ok(d.kind !== 'promote' && !(d.kind === 'step' && d.step !== state.step), JSON.stringify(d));
          }
  });
});
