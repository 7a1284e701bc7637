/**
 * Hostile input: every case is a real repository (a local bare repository, a
 * few served over HTTP by `git http-backend`) holding one hostile file, config,
 * commit or note, and the real CLI (`tick --json`, `validate` where it names
 * the input) run against it as a child process. Each case must end in a clear
 * error (exit 1, one line naming what and where, no stack trace) or in safe
 * handling (checked per case), and always: nothing committed that should not
 * be, no secret in any output or commit, and a bounded peak RSS of the child
 * (VmHWM from /proc/<pid>/status), never a timing.
 *
 * The metrics servers here are tiny recording HTTP servers answering the
 * Prometheus API: they stand for "production's Prometheus" and "an address an
 * attacker put in candidate's config", so a test can count who was asked.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { BIN, cliEnv } from '../helpers/cli.ts';
import { createRepo, git } from '../helpers/git-fixtures.ts';
import { type GitHttpServer, start as startGitServer } from '../helpers/git-http-server.ts';
import { CHECKOUT_VS, deployment, gitCanaryYaml, PAYMENTS_ROUTE, T0 } from '../helpers/scenario.ts';
import { peakRssEnv, readPeakKb, vmHwmKb } from '../helpers/peak-rss.ts';
import { FULL, recordFigures, scale } from './figures.ts';

// ---------------------------------------------------------------------------
// The child: the real CLI, its peak RSS read from /proc

const SECRET = 'hst-7Qz9-s3cr3t-9f2c1d';
const TOKEN = 'ghp_hostileToken0123456789abcdef';
/** Every form a secret could leak in. */
const SECRET_FORMS = [
  SECRET,
  TOKEN,
  encodeURIComponent(SECRET),
  Buffer.from(`x-access-token:${TOKEN}`).toString('base64'),
  Buffer.from(SECRET).toString('base64'),
];
/** Peak RSS every child must stay under, huge-file cases included. */
const MEMORY_BOUND_MB = 300;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Peak resident set of the child in MB (VmHWM). */
  peakMb: number;
}

const work = mkdtempSync(join(tmpdir(), 'git-canary-hostile-'));
/**
 * The CLI every case runs: the shipped form, a bundle of the current sources
 * built at the start into a temporary directory (scripts/build.mjs --outdir,
 * as test/action/bundle.test.ts does; dist/ is left alone), so a child starts
 * in a fraction of the time tsx takes. HOSTILE_CLI=bin runs bin/git-canary.js
 * (the TypeScript sources through tsx) instead.
 */
function cliEntry(): string {
  if (process.env.HOSTILE_CLI === 'bin') return BIN;
  const out = join(work, 'dist');
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--outdir', out], { encoding: 'utf8' });
  assert.equal(build.status, 0, `bundling the current sources failed: ${build.stderr}`);
  return join(out, 'cli.js');
}
const CLI = cliEntry();

