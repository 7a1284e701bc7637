/**
 * `npm run bench`, end-to-end rows: one due `git-canary tick` (it commits a
 * traffic step) with 10 and with 5,000 production commits between the
 * service's newest record and production's tip, over a local bare path and
 * over HTTP (`git http-backend`) with a fresh and with a warm cache. Each is a
 * ratio against a native baseline timed in the same process: `git clone
 * --depth 1 --single-branch --branch production` + edit one file + commit +
 * push, against the same repository. Asserts nothing about timings; it only
 * checks that every timed tick did what it is timed for (a step, one commit).
 *
 * The fixture is built once per run (scenario files, `analysis: false`,
 * interval 1m): candidate carries a new checkout image, the real CLI starts
 * the rollout at T0 (the record), a person's N commits land on production
 * within the next minute (fast-import), and the timed tick runs at T0+2m.
 * Every timed run gets its own copy (cp -r) of the prepared bare repository;
 * a local native clone is from a plain path, so git ignores --depth there
 * (it says so) and hardlinks the objects instead.
 * One more row, local only: 10 commits after the record but 5,000 below it
 * (a long history with a recent record).
 *
 * Environment: BENCH_TICK_RUNS (default 5) runs per row; BENCH_TICK_BUDGET_S
 * (default 140, counted from the start of this file's work) skips a slow
 * row's further runs (never below 3) once one more would pass it; rows whose
 * run costs under 3 s always get every run. Runs with
 * `npm run bench` (after the micro rows) or alone: `npx tsx bench/tick.ts`.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, cliEnv } from '../test/helpers/cli.ts';
import { buildHistory, type HistoryCommit } from '../test/helpers/fast-import.ts';
import { commitFiles, createRepo, FIXTURE_DATE, GIT_ENV, git } from '../test/helpers/git-fixtures.ts';
import { type GitHttpServer, start } from '../test/helpers/git-http-server.ts';
import { productionFiles, release, T0 } from '../test/helpers/scenario.ts';

const SIZES = [10, 5000] as const;
/** Commits below the record in the long-history row. */
const DEEP = 5000;
const ROUNDS = Number(process.env.BENCH_TICK_RUNS ?? 5);
const MIN_ROUNDS = Math.min(3, ROUNDS);
const BUDGET_MS = Number(process.env.BENCH_TICK_BUDGET_S ?? 140) * 1000;
/** A row whose run (ours + native) costs less than this always gets every round. */
const CHEAP_MS = 3000;
const TIME_BIN = '/usr/bin/time';
const HAS_TIME = existsSync(TIME_BIN);
const PERSON = { name: 'Dana Dev', email: 'dana@example.test' };
const ROUTE_FILE = 'apps/checkout/virtualservice.yaml';

const iso = (ms: number) => new Date(T0.getTime() + ms).toISOString();

/** What bin/git-canary.js will run: the same test it makes. */
function cliFlavour(): string {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const bundle = join(root, 'dist', 'cli.js');
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  const fresh = existsSync(bundle) && (!existsSync(join(root, 'src')) || statSync(bundle).mtimeMs >= newest(join(root, 'src')));
  return fresh ? 'dist/cli.js (bundle, fresher than src)' : 'src/cli.ts through tsx (dist is older than src: slower start-up)';
}

interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Async on purpose: the HTTP server answers from this same event loop. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t }));
  });
}

