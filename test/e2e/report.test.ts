/**
 * End to end: `git-canary report` on real rollouts. The real CLI ticks a bare
 * repository on a pinned clock (GIT_CANARY_NOW) against a real Prometheus
 * (checkout healthy → promoted, payments failing → rolled back), `report`
 * writes each rollout's page, and real headless Chromium opens it with every
 * request that is not the page itself blocked and recorded: none may be
 * attempted. The numbers are read back from the DOM and compared with their
 * sources: the step weights with the trailers, the check values with what
 * Prometheus answers for the check's query at the judgment's time, the commits
 * with `git rev-parse`, the outcome with the record's body. Screenshots go to
 * test-artifacts/report-<service>.png.
 *
 * The browser tests skip only when /usr/bin/chromium is missing on a developer
 * machine; with CI set a missing browser fails them.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { parse } from 'yaml';
import { formatMeasured } from '../../src/analysis/format.ts';
import { type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { DEMO_TRAFFIC, productionFiles, release, scenarioMetrics } from '../helpers/scenario.ts';
import { at, openWorld, type World } from './support.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

function browserSkip(): string | false {
  if (existsSync(CHROMIUM) || process.env['CI']) return false;
  return `${CHROMIUM} is not installed (Debian: apt-get install chromium); skipping the browser tests of report`;
}

/** The commits of one service on production, oldest first, as git lists them. */
function commitsOf(w: World, service: string): string[] {
  return w.git('log', '--reverse', '--format=%H', `--grep=^Canary-Service: ${service}$`, 'production').trim().split('\n').filter(Boolean);
}

/** `Canary-Weight` of a commit, as git parses the trailer. */
function weightOf(w: World, sha: string): number {
  return Number(w.git('log', '-1', '--format=%(trailers:key=Canary-Weight,valueonly)', sha).trim());
}

interface Loaded {
  page: Page;
  /** Requests for anything but the page itself: each was blocked. */
  blocked: string[];
  close(): Promise<void>;
}

/** The page in a fresh context; every request other than the file itself is aborted and recorded. */
async function load(browser: Browser, file: string): Promise<Loaded> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    if (route.request().url() === url) return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  page.on('request', (r) => {
    if (r.url() !== url && !blocked.includes(r.url())) blocked.push(r.url());
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, blocked, close: () => context.close() };
}

/** What the page shows, read from the DOM. (No named functions inside: tsx's keepNames would reference a helper the page lacks.) */
async function readPage(page: Page) {
  return page.evaluate(() => ({
    points: document.querySelector('#weight-chart polyline.weight-line')?.getAttribute('points') ?? '',
    weightLabels: Array.from(document.querySelectorAll('#weight-chart text.weight-label'), (t) => t.textContent ?? ''),
    markers: Array.from(document.querySelectorAll('#weight-chart g.judgment'), (g) => ({ outcome: g.getAttribute('data-outcome'), at: g.getAttribute('data-at') })),
    judgments: Array.from(document.querySelectorAll('#checks-table tr.judgment-row'), (tr) => ({
      at: tr.getAttribute('data-at'),
      step: Number(tr.getAttribute('data-step')),
      weight: Number(tr.getAttribute('data-weight')),
      outcome: tr.getAttribute('data-outcome'),
      source: tr.getAttribute('data-source'),
      checks: Array.from(tr.querySelectorAll('td.check'), (td) => ({
        name: td.getAttribute('data-check'),
        value: td.getAttribute('data-value'),
        shown: td.querySelector('.value')?.textContent ?? '',
        outcome: td.getAttribute('data-outcome'),
      })),
    })),
    limitHeader: document.querySelector('#checks-table th[data-check="success-rate"] .muted')?.textContent ?? '',
    commits: Array.from(document.querySelectorAll('#commits-table tr[data-sha]'), (tr) => ({
      sha: tr.getAttribute('data-sha'),
      shown: tr.querySelector('.sha')?.textContent ?? '',
      href: tr.querySelector('a.sha')?.getAttribute('href') ?? null,
      weight: tr.children[2]?.textContent ?? '',
    })),
    outcome: document.querySelector('#outcome .outcome-label')?.textContent ?? '',
    why: document.querySelector('#outcome .why')?.textContent ?? '',
    person: document.querySelector('#outcome .person')?.textContent ?? '',
    scripts: document.querySelectorAll('script, img, iframe, link, object, embed').length,
    title: document.title,
  }));
}

