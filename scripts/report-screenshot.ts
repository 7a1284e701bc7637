/**
 * `npx tsx scripts/report-screenshot.ts`: docs/report.png, the README's picture
 * of `git-canary report`. Builds the demo's manifests repository (see
 * scripts/demo.ts), rolls checkout out on a pinned clock (10% → 25% → 50% →
 * promoted) against a real Prometheus when it is installed, else a stand-in
 * answering the demo's traffic, writes checkout's report and photographs it in
 * headless Chromium (/usr/bin/chromium, or CHROMIUM). Fixture dates, the pinned
 * clock and fixed metrics make the commits, and so the picture, the same on
 * every run.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { report } from '../src/commands/report.ts';
import { tick } from '../src/commands/tick.ts';
import type { CommandContext } from '../src/context.ts';
import { silentLogger } from '../src/log.ts';
import { commitFiles, createRepo } from '../test/helpers/git-fixtures.ts';
import { isPrometheusInstalled, startPrometheus } from '../test/helpers/prometheus.ts';
import { DEMO_TRAFFIC, productionFiles, release, scenarioMetrics, T0 } from '../test/helpers/scenario.ts';

const OUT = fileURLToPath(new URL('../docs/report.png', import.meta.url));

/** The demo's stand-in for Prometheus' instant-query API: each app's success rate from DEMO_TRAFFIC. */
async function startStandIn(): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    const query = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const profile = Object.entries(DEMO_TRAFFIC).find(([app]) => query.includes(`app="${app}"`))?.[1];
    const result = profile ? [{ metric: {}, value: [0, String((1 - profile.errorRatio) * 100)] }] : [];
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

async function main(): Promise<void> {
  const repo = await createRepo({ main: { 'README.md': '# shop manifests\n' }, production: productionFiles() }, { bare: false, checkout: 'main' });
  const work = mkdtempSync(join(tmpdir(), 'git-canary-report-shot-'));
  commitFiles(repo.dir, 'candidate', release('checkout', 'registry.example.com/checkout:1.1.0'), { from: 'production', message: 'ci: checkout 1.1.0\n' });
  const real = isPrometheusInstalled();
  const metrics = real ? await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) }) : await startStandIn();
  console.log(`metrics: ${real ? 'a real Prometheus, backfilled from the demo traffic' : 'a stand-in (Prometheus is not installed)'}`);

  let clock = new Date(T0.getTime() + 2 * 60_000);
  const ctx: CommandContext = {
    options: { repo: repo.dir, json: false, debug: false, production: 'production' },
    // The demo repository is local; name a GitHub repository so the page shows its commit links.
    env: { PROMETHEUS_URL: metrics.url, GITHUB_REPOSITORY: 'acme/manifests' },
    now: () => clock,
    log: silentLogger,
    cwd: work,
  };
  try {
    for (let minute = 2; minute <= 5; minute++) {
      const r = await tick(ctx, {});
      process.stdout.write(`${r.text.trimEnd().replace(/^/gm, `  00:0${minute} `)}\n`);
      clock = new Date(clock.getTime() + 60_000);
    }
  } finally {
    await metrics.stop();
  }

  const html = join(work, 'checkout.html');
  const written = await report(ctx, { service: 'checkout', out: html });
  if (written.exitCode !== 0) throw new Error(written.errors?.join('\n') ?? 'report failed');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(html).href);
    mkdirSync(join(OUT, '..'), { recursive: true });
    await page.screenshot({ path: OUT, fullPage: true });
  } finally {
    await browser.close();
    await repo.cleanup();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`wrote ${OUT}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
});