let runs = 0;
/** Run the CLI; the peak RSS is polled from /proc/<pid>/status and read once more by the child at exit. */
function runMeasured(args: string[], env: Record<string, string>): Promise<Run> {
  const hwmFile = join(work, `hwm-${runs++}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv({ ...env, ...peakRssEnv(hwmFile) }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const poll = setInterval(() => {
      if (child.pid) peakKb = Math.max(peakKb, vmHwmKb(child.pid));
    }, 15);
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(timer);
      // Killed before its exit hook ran: the polled figure stands.
      peakKb = Math.max(peakKb, readPeakKb(hwmFile));
      resolve({ code, signal, stdout, stderr, peakMb: Math.round(peakKb / 1024) });
    });
  });
}

// ---------------------------------------------------------------------------
// Recording metrics servers (Prometheus API)

interface MetricsServer {
  url: string;
  hits: string[];
  /** The value every query answers with. */
  value: number;
  close(): Promise<void>;
}

async function metricsServer(value: number): Promise<MetricsServer> {
  const hits: string[] = [];
  const state = { value };
  const server: Server = createServer((req, res) => {
    hits.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: {}, value: [T0.getTime() / 1000, String(state.value)] }] },
      }),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    get value() {
      return state.value;
    },
    set value(v: number) {
      state.value = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// ---------------------------------------------------------------------------
// Repositories with raw content: bytes, symlinks, gitlinks, forged identities

type Blob = string | Buffer | null | { symlink: string } | { gitlink: string };
type Files = Record<string, Blob>;
const GIT_CANARY = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };
const PERSON = { name: 'Mallory', email: 'mallory@example.test' };
const NOW = T0.getTime() / 1000;

function data(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`data ${bytes.length}\n`), bytes, Buffer.from('\n')]);
}

/** One commit on `branch` with raw `files` (fast-import), by `who`, at `date` (seconds); returns its sha. */
function commitRaw(
  dir: string,
  branch: string,
  files: Files,
  o: { message?: string; who?: { name: string; email: string }; date?: number; from?: string } = {},
): string {
  let parent: string | undefined;
  try {
    parent = git(dir, ['rev-parse', '--verify', '--quiet', `${o.from ?? branch}^{commit}`]).trim();
  } catch {
    parent = undefined;
  }
  const date = o.date ?? (parent ? Number(git(dir, ['log', '-1', '--format=%ct', parent]).trim()) + 1 : NOW - 3600);
  const who = o.who ?? PERSON;
  const id = `${who.name} <${who.email}> ${date} +0000`;
  const parts: Buffer[] = [
    Buffer.from(`commit refs/heads/${branch}\nauthor ${id}\ncommitter ${id}\n`),
    data(Buffer.from(o.message ?? `edit ${branch}\n`)),
  ];
  if (parent) parts.push(Buffer.from(`from ${parent}\n`));
  for (const [path, f] of Object.entries(files)) {
    if (f === null) parts.push(Buffer.from(`D ${path}\n`));
    else if (typeof f === 'string' || Buffer.isBuffer(f)) {
      parts.push(Buffer.from(`M 100644 inline ${path}\n`), data(Buffer.isBuffer(f) ? f : Buffer.from(f)));
    } else if ('symlink' in f) parts.push(Buffer.from(`M 120000 inline ${path}\n`), data(Buffer.from(f.symlink)));
    else parts.push(Buffer.from(`M 160000 ${f.gitlink} ${path}\n`));
  }
  parts.push(Buffer.from('done\n'));
  git(dir, ['fast-import', '--quiet', '--done', '--force'], Buffer.concat(parts));
  return git(dir, ['rev-parse', `refs/heads/${branch}`]).trim();
}

const CHECKOUT_RELEASE = 'apps/checkout/deployment.yaml';
const CHECKOUT_CANARY = 'apps/checkout/deployment-canary.yaml';
const CHECKOUT_ROUTE = 'apps/checkout/virtualservice.yaml';
const PAYMENTS_RELEASE = 'apps/payments/deployment.yaml';
const NEXT_IMAGE = 'registry.example.com/checkout:2.0.0';

/** production's git-canary.yaml: both services judged by `address`, the secret in a header. */
function config(address: string, o: { steps?: number[]; threshold?: number } = {}): string {
  return gitCanaryYaml({ prometheus: address, interval: '1m', steps: o.steps, threshold: o.threshold }).replace(
    `address: ${address}\n`,
    `address: ${address}\n    headers: { Authorization: "Bearer \${HOSTILE_SECRET}" }\n`,
  );
}

function productionOf(address: string): Record<string, string> {
  return {
    'git-canary.yaml': config(address),
    [CHECKOUT_RELEASE]: deployment('checkout', 'registry.example.com/checkout:1.0.0', 'stable'),
    [CHECKOUT_CANARY]: deployment('checkout', 'registry.example.com/checkout:1.0.0', 'canary'),
    [CHECKOUT_ROUTE]: CHECKOUT_VS,
    [PAYMENTS_RELEASE]: deployment('payments', 'registry.example.com/payments:4.2.0', 'stable'),
    'apps/payments/deployment-canary.yaml': deployment('payments', 'registry.example.com/payments:4.2.0', 'canary'),
    'apps/payments/httproute.yaml': PAYMENTS_ROUTE,
  };
}

// ---------------------------------------------------------------------------
// Hostile content

const aliasBomb = (levels: number, fan: number): string => {
  let out = 'a0: &a0 ["lol", "lol"]\n';
  for (let i = 1; i <= levels; i++) out += `a${i}: &a${i} [${Array.from({ length: fan }, () => `*a${i - 1}`).join(', ')}]\n`;
  return out;
};
const aliasChain = (n: number): string => {
  let out = 'c0: &c0 {x: 1}\n';
  for (let i = 1; i <= n; i++) out += `c${i}: &c${i} {<<: *c${i - 1}, y${i}: *c${i - 1}}\n`;
  return out;
};
const DEPTH = scale(10_000, 50_000);
const deepSeq = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}\n`;
const deepMap = (n: number) => `${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`;
const deepBlockMap = (n: number) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
const HUGE_MB = scale(24, 60);
const hugeScalar = () => `kind: Deployment\nmetadata:\n  name: checkout\n  annotations:\n    blob: "${'x'.repeat(HUGE_MB * 1024 * 1024)}"\n`;
const randomBytes = (n: number, seed: number): Buffer => {
  const b = Buffer.alloc(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    b[i] = s >>> 24;
  }
  return b;
};
const release = (image: string) => deployment('checkout', image, 'stable');
const withImage = (image: string) => release(NEXT_IMAGE).replace(`image: ${NEXT_IMAGE}`, `image: ${image}`);
const vsWeights = (stable: string, canary: string) =>
  CHECKOUT_VS.replace('weight: 100', `weight: ${stable}`).replace('weight: 0', `weight: ${canary}`);

// ---------------------------------------------------------------------------
// The cases

type Expect =
  /** tick and validate refuse the config: exit 1, one error line naming git-canary.yaml. */
  | 'config-error'
  /** The service errors (naming branch/file), the other service still ticks; exit 1. */
  | 'service-error'
  /** Handled: `check` says how. */
  | 'safe';

interface Ctx {
  dir: string;
  spec: string;
  cacheArgs: string[];
  prom: MetricsServer;
  attacker: MetricsServer;
  cli(args: string[], minutes: number): Promise<Run>;
  show(rev: string, path: string): string;
}

interface TickJson {
  services?: { service: string; decision: string; reason: string; weight: number | null; phase: string | null; commit: string | null }[];
  error?: { code: string; message: string; where?: { file?: string; line?: number; branch?: string } };
}

interface Case {
  name: string;
  group: string;
  expect: Expect;
  http?: boolean;
  /** Changes to production's first commit. */
  production?: (f: Files, prom: MetricsServer) => void;
  /** Changes to candidate (which starts as production plus a new checkout image). */
  candidate?: (f: Files, prom: MetricsServer, attacker: MetricsServer) => void;
  /** Steps after the repository exists, before the measured tick (earlier ticks, a person's commits, notes). */
  prepare?: (ctx: Ctx) => Promise<void>;
  /** Run `validate` too and expect it to agree (exit 1 on an error, 0 on safe); `always`: in a reduced run too. */
  validate?: boolean | 'always';
  /** What the error line must name (file, branch, line…). */
  names?: RegExp;
  /** The service that errors (default checkout). */
  service?: string;
  /** Minutes after T0 of the measured tick (default 1). */
  at?: number;
  /** A safe case may commit what it checks. */
  commits?: boolean;
  check?: (tick: TickJson, run: Run, ctx: Ctx) => void | Promise<void>;
  /** Whether the case needed a fix in src (for the figures). */
  fixed?: boolean;
}

/** A change of one file of a branch: `fn` gets its text ('' when it is not text). */
const edit =
  (path: string, fn: (text: string) => Blob) =>
  (f: Files): void => {
    const v = f[path];
    f[path] = fn(typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : '');
  };

/** A pattern matching text that matches every one of `res`, in any order. */
const all = (...res: RegExp[]) => new RegExp(res.map((r) => `(?=[^]*${r.source})`).join(''));

const decisionOf = (t: TickJson, service = 'checkout') => {
  const s = t.services?.find((x) => x.service === service);
  assert.ok(s, `no ${service} in ${JSON.stringify(t)}`);
  return s;
};

/** Append a trailer block to a message. */
const trailers = (t: Record<string, string>) =>
  Object.entries(t)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');

async function startRollout(ctx: Ctx): Promise<void> {
  const r = await ctx.cli(['tick', '--json'], 1);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(decisionOf(JSON.parse(r.stdout) as TickJson).decision, 'start', r.stdout);
}
const candidateSha = (ctx: Ctx) => git(ctx.dir, ['rev-parse', 'candidate']).trim();
const productionRelease = (ctx: Ctx) => ctx.show('production', CHECKOUT_RELEASE);
const STABLE_RELEASE = deployment('checkout', 'registry.example.com/checkout:1.0.0', 'stable');

function notPromoted(t: TickJson, ctx: Ctx): void {
  assert.notEqual(decisionOf(t).decision, 'promote', JSON.stringify(t));
  assert.equal(productionRelease(ctx), STABLE_RELEASE, 'production still runs the stable release');
}

const cases: Case[] = [
  // --- YAML bombs and nesting in git-canary.yaml
  {
    name: 'a billion-laughs alias bomb in git-canary.yaml is refused',
    group: 'yaml bombs',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => `${aliasBomb(9, 9)}${t.replace('steps: [10, 25, 50]', 'steps: *a9')}`),
    names: /git-canary\.yaml/,
  },
  {
    name: 'a billion-laughs alias bomb under an unused key of git-canary.yaml is refused',
    group: 'yaml bombs',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => `bomb:\n${aliasBomb(9, 9).replace(/^/gm, '  ')}${t}`),
    names: /git-canary\.yaml/,
  },
  {
    name: 'a deep chain of merge-key aliases in git-canary.yaml is refused',
    group: 'yaml bombs',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => `chain:\n${aliasChain(40).replace(/^/gm, '  ')}${t}`),
    names: /git-canary\.yaml/,
  },
  {
    name: `${DEPTH} levels of [ in git-canary.yaml are refused`,
    group: 'deep nesting',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => `${t}deep: ${deepSeq(DEPTH)}`),
    names: /git-canary\.yaml/,
  },
  {
    name: `${DEPTH} levels of nested flow maps in git-canary.yaml are refused`,
    group: 'deep nesting',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => `${t}deep: ${deepMap(DEPTH)}`),
    names: /git-canary\.yaml/,
  },
  // --- YAML bombs and nesting in manifests
  {
    name: 'a billion-laughs alias bomb in a candidate release file errors that service only',
    group: 'yaml bombs',
    expect: 'service-error',
    validate: 'always',
    candidate: edit(CHECKOUT_RELEASE, () => `${release(NEXT_IMAGE)}---\n${aliasBomb(9, 9)}`),
    names: /candidate.*apps\/checkout\/deployment\.yaml:\d+/,
  },
  {
    name: 'a billion-laughs alias bomb in a release file over HTTP errors that service only',
    group: 'yaml bombs',
    expect: 'service-error',
    http: true,
    candidate: edit(CHECKOUT_RELEASE, () => `${release(NEXT_IMAGE)}---\n${aliasBomb(9, 9)}`),
    names: /candidate.*apps\/checkout\/deployment\.yaml:\d+/,
  },
  {
    name: 'a deep alias chain in the production route file errors that service only',
    group: 'yaml bombs',
    expect: 'service-error',
    validate: true,
    production: edit(CHECKOUT_ROUTE, () => `${CHECKOUT_VS}---\n${aliasChain(40)}`),
    names: /apps\/checkout\/virtualservice\.yaml/,
  },
  {
    name: `${DEPTH} levels of [ in a candidate release file error that service only`,
    group: 'deep nesting',
    expect: 'service-error',
    validate: true,
    candidate: edit(CHECKOUT_RELEASE, () => `${release(NEXT_IMAGE)}---\n${deepSeq(DEPTH)}`),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: `${DEPTH} levels of nested maps in the production canary file error that service only`,
    group: 'deep nesting',
    expect: 'service-error',
    validate: true,
    production: edit(CHECKOUT_CANARY, () => `${deepMap(DEPTH)}`),
    names: /apps\/checkout\/deployment-canary\.yaml/,
  },
  {
    name: `${Math.min(DEPTH, 3000)} levels of indented block maps in a candidate release file error that service only`,
    group: 'deep nesting',
    expect: 'service-error',
    candidate: edit(CHECKOUT_RELEASE, () => `${release(NEXT_IMAGE)}---\n${deepBlockMap(Math.min(DEPTH, 3000))}`),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  // --- huge, binary and odd bytes
  {
    name: `a ${HUGE_MB} MB scalar in a candidate release file errors that service only, in bounded memory`,
    group: 'huge files',
    expect: 'service-error',
    candidate: edit(CHECKOUT_RELEASE, () => hugeScalar()),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: `a ${HUGE_MB} MB scalar in git-canary.yaml is refused in bounded memory`,
    group: 'huge files',
    expect: 'config-error',
    production: edit('git-canary.yaml', (t) => `${t}blob: "${'y'.repeat(HUGE_MB * 1024 * 1024)}"\n`),
    names: /git-canary\.yaml/,
  },
  {
    name: 'a binary candidate release file errors that service only',
    group: 'binary and encodings',
    expect: 'service-error',
    validate: true,
    candidate: edit(CHECKOUT_RELEASE, () => randomBytes(64 * 1024, 7)),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: 'a binary git-canary.yaml is refused',
    group: 'binary and encodings',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', () => randomBytes(4096, 11)),
    names: /git-canary\.yaml/,
  },
  {
    name: 'invalid UTF-8 in a candidate release file errors that service only',
    group: 'binary and encodings',
    expect: 'service-error',
    validate: true,
    candidate: edit(CHECKOUT_RELEASE, () => Buffer.concat([Buffer.from(release(NEXT_IMAGE)), Buffer.from([0x23, 0x20, 0xc3, 0x28, 0xff, 0xfe, 0x0a])])),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: 'invalid UTF-8 in git-canary.yaml is refused',
    group: 'binary and encodings',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => Buffer.concat([Buffer.from(t), Buffer.from([0x23, 0x20, 0xed, 0xa0, 0x80, 0x0a])])),
    names: /git-canary\.yaml/,
  },
  {
    name: 'a NUL byte in the production canary file errors that service only',
    group: 'binary and encodings',
    expect: 'service-error',
    validate: 'always',
    fixed: true,
    production: edit(CHECKOUT_CANARY, (t) => t.replace('replicas: 1', 'replicas: 1\u0000')),
    names: /apps\/checkout\/deployment-canary\.yaml/,
  },
  {
    name: 'a NUL byte in a git-canary.yaml value is refused',
    group: 'binary and encodings',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => t.replace('interval: 1m', 'interval: "1m\\0"')),
    names: /git-canary\.yaml:\d+/,
  },
  {
    name: 'a UTF-8 BOM at the start of a release file is handled: the rollout starts and the canary file stays valid',
    group: 'binary and encodings',
    expect: 'safe',
    commits: true,
    candidate: edit(CHECKOUT_RELEASE, () => `\uFEFF${release(NEXT_IMAGE)}`),
    check: (t, _r, ctx) => {
      assert.equal(decisionOf(t).decision, 'start');
      assert.match(ctx.show('production', CHECKOUT_CANARY), new RegExp(`image: ${NEXT_IMAGE}`));
    },
  },
  {
    name: 'a UTF-8 BOM at the start of git-canary.yaml is handled',
    group: 'binary and encodings',
    expect: 'safe',
    commits: true,
    validate: 'always',
    production: edit('git-canary.yaml', (t) => `\uFEFF${t}`),
    check: (t) => assert.equal(decisionOf(t).decision, 'start'),
  },
  {
    name: 'CRLF mixed with LF in the canary and route files is handled: only the weight and image lines change',
    group: 'binary and encodings',
    expect: 'safe',
    commits: true,
    production: (f) => {
      f[CHECKOUT_CANARY] = String(f[CHECKOUT_CANARY]).replace(/\n(?=spec:| {2}replicas)/g, '\r\n');
      f[CHECKOUT_ROUTE] = String(f[CHECKOUT_ROUTE]).replace(/\n(?= {2}http:| {4}- name: primary)/g, '\r\n');
    },
    check: (t, _r, ctx) => {
      assert.equal(decisionOf(t).decision, 'start');
      const canary = ctx.show('production', CHECKOUT_CANARY);
      assert.match(canary, new RegExp(`image: ${NEXT_IMAGE}`));
      assert.equal((canary.match(/\r\n/g) ?? []).length, 2, 'the CRLF line ends are kept as they were');
      assert.equal((ctx.show('production', CHECKOUT_ROUTE).match(/\r\n/g) ?? []).length, 2);
    },
  },
  // --- YAML structure
  {
    name: 'duplicate keys in git-canary.yaml are refused naming the line',
    group: 'yaml structure',
    expect: 'config-error',
    validate: 'always',
    production: edit('git-canary.yaml', (t) => t.replace('    interval: 1m\n', '    interval: 1m\n    interval: 0s\n')),
    names: /git-canary\.yaml:\d+/,
  },
  {
    name: 'duplicate keys in a candidate release file error that service only, naming the line',
    group: 'yaml structure',
    expect: 'service-error',
    validate: 'always',
    candidate: edit(CHECKOUT_RELEASE, () => release(NEXT_IMAGE).replace('  replicas: 3\n', '  replicas: 3\n  replicas: 300\n')),
    names: /candidate.*apps\/checkout\/deployment\.yaml:\d+/,
  },
  {
    name: 'a second, broken YAML document in git-canary.yaml is refused',
    group: 'yaml structure',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => `${t}---\nservices: [unclosed\n`),
    names: /git-canary\.yaml/,
  },
  {
    name: 'a release file whose second document is broken errors that service only',
    group: 'yaml structure',
    expect: 'service-error',
    validate: true,
    candidate: edit(CHECKOUT_RELEASE, () => `${release(NEXT_IMAGE)}---\nkind: ConfigMap\ndata: { a: [1, }\n`),
    names: /candidate.*apps\/checkout\/deployment\.yaml:\d+/,
  },
  {
    name: 'an empty git-canary.yaml is refused',
    group: 'yaml structure',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', () => ''),
    names: /git-canary\.yaml/,
  },
  {
    name: 'an empty candidate release file errors that service only',
    group: 'yaml structure',
    expect: 'service-error',
    validate: true,
    candidate: edit(CHECKOUT_RELEASE, () => ''),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: 'unknown keys in git-canary.yaml are refused naming the key and line',
    group: 'config shape',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => t.replace('    interval: 1m\n', '    interval: 1m\n    autoPromote: true\n')),
    names: all(/git-canary\.yaml:\d+/, /autoPromote/),
  },
  {
    name: 'a wrong type (steps as a string) in git-canary.yaml is refused',
    group: 'config shape',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => t.replace('steps: [10, 25, 50]', 'steps: "10,25,50"')),
    names: all(/git-canary\.yaml:\d+/, /steps/),
  },
  ...(
    [
      ['negative', '[-10, 25, 50]'],
      ['fractional', '[10.5, 25, 50]'],
      ['string', '["10", 25, 50]'],
      ['huge', '[10, 25, 1e300]'],
      ['over 100', '[10, 25, 5000]'],
    ] as const
  ).map(
    ([kind, steps]): Case => ({
      name: `${kind} step weights in git-canary.yaml are refused`,
      group: 'weights',
      expect: 'config-error',
      validate: true,
      production: edit('git-canary.yaml', (t) => t.replace('steps: [10, 25, 50]', `steps: ${steps}`)),
      names: all(/git-canary\.yaml:\d+/, /steps/),
    }),
  ),
  ...(
    [
      ['negative', '-20', '120'],
      ['fractional', '99.5', '0.5'],
      ['string', '"100"', '"0"'],
      ['huge', '1e300', '0'],
    ] as const
  ).map(
    ([kind, stable, canary]): Case => ({
      name: `${kind} weights in the production route file error that service only`,
      group: 'weights',
      expect: 'service-error',
      validate: true,
      production: edit(CHECKOUT_ROUTE, () => vsWeights(stable, canary)),
      names: /apps\/checkout\/virtualservice\.yaml/,
    }),
  ),
  {
    name: 'git-canary.yaml replaced by a directory is refused',
    group: 'file kinds',
    expect: 'config-error',
    production: (f) => {
      const text = String(f['git-canary.yaml']);
      delete f['git-canary.yaml'];
      f['git-canary.yaml/inner.yaml'] = text;
    },
    names: /git-canary\.yaml/,
  },
  {
    name: 'a release file replaced by a directory on candidate errors that service only',
    group: 'file kinds',
    expect: 'service-error',
    validate: true,
    candidate: (f) => {
      f[CHECKOUT_RELEASE] = null;
      f[`${CHECKOUT_RELEASE}/inner.yaml`] = release(NEXT_IMAGE);
    },
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: 'a symlink at a candidate release path errors that service only and is never followed',
    group: 'file kinds',
    expect: 'service-error',
    validate: true,
    candidate: edit(CHECKOUT_RELEASE, () => ({ symlink: '../../../../etc/passwd' })),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: 'a symlink at a release path over HTTP errors that service only',
    group: 'file kinds',
    expect: 'service-error',
    http: true,
    candidate: edit(CHECKOUT_RELEASE, () => ({ symlink: 'apps/payments/deployment.yaml' })),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: 'a symlink at the production canary path errors that service only',
    group: 'file kinds',
    expect: 'service-error',
    validate: true,
    production: edit(CHECKOUT_CANARY, () => ({ symlink: 'deployment.yaml' })),
    names: /apps\/checkout\/deployment-canary\.yaml/,
  },
  {
    name: 'a symlink as git-canary.yaml is refused',
    group: 'file kinds',
    expect: 'config-error',
    production: edit('git-canary.yaml', () => ({ symlink: '/etc/passwd' })),
    names: /git-canary\.yaml/,
  },
  {
    name: 'a submodule (gitlink) at a candidate release path errors that service only',
    group: 'file kinds',
    expect: 'service-error',
    validate: true,
    candidate: edit(CHECKOUT_RELEASE, () => ({ gitlink: '1234567890abcdef1234567890abcdef12345678' })),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: 'a submodule (gitlink) at the route path over HTTP errors that service only',
    group: 'file kinds',
    expect: 'service-error',
    http: true,
    production: edit(CHECKOUT_ROUTE, () => ({ gitlink: '1234567890abcdef1234567890abcdef12345678' })),
    names: /apps\/checkout\/virtualservice\.yaml/,
  },
  // --- paths in config
  ...(
    [
      ['".." that leaves the repository', '../outside/deployment.yaml'],
      ['an absolute', '/etc/passwd'],
      ['a "./"-prefixed', './apps/checkout/deployment.yaml'],
      ['a backslash', 'apps\\\\checkout\\\\deployment.yaml'],
      ['a ".git"', '.git/config'],
      ['a nested ".git"', 'apps/.git/config'],
      ['a Windows drive', 'C:/apps/deployment.yaml'],
    ] as const
  ).map(
    ([kind, path]): Case => ({
      name: `${kind} path in git-canary.yaml is refused`,
      group: 'paths',
      expect: 'config-error',
      validate: true,
      production: edit('git-canary.yaml', (t) => t.replace('files: [apps/checkout/deployment.yaml]', `files: ["${path}"]`)),
      names: all(/git-canary\.yaml:\d+/, /files\[0\]/),
      fixed: kind === 'a nested ".git"',
    }),
  ),
  // --- YAML tags
  ...(
    [
      ['!!binary', 'image: !!binary aW1hZ2U='],
      ['!!js/function', 'image: !!js/function "function () { return process.exit(3) }"'],
      ['custom !Ref', 'image: !Ref CheckoutImage'],
      ['!!python/object', 'image: !!python/object:os.system "id"'],
    ] as const
  ).map(
    ([tag, line]): Case => ({
      name: `a ${tag} tag in a candidate release file errors that service only`,
      group: 'tags',
      expect: 'service-error',
      validate: true,
      candidate: edit(CHECKOUT_RELEASE, () => release(NEXT_IMAGE).replace(`image: ${NEXT_IMAGE}`, line)),
      names: /candidate.*apps\/checkout\/deployment\.yaml:\d+/,
    }),
  ),
  {
    name: 'a !!binary tag in git-canary.yaml is refused',
    group: 'tags',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => t.replace('interval: 1m', 'interval: !!binary MW0=')),
    names: /git-canary\.yaml/,
  },
  {
    name: 'a custom !Ref tag in git-canary.yaml is refused',
    group: 'tags',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => t.replace('interval: 1m', 'interval: !Ref Interval')),
    names: /git-canary\.yaml/,
  },
  {
    name: '!!merge abuse (a merge key of a scalar) in a candidate release file errors that service only',
    group: 'tags',
    expect: 'service-error',
    validate: true,
    candidate: edit(CHECKOUT_RELEASE, () => release(NEXT_IMAGE).replace('  replicas: 3\n', '  replicas: 3\n  <<: just-a-string\n')),
    names: /candidate.*apps\/checkout\/deployment\.yaml/,
  },
  {
    name: '!!merge abuse in git-canary.yaml cannot smuggle keys past validation',
    group: 'tags',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => `x-evil: &evil { autoPromote: true }\n${t.replace('    interval: 1m\n', '    interval: 1m\n    <<: *evil\n')}`),
    names: /git-canary\.yaml/,
  },
  // --- injection in names and images
  ...(
    [
      ['a newline', '"checkout-canary\\nerror: all good"'],
      ['an ANSI escape', '"checkout-canary\\e[2K\\e[1Gok"'],
      ['a double quote and a brace', '"checkout-canary\\"}"'],
      ['a backslash', '"checkout-canary\\\\x"'],
      ['shell metacharacters', '"checkout-canary;$(touch /tmp/pwned)`id`|&"'],
      ['a 10 000 character', `"${'c'.repeat(10_000)}"`],
    ] as const
  ).map(
    ([kind, name]): Case => ({
      name: `a destination name with ${kind} is refused on one line`,
      group: 'injection',
      expect: 'config-error',
      validate: true,
      production: edit('git-canary.yaml', (t) => t.replace('canary: checkout-canary', `canary: ${name}`)),
      names: all(/git-canary\.yaml:\d+/, /route\.canary/),
      fixed: true,
    }),
  ),
  ...(
    [
      ['a newline', '"check\\nout"'],
      ['an ANSI escape', '"check\\e[31mout"'],
      ['a double quote and a brace', '"check\\"}out"'],
      ['shell metacharacters', '"check;$(id)out"'],
      ['a 300 character', `${'c'.repeat(300)}`],
    ] as const
  ).map(
    ([kind, name]): Case => ({
      name: `a service name with ${kind} is refused on one line`,
      group: 'injection',
      expect: 'config-error',
      validate: true,
      production: edit('git-canary.yaml', (t) => t.replace('  checkout:\n', `  ${name}:\n`)),
      names: all(/git-canary\.yaml:\d+/, /services/),
      fixed: kind === 'a 300 character',
    }),
  ),
  ...(
    [
      ['a newline', '"Eve\\nSigned-off-by: x <eve@example.test>"'],
      ['an ANSI escape', '"Eve\\e[2K <eve@example.test>"'],
      ['a newline in the object form', '{ name: "Eve\\nCanary-Phase: promoted", email: eve@example.test }'],
    ] as const
  ).map(
    ([kind, author]): Case => ({
      name: `commit.author with ${kind} fails validate and tick alike, on one line`,
      group: 'injection',
      expect: 'config-error',
      validate: true,
      production: edit('git-canary.yaml', (t) => `${t}commit:\n  author: ${author}\n`),
      names: all(/git-canary\.yaml:\d+/, /commit\.author/),
      fixed: true,
    }),
  ),
  ...(
    [
      ['a newline and a YAML key', '"registry.example.com/checkout:2.0.0\\n  evil: true"'],
      ['an ANSI escape', '"registry.example.com/checkout:2.0.0\\e[2K"'],
      ['shell metacharacters', '"registry.example.com/checkout:2.0.0;$(id)"'],
    ] as const
  ).map(
    ([kind, image]): Case => ({
      name: `a candidate image with ${kind} is carried to the canary as one exact string, never as YAML structure`,
      group: 'injection',
      expect: 'safe',
      commits: true,
      candidate: edit(CHECKOUT_RELEASE, () => withImage(image)),
      check: (t, _r, ctx) => {
        const d = decisionOf(t);
        if (d.decision === 'error') {
          assert.doesNotMatch(d.reason, /[\u0000-\u001f\u007f]/);
          return;
        }
        assert.equal(d.decision, 'start');
        const canary = ctx.show('production', CHECKOUT_CANARY);
        const expected = JSON.parse(image.replace(/\\e/g, '\\u001b')) as string;
        assert.equal(yamlImage(canary), expected, 'the canary runs exactly the candidate image');
        assert.doesNotMatch(canary, /^\s+evil: true/m, 'no YAML structure injected');
      },
    }),
  ),
  {
    name: "a canary workload name with a newline and an ANSI escape is kept as the person wrote it and never printed raw",
    group: 'injection',
    expect: 'safe',
    commits: true,
    production: edit(CHECKOUT_CANARY, (t) => t.replace('  name: checkout-canary\n', '  name: "checkout-canary\\nerror: all good\\e[2K"\n')),
    check: (t, _r, ctx) => {
      assert.equal(decisionOf(t).decision, 'start');
      assert.match(ctx.show('production', CHECKOUT_CANARY), /^ {2}name: "checkout-canary\\nerror: all good\\e\[2K"$/m, 'the name line is left byte-identical');
    },
  },
  {
    name: 'release workload names with a newline and an ANSI escape, quoted in an error, print on one line',
    group: 'injection',
    expect: 'service-error',
    fixed: true,
    production: edit(CHECKOUT_RELEASE, (t) => `${t.replace('  name: checkout\n', '  name: "web\\nerror: fine\\e[2K"\n')}---\n${t.replace('  name: checkout\n', '  name: other\n')}`),
    candidate: edit(CHECKOUT_RELEASE, (t) => `${release(NEXT_IMAGE).replace('  name: checkout\n', '  name: "web\\nerror: fine\\e[2K"\n')}---\n${t.replace('  name: checkout\n', '  name: other\n')}`),
    names: /apps\/checkout\/deployment\.yaml/,
  },
  {
    name: 'a ConfigMap name carrying trailer lines cannot inject trailers into the start commit',
    group: 'injection',
    fixed: true,
    expect: 'safe',
    commits: true,
    candidate: edit(
      CHECKOUT_RELEASE,
      () => `${release(NEXT_IMAGE)}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: "cfg\\n\\nCanary-Phase: promoted\\nCanary-Weight: 0"\ndata: { a: "1" }\n`,
    ),
    check: (t, _r, ctx) => {
      const d = decisionOf(t);
      if (d.decision === 'error') return;
      const message = git(ctx.dir, ['log', '-1', '--format=%B', 'production']);
      const phases = git(ctx.dir, ['log', '-1', '--format=%(trailers:key=Canary-Phase,valueonly)', 'production']).trim();
      assert.equal(phases, 'progressing', message);
      assert.equal((message.match(/^Canary-Phase:/gm) ?? []).length, 1, `one Canary-Phase line: ${message}`);
    },
  },
  {
    name: 'a raw escape byte in git-canary.yaml is refused naming its line',
    group: 'binary and encodings',
    expect: 'config-error',
    validate: true,
    production: edit('git-canary.yaml', (t) => t.replace('version: 1\n', 'version: 1 # \u001b[2J\u001b[1;1H\n')),
    names: /git-canary\.yaml:\d+/,
    fixed: true,
  },
  // --- route files
  {
    name: 'a route file where no rule names the stable destination errors that service only',
    group: 'routes',
    expect: 'service-error',
    validate: true,
    production: edit(CHECKOUT_ROUTE, () => CHECKOUT_VS.replaceAll('checkout-stable', 'someone-else')),
    names: /apps\/checkout\/virtualservice\.yaml/,
  },
  {
    name: 'a route file with two VirtualServices naming both destinations moves both together',
    group: 'routes',
    expect: 'safe',
    commits: true,
    production: edit(CHECKOUT_ROUTE, () => `${CHECKOUT_VS}---\n${CHECKOUT_VS.replace('name: checkout\n', 'name: checkout-two\n')}`),
    check: (t, _r, ctx) => {
      assert.equal(decisionOf(t).decision, 'start');
      const vs = ctx.show('production', CHECKOUT_ROUTE);
      assert.equal((vs.match(/weight: 90/g) ?? []).length, 2, vs);
    },
  },
  {
    name: 'a route file with two rules naming both destinations moves both together',
    group: 'routes',
    expect: 'safe',
    commits: true,
    production: edit(CHECKOUT_ROUTE, () =>
      CHECKOUT_VS.replace(
        '    - name: primary\n',
        '    - name: mobile\n      match:\n        - headers: { x-app: { exact: mobile } }\n      route:\n        - destination:\n            host: checkout-stable\n          weight: 100\n        - destination:\n            host: checkout-canary\n          weight: 0\n    - name: primary\n',
      )),
    check: (t, _r, ctx) => {
      assert.equal(decisionOf(t).decision, 'start');
      const vs = ctx.show('production', CHECKOUT_ROUTE);
      assert.equal((vs.match(/weight: 90/g) ?? []).length, 2, vs);
      assert.equal((vs.match(/weight: 10\n/g) ?? []).length, 2, vs);
    },
  },
  // --- candidate's config is never obeyed
  {
    name: "a candidate git-canary.yaml that changes the metrics address is never obeyed: production's server is asked",
    group: 'candidate config',
    expect: 'safe',
    commits: true,
    at: 3,
    candidate: (f, _prom, attacker) => {
      f['git-canary.yaml'] = config(attacker.url);
    },
    prepare: startRollout,
    check: (t, _r, ctx) => {
      assert.equal(decisionOf(t).decision, 'step', JSON.stringify(t));
      assert.ok(ctx.prom.hits.length > 0, "production's metrics server judged the step");
      assert.deepEqual(ctx.attacker.hits, [], "candidate's address was never asked");
    },
  },
  {
    name: "a candidate git-canary.yaml with steps [100] and threshold 100 is never obeyed: production's steps rule",
    group: 'candidate config',
    expect: 'safe',
    commits: true,
    candidate: (f, prom) => {
      f['git-canary.yaml'] = config(prom.url, { steps: [100], threshold: 100 });
    },
    check: (t, _r, ctx) => {
      const d = decisionOf(t);
      assert.equal(d.decision, 'start');
      assert.equal(d.weight, 10, "production's first step");
      assert.match(ctx.show('production', CHECKOUT_ROUTE), /weight: 90/);
    },
  },
  {
    name: 'a candidate git-canary.yaml that adds a service or drops analysis is never obeyed',
    group: 'candidate config',
    expect: 'safe',
    commits: true,
    candidate: (f, prom) => {
      const text = gitCanaryYaml({ analysis: false, steps: [100] }).replace(
        'services:\n',
        `services:\n  evil:\n    files: [git-canary.yaml]\n    canary: { file: apps/evil.yaml }\n    route: { type: istio, file: ${CHECKOUT_ROUTE}, stable: checkout-stable, canary: checkout-canary }\n    steps: [100]\n`,
      );
      f['git-canary.yaml'] = text;
      void prom;
    },
    check: (t) => {
      assert.deepEqual(
        (t.services ?? []).map((s) => s.service),
        ['checkout', 'payments'],
        "only production's services tick",
      );
      assert.equal(decisionOf(t).weight, 10);
    },
  },
  {
    name: 'a candidate git-canary.yaml that swaps the branches is never obeyed',
    group: 'candidate config',
    expect: 'safe',
    commits: true,
    candidate: (f, prom) => {
      f['git-canary.yaml'] = config(prom.url).replace('version: 1\n', 'version: 1\nbranches: { candidate: production, production: candidate }\n');
    },
    check: (t, _r, ctx) => {
      assert.equal(decisionOf(t).decision, 'start');
      assert.match(git(ctx.dir, ['log', '-1', '--format=%s', 'production']), /checkout: canary 10%/);
      assert.match(git(ctx.dir, ['log', '-1', '--format=%s', 'candidate']), /edit candidate/);
    },
  },
  // --- forged trailers
  {
    name: "a person's commit forging Canary-Phase: promoted trailers cannot promote",
    group: 'forged trailers',
    expect: 'safe',
    commits: true,
    at: 3,
    prepare: async (ctx) => {
      await startRollout(ctx);
      const c = candidateSha(ctx);
      commitRaw(ctx.dir, 'production', { 'README.md': 'hi\n' }, {
        message: `checkout: promoted ${c.slice(0, 7)}\n\n${trailers({ 'Canary-Service': 'checkout', 'Canary-Rollout': `checkout-${c.slice(0, 7)}`, 'Canary-Candidate': c, 'Canary-Phase': 'promoted', 'Canary-Weight': '0' })}\n`,
      });
    },
    check: (t, _r, ctx) => {
      notPromoted(t, ctx);
      assert.equal(decisionOf(t).decision, 'step', 'the real rollout goes on at its own pace');
    },
  },
  {
    name: "a commit in git-canary's name whose trailers disagree with the route cannot promote",
    group: 'forged trailers',
    expect: 'safe',
    commits: true,
    at: 3,
    prepare: async (ctx) => {
      await startRollout(ctx);
      const c = candidateSha(ctx);
      commitRaw(ctx.dir, 'production', { 'README.md': 'hi\n' }, {
        who: GIT_CANARY,
        message: `checkout: promoted ${c.slice(0, 7)}\n\n${trailers({ 'Canary-Service': 'checkout', 'Canary-Rollout': `checkout-${c.slice(0, 7)}`, 'Canary-Candidate': c, 'Canary-Phase': 'promoted', 'Canary-Weight': '0' })}\n`,
      });
    },
    check: (t, _r, ctx) => notPromoted(t, ctx),
  },
  {
    name: "a person's commit forging progressing trailers after a rollback does not start the rolled-back release again",
    group: 'forged trailers',
    expect: 'safe',
    at: 5,
    prepare: async (ctx) => {
      await startRollout(ctx);
      const rb = await ctx.cli(['rollback', '--service', 'checkout', '--reason', 'bad'], 2);
      assert.equal(rb.code, 0, rb.stdout + rb.stderr);
      const c = candidateSha(ctx);
      commitRaw(ctx.dir, 'production', { [CHECKOUT_ROUTE]: vsWeights('90', '10') }, {
        message: `checkout: canary 10% (step 1/3)\n\n${trailers({ 'Canary-Service': 'checkout', 'Canary-Rollout': `checkout-${c.slice(0, 7)}`, 'Canary-Candidate': c, 'Canary-Phase': 'progressing', 'Canary-Step': '1/3', 'Canary-Weight': '10' })}\n`,
      });
    },
    check: (t, _r, ctx) => {
      const d = decisionOf(t);
      assert.ok(!['start', 'step', 'promote'].includes(d.decision), JSON.stringify(d));
      assert.equal(productionRelease(ctx), STABLE_RELEASE);
    },
  },
  {
    name: "a commit in git-canary's name forging resumed trailers after a rollback does not start the rolled-back release again",
    group: 'forged trailers',
    expect: 'safe',
    at: 5,
    prepare: async (ctx) => {
      await startRollout(ctx);
      const rb = await ctx.cli(['rollback', '--service', 'checkout', '--reason', 'bad'], 2);
      assert.equal(rb.code, 0, rb.stdout + rb.stderr);
      const c = candidateSha(ctx);
      commitRaw(ctx.dir, 'production', { 'README.md': 'x\n' }, {
        who: GIT_CANARY,
        message: `checkout: resumed\n\n${trailers({ 'Canary-Service': 'checkout', 'Canary-Rollout': `checkout-${c.slice(0, 7)}`, 'Canary-Candidate': c, 'Canary-Phase': 'resumed', 'Canary-Step': '3/3', 'Canary-Weight': '50' })}\n`,
      });
    },
    check: (t, _r, ctx) => {
      const d = decisionOf(t);
      assert.ok(!['start', 'step', 'promote'].includes(d.decision), JSON.stringify(d));
      assert.equal(productionRelease(ctx), STABLE_RELEASE);
    },
  },
  {
    name: 'forged trailers over HTTP cannot promote',
    group: 'forged trailers',
    expect: 'safe',
    http: true,
    commits: true,
    at: 3,
    prepare: async (ctx) => {
      await startRollout(ctx);
      const c = candidateSha(ctx);
      commitRaw(ctx.dir, 'production', { 'README.md': 'hi\n' }, {
        message: `checkout: promoted\n\n${trailers({ 'Canary-Service': 'checkout', 'Canary-Rollout': `checkout-${c.slice(0, 7)}`, 'Canary-Candidate': c, 'Canary-Phase': 'promoted', 'Canary-Weight': '0' })}\n`,
      });
    },
    check: (t, _r, ctx) => notPromoted(t, ctx),
  },
  // --- tampered notes
  {
    name: 'a tampered note claiming passes cannot advance a rollout whose metrics are down',
    group: 'tampered notes',
    expect: 'safe',
    // The errored judgment is recorded: a commit that changes no file (checked below).
    commits: true,
    at: 3,
    production: edit('git-canary.yaml', () => config('http://127.0.0.1:9')),
    prepare: async (ctx) => {
      await startRollout(ctx);
      const step = git(ctx.dir, ['rev-parse', 'production']).trim();
      const c = candidateSha(ctx);
      const line = JSON.stringify({ service: 'checkout', rollout: `checkout-${c.slice(0, 7)}`, at: new Date(T0.getTime() + 120_000).toISOString(), outcome: 'pass', checks: [{ name: 'success-rate', value: 100, outcome: 'pass' }] });
      setNote(ctx.dir, step, `${Array.from({ length: 20 }, () => line).join('\n')}\n`);
    },
    check: (t, _r, ctx) => {
      const d = decisionOf(t);
      assert.equal(d.decision, 'hold', JSON.stringify(t));
      assert.match(d.reason, /^metrics error at step 1\/3 \(10%\), 1\/4 in a row/);
      assert.equal(git(ctx.dir, ['diff', '--name-only', `${d.commit}^`, d.commit!]).trim(), '', 'the errored judgment record changes no file');
      notPromoted(t, ctx);
    },
  },
  {
    name: 'a tampered note claiming failures may at worst roll back, never promote',
    group: 'tampered notes',
    expect: 'safe',
    commits: true,
    at: 3,
    prepare: async (ctx) => {
      await startRollout(ctx);
      const step = git(ctx.dir, ['rev-parse', 'production']).trim();
      const c = candidateSha(ctx);
      const line = JSON.stringify({ service: 'checkout', rollout: `checkout-${c.slice(0, 7)}`, at: new Date(T0.getTime() + 90_000).toISOString(), outcome: 'fail', checks: [{ name: 'success-rate', value: 1, outcome: 'fail' }] });
      setNote(ctx.dir, step, `${line}\n${line}\n${line}\n`);
    },
    check: (t, _r, ctx) => {
      assert.ok(['hold', 'rollback', 'step', 'none', 'pause'].includes(decisionOf(t).decision), JSON.stringify(t));
      notPromoted(t, ctx);
    },
  },
  {
    name: 'a garbled binary note is handled: never fatal, never a promotion',
    group: 'tampered notes',
    expect: 'safe',
    commits: true,
    at: 3,
    prepare: async (ctx) => {
      await startRollout(ctx);
      const step = git(ctx.dir, ['rev-parse', 'production']).trim();
      setNote(ctx.dir, step, randomBytes(8192, 3));
    },
    check: (t, _r, ctx) => {
      assert.notEqual(decisionOf(t).decision, 'error', JSON.stringify(t));
      notPromoted(t, ctx);
    },
  },
  {
    name: "a note on a person's commit claiming another rollout's passes changes nothing",
    group: 'tampered notes',
    expect: 'safe',
    commits: true,
    at: 3,
    prepare: async (ctx) => {
      await startRollout(ctx);
      const step = git(ctx.dir, ['rev-parse', 'production']).trim();
      const line = JSON.stringify({ service: 'checkout', rollout: 'checkout-0000000', at: new Date(T0.getTime() + 90_000).toISOString(), outcome: 'pass', checks: [] });
      setNote(ctx.dir, step, `${line}\n`);
    },
    check: (t, _r, ctx) => {
      assert.equal(decisionOf(t).decision, 'step', JSON.stringify(t));
      notPromoted(t, ctx);
    },
  },
];

