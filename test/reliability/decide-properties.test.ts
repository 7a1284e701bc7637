/**
 * Property tests of the pure rollout policy, decide() (src/engine/decide.ts),
 * driven step by step the way the runner drives it (runner/tick-service.ts):
 * observe → decide → (analyze: run checks, decide again) → commit, and the
 * commit becomes the next tick's state, as production's newest record would
 * (audit/state.ts). Between ticks, random things happen: judgments
 * (pass/fail/no data/error), a clock that advances by random amounts (sometimes
 * not at all, sometimes backwards), a person's edits (route weight, release
 * file, canary file), candidate changes and deletions, pauses and resumes
 * (runner/manual.ts: resume continues from the step nearest to the route's
 * weight), and reverts of a promotion.
 *
 * Judgments may carry a failed critical check (rollback at once, whatever the
 * threshold); inconclusive and errored judgments are counted in a row and
 * pause at their limits, never roll back; a progressDeadline (when set) rolls
 * back a rollout in progress, never a paused one; Argo CD / Flux (when the
 * service waits for them) may report the step pending, degraded or unreadable,
 * and then nothing is judged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { Judgment } from '../../src/analysis/types.ts';
import { decide } from '../../src/engine/decide.ts';
import type { DecideInput, Decision, Observations, RolloutState } from '../../src/engine/types.ts';
import { nearestStep } from '../../src/runner/manual.ts';
import { FULL, recordFigures, scale } from './figures.ts';

type Outcome = Judgment['outcome'];

type PersonAction =
  | { kind: 'route'; weight: number }
  | { kind: 'release' }
  | { kind: 'canary' }
  | { kind: 'candidate'; toProduction: boolean }
  | { kind: 'delete-candidate' }
  | { kind: 'restore-candidate' }
  | { kind: 'revert-promotion' }
  | { kind: 'pause' }
  | { kind: 'resume' };

interface TickEvent {
  /** Clock change before this tick, ms (0, negative, or forward). */
  dt: number;
  person?: PersonAction;
  /** The judgment the checks give if this tick runs them. */
  outcome: Outcome;
  /** A critical check failed in that judgment. */
  critical: boolean;
  /** What Argo CD / Flux report this tick (services with `applied:` only). */
  applied: 'applied' | 'pending' | 'degraded' | 'error';
}

interface Scenario {
  steps: number[];
  intervalMs: number;
  threshold: number;
  hasAnalysis: boolean;
  inconclusiveLimit: number;
  errorLimit: number;
  progressDeadlineMs?: number;
  /** The service waits for Argo CD / Flux. */
  waitsForApplied: boolean;
  events: TickEvent[];
}

const T0 = Date.parse('2026-01-01T00:00:00Z');

const stepsArb = fc
  .uniqueArray(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 })
  .map((a) => [...a].sort((x, y) => x - y));

