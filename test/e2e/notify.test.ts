/**
 * Notifications end to end (PRODUCT.md "Notifications"): the real CLI on a
 * pinned clock, a real git repository (local bare, and over HTTP), a real
 * Prometheus judging the healthy checkout canary, and the local receiver
 * (test/helpers/notify-server.ts) standing in for Slack and a signed webhook,
 * checking every payload against the published shapes.
 *
 * Promised: each message arrives after its commit is on production, names the
 * service, decision, weight and commit; a receiver that fails changes neither
 * the decision nor the exit code; the webhook URLs and secret never appear in
 * the CLI's output; commands that never notify run without the notify
 * variables, tick refuses clearly without them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type NotifyServer, startNotifyServer } from '../helpers/notify-server.ts';
import { type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { DEMO_TRAFFIC, productionFiles, release, scenarioMetrics } from '../helpers/scenario.ts';
import { at, openWorld, type Transport, type World } from './support.ts';

const NEXT = 'registry.example.com/checkout:1.1.0';
const SLACK_PATH = 'T024BE7LD/B01ABCDEF23/vErYsEcReTsLaCkPaTh0123';
const HOOK_PATH = 'hooks/rollouts/k8s-prod-0e7f3a9d21';
const HOOK_SECRET = 'whsec-7f3a9d21c0ffee-rollouts';

const NOTIFY_YAML = `
# Rollout news: #checkout-releases on Slack, and the platform's audit receiver.
notify:
  - type: slack
    url: \${SLACK_WEBHOOK_URL}
    events: [start, step, promote, rollback]   # steps too: the team watches every one
  - type: webhook
    url: \${ROLLOUT_WEBHOOK_URL}
    secret: \${ROLLOUT_WEBHOOK_SECRET}
    timeout: 2s
`;

function filesWithNotify(extra = NOTIFY_YAML): Record<string, string> {
  const files = productionFiles();
  return { ...files, 'git-canary.yaml': `${files['git-canary.yaml']}${extra}` };
}

let prom: RunningPrometheus | undefined;
let receiver: NotifyServer;

describe('notifications through the CLI', { skip: prometheusSkip(), concurrency: 1 }, () => {
  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
    receiver = await startNotifyServer({ webhookSecret: HOOK_SECRET });
  });
  after(async () => {
    await prom?.stop();
    await receiver?.close();
  });

  const env = () => ({
    PROMETHEUS_URL: prom?.url,
    SLACK_WEBHOOK_URL: receiver.url('slack', SLACK_PATH),
    ROLLOUT_WEBHOOK_URL: receiver.url('webhook', HOOK_PATH),
    ROLLOUT_WEBHOOK_SECRET: HOOK_SECRET,
    // Commit links are made for a repository on GitHub; no token is needed for a link.
    GITHUB_REPOSITORY: 'acme/manifests',
    // Info lines too: they must not carry a URL either.
    GIT_CANARY_LOG_LEVEL: 'info',
  });

  for (const transport of ['bare', 'http'] as Transport[]) {
    test(`[${transport}] a healthy rollout is told to Slack and the webhook, each message after its commit is on production`, async () => {
      receiver.requests.length = 0;
      receiver.mode = 'ok';
      const w = await openWorld(transport, { production: filesWithNotify() }, { env });
      const seen: { kind: string; onProduction: boolean; commit: string | null }[] = [];
      receiver.onRequest = (r) => {
        const commit = commitOf(r.kind, r.json);
        seen.push({ kind: r.kind, commit, onProduction: commit !== null && isOnProduction(w, commit) });
      };
      try {
        w.commit('candidate', release('checkout', NEXT), { from: 'production', message: 'ci: checkout 1.1.0\n' });
        const outputs: string[] = [];
        const decisions: { decision: string; weight: number | null; step: string | null; commit: string | null }[] = [];
        for (const minute of [2, 2.5, 3, 4, 5]) {
          const t = await w.tick({ at: at(minute) });
          outputs.push(t.result.stdout, t.result.stderr);
          const c = t.of('checkout');
          decisions.push({ decision: c.decision, weight: c.weight, step: c.step, commit: c.commit });
          assert.equal(t.of('payments').decision, 'none');
        }
        assert.deepEqual(decisions.map((d) => d.decision), ['start', 'none', 'step', 'step', 'promote']);
        assert.deepEqual(receiver.requests.flatMap((r) => r.problems.map((p) => `${r.kind}: ${p}`)), [], 'every payload has the published shape');

        // Slack: start, two steps and the promotion (the default would leave steps out; this config asks for them).
        const published = decisions.filter((d) => d.commit !== null);
        const slack = receiver.requests.filter((r) => r.kind === 'slack');
        assert.deepEqual(
          slack.map((r) => (r.json as { blocks: { text?: { text: string } }[] }).blocks[0]!.text!.text),
          ['checkout: canary started at 10% (step 1/3)', 'checkout: canary 25% (step 2/3)', 'checkout: canary 50% (step 3/3)', 'checkout: promoted — 100% stable'],
        );
        assert.deepEqual(slack.map((r) => commitOf('slack', r.json)), published.map((d) => d.commit));
        const stepMessage = slack[1]!.body;
        assert.match(stepMessage, /`success-rate` 99\.95 — pass/, 'the checks judged');
        assert.ok(stepMessage.includes(`<https://github.com/acme/manifests/commit/${published[1]!.commit}|${published[1]!.commit!.slice(0, 7)}>`), stepMessage);

        // The webhook: the default events (start and promote), signed, naming everything.
        const hooks = receiver.requests.filter((r) => r.kind === 'webhook').map((r) => r.json as Record<string, unknown>);
        assert.deepEqual(
          hooks.map((h) => [h.event, h.service, h.weight, h.step, h.commit]),
          [
            ['start', 'checkout', 10, '1/3', published[0]!.commit],
            ['promote', 'checkout', 0, null, published[3]!.commit],
          ],
        );
        assert.equal(receiver.requests.find((r) => r.kind === 'webhook')!.path, `/webhook/${HOOK_PATH}`);

        // Each message arrived when its commit was already production's.
        assert.equal(seen.length, 6);
        assert.ok(seen.every((s) => s.onProduction), JSON.stringify(seen));

        // The URLs and the secret never reach the CLI's output (logs included).
        const out = outputs.join('\n');
        assert.match(out, /notified slack of checkout/, 'the info log says it notified');
        for (const secret of [SLACK_PATH, HOOK_PATH, HOOK_SECRET]) assert.ok(!out.includes(secret), `${secret} leaked:\n${out}`);
      } finally {
        receiver.onRequest = undefined;
        await w.close();
      }
    });
  }

  test('a receiver that fails (500) changes neither the decision nor the exit code; the warning names no URL', async () => {
    receiver.requests.length = 0;
    receiver.mode = 'fail';
    const w = await openWorld('bare', { production: filesWithNotify() }, { env });
    try {
      w.commit('candidate', release('checkout', NEXT), { from: 'production', message: 'ci: checkout 1.1.0\n' });
      const t = await w.tick({ at: at(2) });
      assert.equal(t.result.code, 0);
      assert.equal(t.of('checkout').decision, 'start');
      assert.equal(t.of('checkout').commit, w.sha('production'));
      assert.equal(receiver.requests.length, 2, 'both receivers were tried');
      assert.match(t.result.stderr, /notification to slack \(http:\/\/127\.0\.0\.1:\d+\/\*\*\*\) failed: answered 500/);
      assert.match(t.result.stderr, /notification to webhook \(http:\/\/127\.0\.0\.1:\d+\/\*\*\*\) failed: answered 500/);
      for (const secret of [SLACK_PATH, HOOK_PATH, HOOK_SECRET]) assert.ok(!`${t.result.stdout}${t.result.stderr}`.includes(secret));
    } finally {
      receiver.mode = 'ok';
      await w.close();
    }
  });

  test('status runs without the notify variables; tick and the manual commands refuse, naming the variable', async () => {
    receiver.requests.length = 0;
    const w = await openWorld('bare', { production: filesWithNotify() }, { env });
    try {
      w.commit('candidate', release('checkout', NEXT), { from: 'production', message: 'ci: checkout 1.1.0\n' });
      const unset = { SLACK_WEBHOOK_URL: undefined, ROLLOUT_WEBHOOK_URL: undefined, ROLLOUT_WEBHOOK_SECRET: undefined };
      const status = await w.cli(['status'], { at: at(2), env: unset });
      assert.equal(status.code, 0, status.stderr);
      const dry = await w.cli(['tick', '--dry-run'], { at: at(2), env: unset });
      assert.equal(dry.code, 0, `a dry run says nothing, so needs nothing: ${dry.stderr}`);
      const tick = await w.cli(['tick'], { at: at(2), env: unset });
      assert.equal(tick.code, 1);
      assert.match(tick.stderr, /^error: notify\[0\]\.url: environment variable SLACK_WEBHOOK_URL is not set/m);
      const pause = await w.cli(['pause', '--service', 'checkout'], { at: at(2), env: unset });
      assert.equal(pause.code, 1);
      assert.match(pause.stderr, /environment variable SLACK_WEBHOOK_URL is not set/);
      assert.equal(receiver.requests.length, 0);
    } finally {
      await w.close();
    }
  });

  test('secret on a Slack notifier is refused at its key path', async () => {
    const bad = '\nnotify:\n  - type: slack\n    url: https://hooks.slack.com/services/T0/B0/x\n    secret: a-secret-slack-never-checks\n';
    const w = await openWorld('bare', { production: filesWithNotify(bad) }, { env });
    try {
      const tick = await w.cli(['tick'], { at: at(2) });
      assert.equal(tick.code, 1);
      assert.match(tick.stderr, /^error: notify\[0\]\.secret: slack cannot sign its requests: only type: webhook takes a secret/m);
      assert.match(tick.stderr, /git-canary\.yaml:\d+/);
    } finally {
      await w.close();
    }
  });
});

/** The full sha a message names: the webhook's `commit`, Slack's commit link. */
function commitOf(kind: string, json: unknown): string | null {
  if (kind === 'webhook') return ((json as { commit?: string | null }).commit ?? null) as string | null;
  const m = /\/commit\/([0-9a-f]{40})\|/.exec(JSON.stringify(json));
  return m ? m[1]! : null;
}

/** Whether `commit` is production's tip or below it, in the repository people see (read with the git CLI). */
function isOnProduction(w: World, commit: string): boolean {
  try {
    w.git('merge-base', '--is-ancestor', commit, 'production');
    return true;
  } catch {
    return false;
  }
}
