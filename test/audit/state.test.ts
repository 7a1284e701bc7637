import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JudgmentNote, RolloutState } from '../../src/engine/types.ts';
import type { CommitInfo } from '../../src/git/types.ts';
import { reconstructState, serviceCommits } from '../../src/audit/state.ts';
import { at, canary, cand, commit, newestFirst, note, notesFrom } from './helpers.ts';

const A = cand('a');
const B = cand('b');
const OLD = cand('c');
const RA = 'checkout-aaaaaaa';
const RB = 'checkout-bbbbbbb';

const start = canary('s1', 10, 'checkout', A, 'progressing', 10, { step: [1, 3] });
const step2 = canary('s2', 20, 'checkout', A, 'progressing', 25, {
  step: [2, 3],
  body: 'success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass',
});
const edit = commit('p1', 24, 'Hotfix: route all to stable\n');
const paused = canary('s3', 25, 'checkout', A, 'paused', 25, {
  body: 'apps/checkout/virtualservice.yaml edited by Alice in p1\nsecond line',
});

interface Case {
  name: string;
  history: CommitInfo[];
  notes?: Record<string, JudgmentNote[]>;
  want: RolloutState;
}

const cases: Case[] = [
  { name: 'no history', history: [], want: { phase: 'idle' } },
  {
    name: "only people's and other services' commits",
    history: newestFirst(
      commit('p0', 1, 'Initial manifests\n'),
      canary('x1', 2, 'cart', A, 'progressing', 10, { step: [1, 2] }),
    ),
    want: { phase: 'idle' },
  },
  {
    name: 'start only',
    history: newestFirst(commit('p0', 1, 'Initial manifests\n'), start),
    want: {
      phase: 'progressing',
      rollout: RA,
      candidate: A,
      step: 1,
      total: 3,
      weight: 10,
      startCommit: 's1',
      stepCommit: 's1',
      stepStartedAt: at(10),
      failedChecks: 0,
      lastCommit: 's1',
    },
  },
  {
    name: 'two steps',
    history: newestFirst(start, step2),
    want: {
      phase: 'progressing',
      rollout: RA,
      candidate: A,
      step: 2,
      total: 3,
      weight: 25,
      startCommit: 's1',
      stepCommit: 's2',
      stepStartedAt: at(20),
      failedChecks: 0,
      lastCommit: 's2',
    },
  },
  {
    name: "failed notes: only the current rollout's count, over every step",
    history: newestFirst(start, step2),
    notes: {
      s1: [note('checkout', A, 15, 'fail'), note('checkout', A, 16, 'inconclusive')],
      s2: [note('checkout', A, 25, 'fail'), note('checkout', A, 30, 'error'), note('checkout', B, 31, 'fail')],
    },
    want: {
      phase: 'progressing',
      rollout: RA,
      candidate: A,
      step: 2,
      total: 3,
      weight: 25,
      startCommit: 's1',
      stepCommit: 's2',
      stepStartedAt: at(20),
      lastJudgedAt: at(30),
      failedChecks: 2,
      lastCommit: 's2',
    },
  },
  {
    name: 'restart: the count starts again, startCommit stays at the original start',
    history: newestFirst(
      canary('f1', 0, 'checkout', OLD, 'promoted', 0),
      start,
      step2,
      canary('s3', 30, 'checkout', B, 'progressing', 10, { step: [1, 3] }),
    ),
    notes: {
      f1: [note('checkout', OLD, 1, 'fail')],
      s1: [note('checkout', A, 15, 'fail')],
      s2: [note('checkout', A, 25, 'fail')],
      s3: [note('checkout', B, 35, 'fail')],
    },
    want: {
      phase: 'progressing',
      rollout: RB,
      candidate: B,
      step: 1,
      total: 3,
      weight: 10,
      startCommit: 's1',
      stepCommit: 's3',
      stepStartedAt: at(30),
      lastJudgedAt: at(35),
      failedChecks: 1,
      lastCommit: 's3',
    },
  },
  {
    name: 'resumed restarts the step clock; earlier failures still count',
    history: newestFirst(start, step2, edit, paused, canary('s4', 40, 'checkout', A, 'resumed', 25)),
    notes: { s2: [note('checkout', A, 22, 'fail')] },
    want: {
      phase: 'progressing',
      rollout: RA,
      candidate: A,
      step: 2,
      total: 3,
      weight: 25,
      startCommit: 's1',
      stepCommit: 's4',
      stepStartedAt: at(40),
      failedChecks: 1,
      lastCommit: 's4',
    },
  },
  {
    name: 'judged after a resume',
    history: newestFirst(start, step2, paused, canary('s4', 40, 'checkout', A, 'resumed', 25)),
    notes: { s2: [note('checkout', A, 22, 'fail')], s4: [note('checkout', A, 45, 'inconclusive')] },
    want: {
      phase: 'progressing',
      rollout: RA,
      candidate: A,
      step: 2,
      total: 3,
      weight: 25,
      startCommit: 's1',
      stepCommit: 's4',
      stepStartedAt: at(40),
      lastJudgedAt: at(45),
      failedChecks: 1,
      lastCommit: 's4',
    },
  },
  {
    name: 'a step after a resume sets the clock again',
    history: newestFirst(
      start,
      paused,
      canary('s4', 40, 'checkout', A, 'resumed', 10),
      canary('s5', 50, 'checkout', A, 'progressing', 25, { step: [2, 3] }),
    ),
    want: {
      phase: 'progressing',
      rollout: RA,
      candidate: A,
      step: 2,
      total: 3,
      weight: 25,
      startCommit: 's1',
      stepCommit: 's5',
      stepStartedAt: at(50),
      failedChecks: 0,
      lastCommit: 's5',
    },
  },
  {
    name: 'paused',
    history: newestFirst(start, step2, edit, paused, commit('p2', 30, 'Unrelated docs change\n')),
    notes: { s2: [note('checkout', A, 22, 'fail')] },
    want: {
      phase: 'paused',
      rollout: RA,
      candidate: A,
      step: 2,
      total: 3,
      weight: 25,
      startCommit: 's1',
      failedChecks: 1,
      pausedAt: at(25),
      reason: 'apps/checkout/virtualservice.yaml edited by Alice in p1',
      lastCommit: 's3',
    },
  },
  {
    name: 'promoted → idle with last',
    history: newestFirst(start, step2, canary('s3', 40, 'checkout', A, 'promoted', 0)),
    want: { phase: 'idle', last: { rollout: RA, candidate: A, outcome: 'promoted', commit: 's3', at: at(40) } },
  },
  {
    name: 'rolled-back → idle with last',
    history: newestFirst(start, step2, canary('s3', 40, 'checkout', A, 'rolled-back', 0)),
    notes: { s2: [note('checkout', A, 25, 'fail')] },
    want: { phase: 'idle', last: { rollout: RA, candidate: A, outcome: 'rolled-back', commit: 's3', at: at(40) } },
  },
  {
    name: 'a rollout after a finished one starts at its own first commit',
    history: newestFirst(
      canary('f0', 0, 'checkout', OLD, 'progressing', 10, { step: [1, 1] }),
      canary('f1', 5, 'checkout', OLD, 'rolled-back', 0),
      start,
    ),
    notes: { f0: [note('checkout', OLD, 3, 'fail')] },
    want: {
      phase: 'progressing',
      rollout: RA,
      candidate: A,
      step: 1,
      total: 3,
      weight: 10,
      startCommit: 's1',
      stepCommit: 's1',
      stepStartedAt: at(10),
      failedChecks: 0,
      lastCommit: 's1',
    },
  },
  {
    name: "people's and other services' commits interleaved",
    history: newestFirst(
      commit('p0', 1, 'Initial manifests\n'),
      start,
      canary('x1', 12, 'cart', B, 'progressing', 50, { step: [1, 1] }),
      commit('p1', 14, 'Scale cart\n\nSigned-off-by: Alice <alice@example.com>\n'),
      step2,
      canary('x2', 22, 'cart', B, 'promoted', 0),
      commit('p2', 23, 'checkout: fake\n\nCanary-Service: checkout\nCanary-Phase: promoted\n'),
    ),
    notes: { x1: [note('cart', B, 13, 'fail')] },
    want: {
      phase: 'progressing',
      rollout: RA,
      candidate: A,
      step: 2,
      total: 3,
      weight: 25,
      startCommit: 's1',
      stepCommit: 's2',
      stepStartedAt: at(20),
      failedChecks: 0,
      lastCommit: 's2',
    },
  },
];

describe('reconstructState', () => {
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(reconstructState('checkout', c.history, notesFrom(c.notes)), c.want);
    });
  }
});

describe('serviceCommits', () => {
  it("keeps the service's git-canary commits, newest first, with their parts", () => {
    const history = newestFirst(start, commit('p1', 12, 'Other\n'), canary('x1', 13, 'cart', B, 'paused', 0), step2);
    const got = serviceCommits('checkout', history);
    assert.deepEqual(
      got.map((c) => [c.sha, c.at.toISOString(), c.title]),
      [
        ['s2', at(20).toISOString(), 'checkout: canary 25% (step 2/3)'],
        ['s1', at(10).toISOString(), 'checkout: canary 10% (step 1/3)'],
      ],
    );
    assert.equal(got[0]?.body, 'success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass');
    assert.deepEqual(got[0]?.trailers, {
      service: 'checkout',
      rollout: RA,
      candidate: A,
      phase: 'progressing',
      step: { index: 2, total: 3 },
      weight: 25,
    });
  });
});
