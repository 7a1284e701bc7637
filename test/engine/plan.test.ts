/**
 * planCommit(): the one commit each decision makes, planned pure from the
 * service's observations. Realistic files (scenario.ts), exact texts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Decision, RolloutState, ServiceObservations } from '../../src/engine/types.ts';
import { type PlanService, planCommit, referencesAfter, replicasOf } from '../../src/engine/plan.ts';
import { CHECKOUT_VS, deployment } from '../helpers/scenario.ts';

const RELEASE = 'apps/checkout/deployment.yaml';
const CANARY = 'apps/checkout/deployment-canary.yaml';
const VS = 'apps/checkout/virtualservice.yaml';
const CONFIG_MAP = `---
apiVersion: v1
kind: ConfigMap
metadata:
  name: checkout-config
data:
  LOG_LEVEL: info
`;
const IMG = (v: string) => `registry.example.com/checkout:${v}`;
const NOW = new Date('2026-02-01T10:00:00Z');
const PROD = 'a'.repeat(40);
const CAND = 'c'.repeat(40);
const BASE = 'b'.repeat(40);
const DIGEST = (d: string) => d.repeat(64);
const STARTED = new Date('2026-02-01T08:30:00Z');

const service = (over: Partial<PlanService['canary']> = {}): PlanService => ({
  files: [RELEASE],
  documents: {},
  canary: { file: CANARY, from: RELEASE, keep: [], unexercised: 'warn', ...over },
  route: { type: 'istio', file: VS, stable: { name: 'checkout-stable' }, canary: { name: 'checkout-canary' } },
});

function progressing(over: Partial<Extract<RolloutState, { phase: 'progressing' }>> = {}): RolloutState {
  return {
    phase: 'progressing',
    rollout: 'checkout-ccccccc',
    candidate: CAND,
    step: 1,
    total: 3,
    weight: 10,
    base: BASE,
    release: DIGEST('e'),
    failedChecks: 0,
    lastCommit: 'f'.repeat(40),
    stepStartedAt: new Date('2026-02-01T09:00:00Z'),
    inconclusive: 0,
    errors: 0,
    started: STARTED,
    startedFrom: 'trailer',
    references: {},
    ...over,
  };
}

function obs(over: Partial<ServiceObservations> = {}): ServiceObservations {
  return {
    service: 'checkout',
    productionSha: PROD,
    candidateSha: CAND,
    notesSha: undefined,
    production: {
      [RELEASE]: deployment('checkout', IMG('1.0.0'), 'stable'),
      [CANARY]: deployment('checkout', IMG('1.0.0'), 'canary'),
      [VS]: CHECKOUT_VS,
    },
    candidate: { [RELEASE]: deployment('checkout', IMG('1.1.0'), 'stable') },
    releaseDigest: { production: DIGEST('d'), candidate: DIGEST('e') },
    state: { phase: 'idle' },
    observed: { candidateSha: CAND, candidateEqualsProduction: false, candidateMatchesRollout: false },
    routeWeight: 0,
    warnings: [],
    history: [PROD],
    ...over,
  };
}

const start: Decision = { kind: 'start', reason: 'candidate differs', step: 1, total: 3, weight: 10, restart: false };

/** The weights of the primary rule of CHECKOUT_VS (stable, canary). */
const weights = (text: string | null | undefined) => [...(text ?? '').matchAll(/weight: (\d+)/g)].map((m) => Number(m[1]));

