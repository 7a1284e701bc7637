/**
 * `npm run bench`, the benchmark of record (docs/performance.md): a short
 * table of in-process hot paths, then end-to-end rows of the real CLI, each
 * against a native baseline timed in the same process, interleaved run by run
 * (so machine speed and load cancel out in the ratio). Every timed run is
 * checked to have done what it is timed for; a broken run fails the bench
 * (exit 1). Timings are never asserted: targets are printed as met or not.
 *
 * Environment:
 * - BENCH_RUNS (default 3): runs per row (the no-op and start-up rows take 2-3x more);
 * - BENCH_BUDGET_S (default 250, counted from the start, fixtures included):
 *   every row runs once; a further run starts only when the row's average
 *   cost so far still fits in the budget, so slow rows get fewer runs rather
 *   than the bench running past 5 minutes (the table shows each row's runs);
 * - BENCH_CACHE: where fixtures are kept (default node_modules/.cache/git-canary-bench);
 * - BENCH_CLI: the CLI to run (default bin/git-canary.js), e.g. a bundle built into /tmp;
 * - BENCH_MARKDOWN=<path>: also write the tables into that file's "last run" section;
 * - BENCH_ONLY=<regex>: time only the rows whose "section / name" matches (and
 *   the start-up row, whose `node -e 0` the targets use), for working on one
 *   row; it cannot be combined with BENCH_MARKDOWN (a partial table is no record);
 * - BENCH_CPU_PROF=<dir>: every run of the CLI also writes a V8 CPU profile
 *   into <dir> (slower runs: for finding where the time goes, not for the record).
 */
import { join } from 'node:path';
import os from 'node:os';
import { type BenchContext, openContext } from './context.ts';
import { dueName, dueSpecs, type Fixtures, loadFixtures, PARAMETERS } from './repos/index.ts';
import { dueServices } from './repos/services.ts';
import { type Measured, measure, median, type Row } from './measure.ts';
import { runMicro } from './micro.ts';
import { cliFlavour } from './proc.ts';
import { formatMarkdown, formatText, machine, type Section, writeMarkdown } from './report.ts';
import { type DueFixture, dueRow, notDueRow, type WarmState, warmUp } from './rows/due.ts';
import { logRow, type WarmLog, warmLog } from './rows/log.ts';
import { dueServicesRow, idleServicesRow, warmServices } from './rows/services.ts';
import { helpRow } from './rows/start.ts';

const began = performance.now();
const loadAtStart = os.loadavg();
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BUDGET_S = Number(process.env.BENCH_BUDGET_S ?? 250);
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined;
const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
const n = (x: number) => x.toLocaleString('en-US');

const COLD = 'git clone --depth 1 --single-branch --branch production <url> + edit the route + commit + push';
const SECTIONS: Record<string, Section> = {
  files: {
    title: `Due tick by repository size (one service, ${PARAMETERS.recent} commits after the record)`,
    baseline: `cold and warm: ${COLD} (a warm tick's target is half of it); local: git clone <path> + edit + commit + push`,
  },
  history: {
    title: `Due tick by history length (${n(PARAMETERS.historyFiles)} files; ${PARAMETERS.recent} commits after the record: the ${n(PARAMETERS.historyFiles)}-files rows above)`,
    baseline: 'as above',
  },
  noop: { title: 'No-op tick (nothing due), warm cache over HTTP', baseline: 'git ls-remote <url> refs/heads/production refs/heads/candidate' },
  start: { title: 'Start-up', baseline: 'node -e 0' },
  services: {
    title: `${PARAMETERS.services.count} services in one repository, warm cache over HTTP`,
    baseline: 'git clone --depth 1 --single-branch --branch production <url> + n x (edit the canary image and the route, commit) + one push',
  },
  log: {
    title: `git-canary log --json: ${n(PARAMETERS.log.commits)} production commits, ${n(PARAMETERS.log.rollouts)} rollouts`,
    baseline: 'local: git log --format=%(trailers) production; HTTP: git fetch in an existing full clone + the same git log',
  },
};

/** Run `jobs` two at a time (set-up ticks are CPU-bound). */
async function inPairs(jobs: (() => Promise<void>)[]): Promise<void> {
  const queue = [...jobs];
  await Promise.all([0, 1].map(async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  }));
}

interface Plan {
  rows: Row[];
  setUp: (() => Promise<void>)[];
  /** Pairs of rows compared in "how cost grows". */
  growth: [label: string, a: Row, b: Row][];
}

