/**
 * Issue 11's acceptance: the labelled scenario suite (catalog.ts, README.md)
 * on one real Prometheus backfilled with every scenario's series. Each
 * scenario is a real repository ticked by the real CLI at a pinned clock once
 * per interval; it asserts the exact decision sequence, the reasons that
 * matter, and what each decision did (or did not do) to production.
 *
 * GIT_CANARY_SCENARIO_TABLE=1 prints the README's "fixed limit vs baseline"
 * table from the stable-relative regression's runs; GIT_CANARY_SCENARIO_STORY=1
 * prints every scenario's ticks (decision, reason, checks).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { at, type World } from '../../e2e/support.ts';
import { openMetrics, type RunningPrometheus, prometheusSkip, startPrometheus } from '../../helpers/prometheus.ts';
import { type AuthProxy, startAuthProxy } from './auth-proxy.ts';
import { type Ask, SCENARIOS, type Scenario, type Source } from './catalog.ts';
import { decisionTable } from './table.ts';
import { canaryWeight, openScenarioWorld, phaseOf, type Tick } from './world.ts';

let prom: RunningPrometheus | undefined;
let proxy: AuthProxy | undefined;
/**
 * Nothing listens on port 1 (a privileged port no test server binds); a port
 * from freePort() could be taken by another test file's server meanwhile.
 */
const DOWN_ADDRESS = 'http://127.0.0.1:1';
const runs = new Map<string, Tick[]>();

before(async () => {
  if (prometheusSkip()) return;
  prom = await startPrometheus({ openmetrics: openMetrics(...SCENARIOS.flatMap((s) => s.series)) });
  proxy = await startAuthProxy();
});

after(async () => {
  await prom?.stop();
  await proxy?.close();
  if (process.env.GIT_CANARY_SCENARIO_TABLE === '1') printTable();
});

function addressOf(source: Source): string {
  if (source === 'down') return DOWN_ADDRESS;
  if (source === 'unauthorized') return proxy!.url;
  return prom!.url;
}

/** An instant query at T0 + minute, straight to Prometheus' HTTP API (not through git-canary). */
const ask: Ask = async (query, minute) => {
  const url = new URL(`${prom!.url}/api/v1/query`);
  url.search = new URLSearchParams({ query, time: String(at(minute).getTime() / 1000) }).toString();
  const body = (await (await fetch(url)).json()) as { data?: { result?: { value: [number, string] }[] } };
  const result = body.data?.result ?? [];
  assert.equal(result.length, 1, `${query} at minute ${minute}: ${JSON.stringify(body)}`);
  return Number(result[0]!.value[1]);
};

/** Every tick on one line each, for failure messages: what was seen, against what was expected. */
function story(s: Scenario, ticks: readonly Tick[]): string {
  const seen = ticks.map((t) => {
    const checks = t.checks.map((c) => `${c.name}=${c.value ?? '-'} ${c.outcome}`).join(', ');
    const stderr = t.raw.code === 0 ? '' : ` [exit ${t.raw.code}: ${t.raw.stderr.trim().split('\n').slice(-3).join(' | ')}]`;
    return `  minute ${t.minute}: ${t.decision} — ${t.reason}${checks ? ` {${checks}}` : ''}${stderr}`;
  });
  return `${s.id}\n expected: ${s.expected.join(', ')}\n seen:\n${seen.join('\n')}`;
}

interface Effect {
  tick: Tick;
  productionBefore: string;
  productionAfter: string;
  weightAfter: number | undefined;
}

