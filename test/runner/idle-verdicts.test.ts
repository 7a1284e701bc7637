// A service idle with nothing to do (in sync, no candidate branch, a release
// rolled back or reverted and still on candidate) has its verdict remembered
// by the inputs it was read from (runner/idle-verdicts.ts), so a no-op tick
// need not read its files again. The invariant: a remembered verdict is never
// one a fresh observe → decide would not reach. Whatever people and the
// engine did before (releases, hand edits on production, a deleted candidate
// branch, promotions, rollbacks, pauses, another commit author), every tick
// that may recall decides what a tick that observes everything again decides.
// And recalling is real: asked again with nothing changed, an idle service
// reads no file at all.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/index.ts';
import { openRepo } from '../../src/git/index.ts';
import type { GitRepo, Identity } from '../../src/git/types.ts';
import { planService, type ServiceTickResult } from '../../src/runner/tick-service.ts';
import { idleResult, idleVerdictKey, knownIdleVerdict, rememberIdleVerdict } from '../../src/runner/idle-verdicts.ts';
import { flushMemos, forgetKeptMemos, keepMemosIn } from '../../src/memo.ts';
import { PhaseError, runManual } from '../../src/runner/manual.ts';
import { DEFAULT_AUTHOR } from '../../src/runner/session.ts';
import { tickServices } from '../../src/runner/tick-services.ts';
import { fleetConfig, fleetFiles, fleetNames, fleetRelease } from '../e2e/support-scale.ts';
import { createRepo, commitFiles, type Fixture } from '../helpers/git-fixtures.ts';
import { T0 } from '../helpers/scenario.ts';
import { captureLog } from '../notify/support.ts';

const names = fleetNames(3);
const VERSIONS = ['1.0.0', '1.1.0', '1.2.0'];
const OTHER_AUTHOR: Identity = { name: 'release-bot', email: 'release-bot@example.test' };
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

type Op =
  | { op: 'release'; service: number; version: number }
  | { op: 'person'; service: number; version: number }
  | { op: 'drop-candidate' }
  | { op: 'manual'; service: number; action: 'promote' | 'rollback' | 'pause' | 'resume' }
  | { op: 'author' }
  | { op: 'tick'; minutes: number };

const service = fc.nat({ max: names.length - 1 });
const version = fc.nat({ max: VERSIONS.length - 1 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('release' as const), service, version }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('person' as const), service, version }), weight: 1 },
  { arbitrary: fc.constant({ op: 'drop-candidate' as const }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('manual' as const), service, action: fc.constantFrom('promote' as const, 'rollback' as const, 'pause' as const, 'resume' as const) }), weight: 2 },
  { arbitrary: fc.constant({ op: 'author' as const }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('tick' as const), minutes: fc.integer({ min: 1, max: 3 }) }), weight: 4 },
);

/** `repo`, counting the files read through it. */
function counting(repo: GitRepo): GitRepo & { reads: () => number } {
  let reads = 0;
  return {
    ...repo,
    readFile: (commit, path) => {
      reads++;
      return repo.readFile(commit, path);
    },
    reads: () => reads,
  };
}

const isIdleNone = (r: ServiceTickResult) => JSON.stringify(r) === JSON.stringify(idleResult(r.service, r.reason));
/** What a dry run and a real tick both say of a service (a dry run has no commit, rollout id or diff). */
const said = (r: ServiceTickResult) => ({ service: r.service, decision: r.decision, reason: r.reason, phase: r.phase, weight: r.weight, step: r.step });

const fixtures: Fixture[] = [];
after(async () => {
  for (const f of fixtures) await f.cleanup();
});

/** What the property met, over all its runs: it must have recalled, and met each kind of idle verdict. */
const met = { recalled: 0, reasons: new Set<string>(), kinds: new Set<string>() };