function setNote(dir: string, commit: string, content: string | Buffer): void {
  const env = { GIT_AUTHOR_NAME: PERSON.name, GIT_AUTHOR_EMAIL: PERSON.email, GIT_COMMITTER_NAME: PERSON.name, GIT_COMMITTER_EMAIL: PERSON.email };
  const blob = git(dir, ['hash-object', '-w', '--stdin'], content, env).trim();
  git(dir, ['notes', '--ref=git-canary', 'add', '-f', '-C', blob, commit], undefined, env);
}

/** The first container image of the canary file, as YAML reads it. */
function yamlImage(text: string): string {
  const m = /^\s+image: (.*?)(\s+#.*)?$/m.exec(text);
  assert.ok(m, text);
  const raw = m[1]!;
  if (raw.startsWith('"')) return JSON.parse(raw) as string;
  if (raw.startsWith("'")) return raw.slice(1, -1).replace(/''/g, "'");
  return raw;
}

// ---------------------------------------------------------------------------
// Running one case

const gitRoot = join(work, 'served');
const gitServer: GitHttpServer | undefined = await startGitServer({ root: gitRoot });

after(async () => {
  await gitServer?.close();
  rmSync(work, { recursive: true, force: true });
});

const STACK = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
const figures = { cases: 0, runs: 0, peakMb: 0, failures: 0 };

/** Every line a person reads: one line per message, no raw control characters, no stack, no secret. */
function assertCleanOutput(r: Run, label: string): void {
  const all = `${r.stdout}\n${r.stderr}`;
  for (const form of SECRET_FORMS) assert.ok(!all.includes(form), `${label}: a secret leaked:\n${all}`);
  assert.doesNotMatch(all, STACK, `${label}: a stack trace without --debug:\n${all}`);
  assert.doesNotMatch(all, /[\u0000-\u0008\u000b-\u001f\u007f]/, `${label}: raw control characters in the output`);
  for (const line of r.stderr.split('\n')) {
    if (line.trim() === '' || line.startsWith('error: ') || line.startsWith('warning: ')) continue;
    try {
      JSON.parse(line);
    } catch {
      assert.fail(`${label}: a stderr line that is neither a log record nor one error line: ${JSON.stringify(line)}\n${r.stderr}`);
    }
  }
}

/** No secret form in any commit message, identity, file or note of the repository. */
function assertNoSecretInGit(dir: string): void {
  const messages = git(dir, ['log', '--all', '--format=%B%n%an %ae %cn %ce']);
  for (const form of SECRET_FORMS) assert.ok(!messages.includes(form), 'no secret in any commit message');
  const commits = git(dir, ['rev-list', '--all']).split('\n').filter(Boolean);
  const patterns = SECRET_FORMS.flatMap((f) => ['-e', f]);
  try {
    const hits = git(dir, ['grep', '-F', '-l', '-I', ...patterns, ...commits, '--']);
    assert.fail(`a secret is in a committed file or note: ${hits}`);
  } catch (e) {
    if ((e as { status?: number }).status !== 1) throw e;
  }
}

async function runCase(c: Case, index: number): Promise<void> {
  const server = await metricsServer(100);
  const attacker = await metricsServer(100);
  try {
    await runCaseWith(c, index, server, attacker);
  } finally {
    await server.close();
    await attacker.close();
  }
}

async function runCaseWith(c: Case, index: number, server: MetricsServer, attacker: MetricsServer): Promise<void> {
  const production: Files = productionOf(server.url);
  c.production?.(production, server);
  const candidate: Files = { ...production, [CHECKOUT_RELEASE]: release(NEXT_IMAGE) };
  c.candidate?.(candidate, server, attacker);

  const dir = c.http ? join(gitRoot, `case-${index}.git`) : join(work, `case-${index}.git`);
  const repo = await createRepo({}, { bare: true, dir });
  const base = commitRaw(dir, 'production', production, { who: { name: 'Fixture', email: 'fixture@example.test' } });
  const candidateFiles: Files = {};
  for (const [p, v] of Object.entries(candidate)) if (production[p] !== v) candidateFiles[p] = v;
  for (const p of Object.keys(production)) if (!(p in candidate)) candidateFiles[p] = null;
  commitRaw(dir, 'candidate', candidateFiles, { from: base });
  git(dir, ['symbolic-ref', 'HEAD', 'refs/heads/production']);

  const spec = c.http ? `${gitServer!.url}/case-${index}.git` : dir;
  const cacheArgs = c.http ? ['--cache-dir', join(work, `cache-${index}`)] : [];
  const env = { HOSTILE_SECRET: SECRET, GIT_CANARY_TOKEN: TOKEN };
  const ctx: Ctx = {
    dir,
    spec,
    cacheArgs,
    prom: server,
    attacker,
    cli: async (args, minutes) => {
      const r = await runMeasured(['--repo', spec, ...cacheArgs, ...args], {
        ...env,
        GIT_CANARY_NOW: new Date(T0.getTime() + minutes * 60_000).toISOString(),
      });
      figures.runs++;
      figures.peakMb = Math.max(figures.peakMb, r.peakMb);
      assertCleanOutput(r, `${c.name}: ${args.join(' ')}`);
      return r;
    },
    show: (rev, path) => git(dir, ['show', `${rev}:${path}`]),
  };
  await c.prepare?.(ctx);
  server.hits.length = 0;
  const refsBefore = git(dir, ['for-each-ref', '--format=%(refname) %(objectname)']);
  const bound = MEMORY_BOUND_MB;

  const [tick, validate] = await Promise.all([
    ctx.cli(['tick', '--json'], c.at ?? 1),
    validates(c) ? ctx.cli(['validate'], c.at ?? 1) : Promise.resolve(undefined),
  ]);
  const dump = `exit ${tick.code}\nstdout:\n${tick.stdout}\nstderr:\n${tick.stderr}`;
  assert.equal(tick.signal, null, `killed: ${dump}`);
  for (const r of [tick, validate]) if (r) assert.ok(r.peakMb < bound, `peak RSS ${r.peakMb} MB over ${bound} MB`);
  let json: TickJson;
  try {
    json = JSON.parse(tick.stdout) as TickJson;
  } catch {
    assert.fail(`tick --json printed no JSON document: ${dump}`);
  }

  const errorLines = tick.stderr.split('\n').filter((l) => l.startsWith('error: '));
  if (c.expect === 'config-error') {
    assert.equal(tick.code, 1, dump);
    assert.ok(json.error, dump);
    assert.doesNotMatch(json.error.message, /[\u0000-\u001f\u007f-\u009f]/, 'the message is one printable line');
    assert.equal(errorLines.length, 1, `one error line: ${dump}`);
    if (c.names) assert.match(errorLines[0]!, c.names, dump);
    if (validate) {
      assert.equal(validate.code, 1, `validate agrees: ${validate.stdout}${validate.stderr}`);
      if (c.names) assert.match(validate.stdout + validate.stderr, c.names);
    }
  } else if (c.expect === 'service-error') {
    assert.equal(tick.code, 1, dump);
    const d = decisionOf(json, c.service);
    assert.equal(d.decision, 'error', dump);
    if (c.names) assert.match(d.reason, c.names, dump);
    assert.doesNotMatch(d.reason, /[\u0000-\u001f\u007f-\u009f]/, 'the reason is one printable line');
    const others = (json.services ?? []).filter((s) => s.service !== (c.service ?? 'checkout'));
    assert.ok(others.length > 0 && others.every((s) => s.decision !== 'error'), `the other service still ticks: ${dump}`);
    assert.ok(errorLines.length >= 1, dump);
    if (validate) assert.equal(validate.code, 1, `validate agrees: ${validate.stdout}${validate.stderr}`);
  } else {
    if (validate) assert.equal(validate.code, 0, `validate: ${validate.stdout}${validate.stderr}`);
    await c.check?.(json, tick, ctx);
  }

  const refsAfter = git(dir, ['for-each-ref', '--format=%(refname) %(objectname)']);
  if (!c.commits) assert.equal(refsAfter, refsBefore, `nothing committed: ${dump}`);
  assertNoSecretInGit(dir);
  figures.cases++;
  await repo.cleanup().catch(() => undefined);
}

// Cases run a few at a time: each is its own repository and its own CLI children.
const CONCURRENCY = 3;
let slots = CONCURRENCY;
const waiting: (() => void)[] = [];
async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (slots === 0) await new Promise<void>((r) => waiting.push(r));
  slots--;
  try {
    return await fn();
  } finally {
    slots++;
    waiting.shift()?.();
  }
}

