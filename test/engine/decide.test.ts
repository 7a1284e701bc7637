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
    inconclusive: 0,
    errors: 0,
    started: T0,
    startedFrom: 'trailer',
    references: {},
    ...over,
  };
}

const ACTIVE = { inconclusive: 0, errors: 0, started: T0, startedFrom: 'trailer' as const, references: {} };

function judgment(outcome: Judgment['outcome'], over: Partial<Judgment> = {}): Judgment {
  return { outcome, checks: [], summary: `success-rate ${outcome}`, critical: [], ...over };
}

/** A judgment whose one check answered `outcome` for `reason`. */
function judged(outcome: Judgment['outcome'], check: Judgment['checks'][number]['outcome'], reason: string): Judgment {
  return judgment(outcome, { checks: [{ name: 'success-rate', query: 'q', value: null, outcome: check, reason, min: 99 }] });
}

const MATCHING = { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: true };

function input(over: Partial<DecideInput> = {}): DecideInput {
  return {
    service: 'checkout',
    steps: [10, 25, 50],
    intervalMs: 5 * 60_000,
    threshold: 2,
    hasAnalysis: true,
    inconclusiveLimit: 5,
    errorLimit: 4,
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
      state: { phase: 'paused', rollout: 'r', candidate: CAND, step: 1, total: 3, weight: 10, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, pausedAt: T0, reason: 'x edited', lastCommit: 's', ...ACTIVE },
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
    { kind: 'hold', record: 'fail', failedChecks: 1, reasonIncludes: '1/2 failed checks' },
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
    'inconclusive (no data) → hold, recorded as the first inconclusive in a row, the failed count kept',
    input({ state: progressing({ failedChecks: 1 }), observed: MATCHING, judgment: judgment('inconclusive') }),
    { kind: 'hold', record: 'inconclusive', failedChecks: 1, inconclusive: 1, errors: 0, reasonIncludes: 'inconclusive at step 1/3 (10%), 1/5 in a row' },
  ],
  [
    'metrics error → hold, recorded as the first error in a row, never rollback',
    input({ state: progressing({ failedChecks: 1 }), observed: MATCHING, judgment: judgment('error') }),
    { kind: 'hold', record: 'error', failedChecks: 1, inconclusive: 0, errors: 1, reasonIncludes: 'metrics error at step 1/3 (10%), 1/4 in a row' },
  ],
  [
    'an error below errorLimit counts on from the errors in a row, keeping the inconclusive count',
    input({ state: progressing({ errors: 2, inconclusive: 1 }), observed: MATCHING, judgment: judgment('error') }),
    { kind: 'hold', record: 'error', errors: 3, inconclusive: 1, reasonIncludes: '3/4 in a row' },
  ],
  [
    'the errorLimit-th error in a row → pause (never rollback), saying how many, where, the last reason and what to do',
    input({ state: progressing({ errors: 3, failedChecks: 1 }), observed: MATCHING, judgment: judged('error', 'error', 'prometheus answered 401 Unauthorized') }),
    {
      kind: 'pause',
      files: [],
      errors: 4,
      reasonIncludes: '4 errored judgments in a row (errorLimit 4) at step 1/3 (10%): success-rate: prometheus answered 401 Unauthorized — fix the metrics source, then git-canary resume --service checkout',
    },
  ],
  [
    'the inconclusiveLimit-th inconclusive judgment in a row → pause',
    input({ state: progressing({ inconclusive: 4 }), observed: MATCHING, judgment: judged('inconclusive', 'no-data', 'query returned NaN') }),
    { kind: 'pause', inconclusive: 5, reasonIncludes: '5 inconclusive judgments in a row (inconclusiveLimit 5) at step 1/3 (10%): success-rate: query returned NaN' },
  ],
  [
    'too few requests: the pause names the request floor as the last reason',
    input({
      inconclusiveLimit: 1,
      state: progressing(),
      observed: MATCHING,
      judgment: judgment('inconclusive', { requests: { value: 12, min: 100, outcome: 'inconclusive', reason: '12 requests, below minRequests 100' } }),
    }),
    { kind: 'pause', inconclusive: 1, reasonIncludes: '1 inconclusive judgment in a row (inconclusiveLimit 1) at step 1/3 (10%): 12 requests, below minRequests 100' },
  ],
  [
    'limits of 1: the first error pauses',
    input({ errorLimit: 1, state: progressing(), observed: MATCHING, judgment: judgment('error') }),
    { kind: 'pause', errors: 1 },
  ],
  [
    'a critical check failed → rollback at once, whatever threshold, naming the check and why',
    input({
      threshold: 3,
      state: progressing(),
      observed: MATCHING,
      judgment: judgment('fail', { critical: ['error-rate'], checks: [{ name: 'error-rate', query: 'q', value: 7, outcome: 'fail', reason: '7 is above max 1', max: 1, critical: true }] }),
    }),
    { kind: 'rollback', failedChecks: 1, reasonIncludes: 'critical check failed at step 1/3 (10%): error-rate: 7 is above max 1' },
  ],
  [
    'a critical failure beats an inconclusive verdict of the other checks',
    input({ state: progressing({ inconclusive: 4 }), observed: MATCHING, judgment: judgment('inconclusive', { critical: ['a', 'b'] }) }),
    { kind: 'rollback', failedChecks: 1, reasonIncludes: 'critical checks failed at step 1/3 (10%): a, b' },
  ],
  [
    'progressDeadline passed → rollback, naming the deadline and the start',
    input({ progressDeadlineMs: 3_600_000, state: progressing({ stepStartedAt: min(50) }), observed: MATCHING, now: min(60) }),
    { kind: 'rollback', failedChecks: 0, reasonIncludes: 'not promoted within progressDeadline 1h (started 2026-01-01T00:00:00.000Z)' },
  ],
  [
    'progressDeadline not yet passed → the rollout goes on',
    input({ progressDeadlineMs: 3_600_000, state: progressing(), observed: MATCHING, now: min(59) }),
    { kind: 'analyze' },
  ],
  [
    'progressDeadline counted from an older record without Canary-Started says so',
    input({ progressDeadlineMs: 60_000, state: progressing({ startedFrom: 'record' }), observed: MATCHING, now: min(1) }),
    { kind: 'rollback', reasonIncludes: 'counted from its newest record sssssss, which has no Canary-Started' },
  ],
  [
    'progressDeadline beats a judgment that would pass',
    input({ progressDeadlineMs: 60_000, state: progressing(), observed: MATCHING, judgment: judgment('pass') }),
    { kind: 'rollback', reasonIncludes: 'progressDeadline 1m' },
  ],
  [
    'progressDeadline beats a canary at 0% waiting for its weight back',
    input({ progressDeadlineMs: 60_000, state: progressing({ weight: 0 }), observed: MATCHING }),
    { kind: 'rollback', reasonIncludes: 'progressDeadline' },
  ],
  [
    "a person's edit beats the progressDeadline (pause, leave their change)",
    input({ progressDeadlineMs: 60_000, state: progressing(), observed: { ...MATCHING, managedFilesEditedBy: { files: ['vs.yaml'] } } }),
    { kind: 'pause', files: ['vs.yaml'] },
  ],
  [
    'a paused rollout is never rolled back by the progressDeadline (a person holds it)',
    input({
      progressDeadlineMs: 60_000,
      now: min(600),
      state: { phase: 'paused', rollout: 'r', candidate: CAND, step: 1, total: 3, weight: 10, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, pausedAt: T0, reason: 'x', lastCommit: 's', ...ACTIVE },
      observed: MATCHING,
    }),
    { kind: 'none' },
  ],
  [
    'a restart on a moved candidate beats the progressDeadline (a new rollout starts)',
    input({ progressDeadlineMs: 60_000, state: progressing(), observed: { candidateSha: 'd'.repeat(40), candidateEqualsProduction: false, candidateMatchesRollout: false } }),
    { kind: 'start', restart: true },
  ],
  [
    'applied: not yet synced → hold naming what Argo CD says, no record, nothing judged',
    input({ state: progressing(), observed: { ...MATCHING, applied: { state: 'pending', reason: 'Argo CD Application argocd/shop is OutOfSync at 1234567, waiting for Argo CD to sync sssssss' } }, judgment: judgment('pass') }),
    { kind: 'hold', record: undefined, reasonIncludes: 'step 1/3 (10%) is not applied yet: Argo CD Application argocd/shop is OutOfSync' },
  ],
  [
    'applied: pending with a progressDeadline warns how long is left',
    input({ progressDeadlineMs: 3_600_000, state: progressing(), observed: { ...MATCHING, applied: { state: 'pending', reason: 'not synced' } } }),
    { kind: 'hold', reasonIncludes: 'progressDeadline 1h passes in 50m' },
  ],
  [
    'applied: synced but degraded → hold naming the health',
    input({ state: progressing(), observed: { ...MATCHING, applied: { state: 'degraded', reason: 'its health is Degraded' } } }),
    { kind: 'hold', reasonIncludes: 'step 1/3 (10%) is applied but not healthy: its health is Degraded' },
  ],
  [
    'applied: the Kubernetes API cannot be read → hold with the reason, never a decision',
    input({ state: progressing({ errors: 3 }), observed: { ...MATCHING, applied: { state: 'error', reason: 'HTTP 403 from the Kubernetes API' } } }),
    { kind: 'hold', record: undefined, failedChecks: 0, reasonIncludes: 'cannot tell whether step 1/3 (10%) is applied: HTTP 403' },
  ],
  [
    'applied: not applied and past the progressDeadline → rollback (the deadline rule still applies)',
    input({ progressDeadlineMs: 60_000, state: progressing(), observed: { ...MATCHING, applied: { state: 'pending', reason: 'not synced' } } }),
    { kind: 'rollback', reasonIncludes: 'progressDeadline' },
  ],
  [
    'applied and healthy: the clock starts when it was applied (+ initialDelay)',
    input({ initialDelayMs: 60_000, state: progressing(), observed: { ...MATCHING, applied: { state: 'applied', since: min(6), revision: 's', detail: 'Synced' } }, now: min(10) }),
    { kind: 'none', reasonIncludes: 'waiting 2m more at step 1/3 (10%)' },
  ],
  [
    'applied and healthy long ago: the step clock rules',
    input({ state: progressing(), observed: { ...MATCHING, applied: { state: 'applied', since: T0, revision: 's', detail: 'Synced' } }, now: min(10) }),
    { kind: 'analyze', windowStart: T0 },
  ],
  [
    'applied: the analysis window starts at the applied time (+ initialDelay)',
    input({ initialDelayMs: 30_000, state: progressing(), observed: { ...MATCHING, applied: { state: 'applied', since: min(2), revision: 's', detail: 'Synced' } }, now: min(10) }),
    { kind: 'analyze', windowStart: new Date(min(2).getTime() + 30_000) },
  ],
  [
    'the analysis window starts at the last judgment at this step',
    input({ state: progressing({ lastJudgedAt: min(4) }), observed: MATCHING, now: min(10) }),
    { kind: 'analyze', windowStart: min(4) },
  ],
  [
    'a pass after inconclusive judgments moves on (the counts are the records\' to reset)',
    input({ state: progressing({ inconclusive: 4, errors: 3 }), observed: MATCHING, judgment: judgment('pass') }),
    { kind: 'step', step: 2, weight: 25 },
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
    { kind: 'hold', record: undefined, reasonIncludes: 'candidate branch is gone; the rollout at 25% is held' },
  ],
  [
    'a paused rollout whose candidate branch is gone holds too (no commit)',
    input({
      state: { phase: 'paused', rollout: 'r', candidate: CAND, step: 1, total: 3, weight: 10, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, pausedAt: T0, reason: 'x edited', lastCommit: 's', ...ACTIVE },
      observed: { candidateSha: '', candidateEqualsProduction: false, candidateMatchesRollout: false, candidateMissing: 'candidate' },
    }),
    { kind: 'hold', record: undefined, reasonIncludes: 'branch is gone' },
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
      { phase: 'paused', rollout: 'r', candidate: CAND, step: 1, total: 3, weight: 10, base: 'b'.repeat(40), release: 'd'.repeat(64), failedChecks: 0, pausedAt: T0, reason: 'r', lastCommit: 's', ...ACTIVE },
    ];
    const bools = [true, false];
    const judgments = [undefined, ...(['pass', 'fail', 'inconclusive', 'error'] as const).map((o) => judgment(o)), judgment('fail', { critical: ['x'] })];
    const applied = [undefined, { state: 'pending', reason: 'p' }, { state: 'degraded', reason: 'd' }, { state: 'error', reason: 'e' }, { state: 'applied', since: min(8), revision: 'r', detail: 'ok' }] as const;
    for (const state of [...states, progressing({ errors: 3, inconclusive: 4 })])
      for (const eq of bools)
        for (const match of bools)
          for (const j of judgments)
            for (const a of applied) {
              const observed = { candidateSha: CAND, candidateEqualsProduction: eq, candidateMatchesRollout: match, ...(a ? { applied: a } : {}) };
              const d = decide(input({ state, judgment: j, observed }));
              assert.ok(d.reason, JSON.stringify(d));
              // Inconclusive and errored judgments never roll back (only a critical failure or the candidate returning does).
              if (j && j.critical.length === 0 && (j.outcome === 'inconclusive' || j.outcome === 'error') && d.kind === 'rollback') assert.ok(eq, d.reason);
              // Nothing is judged on a step Argo CD / Flux has not applied healthy.
              if (a && a.state !== 'applied' && state.phase === 'progressing' && state.weight > 0 && match && !eq) assert.equal(d.kind, 'hold', d.reason);
              if (d.kind === 'start' || d.kind === 'step') assert.ok(d.weight >= 1 && d.weight <= 100);
              // Nothing advances or promotes on a canary without traffic.
              if (state.phase === 'progressing' && state.weight === 0) assert.ok(d.kind !== 'promote' && !(d.kind === 'step' && d.step !== state.step), JSON.stringify(d));
            }
  });
});