function plan(ctx: BenchContext, fx: Fixtures): Plan {
  const warm = new Map<string, WarmState | undefined>();
  const setUp: (() => Promise<void>)[] = [];
  const fixture = (name: string): DueFixture => ({ name, repo: fx.due.get(name)! });
  /** The warm state of `f`, made in set-up (once, however many rows need it). */
  const warmOf = (f: DueFixture) => {
    if (!warm.has(f.name)) {
      warm.set(f.name, undefined);
      setUp.push(async () => void warm.set(f.name, await warmUp(ctx, f)));
    }
    return () => warm.get(f.name)!;
  };
  const specs = dueSpecs();
  const bySize = specs.slice(0, PARAMETERS.files.length);
  const byHistory = specs.slice(PARAMETERS.files.length);
  const rows: Row[] = [];
  const sized = new Map<string, Row>();
  for (const s of bySize) {
    const f = fixture(dueName(s));
    const rss = s.files >= 10_000 ? { rssMb: 150 } : {};
    const cold = dueRow(ctx, 'files', `${n(s.files)} files, HTTP cold`, f, 'cold', warmOf(f), { ratio: 1.2, ...rss });
    const hot = dueRow(ctx, 'files', `${n(s.files)} files, HTTP warm`, f, 'warm', warmOf(f), { ratio: 0.5, ...rss });
    rows.push(cold, hot);
    sized.set(`${s.files} cold`, cold).set(`${s.files} warm`, hot);
    if (s.files === PARAMETERS.historyFiles) rows.push(dueRow(ctx, 'files', `${n(s.files)} files, local path`, f, 'local', warmOf(f)));
  }
  const growth: Plan['growth'] = [];
  const [small, , big] = PARAMETERS.files;
  for (const t of ['cold', 'warm']) growth.push([`${n(big)} vs ${n(small)} files, HTTP ${t}`, sized.get(`${big} ${t}`)!, sized.get(`${small} ${t}`)!]);
  for (const s of byHistory) {
    const f = fixture(dueName(s));
    const what = s.below > 0 ? `${s.after} after + ${n(s.below)} below the record` : `${n(s.after)} commits after the record`;
    for (const t of ['cold', 'warm'] as const) {
      const r = dueRow(ctx, 'history', `${what}, HTTP ${t}`, f, t, warmOf(f), { ratio: t === 'cold' ? 1.2 : 0.5 });
      rows.push(r);
      const recent = sized.get(`${PARAMETERS.historyFiles} ${t}`)!;
      growth.push([s.below > 0 ? `${n(s.below)} commits below a recent record vs none, HTTP ${t}` : `${n(s.after)} vs ${PARAMETERS.recent} commits after the record, HTTP ${t}`, r, recent]);
    }
  }

  const noopTarget = { ratio: 3, plusNode: 1.5, of: ' ls-remote' };
  const thousand = fixture(dueName(bySize.find((s) => s.files === PARAMETERS.historyFiles)!));
  rows.push(notDueRow(ctx, 'noop', `step not due (1 service, ${n(PARAMETERS.historyFiles)} files)`, thousand, warmOf(thousand), noopTarget));
  let servicesCache = '';
  setUp.push(async () => {
    servicesCache = await warmServices(ctx, fx.servicesIdle);
  });
  const { count, due } = PARAMETERS.services;
  const idle = idleServicesRow(ctx, 'noop', `${count} idle services (candidate = production)`, fx.servicesIdle, () => servicesCache, noopTarget);
  rows.push(idle);
  rows.push(helpRow(ctx, 'start', { ratio: 1.5 }));
  const dueRows = due.map((k) =>
    dueServicesRow(ctx, 'services', `${count} services, ${k} due (${k} commit${k > 1 ? 's' : ''})`, fx.servicesDue.get(k)!, dueServices(count, k), () => servicesCache, k === 10 ? { ratio: 1.5 } : undefined),
  );
  rows.push(...dueRows);
  growth.push([`${due[0]} vs ${due[1]} due of ${count} services`, dueRows[0]!, dueRows[1]!]);
  growth.push([`${due[1]} due vs none due of ${count} services (ours; native: clone + push vs ls-remote)`, dueRows[1]!, idle]);

  let logWarm: WarmLog | undefined;
  setUp.push(async () => {
    logWarm = await warmLog(ctx, fx.log, PARAMETERS.log);
  });
  const logTarget = { ratio: 2, plusNode: 1.5, of: ' git log' };
  rows.push(logRow(ctx, 'log', 'local path', fx.log, PARAMETERS.log, 'local', () => logWarm!, logTarget));
  rows.push(logRow(ctx, 'log', 'HTTP, warm cache', fx.log, PARAMETERS.log, 'warm', () => logWarm!, logTarget));
  if (!ONLY) return { rows, setUp, growth };
  const chosen = rows.filter((r) => r.section === 'start' || ONLY.test(`${r.section} / ${r.name}`));
  return { rows: chosen, setUp, growth: growth.filter(([, a, b]) => chosen.includes(a) && chosen.includes(b)) };
}