/**
 * Cases run in a full run only (GIT_CANARY_RELIABILITY=full): further variants
 * of a family whose first variants run every time, to keep the reduced run
 * within CI's budget.
 */
const FULL_ONLY = [
  /^a billion-laughs alias bomb under an unused key/,
  /^a deep alias chain in the production route/,
  /levels of indented block maps/,
  /^(fractional|huge|over 100) step weights/,
  /^(fractional|huge) weights in the production route/,
  /^a "\.\/"-prefixed path|^a backslash path|^a Windows drive path/,
  /^a !!python\/object tag|^a custom !Ref tag in a candidate/,
  /^a destination name with (a double quote|a backslash|shell)/,
  /^a service name with (an ANSI|a double quote|shell)/,
  /^a candidate image with (an ANSI|shell)/,
];
const inThisRun = (c: Case) => FULL || !FULL_ONLY.some((r) => r.test(c.name));
/** `validate` runs on every case that names it in a full run; in a reduced run on the fixed ones and those marked `always`. */
const validates = (c: Case) => c.validate === 'always' || (c.validate === true && (FULL || c.fixed === true));

const names = new Set<string>();
for (const c of cases) {
  assert.ok(!names.has(c.name), `duplicate case name ${c.name}`);
  names.add(c.name);
}