async function run(ops: Op[]): Promise<void> {
  const fixture = await createRepo({ production: fleetFiles(names) });
  fixtures.push(fixture);
  fixture.git('branch', 'candidate', 'production');
  const { config } = loadConfig(fleetConfig(names), { file: 'git-canary.yaml', env: {} });
  const { log } = captureLog();
  let author = DEFAULT_AUTHOR;
  let minutes = 0;
  const release = (i: number, v: number) => fleetRelease([names[i]!], VERSIONS[v]);
  for (const o of [...ops, { op: 'tick', minutes: 1 } as const]) {
    switch (o.op) {
      case 'release':
        commitFiles(fixture.dir, 'candidate', release(o.service, o.version), { message: 'ci: release\n', ...(hasCandidate(fixture) ? {} : { from: 'production' }) });
        break;
      case 'person':
        commitFiles(fixture.dir, 'production', release(o.service, o.version), { message: 'hand edit\n' });
        break;
      case 'drop-candidate':
        if (hasCandidate(fixture)) fixture.git('branch', '-D', 'candidate');
        break;
      case 'manual': {
        const repo = await openRepo(fixture.dir);
        const session = { repo, config, production: 'production', candidate: 'candidate', author, secrets: [] };
        await runManual(session, names[o.service]!, o.action, { now: () => at(minutes), actor: 'alice' }).catch((e: unknown) => {
          // Refused in this phase (promote when idle…): a person's command that changes nothing.
          if (!(e instanceof PhaseError)) throw e;
        });
        break;
      }
      case 'author':
        author = author === DEFAULT_AUTHOR ? OTHER_AUTHOR : DEFAULT_AUTHOR;
        break;
      case 'tick': {
        minutes += o.minutes;
        const tick = async (extra: { dryRun: boolean; recall?: boolean; repo?: GitRepo; names?: string[] }) =>
          tickServices({ repo: extra.repo ?? (await openRepo(fixture.dir)), config, names: extra.names ?? names, author, now: () => at(minutes), log, ...extra });
        const fresh = await tick({ dryRun: true, recall: false });
        const got = await tick({ dryRun: false });
        assert.deepEqual(got.map(said), fresh.map(said), 'a tick that may recall decides as one that reads everything again');
        for (const [i, r] of got.entries()) if (isIdleNone(r)) assert.deepEqual(r, fresh[i], `${r.service}: the whole result`);
        for (const r of got) met.kinds.add(`${r.decision}/${r.phase}`);
        const idle = got.filter(isIdleNone);
        for (const r of idle) met.reasons.add(r.reason.replace(/[0-9a-f]{7}/g, '<sha>').replace(/ by \S+/, ' by <who>'));
        if (idle.length > 0 && got.every((r) => r.commit === null)) {
          // Nothing moved since: every idle service says the same, reading nothing.
          const repo = counting(await openRepo(fixture.dir));
          const again = await tick({ dryRun: true, repo, names: idle.map((r) => r.service) });
          assert.deepEqual(again, idle);
          assert.equal(repo.reads(), 0, 'an idle service asked again with nothing changed reads no file');
          met.recalled += idle.length;
        }
        break;
      }
    }
  }
}

function hasCandidate(fixture: Fixture): boolean {
  try {
    fixture.git('rev-parse', '--verify', '--quiet', 'refs/heads/candidate');
    return true;
  } catch {
    return false;
  }
}

test('a remembered idle verdict is what observing again decides, whatever happened before', { timeout: 600_000 }, async () => {
  await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 9 }), run), { numRuns: 40, seed: 20261203 });
  assert.ok(met.recalled > 20, `the property recalled ${met.recalled} verdicts`);
  const kinds = [...met.reasons];
  for (const kind of ['candidate and production releases are the same', 'no candidate branch yet', 'was rolled back']) {
    assert.ok(kinds.some((k) => k.includes(kind)), `met an idle verdict "${kind}" (met: ${kinds.join(' | ')})`);
  }
  // Between them, the engine and people moved rollouts through every phase.
  for (const kind of ['start/progressing', 'step/progressing', 'promote/promoted', 'rollback/rolled-back', 'pause/paused', 'none/paused']) {
    assert.ok(met.kinds.has(kind), `met a ${kind} (met: ${[...met.kinds].join(', ')})`);
  }
});

test('a promoted release a person changed back on production: remembered, and recalled reading nothing', async () => {
  met.reasons.clear();
  const recalled = met.recalled;
  // Started, promoted by hand, then production's release set back by a person while candidate still holds it.
  await run([{ op: 'release', service: 1, version: 2 }, { op: 'tick', minutes: 1 }, { op: 'manual', service: 1, action: 'promote' }, { op: 'person', service: 1, version: 0 }]);
  assert.ok([...met.reasons].some((r) => r.includes('was changed on production by <who>')), [...met.reasons].join(' | '));
  assert.ok(met.recalled > recalled, 'recalled');
});

