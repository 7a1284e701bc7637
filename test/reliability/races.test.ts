/**
 * Races (PRODUCT.md, Promises: "Nothing is ever force-pushed; a lost race
 * refetches and re-decides"): five or more `git-canary tick` processes at
 * once over HTTP (`git http-backend`), through whole rollouts (start, every
 * step, promotion), each with its own cache and all sharing one cache
 * (--cache-dir), repeated.
 *
 * After every tick time: every process exits 0, exactly one made the
 * transition, production gained exactly that one commit on its old tip, and
 * history stays linear; over the rollout every step is recorded exactly once.
 * A shared cache is still usable afterwards and passes `git fsck`.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { remoteCacheDir } from '../../src/git/index.ts';
import { start as startGitServer, type GitHttpServer } from '../helpers/git-http-server.ts';
import type { RunningPrometheus } from '../helpers/prometheus.ts';
import {
  at,
  commitsSince,
  copyRepo,
  decisionOf,
  git,
  history,
  lostRace,
  scenarioRepo,
  sha,
  startScenarioPrometheus,
  tempDir,
  tickCli,
  trailersOf,
  type ScenarioRepo,
} from '../e2e/support-races.ts';
import { recordFigures, scale } from './figures.ts';

let prom: RunningPrometheus;
let server: GitHttpServer;
let template: ScenarioRepo;
const root = tempDir('git-canary-races5-');

const WORKERS = scale(5, 8);
// Whole rollouts, one after another on fresh repositories: repeated even in a reduced run.
const ROUNDS = scale(2, 10);
/** start, step 2/3, step 3/3, promote. */
const TIMES = [2, 3, 4, 5];

before(async () => {
  [prom, server] = await Promise.all([startScenarioPrometheus(), startGitServer({ root: root.path })]);
  template = await scenarioRepo({ dir: join(root.path, 'template.git') });
});
after(async () => {
  await Promise.all([prom?.stop(), server?.close()]);
  root.cleanup();
});

interface RolloutFigures {
  ticks: number;
  lostRaces: number;
}

/** One whole rollout raced by WORKERS processes at every tick time; `shared`: one cache for all. */
async function racedRollout(label: string, shared: boolean): Promise<RolloutFigures> {
  const name = `${label}.git`;
  const dir = join(root.path, name);
  copyRepo(template.dir, dir);
  const url = `${server.url}/${name}`;
  const caches = Array.from({ length: WORKERS }, (_, i) => join(root.path, `${label}-cache${shared ? '' : `-${i}`}`));
  const figures: RolloutFigures = { ticks: 0, lostRaces: 0 };
  const phases: string[] = [];
  for (const minute of TIMES) {
    const at_ = `${label} T0+${minute}m`;
    const old = sha(dir, 'production');
    const runs = await Promise.all(caches.map((cacheDir) => tickCli(url, { now: at(minute), prometheus: prom.url, cacheDir })));
    figures.ticks += runs.length;
    figures.lostRaces += runs.filter(lostRace).length;
    const decisions = runs.map((r, i) => {
      assert.equal(r.code, 0, `${at_}: worker ${i} exited ${r.code ?? r.signal}\n${r.stdout}\n${r.stderr}`);
      assert.doesNotMatch(r.stderr, /disappeared|Invalid refspec|stayed locked/, `${at_}: worker ${i}`);
      return decisionOf(r);
    });
    const added = commitsSince(dir, 'production', old);
    assert.equal(added.length, 1, `${at_}: production gained ${added.length} commits, not exactly one: ${JSON.stringify(decisions)}`);
    const commit = added[0]!.sha;
    const makers = decisions.filter((d) => d.commit !== null);
    assert.equal(makers.length, 1, `${at_}: exactly one worker made the transition: ${JSON.stringify(decisions)}`);
    assert.equal(makers[0]!.commit, commit);
    for (const d of decisions.filter((x) => x.commit === null)) assert.equal(d.decision, 'none', `${at_}: a loser re-decides and does nothing: ${JSON.stringify(d)}`);
    const tr = trailersOf(dir, commit);
    phases.push(`${tr.phase}${tr.step ? ` ${tr.step}` : ''}`);
  }
  // Linear: a first-parent chain without merges (no gated promotion here).
  for (const c of history(dir, 'production')) assert.ok(c.parents.length <= 1, `${label}: ${c.sha.slice(0, 7)} is a merge`);
  assert.equal(git(dir, ['rev-list', '--count', `${template.base}..production`]).trim(), String(TIMES.length));
  // Every step exactly once, in order, then the promotion.
  assert.deepEqual(phases, ['progressing 1/3', 'progressing 2/3', 'progressing 3/3', 'promoted'], `${label}: ${phases.join(', ')}`);
  if (shared) {
    const gitdir = remoteCacheDir(url, caches[0]!);
    git(gitdir, ['fsck', '--no-dangling', '--connectivity-only']);
    const after = await tickCli(url, { now: at(6), prometheus: prom.url, cacheDir: caches[0] });
    assert.equal(decisionOf(after).decision, 'none', `${label}: the shared cache is usable afterwards: ${after.stderr}`);
    assert.doesNotMatch(after.stderr, /was broken/, `${label}: the shared cache was never damaged`);
  }
  return figures;
}

describe(`${WORKERS} ticks at once over HTTP through whole rollouts`, () => {
  for (const shared of [false, true]) {
    const kind = shared ? 'one shared cache' : 'separate caches';
    test(`with ${kind}: one transition per tick time, every step exactly once, linear history, no worker exits non-zero for a lost race`, async (t) => {
      let ticks = 0;
      let lost = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const f = await racedRollout(`${shared ? 'shared' : 'separate'}-${round}`, shared);
        ticks += f.ticks;
        lost += f.lostRaces;
      }
      t.diagnostic(`${kind}: ${ROUNDS} rollouts, ${ticks} ticks by ${WORKERS} workers, ${lost} lost races refetched and re-decided`);
      recordFigures('races', {
        'workers per race': WORKERS,
        [`rollouts (${kind})`]: ROUNDS,
        [`ticks (${kind})`]: ticks,
        [`lost races (${kind})`]: lost,
      });
    });
  }
});
