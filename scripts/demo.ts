/**
 * `npm run demo`: two canaries in a local manifests repository, no server needed.
 * checkout (Istio) walks 10% → 25% → 50% and is promoted; payments (Gateway API,
 * custom backends) fails its success-rate check twice and is rolled back. Ticks
 * run on a pinned clock one interval apart, so the demo takes seconds; metrics
 * come from a real Prometheus backfilled with the traffic of those minutes when
 * it is installed, else from a small simulated source that says so.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tick } from '../src/commands/tick.ts';
import type { CommandContext } from '../src/context.ts';
import { silentLogger } from '../src/log.ts';
import { commitFiles, createRepo } from '../test/helpers/git-fixtures.ts';
import { isPrometheusInstalled, startPrometheus } from '../test/helpers/prometheus.ts';
import { DEMO_TRAFFIC, productionFiles, release, scenarioMetrics, T0 } from '../test/helpers/scenario.ts';

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

/** A stand-in for Prometheus' instant-query API answering the demo's two queries. Labelled simulated everywhere. */
async function startSimulatedMetrics(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const app = Object.keys(DEMO_TRAFFIC).find((a) => query.includes(`app="${a}"`));
    const profile = app ? DEMO_TRAFFIC[app] : undefined;
    const result = profile ? [{ metric: {}, value: [Date.now() / 1000, String((1 - profile.errorRatio) * 100)] }] : [];
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

async function main(): Promise<void> {
  const repo = await createRepo({ main: { 'README.md': '# shop manifests\n' }, production: productionFiles() }, { bare: false, checkout: 'main' });
  commitFiles(repo.dir, 'candidate', { ...release('checkout', 'registry.example.com/checkout:1.1.0'), ...release('payments', 'registry.example.com/payments:4.3.0') }, {
    from: 'production',
    message: 'ci: checkout 1.1.0, payments 4.3.0\n',
  });
  console.log(bold(`manifests repository: ${repo.dir}`));
  console.log('candidate: checkout → 1.1.0 (healthy canary), payments → 4.3.0 (10% of requests fail)\n');

  let metrics: { url: string; stop(): Promise<void> };
  if (isPrometheusInstalled()) {
    console.log('metrics: a real Prometheus, backfilled with promtool from the demo traffic\n');
    metrics = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
  } else {
    console.log('metrics: SIMULATED (Prometheus is not installed: `sudo apt-get install prometheus` for the real thing)\n');
    metrics = await startSimulatedMetrics();
  }

  let clock = new Date(T0.getTime() + 2 * 60_000);
  const ctx: CommandContext = {
    options: { repo: repo.dir, json: false, debug: false, production: 'production' },
    env: { ...process.env, PROMETHEUS_URL: metrics.url },
    now: () => clock,
    log: silentLogger,
    cwd: process.cwd(),
  };
  try {
    let quiet = 0;
    for (let i = 1; i <= 20 && quiet < 2; i++) {
      const r = await tick(ctx, {});
      const services = (r.json as { services: { decision: string }[] }).services;
      quiet = services.every((s) => s.decision === 'none') ? quiet + 1 : 0;
      console.log(bold(`tick ${i} at ${clock.toISOString().slice(11, 16)} (pinned clock)`));
      process.stdout.write(`${r.text.trimEnd().replace(/^/gm, '  ')}\n`);
      clock = new Date(clock.getTime() + 60_000);
    }
  } finally {
    await metrics.stop();
  }

  console.log(bold('\ngit log production — every traffic step is a commit with trailers:'));
  const log = execFileSync(
    'git',
    ['log', '--reverse', '--format=%h %<(34,trunc)%s %(trailers:key=Canary-Phase,key=Canary-Weight,valueonly,separator=%x20)', 'production'],
    { cwd: repo.dir, encoding: 'utf8' },
  );
  process.stdout.write(log);
  console.log(bold('\nthe promotion commit in full:'));
  process.stdout.write(execFileSync('git', ['log', '-1', '--stat', '--grep=Canary-Phase: promoted', 'production'], { cwd: repo.dir, encoding: 'utf8' }));
  console.log(`\nexplore it: git -C ${repo.dir} log -p production   |   npx git-canary log --repo ${repo.dir}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