describe('git-canary report through the CLI on real rollouts', { skip: prometheusSkip() }, () => {
  let prom: RunningPrometheus;
  let w: World;
  let out: string;
  let config: { services: Record<string, { analysis: { checks: { name: string; query: string; min: number }[] } }> };

  /** The number Prometheus answers for `service`'s success-rate query at `time`. */
  async function promValue(service: string, time: string): Promise<number> {
    const query = config.services[service]!.analysis.checks[0]!.query;
    const url = `${prom.url}/api/v1/query?query=${encodeURIComponent(query)}&time=${Date.parse(time) / 1000}`;
    const body = (await (await fetch(url)).json()) as { data: { result: { value: [number, string] }[] } };
    assert.equal(body.data.result.length, 1, JSON.stringify(body));
    return Number(body.data.result[0]!.value[1]);
  }
  /**
   * That answer as the judgment recorded it: a note keeps the number, a commit body
   * writes it as the engine formats values (at most 4 decimals, never reading as its bound).
   */
  async function recorded(service: string, time: string, source: string | null): Promise<string> {
    const answered = await promValue(service, time);
    return source === 'note' ? String(answered) : formatMeasured(answered, [config.services[service]!.analysis.checks[0]!.min]);
  }
  const report = (args: string[], minutes = 6, env: Record<string, string> = {}) => w.cli(['report', ...args], { at: at(minutes), env });

  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
    w = await openWorld('bare', { production: productionFiles() }, { env: () => ({ PROMETHEUS_URL: prom.url }) });
    out = mkdtempSync(join(tmpdir(), 'git-canary-report-'));
    config = parse(w.show('production', 'git-canary.yaml')!);
    w.commit(
      'candidate',
      { ...release('checkout', 'registry.example.com/checkout:1.1.0'), ...release('payments', 'registry.example.com/payments:4.3.0') },
      { from: 'production', message: 'ci: checkout 1.1.0, payments 4.3.0\n' },
    );
    const decisions: string[] = [];
    for (const minute of [2, 3, 4, 5]) {
      const t = await w.tick({ at: at(minute) });
      decisions.push(`${t.of('checkout').decision}/${t.of('payments').decision}`);
    }
    assert.deepEqual(decisions, ['start/start', 'step/hold', 'step/rollback', 'promote/none']);
  });
  after(async () => {
    await w?.close();
    await prom?.stop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test('refuses an unknown service, an unknown rollout and a missing directory, naming what exists', async () => {
    const unknown = await report(['--service', 'cart', '--out', join(out, 'x.html')]);
    assert.equal(unknown.code, 1, unknown.stderr);
    assert.match(unknown.stderr, /^error: no service named cart .*services: checkout, payments/m);
    const rollout = await report(['--service', 'checkout', '--rollout', 'checkout-0000000', '--out', join(out, 'x.html')]);
    assert.equal(rollout.code, 1, rollout.stderr);
    assert.match(rollout.stderr, /^error: service checkout has no rollout checkout-0000000 — its rollouts, newest first: checkout-[0-9a-f]{7} \(promoted, started 2024-01-01T00:02:00.000Z\)$/m);
    const dir = await report(['--service', 'checkout', '--out', join(out, 'missing', 'x.html')]);
    assert.equal(dir.code, 1, dir.stderr);
    assert.equal(dir.stderr, `error: cannot write --out ${join(out, 'missing', 'x.html')}: directory ${join(out, 'missing')} does not exist — create the directory first, or write the report elsewhere\n`);
    const usage = await report(['--service', 'checkout']);
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /report needs --out <file>/);
    assert.ok(!existsSync(join(out, 'x.html')), 'nothing was written');
  });

  describe('in headless Chromium', { skip: browserSkip() }, () => {
    let browser: Browser;
    before(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    after(async () => {
      await browser?.close();
    });

    test('checkout (promoted): the chart, the checks and the commits show the rollout as git and Prometheus hold it', async () => {
      const file = join(out, 'checkout.html');
      const r = await report(['--service', 'checkout', '--out', file], 6, { GITHUB_REPOSITORY: 'acme/manifests' });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^wrote .*checkout\.html: checkout-[0-9a-f]{7} \(promoted\), 7 events$/m);
      const commits = commitsOf(w, 'checkout');
      assert.equal(commits.length, 4);
      assert.deepEqual(commits.map((c) => weightOf(w, c)), [10, 25, 50, 0]);

      const loaded = await load(browser, file);
      try {
        const dom = await readPage(loaded.page);
        // Weight over time: 10 → 25 → 50 → 0 at minutes 2, 3, 4, 5 (x 52 → 700, y = 16 + (100 − w) × 1.92).
        assert.equal(dom.points, '52,188.8 268,188.8 268,160 484,160 484,112 700,112 700,208');
        assert.deepEqual(dom.weightLabels, ['10%', '25%', '50%']);
        assert.deepEqual(dom.markers, [3, 4, 5].map((m) => ({ outcome: 'pass', at: at(m).toISOString() })));
        // Each judgment's value is what Prometheus answers for the check's query at that time.
        assert.equal(dom.limitHeader, 'min 99');
        assert.equal(dom.judgments.length, 3);
        for (const [i, j] of dom.judgments.entries()) {
          // Judged by the commit that moved traffic on (or promoted): values from its body.
          assert.deepEqual({ step: j.step, weight: j.weight, outcome: j.outcome, source: j.source }, { step: i + 1, weight: [10, 25, 50][i], outcome: 'pass', source: 'commit' });
          const value = await recorded('checkout', j.at!, j.source);
          assert.deepEqual(j.checks, [{ name: 'success-rate', value, shown: value, outcome: 'pass' }]);
          assert.ok(Math.abs(Number(value) - (await promValue('checkout', j.at!))) < 1e-4 && value === '99.95', value);
        }
        // The commits are production's, linked to GitHub.
        assert.deepEqual(dom.commits.map((c) => c.sha), commits.map((c) => w.sha(c)));
        assert.deepEqual(dom.commits.map((c) => c.shown), commits.map((c) => c.slice(0, 7)));
        assert.deepEqual(dom.commits.map((c) => c.href), commits.map((c) => `https://github.com/acme/manifests/commit/${c}`));
        assert.deepEqual(dom.commits.map((c) => c.weight), ['10%', '25%', '50%', '0%']);
        assert.equal(dom.outcome, 'promoted');
        assert.equal(dom.why, 'last step 3/3 (50%) passed');
        assert.ok(w.git('log', '-1', '--format=%b', commits[3]!).includes(dom.why), 'the reason is the record body');
        assert.equal(dom.scripts, 0);
        await loaded.page.screenshot({ path: join(ARTIFACTS, 'report-checkout.png'), fullPage: true });
        assert.deepEqual(loaded.blocked, [], 'the page requested nothing but itself');
      } finally {
        await loaded.close();
      }
    });

    test('payments (rolled back): two failed judgments at 10 %, values from Prometheus, no links off GitHub', async () => {
      const file = join(out, 'payments.html');
      const r = await report(['--service', 'payments', '--out', file]);
      assert.equal(r.code, 0, r.stderr);
      const commits = commitsOf(w, 'payments');
      assert.deepEqual(commits.map((c) => weightOf(w, c)), [10, 10, 0], 'start, the failed-judgment record, the rollback');

      const loaded = await load(browser, file);
      try {
        const dom = await readPage(loaded.page);
        // 10 % from minute 2 to the rollback at minute 4, then 0 (x 52 → 700 over two minutes).
        assert.equal(dom.points, '52,188.8 700,188.8 700,208');
        assert.deepEqual(dom.markers, [3, 4].map((m) => ({ outcome: 'fail', at: at(m).toISOString() })));
        for (const j of dom.judgments) {
          assert.deepEqual({ step: j.step, weight: j.weight, outcome: j.outcome }, { step: 1, weight: 10, outcome: 'fail' });
          assert.deepEqual(j.checks.map((c) => [c.value, c.outcome]), [[await recorded('payments', j.at!, j.source), 'fail']]);
        }
        // The hold's values are in its note; the rollback's in its body.
        assert.deepEqual(dom.judgments.map((j) => [j.source, j.checks[0]!.value]), [['note', '90'], ['commit', '90']]);
        assert.deepEqual(dom.commits.map((c) => c.sha), commits.map((c) => w.sha(c)));
        assert.deepEqual(dom.commits.map((c) => c.href), [null, null, null], 'a local repository: no GitHub links');
        assert.equal(dom.outcome, 'rolled back');
        assert.equal(dom.why, '2/2 failed checks');
        await loaded.page.screenshot({ path: join(ARTIFACTS, 'report-payments.png'), fullPage: true });
        assert.deepEqual(loaded.blocked, []);
      } finally {
        await loaded.close();
      }
    });

    test("a <script> in a person's reason renders as text; --rollout picks an older rollout", async () => {
      const old = commitsOf(w, 'payments');
      const oldId = w.git('log', '-1', '--format=%(trailers:key=Canary-Rollout,valueonly)', old[0]!).trim();
      w.commit('candidate', release('payments', 'registry.example.com/payments:4.3.1'), { message: 'ci: payments 4.3.1\n' });
      assert.equal((await w.tick({ at: at(9), args: ['--service', 'payments'] })).of('payments').decision, 'start');
      const evil = `<script>document.title='pwned'</script><img src="https://evil.example/x.png" onerror="document.title='pwned'">`;
      const paused = await w.cli(['pause', '--service', 'payments', '--reason', evil], { at: at(10), env: { GIT_CANARY_ACTOR: 'mallory<b>' } });
      assert.equal(paused.code, 0, paused.stderr);

      const file = join(out, 'evil.html');
      assert.equal((await report(['--service', 'payments', '--out', file], 11)).code, 0);
      assert.ok(readFileSync(file, 'utf8').includes('&#60;script&#62;'), 'escaped in the file');
      const loaded = await load(browser, file);
      try {
        const dom = await readPage(loaded.page);
        assert.equal(dom.outcome, 'paused');
        assert.equal(dom.person, `by mallory<b>, reason: ${evil}`, 'shown as the text it is');
        assert.equal(dom.scripts, 0, 'no element came from the reason');
        assert.doesNotMatch(dom.title, /pwned/);
        assert.deepEqual(loaded.blocked, [], 'the image in the reason was never requested');
      } finally {
        await loaded.close();
      }

      // The rolled-back rollout is still there by its id.
      const older = join(out, 'older.html');
      const r = await report(['--service', 'payments', '--rollout', oldId, '--out', older, '--json'], 11);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { file: older, service: 'payments', rollout: oldId, outcome: 'rolled-back', events: 4 });
    });
  });
});