test('the key is every input: tips, an absent branch, the service as configured, the branches, the author', () => {
  const plan = planService(loadConfig(fleetConfig(names), { file: 'git-canary.yaml', env: {} }).config.services[names[0]!]!);
  const base = {
    service: names[0]!,
    plan,
    branches: { production: 'production', candidate: 'candidate' },
    author: DEFAULT_AUTHOR,
    tips: { production: 'a'.repeat(40), candidate: 'b'.repeat(40), notes: undefined },
  };
  const key = idleVerdictKey(base)!;
  assert.equal(idleVerdictKey({ ...base, tips: { ...base.tips } }), key, 'the same inputs, the same key');
  const changed = [
    { ...base, service: names[1]! },
    { ...base, plan: { ...plan, files: ['apps/other/deployment.yaml'] } },
    { ...base, plan: { ...plan, route: { ...plan.route, stable: { name: 'other' } } as typeof plan.route } },
    { ...base, branches: { production: 'production', candidate: 'next' } },
    { ...base, author: OTHER_AUTHOR },
    { ...base, tips: { ...base.tips, production: 'c'.repeat(40) } },
    { ...base, tips: { ...base.tips, candidate: undefined } },
    { ...base, tips: { ...base.tips, notes: 'd'.repeat(40) } },
  ];
  const keys = changed.map((c) => idleVerdictKey(c));
  for (const k of keys) assert.notEqual(k, key);
  assert.equal(new Set(keys).size, keys.length, 'each change its own key');
});

