/**
 * stateFromRecord(): where a service stands, read from its newest record alone
 * (every record is self-contained), and serviceCommits() picking them out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCommitMessage, formatCommitMessage, rolloutId } from '../../src/audit/trailers.ts';
import { serviceCommits, stateFromRecord } from '../../src/audit/state.ts';
import type { CanaryTrailers, RolloutCommit } from '../../src/engine/types.ts';
import { at, cand, canary, commit, newestFirst } from './helpers.ts';

const BASE = 'b'.repeat(40);
const RELEASE = 'd'.repeat(64);

function record(sha: string, minutes: number, t: Partial<CanaryTrailers> & Pick<CanaryTrailers, 'phase' | 'weight'>, body = ''): RolloutCommit {
  const trailers: CanaryTrailers = {
    service: 'checkout',
    rollout: rolloutId('checkout', cand('a')),
    candidate: cand('a'),
    base: BASE,
    release: RELEASE,
    ...t,
  };
  // Through the real format and parse, so what is tested is what a commit carries.
  const parsed = parseCommitMessage(formatCommitMessage({ body, trailers }));
  assert.ok(parsed.trailers, 'the record parses back');
  return { sha, at: at(minutes), trailers: parsed.trailers, body: parsed.body, title: parsed.title };
}

describe('stateFromRecord', () => {
  it('no record: idle', () => {
    assert.deepEqual(stateFromRecord(undefined), { phase: 'idle' });
  });

  it('a step record gives step, weight, base, release, count and the step clock', () => {
    const r = record('s2', 10, { phase: 'progressing', step: { index: 2, total: 3 }, weight: 25, stepSince: at(10), failedChecks: 1 });
    assert.deepEqual(stateFromRecord(r), {
      phase: 'progressing',
      rollout: 'checkout-aaaaaaa',
      candidate: cand('a'),
      step: 2,
      total: 3,
      weight: 25,
      base: BASE,
      release: RELEASE,
      failedChecks: 1,
      lastCommit: 's2',
      stepStartedAt: at(10),
      inconclusive: 0,
      errors: 0,
      started: at(10),
      startedFrom: 'record',
      references: {},
    });
  });

  it('inconclusive and errored judgment records restart the judgment clock and give the counts in a row, the start and the references', () => {
    for (const judgment of ['inconclusive', 'error'] as const) {
      const r = record('j2', 20, {
        phase: 'progressing',
        step: { index: 1, total: 3 },
        weight: 10,
        stepSince: at(5),
        failedChecks: 1,
        judgment,
        inconclusive: 2,
        errors: 3,
        started: at(1),
        references: { latency: 0.21, 'error.rate': -1.5e-7 },
      });
      const s = stateFromRecord(r);
      assert.equal(s.phase, 'progressing');
      if (s.phase !== 'progressing') return;
      assert.deepEqual(
        [s.stepStartedAt, s.lastJudgedAt, s.failedChecks, s.inconclusive, s.errors, s.started, s.startedFrom, s.references],
        [at(5), at(20), 1, 2, 3, at(1), 'trailer', { latency: 0.21, 'error.rate': -1.5e-7 }],
      );
    }
  });

  it('a paused record by a limit: the reason is the first line that is not the checks line', () => {
    const body = 'success-rate - (min 99) error (prometheus answered 401 Unauthorized)\n\n4 errored judgments in a row at step 1/3 (10%): success-rate: prometheus answered 401 Unauthorized';
    const s = stateFromRecord(record('p2', 30, { phase: 'paused', rolloutStep: { index: 1, total: 3 }, weight: 10, errors: 4 }, body));
    assert.equal(s.phase, 'paused');
    if (s.phase !== 'paused') return;
    assert.match(s.reason, /^4 errored judgments in a row/);
    assert.equal(s.errors, 4);
  });

  it('a failed judgment record keeps the step clock and restarts the judgment clock at its own time', () => {
    const r = record('j1', 17, { phase: 'progressing', step: { index: 1, total: 3 }, weight: 10, stepSince: at(5), failedChecks: 2, judgment: 'fail' });
    const s = stateFromRecord(r);
    assert.equal(s.phase, 'progressing');
    if (s.phase !== 'progressing') return;
    assert.deepEqual([s.stepStartedAt, s.lastJudgedAt, s.failedChecks], [at(5), at(17), 2]);
  });

  it('a resumed record reads its step from Canary-Rollout-Step and starts the clock at the resume', () => {
    const r = record('r1', 40, { phase: 'resumed', rolloutStep: { index: 2, total: 3 }, weight: 0, stepSince: at(40), failedChecks: 1 });
    const s = stateFromRecord(r);
    assert.equal(s.phase, 'progressing');
    if (s.phase !== 'progressing') return;
    assert.deepEqual([s.step, s.total, s.weight, s.stepStartedAt], [2, 3, 0, at(40)]);
  });

  it('paused: the reason is the first line of the body', () => {
    const r = record('p1', 30, { phase: 'paused', rolloutStep: { index: 1, total: 3 }, weight: 10 }, '\nvs.yaml changed on production by someone else\n\nmore');
    const s = stateFromRecord(r);
    assert.equal(s.phase, 'paused');
    if (s.phase !== 'paused') return;
    assert.equal(s.reason, 'vs.yaml changed on production by someone else');
    assert.equal(s.pausedAt.getTime(), at(30).getTime());
  });

  it('promoted / rolled-back: idle with the last rollout, its release and the canary replicas before it rested', () => {
    const r = record('e1', 50, { phase: 'rolled-back', weight: 0, idleReplicas: { 'Deployment/checkout-canary': 2 } });
    assert.deepEqual(stateFromRecord(r), {
      phase: 'idle',
      last: {
        rollout: 'checkout-aaaaaaa',
        candidate: cand('a'),
        outcome: 'rolled-back',
        commit: 'e1',
        at: at(50),
        release: RELEASE,
        idleReplicas: { 'Deployment/checkout-canary': 2 },
      },
    });
  });

  it('an active record without its self-contained trailers cannot be read: an error, never a guess', () => {
    const old = canary('o1', 5, 'checkout', cand('a'), 'progressing', 10, { step: [1, 3] });
    const parsed = parseCommitMessage(old.message);
    assert.throws(
      () => stateFromRecord({ sha: 'o1', at: at(5), trailers: parsed.trailers!, body: '', title: parsed.title }),
      (e: Error & { code?: string }) => e.code === 'GIT' && /lacks Canary-Base, Canary-Release/.test(e.message),
    );
  });
});

describe('serviceCommits', () => {
  it('picks the commits carrying the service trailers, newest first, and skips people and other services', () => {
    const history = newestFirst(
      canary('c1', 1, 'checkout', cand('a'), 'progressing', 10, { step: [1, 3] }),
      commit('p1', 2, 'docs: typo\n'),
      canary('x1', 3, 'payments', cand('b'), 'progressing', 10, { step: [1, 3] }),
      canary('c2', 4, 'checkout', cand('a'), 'progressing', 25, { step: [2, 3] }),
    );
    assert.deepEqual(serviceCommits('checkout', history).map((c) => c.sha), ['c2', 'c1']);
  });
});
