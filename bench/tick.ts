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
 * Every timed run gets its own `cp -r` of the prepared bare repository.
 *
 * Environment: BENCH_TICK_RUNS (default 5) rounds; BENCH_TICK_BUDGET_S
 * (default 150) stops adding rounds (but never below 3) once a further round
 * would pass it.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, cliEnv } from '../test/helpers/cli.ts';
import { buildHistory, type HistoryCommit } from '../test/helpers/fast-import.ts';
import { commitFiles, createRepo, GIT_ENV, git } from '../test/helpers/git-fixtures.ts';
import { type GitHttpServer, start } from '../test/helpers/git-http-server.ts';
import { productionFiles, release, T0 } from '../test/helpers/scenario.ts';

const SIZES = [10, 5000] as const;
const ROUNDS = Number(process.env.BENCH_TICK_RUNS ?? 5);
const MIN_ROUNDS = Math.min(3, ROUNDS);
const BUDGET_MS = Number(process.env.BENCH_TICK_BUDGET_S ?? 150) * 1000;
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
async function tick(spec: string, at: string, extra: string[], scratch: string): Promise<TickRun> {
  const args = [BIN, '--repo', spec, ...extra, 'tick', '--json'];
  const env = cliEnv({ GIT_CANARY_NOW: at });
  const out = join(scratch, 'time.txt');
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
    yield { files: { [`docs/notes-${i % 10}.md`]: `# Notes\n\nentry ${i}\n` }, message: `docs: notes ${i}\n`, date: startS + 1 + Math.floor((i * 59) / n), author: PERSON };
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
  /** Cheap rows always get ROUNDS runs; the others stop at the budget (never below MIN_ROUNDS). */
  cheap: boolean;
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
  let server: GitHttpServer | undefined;
  try {
    // --- fixture, once ---
    const started = join(work, 'started.git');
    await createRepo({ production: productionFiles({ analysis: false, interval: '1m' }) }, { dir: started });
    commitFiles(started, 'candidate', release('checkout', 'registry.example.com/checkout:1.1.0'), { from: 'production' });
    const s0 = checkout(await tick(started, iso(0), [], work));
    if (s0.decision !== 'start' || !s0.commit) throw new Error(`the first tick did not start checkout: ${JSON.stringify(s0)}`);

    server = await start({ root: srvRoot });
    const url = `${server.url}/repo.git`;
    // The warm cache: a worker that ticked 30 s after the start (not due yet) over HTTP.
    const warm = join(work, 'warm-cache');
    cpSync(started, served, { recursive: true });
    const sw = checkout(await tick(url, iso(30_000), ['--cache-dir', warm], work));
    if (sw.commit !== null || git(served, ['rev-parse', 'production']).trim() !== s0.commit) {
      throw new Error(`the warm-up tick at T0+30s committed: ${JSON.stringify(sw)}`);
    }

    const prepared = new Map<number, string>();
    for (const n of SIZES) {
      const dir = join(work, `prepared-${n}.git`);
      cpSync(started, dir, { recursive: true });
      await buildHistory({ dir, branch: 'production', commits: filler(n, Math.floor(T0.getTime() / 1000)) });
      const between = Number(git(dir, ['rev-list', '--count', `${s0.commit}..production`]).trim());
      if (between !== n) throw new Error(`prepared-${n}: ${between} commits after the record`);
      prepared.set(n, dir);
    }
    const fixtureS = (performance.now() - began) / 1000;

    // --- timed runs, interleaved: every row once per round, ours/native order alternating ---
    const rows: Row[] = SIZES.flatMap((n) => TRANSPORTS.map((transport) => ({ n, transport, ours: [], native: [], rssKb: [], cpuS: [], requests: [] })));
    const due = iso(120_000);
    const scratch = join(work, 'run');
    const fresh = () => {
      rmSync(scratch, { recursive: true, force: true });
      mkdirSync(scratch);
    };
    const oursOnce = async (row: Row) => {
      fresh();
      const src = prepared.get(row.n)!;
      let spec: string;
      let repoDir: string;
      const extra: string[] = [];
      if (row.transport === 'local') {
        repoDir = join(scratch, 'repo.git');
        spec = repoDir;
      } else {
        rmSync(served, { recursive: true, force: true });
        repoDir = served;
        spec = url;
        const cache = join(scratch, 'cache');
        if (row.transport === 'http-warm') cpSync(warm, cache, { recursive: true });
        else mkdirSync(cache);
        extra.push('--cache-dir', cache);
      }
      cpSync(src, repoDir, { recursive: true });
      const before = git(repoDir, ['rev-parse', 'production']).trim();
      const requests = server!.requests.length;
      const r = await tick(spec, due, extra, scratch);
      const s = checkout(r);
      const after = git(repoDir, ['rev-parse', 'production']).trim();
      if (s.decision !== 'step' || s.commit !== after || git(repoDir, ['rev-parse', `${after}^`]).trim() !== before) {
        throw new Error(`${row.n} commits, ${row.transport}: the tick did not commit one step on the tip: ${JSON.stringify(r.json)}`);
      }
      row.ours.push(r.ms);
      row.requests.push(server!.requests.length - requests);
      if (r.rssKb !== undefined) row.rssKb.push(r.rssKb);
      if (r.cpuS !== undefined) row.cpuS.push(r.cpuS);
    };
    const nativeOnce = async (row: Row) => {
      fresh();
      const src = prepared.get(row.n)!;
      let source: string;
      if (row.transport === 'local') {
        source = join(scratch, 'repo.git');
        cpSync(src, source, { recursive: true });
      } else {
        rmSync(served, { recursive: true, force: true });
        cpSync(src, served, { recursive: true });
        source = url;
      }
      row.native.push(await native(source, scratch));
    };

    let rounds = 0;
    const timedStart = performance.now();
    while (rounds < ROUNDS) {
      const elapsed = performance.now() - began;
      const perRound = rounds > 0 ? (performance.now() - timedStart) / rounds : 0;
      if (rounds >= MIN_ROUNDS && elapsed + perRound > BUDGET_MS) break;
      for (const row of rows) {
        if (rounds % 2 === 0) {
          await oursOnce(row);
          await nativeOnce(row);
        } else {
          await nativeOnce(row);
          await oursOnce(row);
        }
      }
      rounds++;
    }

    // --- report ---
    const fmt = (ms: number) => ms.toFixed(0).padStart(7);
    console.log('');
    console.log(`due tick (commits step 2/3), median of ${rounds} interleaved runs; CLI: ${flavour}`);
    console.log('native = git clone --depth 1 --single-branch --branch production + edit + commit + push');
    console.log(`case                                 ours (ms)  native (ms)  ratio${HAS_TIME ? '   ours CPU (s)  peak RSS (MB)' : ''}  requests`);
    for (const row of rows) {
      const a = median(row.ours);
      const b = median(row.native);
      const name = `${row.n.toLocaleString('en-US')} commits, ${LABEL[row.transport]}`;
      const extra = HAS_TIME ? `${median(row.cpuS).toFixed(2).padStart(13)}  ${(median(row.rssKb) / 1024).toFixed(0).padStart(13)}` : '';
      const req = row.transport === 'local' ? '-' : String(median(row.requests));
      console.log(`${name.padEnd(37)}${fmt(a)}   ${fmt(b)}    ${(a / b).toFixed(2).padStart(5)}x${extra}  ${req.padStart(8)}`);
    }
    const [small, big] = SIZES;
    console.log(`${big.toLocaleString('en-US')} vs ${small} commits after the record (ours; native in brackets):`);
    for (const t of TRANSPORTS) {
      const of = (n: number) => rows.find((r) => r.n === n && r.transport === t)!;
      const ours = median(of(big).ours) / median(of(small).ours);
      const nat = median(of(big).native) / median(of(small).native);
      console.log(`  ${LABEL[t].padEnd(20)} ${ours.toFixed(2)}x   (${nat.toFixed(2)}x)`);
    }
    const now = cliFlavour();
    if (now !== flavour) console.log(`note: the CLI flavour changed during the run (now ${now}); someone rebuilt or edited src`);
    console.log(`tick bench: fixture ${fixtureS.toFixed(1)} s, total ${((performance.now() - began) / 1000).toFixed(1)} s`);
  } finally {
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchTicks();