test('a value JSON would not give back exactly is no key: nothing is remembered', () => {
  const plan = planService(loadConfig(fleetConfig(names), { file: 'git-canary.yaml', env: {} }).config.services[names[0]!]!);
  const base = { service: names[0]!, plan, branches: { production: 'production', candidate: 'candidate' }, author: DEFAULT_AUTHOR, tips: { production: 'a'.repeat(40), candidate: undefined, notes: undefined } };
  for (const odd of [/x/, new Date(0), new Map(), Number.NaN, Number.POSITIVE_INFINITY, () => 1, [undefined]]) {
    assert.equal(idleVerdictKey({ ...base, plan: { ...plan, route: { ...plan.route, odd } as unknown as typeof plan.route } }), undefined, String(odd));
  }
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${NAME} syntax of the config file
test('a service whose ${ENV} changed its files is read again, though no branch moved', async () => {
  const [web] = names as [string, string, string];
  // A second copy of web's release, changed on candidate: where ${RELEASE_DIR} may point.
  const other = 'web-next';
  const copy = (version: string) => ({ [`apps/${other}/deployment.yaml`]: fleetRelease([web], version)[`apps/${web}/deployment.yaml`]! });
  const fixture = await createRepo({ production: { ...fleetFiles(names), ...copy('1.0.0') } });
  fixtures.push(fixture);
  commitFiles(fixture.dir, 'candidate', copy('1.1.0'), { from: 'production', message: 'ci: release\n' });
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${NAME} syntax of the config file
  const text = fleetConfig(names).replace(`files: [apps/${web}/deployment.yaml]`, 'files: ["apps/${RELEASE_DIR}/deployment.yaml"]');
  assert.notEqual(text, fleetConfig(names));
  const { log } = captureLog();
  const tickWith = async (dir: string, recall: boolean) => {
    const { config } = loadConfig(text, { file: 'git-canary.yaml', env: { RELEASE_DIR: dir } });
    const [r] = await tickServices({ repo: await openRepo(fixture.dir), config, names: [web], author: DEFAULT_AUTHOR, now: () => at(1), dryRun: true, log, recall });
    return r!;
  };
  assert.equal((await tickWith(web, true)).decision, 'none');
  assert.equal((await tickWith(web, true)).decision, 'none');
  const fresh = await tickWith(other, false);
  assert.equal(fresh.decision, 'start', fresh.reason);
  assert.deepEqual(await tickWith(other, true), fresh);
});

// biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${NAME} syntax of the config file
test('a verdict whose key holds a value from ${ENV} is remembered in memory only: not even its digest is written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'git-canary-idle-verdicts-'));
  try {
    keepMemosIn(dir, 'build-of-this-test');
    const plan = planService(loadConfig(fleetConfig(names), { file: 'git-canary.yaml', env: {} }).config.services[names[0]!]!);
    const inputs = (files: string[], production: string) => ({
      service: names[0]!,
      plan: { ...plan, files },
      branches: { production: 'production', candidate: 'candidate' },
      author: DEFAULT_AUTHOR,
      tips: { production, candidate: 'b'.repeat(40), notes: undefined },
    });
    const expanded = ['team-"blue"'];
    const fromEnv = idleVerdictKey(inputs(['apps/team-"blue"/deployment.yaml'], 'a'.repeat(40)))!;
    const plain = idleVerdictKey(inputs(['apps/web/deployment.yaml'], 'c'.repeat(40)))!;
    const unknown = idleVerdictKey(inputs(['apps/web/deployment.yaml'], 'e'.repeat(40)))!;
    const verdict = idleResult(names[0]!, 'candidate and production releases are the same');
    rememberIdleVerdict(fromEnv, verdict, expanded);
    rememberIdleVerdict(plain, verdict, expanded);
    rememberIdleVerdict(unknown, verdict, undefined);
    for (const key of [fromEnv, plain, unknown]) assert.deepEqual(knownIdleVerdict(key, names[0]!), verdict, 'recalled in this process');
    await flushMemos();
    const [file] = readdirSync(join(dir)).filter((n) => n.startsWith('memo-'));
    const text = readFileSync(join(dir, file!), 'utf8');
    const written = (JSON.parse(text) as Record<string, Record<string, unknown>>)['idle-verdicts'] ?? {};
    assert.equal(Object.keys(written).length, 1, 'only the plain one');
    assert.doesNotMatch(text, /team-|blue|apps\//);
    // Not a verdict to keep: nothing remembered.
    const started = { ...verdict, decision: 'start' as const, phase: 'progressing' as const };
    const other = idleVerdictKey(inputs(['apps/web/deployment.yaml'], 'f'.repeat(40)))!;
    rememberIdleVerdict(other, started, []);
    assert.equal(knownIdleVerdict(other, names[0]!), undefined);
  } finally {
    forgetKeptMemos();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Knative service (its release views are functions of its route) is keyed, and recalled reading nothing', async () => {
  const service = (image: string) => `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
  namespace: default
spec:
  template:
    metadata:
      name: hello-v1
    spec:
      containers:
        - image: ${image}
  traffic:
    - revisionName: hello-v1
      percent: 100
`;
  const text = `version: 1
services:
  hello:
    route:
      type: knative
      file: apps/hello/service.yaml
    steps: [20, 60]
    interval: 1m
`;
  const { config } = loadConfig(text, { file: 'git-canary.yaml', env: {} });
  const plan = planService(config.services.hello!);
  assert.ok(plan.views, 'a revision route compares its release through views');
  const inputs = { service: 'hello', plan, branches: config.branches, author: DEFAULT_AUTHOR, tips: { production: 'a'.repeat(40), candidate: 'b'.repeat(40), notes: undefined } };
  const key = idleVerdictKey(inputs);
  assert.ok(key !== undefined, 'keyed');
  assert.notEqual(idleVerdictKey({ ...inputs, plan: { ...plan, route: { ...plan.route, file: 'apps/other/service.yaml' } } }), key, 'by its route');

  const fixture = await createRepo({ production: { 'git-canary.yaml': text, 'apps/hello/service.yaml': service('gcr.io/knative-samples/helloworld-go:1.0') } });
  fixtures.push(fixture);
  fixture.git('branch', 'candidate', 'production');
  const { log } = captureLog();
  const tick = async (recall: boolean, repo?: GitRepo) =>
    tickServices({ repo: repo ?? (await openRepo(fixture.dir)), config, names: ['hello'], author: DEFAULT_AUTHOR, now: () => at(1), dryRun: true, log, recall });
  const fresh = await tick(false);
  assert.deepEqual(fresh.map((r) => r.decision), ['none']);
  assert.deepEqual(await tick(true), fresh);
  const repo = counting(await openRepo(fixture.dir));
  assert.deepEqual(await tick(true, repo), fresh);
  assert.equal(repo.reads(), 0, 'recalled');
  // A new revision on candidate: read again, and it starts.
  commitFiles(fixture.dir, 'candidate', { 'apps/hello/service.yaml': service('gcr.io/knative-samples/helloworld-go:1.1').replace(/hello-v1$/m, 'hello-v2') });
  const started = await tick(true);
  assert.deepEqual(started.map((r) => r.decision), (await tick(false)).map((r) => r.decision));
  assert.equal(started[0]!.decision, 'start', started[0]!.reason);
});