function growthLine(label: string, results: Measured[], a: Row, b: Row): string {
  const of = (r: Row) => results.find((m) => m.row === r)!;
  const [x, y] = [of(a), of(b)];
  const r = (p: number, q: number) => `${(p / q).toFixed(2)}x (${p.toFixed(0)} vs ${q.toFixed(0)} ms)`;
  return `${label}: ours ${r(median(x.ours), median(y.ours))}, native ${r(median(x.native), median(y.native))}`;
}

async function main(): Promise<number> {
  if ((ONLY || process.env.BENCH_CPU_PROF) && process.env.BENCH_MARKDOWN) {
    console.error('BENCH_ONLY and BENCH_CPU_PROF are for working on rows: they cannot write the record (unset BENCH_MARKDOWN)');
    return 2;
  }
  const flavour = cliFlavour();
  console.log(`git-canary bench: CLI ${flavour}; ${RUNS} runs per row (cheap rows more), budget ${BUDGET_S} s`);
  const micro = runMicro();
  const ctx = await openContext();
  try {
    let t = performance.now();
    const fx = await loadFixtures(join(ctx.work, 'fixture'));
    const fixtureS = seconds(t);
    console.error(`[${seconds(began)} s] fixtures ready in ${fixtureS} s (${fx.built.length ? `built ${fx.built.join(', ')}` : 'all from the cache'}) at ${fx.dir}`);
    const { rows, setUp, growth } = plan(ctx, fx);
    t = performance.now();
    await inPairs(setUp);
    const setUpS = seconds(t);
    console.error(`[${seconds(began)} s] warm caches and clones ready in ${setUpS} s`);
    const flavours = new Set([flavour]);
    const results = await measure(rows, {
      runs: RUNS,
      deadline: began + BUDGET_S * 1000,
      progress: (m) => {
        flavours.add(cliFlavour());
        console.error(`[${seconds(began)} s] ${m.row.section} / ${m.row.name}: run ${m.ours.length}, ours ${m.ours.at(-1)!.toFixed(0)} ms, native ${m.native.at(-1)!.toFixed(0)} ms`);
      },
    });
    const nodeMs = median(results.find((m) => m.row.section === 'start')!.native);
    const short = results.filter((m) => m.ours.length < RUNS * (m.row.weight ?? 1)).length;
    const cores = os.availableParallelism();
    const busy = loadAtStart[0]! > cores / 2;
    const notes = [
      ...(busy ? [`**the machine was busy**: load average ${loadAtStart[0]!.toFixed(1)} at start on ${cores} cores, so other work ran during this measurement (ratios hold better than absolute times)`] : []),
      `CLI: ${[...flavours].join('; then ')}${flavours.size > 1 ? ' (src or dist changed during the run)' : ''}`,
      `runs per row: ${RUNS} wanted (no-op rows 2x, start-up 3x)${short ? `; the time budget (${BUDGET_S} s) left ${short} of ${results.length} rows with fewer (the runs column)` : ''}`,
      `fixtures: ${fx.built.length ? `${fx.built.length} built (${fixtureS} s)` : `from the cache (${fixtureS} s)`}; warm caches and clones: ${setUpS} s`,
      `bench total: ${seconds(began)} s`,
    ];
    const report = { micro, sections: SECTIONS, results, nodeMs, growth: growth.map(([label, a, b]) => growthLine(label, results, a, b)), notes, machine: machine(loadAtStart) };
    process.stdout.write(formatText(report));
    if (process.env.BENCH_MARKDOWN) {
      writeMarkdown(process.env.BENCH_MARKDOWN, formatMarkdown(report, new Date()));
      console.log(`wrote the last run into ${process.env.BENCH_MARKDOWN}`);
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  console.error(`bench failed after ${seconds(began)} s: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
}