const personArb: fc.Arbitrary<PersonAction> = fc.oneof(
  fc.record({ kind: fc.constant('route' as const), weight: fc.oneof(fc.constant(0), fc.constant(100), fc.integer({ min: 0, max: 100 })) }),
  fc.constant({ kind: 'release' as const }),
  fc.constant({ kind: 'canary' as const }),
  fc.record({ kind: fc.constant('candidate' as const), toProduction: fc.boolean() }),
  fc.constant({ kind: 'delete-candidate' as const }),
  fc.constant({ kind: 'restore-candidate' as const }),
  fc.constant({ kind: 'revert-promotion' as const }),
  fc.constant({ kind: 'pause' as const }),
  fc.constant({ kind: 'resume' as const }),
);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    steps: stepsArb,
    intervalMs: fc.constantFrom(60_000, 120_000, 300_000),
    threshold: fc.integer({ min: 1, max: 3 }),
    hasAnalysis: fc.constantFrom(true, true, true, false), // mostly analysed
    inconclusiveLimit: fc.integer({ min: 1, max: 5 }),
    errorLimit: fc.integer({ min: 1, max: 4 }),
    deadline: fc.option(fc.integer({ min: 1, max: 30 }), { freq: 2, nil: undefined }),
    waitsForApplied: fc.boolean(),
  })
  .chain((s) =>
    fc.record({
      steps: fc.constant(s.steps),
      intervalMs: fc.constant(s.intervalMs),
      threshold: fc.constant(s.threshold),
      hasAnalysis: fc.constant(s.hasAnalysis),
      inconclusiveLimit: fc.constant(s.inconclusiveLimit),
      errorLimit: fc.constant(s.errorLimit),
      ...(s.deadline !== undefined ? { progressDeadlineMs: fc.constant(s.deadline * s.intervalMs) } : {}),
      waitsForApplied: fc.constant(s.waitsForApplied),
      events: fc.array(
        fc.record(
          {
            dt: fc.oneof(
              { weight: 1, arbitrary: fc.constant(0) },
              { weight: 1, arbitrary: fc.integer({ min: -2 * s.intervalMs, max: -1 }) },
              { weight: 2, arbitrary: fc.constant(s.intervalMs) },
              { weight: 4, arbitrary: fc.integer({ min: 1, max: 3 * s.intervalMs }) },
            ),
            person: fc.option(personArb, { freq: 3, nil: undefined }),
            outcome: fc.constantFrom<Outcome>('pass', 'pass', 'fail', 'inconclusive', 'error'),
            critical: fc.constantFrom(false, false, false, false, false, false, false, true),
            applied: fc.constantFrom('applied' as const, 'applied' as const, 'applied' as const, 'pending' as const, 'degraded' as const, 'error' as const),
          },
          { requiredKeys: ['dt', 'outcome', 'critical', 'applied'] },
        ),
        { minLength: 1, maxLength: 40, size: 'large' },
      ),
    }),
  );

/** The world the runner observes: production, candidate and the service's newest record. */
interface World {
  now: number;
  /** Release versions: production's, candidate's; the candidate branch exists. */
  production: number;
  candidate: number;
  candidateExists: boolean;
  /** The canary weight production's route holds. */
  route: number;
  /** The service's state from its newest record (audit/state.ts). */
  state: RolloutState;
  /** A person changed a managed file since the newest record. */
  edited: boolean;
  /** Production's release before the last promotion (what a revert restores), and whether a person reverted it. */
  beforePromotion?: number;
  reverted: boolean;
  /** Failed judgments of the current rollout, counted by the model. */
  failures: number;
  /** Inconclusive and errored judgments in a row, counted by the model. */
  inconclusive: number;
  errors: number;
  /** Candidate versions a person reverted or we rolled back (never started again while candidate holds them). */
  records: number;
  nextVersion: number;
}

function freshWorld(): World {
  return { now: T0, production: 1, candidate: 2, candidateExists: true, route: 0, state: { phase: 'idle' }, edited: false, reverted: false, failures: 0, inconclusive: 0, errors: 0, records: 0, nextVersion: 3 };
}

const releaseOf = (v: number) => `release-${v}`;
const record = (w: World) => `record-${++w.records}`;

/** A person's action between ticks, applied to the world as git would. */
function personActs(w: World, a: PersonAction, steps: readonly number[]): void {
  const active = w.state.phase !== 'idle';
  switch (a.kind) {
    case 'route':
      if (!active || a.weight === w.route) return;
      w.route = a.weight;
      w.edited = true;
      return;
    case 'release':
      w.production = w.nextVersion++;
      if (active) w.edited = true;
      return;
    case 'canary':
      if (active) w.edited = true;
      return;
    case 'candidate':
      w.candidate = a.toProduction ? w.production : w.nextVersion++;
      return;
    case 'delete-candidate':
      w.candidateExists = false;
      return;
    case 'restore-candidate':
      w.candidateExists = true;
      return;
    case 'revert-promotion': {
      const s = w.state;
      if (s.phase !== 'idle' || s.last?.outcome !== 'promoted' || w.beforePromotion === undefined || w.production !== Number(s.last.release?.slice(8))) return;
      w.production = w.beforePromotion;
      // The revert also puts back the route of the commit before the promotion.
      w.reverted = true;
      return;
    }
    case 'pause': {
      const s = w.state;
      if (s.phase !== 'progressing') return;
      w.state = { ...s, phase: 'paused', weight: w.route, pausedAt: new Date(w.now), reason: 'pause requested by alice', lastCommit: record(w) };
      w.edited = false;
      return;
    }
    case 'resume': {
      const s = w.state;
      if (s.phase !== 'paused') return;
      const step = nearestStep(steps, w.route, s.step);
      const { pausedAt: _p, reason: _r, ...rest } = s;
      // A resume resets the judgments in a row (its record carries none).
      w.state = { ...rest, phase: 'progressing', step, weight: w.route, stepStartedAt: new Date(w.now), lastCommit: record(w), inconclusive: 0, errors: 0 };
      w.inconclusive = 0;
      w.errors = 0;
      w.edited = false;
      return;
    }
  }
}