// HOSTILE_ONLY=<regex> runs the matching cases only (while working on one).
const only = process.env.HOSTILE_ONLY ? new RegExp(process.env.HOSTILE_ONLY) : undefined;
const started = cases.map((c, i) => {
  if ((only && !only.test(c.name)) || !inThisRun(c)) return Promise.resolve();
  const p = slot(() => runCase(c, i));
  p.catch(() => undefined);
  return p;
});

// Further variants are not registered in a reduced run (nothing is reported
// as skipped); the figures say how many of the listed cases were tried.
cases.forEach((c, i) => {
  if (!inThisRun(c) || (only && !only.test(c.name))) return;
  test(c.name, async () => {
    await started[i];
  });
});

test('the hostile-input figures are recorded', { skip: only ? 'HOSTILE_ONLY runs a part: figures are recorded by whole runs only' : false }, async () => {
  await Promise.allSettled(started);
  assert.ok(cases.filter(inThisRun).length >= 50, `${cases.filter(inThisRun).length} cases in this run`);
  recordFigures('hostile', {
    'hostile inputs listed': cases.length,
    'hostile inputs tried': cases.filter(inThisRun).length,
    'hostile inputs handled': figures.cases,
    'listed inputs that needed a fix': cases.filter((c) => c.fixed).length,
    'inputs tried that needed a fix': cases.filter((c) => c.fixed && inThisRun(c)).length,
    'CLI runs': figures.runs,
    'peak RSS of a child (MB)': figures.peakMb,
    'memory bound (MB)': MEMORY_BOUND_MB,
    'huge-file size (MB)': HUGE_MB,
    'nesting depth': DEPTH,
    'cases over HTTP': cases.filter((c) => c.http && inThisRun(c)).length,
    'validate runs': cases.filter((c) => inThisRun(c) && validates(c)).length,
  });
});