/** What each decision must have done to production (PRODUCT.md "Lifecycle of one service"). */
function assertEffects(w: World, s: Scenario, effects: readonly Effect[]): void {
  let stepIndex = 0;
  for (const { tick, productionBefore, productionAfter, weightAfter } of effects) {
    const where = `${s.id} minute ${tick.minute} (${tick.decision}): ${tick.reason}`;
    assert.equal(tick.raw.code, 0, `${where}: a tick that decides exits 0\n${tick.raw.stderr}`);
    switch (tick.decision) {
      case 'start':
      case 'step':
        assert.ok(tick.commit, where);
        assert.equal(weightAfter, s.steps[stepIndex], `${where}: canary weight`);
        stepIndex++;
        break;
      case 'promote':
        assert.equal(weightAfter, 0, `${where}: all traffic back on stable`);
        assert.match(w.show('production', 'apps/checkout/deployment.yaml') ?? '', /checkout:1\.1\.0/, `${where}: the candidate's release is on production`);
        break;
      case 'rollback':
        assert.equal(weightAfter, 0, `${where}: all traffic back on stable`);
        assert.match(w.show('production', 'apps/checkout/deployment.yaml') ?? '', /checkout:1\.0\.0/, `${where}: the release stays the old one`);
        assert.match(w.show('production', 'apps/checkout/deployment-canary.yaml') ?? '', /checkout:1\.0\.0/, `${where}: the canary is restored`);
        break;
      case 'pause': {
        assert.ok(tick.commit, `${where}: a pause is recorded as a commit`);
        assert.equal(productionAfter, tick.commit, where);
        assert.equal(w.sha(`${tick.commit}^`), productionBefore, where);
        assert.equal(phaseOf(w, tick.commit), 'paused', `${where}: Canary-Phase`);
        assert.deepEqual(tick.files, [], `${where}: a pause changes no file`);
        assert.equal(w.git('diff', '--name-only', productionBefore, tick.commit).trim(), '', `${where}: a pause changes no file`);
        const message = w.git('log', '-1', '--format=%B', tick.commit);
        assert.ok(message.includes(tick.reason.split(' — ')[0]!), `${where}: the paused commit carries the reason:\n${message}`);
        break;
      }
      case 'hold':
        // A hold may leave a record of the judgment (a commit or a note), never a changed file.
        if (tick.commit) assert.equal(w.sha(`${tick.commit}^`), productionBefore, `${where}: a record on top of production`);
        assert.deepEqual(tick.files, [], `${where}: a hold changes no file`);
        assert.equal(w.git('diff', '--name-only', productionBefore, productionAfter).trim(), '', `${where}: a hold changes no file`);
        break;
      case 'none':
        assert.equal(productionAfter, productionBefore, `${where}: nothing committed`);
        break;
      default:
        assert.fail(`${where}: unexpected decision`);
    }
  }
}

describe('analysis scenarios on a real Prometheus', { skip: prometheusSkip(), concurrency: 4 }, () => {
  test('every scenario has a distinct id, one tick per expected decision, and never expects an error', () => {
    assert.equal(new Set(SCENARIOS.map((s) => s.id)).size, SCENARIOS.length);
    for (const s of SCENARIOS) {
      assert.equal(s.minutes.length, s.expected.length, s.id);
      assert.ok(!s.expected.includes('error'), s.id);
    }
  });

  for (const s of SCENARIOS) {
    test(`${s.id}: ${s.label}`, async () => {
      if (s.premise) await s.premise(ask);
      const sw = await openScenarioWorld({ address: addressOf(s.source), steps: s.steps, analysis: s.analysis });
      try {
        const effects: Effect[] = [];
        for (const minute of s.minutes) {
          const productionBefore = sw.world.sha('production');
          const tick = await sw.tick(minute);
          effects.push({ tick, productionBefore, productionAfter: sw.world.sha('production'), weightAfter: canaryWeight(sw.world) });
        }
        const ticks = effects.map((e) => e.tick);
        runs.set(s.id, ticks);
        if (process.env.GIT_CANARY_SCENARIO_STORY === '1') console.log(story(s, ticks));
        assert.deepEqual(
          ticks.map((t) => t.decision),
          s.expected,
          story(s, ticks),
        );
        for (const [i, patterns] of Object.entries(s.reasons ?? {})) {
          for (const p of patterns) assert.match(ticks[Number(i)]!.reason, p, `reason at minute ${s.minutes[Number(i)]}\n${story(s, ticks)}`);
        }
        assertEffects(sw.world, s, effects);
        s.verify?.(ticks);
        if (s.source === 'unauthorized') assert.ok(proxy!.requests.some((r) => r.startsWith('/api/v1/query')), 'the CLI asked the proxy');
      } finally {
        await sw.close();
      }
    });
  }
});

function printTable(): void {
  const column = (id: string, title: string) => ({ title, ticks: runs.get(id) ?? [] });
  const table = decisionTable([
    column('s07a-stable-only-fixed', 'fixed `max: 250`'),
    column('s07b-stable-only-value', '`baseline: { query: stable, maxIncrease: 10% }`'),
    column('s07c-stable-only-mann-whitney', 'same, `method: mann-whitney`'),
  ]);
  console.log(`\nfixed limit vs baseline on the same regression (canary p99 ≈ 160 ms, stable ≈ 120 ms):\n\n${table}\n`);
}