/** What observe.ts would read from the world. */
function observe(w: World): { state: RolloutState; observed: Observations } {
  const s = w.state;
  const tested = s.phase === 'idle' ? s.last?.release : s.release;
  const observed: Observations = {
    candidateSha: w.candidateExists ? `cand-${w.candidate}` : '',
    candidateEqualsProduction: w.candidateExists && w.candidate === w.production,
    candidateMatchesRollout: w.candidateExists && tested !== undefined && tested === releaseOf(w.candidate),
    ...(w.candidateExists ? {} : { candidateMissing: 'candidate' }),
  };
  if (s.phase === 'progressing' && w.edited) observed.managedFilesEditedBy = { files: ['apps/x/route.yaml'], commit: 'person' };
  if (s.phase === 'idle' && s.last?.outcome === 'promoted' && observed.candidateMatchesRollout && !observed.candidateEqualsProduction) {
    observed.releaseReverted = { commit: 'person-revert', author: 'Bob', revert: w.reverted };
  }
  // observe.ts: the route is the truth of the weight.
  const state = s.phase !== 'idle' && s.weight !== w.route ? { ...s, weight: w.route } : s;
  return { state, observed };
}

/** The commit a decision makes, applied to the world (planCommit + publish, read back by stateFromRecord). */
function apply(w: World, d: Decision, steps: readonly number[]): boolean {
  const s = w.state;
  const now = new Date(w.now);
  switch (d.kind) {
    case 'start':
      w.state = {
        phase: 'progressing',
        rollout: `svc-${w.candidate}`,
        candidate: `cand-${w.candidate}`,
        step: 1,
        total: steps.length,
        weight: d.weight,
        base: s.phase === 'idle' ? 'base' : s.base,
        release: releaseOf(w.candidate),
        failedChecks: 0,
        lastCommit: record(w),
        stepStartedAt: now,
        inconclusive: 0,
        errors: 0,
        started: now,
        startedFrom: 'trailer',
        references: {},
      };
      w.route = d.weight;
      w.failures = 0;
      w.inconclusive = 0;
      w.errors = 0;
      break;
    case 'step':
      assert.equal(s.phase, 'progressing');
      if (s.phase !== 'progressing') return false;
      w.state = { ...s, step: d.step, weight: d.weight, stepStartedAt: now, lastJudgedAt: undefined, lastCommit: record(w), inconclusive: 0, errors: 0 };
      delete (w.state as { lastJudgedAt?: Date }).lastJudgedAt;
      w.route = d.weight;
      w.inconclusive = 0;
      w.errors = 0;
      break;
    case 'promote':
      assert.notEqual(s.phase, 'idle');
      if (s.phase === 'idle') return false;
      w.beforePromotion = w.production;
      w.production = Number(s.release.slice(8));
      w.reverted = false;
      w.state = { phase: 'idle', last: { rollout: s.rollout, candidate: s.candidate, outcome: 'promoted', commit: record(w), at: now, release: s.release } };
      w.route = 0;
      break;
    case 'rollback':
      assert.notEqual(s.phase, 'idle');
      if (s.phase === 'idle') return false;
      w.state = { phase: 'idle', last: { rollout: s.rollout, candidate: s.candidate, outcome: 'rolled-back', commit: record(w), at: now, release: s.release } };
      w.route = 0;
      break;
    case 'hold':
      if (!d.record) return false;
      assert.equal(s.phase, 'progressing', 'a judgment record only on a rollout in progress');
      if (s.phase !== 'progressing') return false;
      // A fail resets the counts in a row; an inconclusive or errored judgment carries both.
      w.inconclusive = d.record === 'fail' ? 0 : (d.inconclusive ?? 0);
      w.errors = d.record === 'fail' ? 0 : (d.errors ?? 0);
      w.state = { ...s, weight: w.route, failedChecks: d.failedChecks, lastJudgedAt: now, lastCommit: record(w), inconclusive: w.inconclusive, errors: w.errors };
      break;
    case 'pause':
      assert.equal(s.phase, 'progressing');
      if (s.phase !== 'progressing') return false;
      w.inconclusive = d.inconclusive ?? s.inconclusive;
      w.errors = d.errors ?? s.errors;
      w.state = { ...s, phase: 'paused', weight: w.route, pausedAt: now, reason: d.reason, lastCommit: record(w), inconclusive: w.inconclusive, errors: w.errors };
      break;
    default:
      return false;
  }
  w.edited = false;
  return true;
}