async function must(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<Proc> {
  const p = await run(cmd, args, env, cwd);
  if (p.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${p.code}\n${p.stdout}\n${p.stderr}`);
  return p;
}

interface TickRun {
  ms: number;
  /** Peak RSS (KB) and CPU seconds of the CLI process, from /usr/bin/time. */
  rssKb?: number;
  cpuS?: number;
  json: { services: { service: string; decision: string; commit: string | null }[] };
}

/** The real CLI, `tick --json`, on a pinned clock, with nothing of the developer's identity. */
/** `timeFile`: where /usr/bin/time writes (one per concurrent tick). */
async function tick(spec: string, at: string, extra: string[], timeFile: string, tickArgs: string[] = []): Promise<TickRun> {
  const args = [BIN, '--repo', spec, ...extra, 'tick', '--json', ...tickArgs];
  const env = cliEnv({ GIT_CANARY_NOW: at });
  const out = `${timeFile}time.txt`;
  const p = HAS_TIME ? await run(TIME_BIN, ['-f', '%M %U %S', '-o', out, process.execPath, ...args], env) : await run(process.execPath, args, env);
  if (p.code !== 0) throw new Error(`git-canary tick (${spec} at ${at}) exited ${p.code}\n${p.stdout}\n${p.stderr}`);
  const r: TickRun = { ms: p.ms, json: JSON.parse(p.stdout) };
  if (HAS_TIME) {
    const [rss, user, sys] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    r.rssKb = rss;
    r.cpuS = user! + sys!;
  }
  return r;
}

function checkout(r: TickRun) {
  const s = r.json.services.find((x) => x.service === 'checkout');
  if (!s) throw new Error(`no checkout in ${JSON.stringify(r.json)}`);
  return s;
}

/** A person's unrelated work on production, dated within the minute after the start. */
function* filler(n: number, startS: number): Generator<HistoryCommit> {
  for (let i = 0; i < n; i++) {
    // A bounded set of files: the tree stays the same size, only history grows.
    yield { files: { [`docs/notes-${i % 10}.md`]: `# Notes\n\nentry ${i}\n` }, message: `docs: notes ${i}\n`, date: startS + 1 + Math.floor((i * 59) / Math.max(n, 1)), author: PERSON };
  }
}

const NATIVE_ENV: NodeJS.ProcessEnv = {
  ...GIT_ENV,
  GIT_AUTHOR_NAME: PERSON.name,
  GIT_AUTHOR_EMAIL: PERSON.email,
  GIT_COMMITTER_NAME: PERSON.name,
  GIT_COMMITTER_EMAIL: PERSON.email,
};

/** The native baseline: shallow clone, edit the route weights, commit, push. Returns ms. */
async function native(source: string, scratch: string): Promise<number> {
  const dir = join(scratch, 'clone');
  const t = performance.now();
  await must('git', ['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', 'production', source, dir], NATIVE_ENV);
  const path = join(dir, ROUTE_FILE);
  const text = readFileSync(path, 'utf8');
  writeFileSync(path, text.replace(/weight: 90\b/, 'weight: 75').replace(/weight: 10\b/, 'weight: 25'));
  await must('git', ['commit', '--quiet', '-am', 'checkout: canary 25% (step 2/3)'], NATIVE_ENV, dir);
  await must('git', ['push', '--quiet'], NATIVE_ENV, dir);
  return performance.now() - t;
}

type Transport = 'local' | 'http-fresh' | 'http-warm';
const TRANSPORTS: Transport[] = ['local', 'http-fresh', 'http-warm'];
const LABEL: Record<Transport, string> = { local: 'local bare path', 'http-fresh': 'HTTP, fresh cache', 'http-warm': 'HTTP, warm cache' };

interface Row {
  /** Which prepared repository: commits after the record (and before it, for `deep`). */
  fixture: string;
  name: string;
  transport: Transport;
  /** Tick only this service (`--service`); every service when unset. */
  service?: string;
  ours: number[];
  native: number[];
  rssKb: number[];
  cpuS: number[];
  requests: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export async function benchTicks(): Promise<void> {
  const began = performance.now();
  const flavour = cliFlavour();
  const work = mkdtempSync(join(tmpdir(), 'git-canary-bench-'));
  const srvRoot = join(work, 'srv');
  mkdirSync(srvRoot);
  const served = join(srvRoot, 'repo.git');
  const t0s = Math.floor(T0.getTime() / 1000);
  let server: GitHttpServer | undefined;
  try {
    // --- fixtures, once ---
    /** Scenario files on production (after `before` commits of a person's), the release on candidate, then the start tick at T0. */
    const startRollout = async (dir: string, before: number) => {
      await createRepo({ production: productionFiles({ analysis: false, interval: '1m' }) }, { dir });
      if (before > 0) await buildHistory({ dir, branch: 'production', commits: filler(before, FIXTURE_DATE + 60) });
      commitFiles(dir, 'candidate', release('checkout', 'registry.example.com/checkout:1.1.0'), { from: 'production' });
      const s = checkout(await tick(dir, iso(0), [], `${dir}-`));
      if (s.decision !== 'start' || !s.commit) throw new Error(`the first tick did not start checkout: ${JSON.stringify(s)}`);
      return s.commit;
    };
    server = await start({ root: srvRoot });
    const url = `${server.url}/repo.git`;
    const started = join(work, 'started.git');
    const warm = join(work, 'warm-cache');
    const deepStarted = join(work, 'deep-started.git');
    const prepared = new Map<string, string>();
    const prepare = async (key: string, from: string, rec: string, after: number) => {
      const dir = join(work, `prepared-${key}.git`);
      cpSync(from, dir, { recursive: true });
      await buildHistory({ dir, branch: 'production', commits: filler(after, t0s) });
      const between = Number(git(dir, ['rev-list', '--count', `${rec}..production`]).trim());
      if (between !== after) throw new Error(`prepared-${key}: ${between} commits after the record`);
      prepared.set(key, dir);
    };
    // Two independent chains, concurrently (untimed).
    await Promise.all([
      (async () => {
        const record = await startRollout(started, 0);
        // The warm cache: a worker that ticked 30 s after the start (not due yet) over HTTP.
        cpSync(started, served, { recursive: true });
        const sw = checkout(await tick(url, iso(30_000), ['--cache-dir', warm], join(work, 'warm-')));
        if (sw.commit !== null || git(served, ['rev-parse', 'production']).trim() !== record) {
          throw new Error(`the warm-up tick at T0+30s committed: ${JSON.stringify(sw)}`);
        }
        for (const n of SIZES) await prepare(String(n), started, record, n);
      })(),
      // Long history, recent record: 5,000 commits before the start, 10 after.
      (async () => prepare('deep', deepStarted, await startRollout(deepStarted, DEEP), SIZES[0]))(),
    ]);
    const fixtureS = (performance.now() - began) / 1000;

    // --- timed runs, interleaved: every row once per round, ours/native order alternating ---
    const row = (fixture: string, name: string, transport: Transport, service?: string): Row => ({
      fixture, name, transport, service, ours: [], native: [], rssKb: [], cpuS: [], requests: [],
    });
    const rows: Row[] = [
      ...SIZES.flatMap((n) => TRANSPORTS.map((t) => row(String(n), `${n.toLocaleString('en-US')} commits, ${LABEL[t]}`, t))),
      row('deep', `10 after + ${DEEP.toLocaleString('en-US')} before, local`, 'local'),
      // payments never rolled out: it has no record, so its walk reads the whole history.
      // Ticking only checkout shows the cost when every ticked service has a recent record.
      row('deep', `  same, --service checkout`, 'local', 'checkout'),
    ];
    const due = iso(120_000);
    /** Which CLI each timed tick ran (others may edit src or rebuild dist meanwhile). */
    const flavours = new Map<string, number>();
    const scratch = join(work, 'run');
    const fresh = () => {
      rmSync(scratch, { recursive: true, force: true });
      mkdirSync(scratch);
    };
    const oursOnce = async (r: Row) => {
      fresh();
      let spec: string;
      let repoDir: string;
      const extra: string[] = [];
      if (r.transport === 'local') {
        repoDir = join(scratch, 'repo.git');
        spec = repoDir;
      } else {
        rmSync(served, { recursive: true, force: true });
        repoDir = served;
        spec = url;
        const cache = join(scratch, 'cache');
        if (r.transport === 'http-warm') cpSync(warm, cache, { recursive: true });
        else mkdirSync(cache);
        extra.push('--cache-dir', cache);
      }
      cpSync(prepared.get(r.fixture)!, repoDir, { recursive: true });
      const before = git(repoDir, ['rev-parse', 'production']).trim();
      const requests = server!.requests.length;
      const f = cliFlavour();
      flavours.set(f, (flavours.get(f) ?? 0) + 1);
      const t = await tick(spec, due, extra, join(scratch, 'ours-'), r.service ? ['--service', r.service] : []);
      const s = checkout(t);
      const after = git(repoDir, ['rev-parse', 'production']).trim();
      if (s.decision !== 'step' || s.commit !== after || git(repoDir, ['rev-parse', `${after}^`]).trim() !== before) {
        throw new Error(`${r.name}: the tick did not commit one step on the tip: ${JSON.stringify(t.json)}`);
      }
      r.ours.push(t.ms);
      r.requests.push(server!.requests.length - requests);
      if (t.rssKb !== undefined) r.rssKb.push(t.rssKb);
      if (t.cpuS !== undefined) r.cpuS.push(t.cpuS);
    };
    const nativeOnce = async (r: Row) => {
      fresh();
      let source: string;
      if (r.transport === 'local') {
        source = join(scratch, 'repo.git');
        cpSync(prepared.get(r.fixture)!, source, { recursive: true });
      } else {
        rmSync(served, { recursive: true, force: true });
        cpSync(prepared.get(r.fixture)!, served, { recursive: true });
        source = url;
      }
      r.native.push(await native(source, scratch));
    };

    const spent = new Map<Row, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const r of rows) {
        if (round >= MIN_ROUNDS) {
          // Would one more run of this row (at its average so far) pass the budget? Cheap rows run anyway.
          const cost = spent.get(r)! / round;
          if (cost > CHEAP_MS && performance.now() - began + cost > BUDGET_MS) continue;
        }
        const t = performance.now();
        if (round % 2 === 0) {
          await oursOnce(r);
          await nativeOnce(r);
        } else {
          await nativeOnce(r);
          await oursOnce(r);
        }
        spent.set(r, (spent.get(r) ?? 0) + performance.now() - t);
      }
    }

    // --- report ---
    const ms = (x: number) => x.toFixed(0).padStart(9);
    console.log('');
    console.log(`due tick (one tick that commits step 2/3), median of interleaved runs; CLI: ${flavour}`);
    console.log('native = git clone --depth 1 --single-branch --branch production (path or URL) + edit one file + commit + push');
    console.log('(from a local path git ignores --depth and hardlinks the objects; slow rows stop at 3 runs when the time budget is spent)');
    console.log(
      `case                                   runs  ours (ms)  native (ms)   ratio${HAS_TIME ? '  ours CPU (s)  peak RSS (MB)' : ''}  HTTP requests`,
    );
    for (const r of rows) {
      const a = median(r.ours);
      const b = median(r.native);
      const extra = HAS_TIME ? `${median(r.cpuS).toFixed(2).padStart(13)}  ${(median(r.rssKb) / 1024).toFixed(0).padStart(13)}` : '';
      const req = r.transport === 'local' ? '-' : String(median(r.requests));
      console.log(`${r.name.padEnd(38)}${String(r.ours.length).padStart(5)}  ${ms(a)}    ${ms(b)}  ${(a / b).toFixed(2).padStart(6)}x${extra}  ${req.padStart(13)}`);
    }
    const [small, big] = SIZES;
    const of = (fixture: string, t: Transport) => rows.find((r) => r.fixture === fixture && r.transport === t)!;
    const ratio = (x: Row, y: Row, k: 'ours' | 'native' | 'cpuS') => (y[k].length ? (median(x[k]) / median(y[k])).toFixed(2) : '?');
    const line = (label: string, x: Row, y: Row) =>
      console.log(`  ${label.padEnd(50)} ours ${ratio(x, y, 'ours')}x wall${HAS_TIME ? `, ${ratio(x, y, 'cpuS')}x CPU` : ''}   native ${ratio(x, y, 'native')}x`);
    console.log('history length, ratio of medians:');
    for (const t of TRANSPORTS) line(`${big.toLocaleString('en-US')} vs ${small} after the record, ${LABEL[t]}`, of(String(big), t), of(String(small), t));
    line(`+${DEEP.toLocaleString('en-US')} below the record, local bare path`, of('deep', 'local'), of(String(small), 'local'));
    const deepCheckout = rows.find((r) => r.fixture === 'deep' && r.service === 'checkout')!;
    line(`  the same, only the service with a record`, deepCheckout, of(String(small), 'local'));
    if (flavours.size > 1 || !flavours.has(flavour)) {
      console.log(`note: src or dist changed during the run; timed ticks ran ${[...flavours].map(([f, n]) => `${n}x ${f}`).join(', ')}`);
    }
    console.log(`tick bench: fixtures ${fixtureS.toFixed(1)} s, total ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchTicks();