describe('planCommit', () => {
  it('start: the canary runs the candidate image, the route sends steps[0]%, and the record is self-contained', () => {
    const p = planCommit(start, service(), obs(), NOW)!;
    const byPath = Object.fromEntries(p.changes.map((c) => [c.path, c.content]));
    assert.deepEqual(Object.keys(byPath).sort(), [CANARY, VS]);
    assert.equal(byPath[CANARY], deployment('checkout', IMG('1.0.0'), 'canary').replace(IMG('1.0.0'), IMG('1.1.0')));
    assert.deepEqual(weights(byPath[VS]), [90, 10]);
    assert.deepEqual(p.trailers, {
      service: 'checkout',
      rollout: 'checkout-ccccccc',
      candidate: CAND,
      phase: 'progressing',
      step: { index: 1, total: 3 },
      weight: 10,
      base: PROD,
      release: DIGEST('e'),
      stepSince: NOW,
      failedChecks: 0,
      started: NOW,
    });
    assert.deepEqual(p.unexercised, []);
  });

  it('restart: derives from the pristine canary at Canary-Base, not the canary of the old rollout, and keeps the base', () => {
    const layered = deployment('checkout', IMG('1.1.0'), 'canary');
    const o = obs({
      state: progressing({ weight: 25, step: 2 }),
      production: { ...obs().production, [CANARY]: layered, [VS]: CHECKOUT_VS.replace('weight: 100', 'weight: 75').replace('weight: 0', 'weight: 25') },
      candidate: { [RELEASE]: deployment('checkout', IMG('1.2.0'), 'stable') },
      pristineCanary: deployment('checkout', IMG('1.0.0'), 'canary'),
    });
    const p = planCommit({ ...start, restart: true }, service(), o, NOW)!;
    const canary = p.changes.find((c) => c.path === CANARY)!.content;
    assert.equal(canary, deployment('checkout', IMG('1.2.0'), 'canary'));
    assert.equal(p.trailers.base, BASE);
  });

  it('start names release changes no canary document runs, and refuses them with canary.unexercised: refuse', () => {
    const o = obs({
      production: { ...obs().production, [RELEASE]: deployment('checkout', IMG('1.0.0'), 'stable') + CONFIG_MAP },
      candidate: { [RELEASE]: deployment('checkout', IMG('1.0.0'), 'stable') + CONFIG_MAP.replace('info', 'debug') },
    });
    const p = planCommit(start, service(), o, NOW)!;
    assert.deepEqual(p.unexercised, ['ConfigMap checkout-config']);
    assert.match(p.body, /not exercised by the canary: ConfigMap checkout-config/);
    assert.throws(
      () => planCommit(start, service({ unexercised: 'refuse' }), o, NOW),
      (e: Error & { code?: string }) => e.code === 'UNEXERCISED' && /ConfigMap checkout-config/.test(e.message),
    );
  });

  it('promote ships the release the rollout tested, not a newer candidate tip', () => {
    const tested = { [RELEASE]: deployment('checkout', IMG('1.1.0'), 'stable') };
    const o = obs({
      state: progressing({ step: 3, weight: 50 }),
      candidate: { [RELEASE]: deployment('checkout', IMG('9.9.9'), 'stable') },
      observed: { candidateSha: 'd'.repeat(40), candidateEqualsProduction: false, candidateMatchesRollout: false },
      tested,
    });
    const p = planCommit({ kind: 'promote', reason: 'promote requested by alice' }, service(), o, NOW, { actor: 'alice', reason: 'looks good' })!;
    const release = p.changes.find((c) => c.path === RELEASE)!;
    assert.equal(release.content, tested[RELEASE]);
    assert.equal(p.trailers.phase, 'promoted');
    assert.equal(p.trailers.candidate, CAND);
    assert.equal(p.trailers.actor, 'alice');
    assert.equal(p.trailers.reason, 'looks good');
    // Without the tested release at hand it refuses rather than promote the tip.
    assert.throws(() => planCommit({ kind: 'promote', reason: 'r' }, service(), { ...o, tested: undefined }, NOW), /cannot read the release/);
  });

  it('rollback restores the pristine canary byte for byte and sends all traffic to stable', () => {
    const pristine = deployment('checkout', IMG('1.0.0'), 'canary');
    const o = obs({
      state: progressing({ weight: 25, step: 2, failedChecks: 1 }),
      production: { ...obs().production, [CANARY]: deployment('checkout', IMG('1.1.0'), 'canary'), [VS]: CHECKOUT_VS.replace('weight: 100', 'weight: 75').replace('weight: 0', 'weight: 25') },
      pristineCanary: pristine,
    });
    const p = planCommit({ kind: 'rollback', reason: '2/2 failed checks', failedChecks: 2 }, service(), o, NOW)!;
    const byPath = Object.fromEntries(p.changes.map((c) => [c.path, c.content]));
    assert.equal(byPath[CANARY], pristine);
    assert.equal(byPath[VS], CHECKOUT_VS);
    assert.deepEqual([p.trailers.phase, p.trailers.weight, p.trailers.failedChecks], ['rolled-back', 0, 2]);
  });

  it('a failed judgment below threshold is a record that changes no file, keeping the step clock', () => {
    const state = progressing();
    const p = planCommit(
      { kind: 'hold', reason: 'check failed', record: 'fail', failedChecks: 1, judgment: { outcome: 'fail', checks: [], summary: 'success-rate 97 (min 99) fail', critical: [] } },
      service(),
      obs({ state }),
      NOW,
    )!;
    assert.deepEqual(p.changes, []);
    assert.deepEqual([p.trailers.judgment, p.trailers.failedChecks, p.trailers.step, p.trailers.weight], ['fail', 1, { index: 1, total: 3 }, 10]);
    assert.equal(p.trailers.stepSince, state.phase === 'progressing' ? state.stepStartedAt : undefined);
    assert.equal(p.trailers.started, STARTED, 'the rollout start is carried');
    assert.match(p.body, /success-rate 97 \(min 99\) fail/);
    // A hold that is not a judgment (deadline, missing candidate, applied wait) records nothing.
    assert.equal(planCommit({ kind: 'hold', reason: 'tick deadline', failedChecks: 0 }, service(), obs({ state }), NOW), undefined);
  });

  it('inconclusive and errored judgments are records that change no file, with their counts in a row', () => {
    const state = progressing({ failedChecks: 1, errors: 2 });
    const j = { outcome: 'error' as const, checks: [], summary: 'success-rate - (min 99) error (HTTP 401)', critical: [] };
    const p = planCommit({ kind: 'hold', reason: 'metrics error', record: 'error', failedChecks: 1, errors: 3, inconclusive: 0, judgment: j }, service(), obs({ state }), NOW)!;
    assert.deepEqual(p.changes, []);
    assert.deepEqual(
      [p.trailers.phase, p.trailers.judgment, p.trailers.errors, p.trailers.inconclusive, p.trailers.failedChecks],
      ['progressing', 'error', 3, undefined, 1],
    );
    const q = planCommit({ kind: 'hold', reason: 'no data', record: 'inconclusive', failedChecks: 1, errors: 2, inconclusive: 1, judgment: { ...j, outcome: 'inconclusive' } }, service(), obs({ state }), NOW)!;
    assert.deepEqual([q.trailers.judgment, q.trailers.errors, q.trailers.inconclusive], ['inconclusive', 2, 1]);
    // A limit's pause is a paused record with the judgment in its body and the counts.
    const paused = planCommit({ kind: 'pause', reason: '4 errored judgments in a row', files: [], judgment: j, errors: 4, inconclusive: 0 }, service(), obs({ state }), NOW)!;
    assert.deepEqual([paused.trailers.phase, paused.trailers.errors, paused.changes], ['paused', 4, []]);
    assert.equal(paused.body, 'success-rate - (min 99) error (HTTP 401)\n\n4 errored judgments in a row');
  });

  it('references: a first value measured by a judgment joins the record it made and every later one; a restart clears them', () => {
    const comparison = { method: 'value' as const, reference: 0.21, from: 'first-value' as const, change: 0, bound: 'maxIncrease 10%' };
    const checks = [
      { name: 'latency', query: 'q', value: 0.21, outcome: 'pass' as const, reason: 'r', comparison },
      { name: 'errors', query: 'q', value: 1, outcome: 'pass' as const, reason: 'r', comparison: { ...comparison, reference: 0.5, from: 'baseline' as const } },
    ];
    const judgment = { outcome: 'pass' as const, checks, summary: 's', critical: [] };
    const o = obs({ state: progressing(), observed: { ...obs().observed, candidateMatchesRollout: true } });
    const stepped = planCommit({ kind: 'step', reason: 'passed', step: 2, total: 3, weight: 25, judgment }, service(), o, NOW)!;
    assert.deepEqual(stepped.trailers.references, { latency: 0.21 }, 'only first-value comparisons become references');
    // A later judgment never replaces a recorded reference.
    const later = obs({ state: progressing({ step: 2, weight: 25, references: { latency: 0.2 } }), production: { ...obs().production, [VS]: CHECKOUT_VS.replace('weight: 100', 'weight: 75').replace('weight: 0', 'weight: 25') } });
    const held = planCommit({ kind: 'hold', reason: 'x', record: 'fail', failedChecks: 1, judgment: { ...judgment, outcome: 'fail' } }, service(), later, NOW)!;
    assert.deepEqual(held.trailers.references, { latency: 0.2 });
    const restarted = planCommit({ ...start, restart: true } as Decision, service(), { ...later, pristineCanary: deployment('checkout', IMG('1.0.0'), 'canary') }, NOW)!;
    assert.equal(restarted.trailers.references, undefined);
    assert.equal(restarted.trailers.started, NOW, 'a restart starts a new clock');
  });

  it('canary.idle: promotion rests the canary at 0 and remembers its replicas; the next start gives them back', () => {
    const svc = service({ idle: { replicas: 0 } });
    const running = deployment('checkout', IMG('1.1.0'), 'canary').replace('replicas: 1', 'replicas: 2');
    const promoted = planCommit(
      { kind: 'promote', reason: 'last step passed' },
      svc,
      obs({ state: progressing({ step: 3, weight: 50 }), production: { ...obs().production, [CANARY]: running }, observed: { ...obs().observed, candidateMatchesRollout: true } }),
      NOW,
    )!;
    const rested = promoted.changes.find((c) => c.path === CANARY)!.content!;
    assert.deepEqual(replicasOf(CANARY, rested), { 'Deployment/checkout-canary': 0 });
    assert.deepEqual(promoted.trailers.idleReplicas, { 'Deployment/checkout-canary': 2 });

    const next = planCommit(
      start,
      svc,
      obs({
        production: { ...obs().production, [CANARY]: rested },
        state: { phase: 'idle', last: { rollout: 'r', candidate: CAND, outcome: 'promoted', commit: 'p', at: NOW, idleReplicas: { 'Deployment/checkout-canary': 2 } } },
      }),
      NOW,
    )!;
    assert.deepEqual(replicasOf(CANARY, next.changes.find((c) => c.path === CANARY)!.content!), { 'Deployment/checkout-canary': 2 });
    // Resting with no record of its replicas: refused, not started on zero pods.
    assert.throws(() => planCommit(start, svc, obs({ production: { ...obs().production, [CANARY]: rested } }), NOW), /rests at 0 replicas/);
  });

  it('pause records the weight the route holds now; resume refuses a route it cannot read', () => {
    const paused = planCommit({ kind: 'pause', reason: 'vs.yaml changed', files: [VS] }, service(), obs({ state: progressing({ weight: 25, step: 2 }), routeWeight: 0 }), NOW)!;
    assert.deepEqual([paused.trailers.phase, paused.trailers.weight, paused.trailers.rolloutStep], ['paused', 0, { index: 2, total: 3 }]);
    assert.deepEqual(paused.changes, []);
    const state: RolloutState = { ...progressing({ weight: 25, step: 2 }), phase: 'paused', pausedAt: NOW, reason: 'x' } as RolloutState;
    assert.throws(() => planCommit({ kind: 'resume', reason: 'r' }, service(), obs({ state, routeWeight: undefined }), NOW), /cannot be read/);
    const resumed = planCommit({ kind: 'resume', reason: 'r' }, service(), obs({ state, routeWeight: 0 }), NOW)!;
    assert.deepEqual([resumed.trailers.phase, resumed.trailers.weight, resumed.trailers.stepSince], ['resumed', 0, NOW]);
    // A resume resets the judgments in a row; the rollout's start is kept.
    const counted = { ...state, inconclusive: 2, errors: 3 } as RolloutState;
    const again = planCommit({ kind: 'resume', reason: 'r' }, service(), obs({ state: counted, routeWeight: 10 }), NOW)!;
    assert.deepEqual([again.trailers.inconclusive, again.trailers.errors, again.trailers.started], [undefined, undefined, STARTED]);
  });
});

describe('referencesAfter', () => {
  const firstValue = (name: string, value: number) => ({
    name,
    query: 'q',
    value,
    outcome: 'pass' as const,
    reason: 'first value',
    comparison: { method: 'value' as const, reference: value, from: 'first-value' as const, change: 0, bound: 'maxIncrease 10%' },
  });
  it('records a check\'s first value once and keeps it afterwards', () => {
    const first = { outcome: 'pass' as const, checks: [firstValue('p99', 180)], summary: '', critical: [] };
    assert.deepEqual(referencesAfter({}, first), { p99: 180 });
    const later = { ...first, checks: [firstValue('p99', 240)] };
    assert.deepEqual(referencesAfter({ p99: 180 }, later), { p99: 180 });
  });
  it('takes no reference from a judgment below minRequests: too little traffic to measure a reference', () => {
    const low = {
      outcome: 'inconclusive' as const,
      checks: [firstValue('p99', 900)],
      summary: '',
      critical: [],
      requests: { value: 3, min: 100, outcome: 'inconclusive' as const, reason: '3 requests, below minRequests 100' },
    };
    assert.deepEqual(referencesAfter({}, low), {});
  });
});