interface Counts {
  ticks: number;
  analyses: number;
  commits: number;
  starts: number;
  steps: number;
  promotions: number;
  rollbacks: number;
  pauses: number;
  holds: number;
  pausedTicks: number;
  criticalRollbacks: number;
  limitPauses: number;
  deadlineRollbacks: number;
  appliedHolds: number;
  revertsRespected: number;
  missingCandidate: number;
}

const counts: Counts = {
  ticks: 0,
  analyses: 0,
  commits: 0,
  starts: 0,
  steps: 0,
  promotions: 0,
  rollbacks: 0,
  pauses: 0,
  holds: 0,
  pausedTicks: 0,
  criticalRollbacks: 0,
  limitPauses: 0,
  deadlineRollbacks: 0,
  appliedHolds: 0,
  revertsRespected: 0,
  missingCandidate: 0,
};

/** One scenario, every promise checked at every tick. */
function run(sc: Scenario): void {
  const w = freshWorld();
  const { steps } = sc;
  const allowed = new Set([0, ...steps]);
  for (const ev of sc.events) {
    w.now += ev.dt;
    if (ev.person) personActs(w, ev.person, steps);
    const personRoute = !allowed.has(w.route);
    const { state, observed } = observe(w);
    // The runner asks Argo CD / Flux only for a rollout in progress at a weight above 0.
    if (sc.waitsForApplied && state.phase === 'progressing' && state.weight > 0) {
      observed.applied = ev.applied === 'applied' ? { state: 'applied', since: new Date(w.now - sc.intervalMs), revision: 'r', detail: 'Healthy' } : { state: ev.applied, reason: ev.applied };
    }
    const input: DecideInput = {
      service: 'svc',
      steps,
      intervalMs: sc.intervalMs,
      threshold: sc.threshold,
      hasAnalysis: sc.hasAnalysis,
      inconclusiveLimit: sc.inconclusiveLimit,
      errorLimit: sc.errorLimit,
      ...(sc.progressDeadlineMs !== undefined ? { progressDeadlineMs: sc.progressDeadlineMs } : {}),
      state,
      observed,
      now: new Date(w.now),
    };
    counts.ticks++;
    const first = decide(input);
    let final = first;
    let judgment: Judgment | undefined;
    if (first.kind === 'analyze') {
      assert.ok(sc.hasAnalysis, 'analyze only for a service with analysis');
      counts.analyses++;
      judgment = { outcome: ev.outcome, checks: [], summary: ev.outcome, critical: ev.critical ? ['latency'] : [] };
      // Nothing is judged on a step Argo CD / Flux has not applied healthy.
      assert.ok(observed.applied === undefined || observed.applied.state === 'applied', `judged a step that is ${observed.applied?.state}`);
      final = decide({ ...input, judgment });
      // Never two transitions in one tick: the second call decides, it never asks again.
      assert.notEqual(final.kind, 'analyze', 'decide() asked for analysis twice in one tick');
    }
    assert.ok(['none', 'start', 'step', 'promote', 'rollback', 'hold', 'pause'].includes(final.kind), `kind ${final.kind}`);

    // A paused service is never touched: no commit, whatever happens, until a person resumes.
    if (state.phase === 'paused') {
      counts.pausedTicks++;
      assert.ok(final.kind === 'none' || (final.kind === 'hold' && !final.record), `paused, yet ${final.kind}`);
    }

    // Weights only ever come from steps; a transition moves at most one step.
    if (final.kind === 'start') {
      assert.equal(final.weight, steps[0]);
      assert.equal(final.step, 1);
    }
    if (final.kind === 'step') {
      assert.equal(state.phase, 'progressing');
      if (state.phase === 'progressing') {
        assert.ok(final.step === state.step || final.step === state.step + 1, `from step ${state.step} to ${final.step}`);
        assert.equal(final.weight, steps[final.step - 1], 'a step sets the weight of its step');
      }
    }

    // Nothing advances without a pass at a weight above 0 after a full interval.
    const advances = final.kind === 'promote' || (final.kind === 'step' && state.phase === 'progressing' && final.step === state.step + 1);
    if (advances) {
      assert.equal(state.phase, 'progressing');
      if (state.phase === 'progressing') {
        assert.ok(state.weight > 0, 'advanced from a canary without traffic');
        const clock = Math.max(state.stepStartedAt.getTime(), state.lastJudgedAt?.getTime() ?? 0);
        assert.ok(w.now >= clock + sc.intervalMs, 'advanced before a full interval');
        if (sc.hasAnalysis) assert.equal(judgment?.outcome, 'pass', 'advanced without a pass');
        assert.equal(observed.managedFilesEditedBy, undefined, "advanced over a person's edit");
        assert.equal(observed.candidateMissing, undefined, 'advanced without a candidate');
      }
    }

    if (state.phase !== 'idle') {
      assert.equal(state.inconclusive, w.inconclusive, 'the inconclusive count read back is the one counted');
      assert.equal(state.errors, w.errors, 'the error count read back is the one counted');
    }
    const overdue = sc.progressDeadlineMs !== undefined && state.phase === 'progressing' && w.now - state.started.getTime() >= sc.progressDeadlineMs;
    // A critical failure rolls back at once, whatever the threshold and the other checks said.
    if (judgment && judgment.critical.length > 0 && state.phase === 'progressing') {
      assert.equal(final.kind, 'rollback', 'a critical failure did not roll back');
      if (final.kind === 'rollback') assert.equal(final.failedChecks, w.failures + 1);
      counts.criticalRollbacks++;
      w.failures++;
    } else if (judgment?.outcome === 'fail' && state.phase === 'progressing') {
      // Rollback exactly when failures reach the threshold.
      assert.equal(state.failedChecks, w.failures, 'the failed count read back is the one counted');
      const reached = w.failures + 1 >= sc.threshold;
      assert.equal(final.kind, reached ? 'rollback' : 'hold', `fail ${w.failures + 1}/${sc.threshold}`);
      if (final.kind === 'hold') assert.ok(final.record === 'fail' && final.failedChecks === w.failures + 1);
      if (final.kind === 'rollback') assert.equal(final.failedChecks, w.failures + 1);
      w.failures++;
    } else if ((judgment?.outcome === 'inconclusive' || judgment?.outcome === 'error') && state.phase === 'progressing') {
      // Inconclusive and errored judgments never roll back: each is recorded, and its limit always pauses.
      const inconclusive = judgment.outcome === 'inconclusive';
      const n = (inconclusive ? w.inconclusive : w.errors) + 1;
      const limit = inconclusive ? sc.inconclusiveLimit : sc.errorLimit;
      if (n >= limit) {
        assert.equal(final.kind, 'pause', `${n} ${judgment.outcome} in a row, limit ${limit}: ${final.kind}`);
        if (final.kind === 'pause') assert.match(final.reason, new RegExp(`^${n} (inconclusive|errored) judgments? in a row \\((inconclusiveLimit|errorLimit) ${n}\\)`));
        counts.limitPauses++;
      } else {
        assert.equal(final.kind, 'hold', `${n}/${limit} ${judgment.outcome}: ${final.kind}`);
        if (final.kind === 'hold') assert.equal(final.record, judgment.outcome);
      }
    } else if (final.kind === 'rollback') {
      // Any other rollback has a reason that is not a judgment: candidate returned to production, or the deadline.
      assert.ok(observed.candidateEqualsProduction || overdue, `rollback without failures at threshold: ${final.reason}`);
      if (!observed.candidateEqualsProduction) {
        assert.match(final.reason, /not promoted within progressDeadline/);
        counts.deadlineRollbacks++;
      }
    }
    if (judgment && judgment.outcome !== 'fail' && judgment.critical.length === 0) assert.notEqual(final.kind, 'rollback', `rollback on ${judgment.outcome}`);
    if (final.kind === 'hold' && final.record) assert.equal(judgment?.outcome, final.record);
    // A paused rollout is never rolled back by the deadline (nor by anything but a person).
    if (state.phase === 'paused') assert.notEqual(final.kind, 'rollback');
    if (final.kind === 'hold' && !final.record && observed.applied && observed.applied.state !== 'applied') counts.appliedHolds++;

    // A release that was rolled back, or that a person reverted after its promotion, is not rolled out again
    // while candidate still holds it; a missing candidate starts nothing and advances nothing.
    if (state.phase === 'idle' && observed.candidateMatchesRollout && (state.last?.outcome === 'rolled-back' || observed.releaseReverted)) {
      assert.notEqual(final.kind, 'start', 'rolled out again a release that was rolled back or reverted');
      counts.revertsRespected++;
    }
    if (observed.candidateMissing !== undefined) {
      counts.missingCandidate++;
      assert.ok(['none', 'hold', 'pause', 'rollback'].includes(final.kind), `candidate missing, yet ${final.kind}`);
      if (state.phase !== 'idle' && final.kind === 'hold') assert.match(final.reason, /candidate branch is gone/);
    }

    const committed = apply(w, final, steps);
    if (committed) counts.commits++;
    if (['start', 'step', 'promote', 'rollback'].includes(final.kind)) {
      // The engine only ever sets the route to a step's weight, or to 0 at the end.
      assert.ok(allowed.has(w.route), `the engine set the route to ${w.route}%`);
    } else if (!personRoute) {
      assert.ok(allowed.has(w.route), 'the route changed without a commit that sets it');
    }
    const key = ({ start: 'starts', step: 'steps', promote: 'promotions', rollback: 'rollbacks', pause: 'pauses', hold: 'holds' } as const)[
      final.kind as 'start'
    ];
    if (key) counts[key]++;
  }
}

const numRuns = scale(1_000, 20_000);
const seed = Number(process.env.GIT_CANARY_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));

test('decide(), driven tick by tick through random judgments, clocks, edits, pauses and reverts, keeps every rollout promise', () => {
  fc.assert(
    fc.property(scenarioArb, (sc) => {
      run(sc);
    }),
    { numRuns, seed },
  );
  recordFigures('decide-properties', {
    runs: numRuns,
    seed,
    'ticks driven': counts.ticks,
    analyses: counts.analyses,
    commits: counts.commits,
    starts: counts.starts,
    steps: counts.steps,
    promotions: counts.promotions,
    rollbacks: counts.rollbacks,
    pauses: counts.pauses,
    holds: counts.holds,
    'paused ticks': counts.pausedTicks,
    'reverted or rolled-back releases not retried': counts.revertsRespected,
    'ticks without a candidate': counts.missingCandidate,
    'critical rollbacks': counts.criticalRollbacks,
    'pauses at a limit of judgments in a row': counts.limitPauses,
    'progressDeadline rollbacks': counts.deadlineRollbacks,
    'holds for Argo CD / Flux': counts.appliedHolds,
  });
  // The generator must reach every transition, or the promises above say nothing.
  for (const k of ['starts', 'steps', 'promotions', 'rollbacks', 'pauses', 'holds', 'pausedTicks', 'revertsRespected', 'missingCandidate', 'criticalRollbacks', 'limitPauses', 'deadlineRollbacks', 'appliedHolds'] as const) {
    assert.ok(counts[k] > 0, `no ${k} in ${numRuns} runs (seed ${seed})`);
  }
  if (FULL) assert.ok(counts.ticks > numRuns);
});

test('resume continues from the step nearest to the weight the route holds', () => {
  fc.assert(
    fc.property(stepsArb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 4 }), (steps, weight, at) => {
      const current = Math.min(at, steps.length);
      const step = nearestStep(steps, weight, current);
      assert.ok(step >= 1 && step <= steps.length);
      if (weight === 0 || steps[current - 1] === weight) {
        assert.equal(step, current);
        return;
      }
      const best = Math.min(...steps.map((s) => Math.abs(s - weight)));
      assert.equal(Math.abs(steps[step - 1]! - weight), best, `step ${step} (${steps[step - 1]}%) is nearest to ${weight}%`);
    }),
    { numRuns, seed },
  );
});
