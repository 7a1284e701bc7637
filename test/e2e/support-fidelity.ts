/**
 * Shared pieces of the fidelity end-to-end tests (fidelity-*.test.ts): the
 * fixture corpus of test/fixtures/real (manifests written the way upstream
 * docs write them), a git-canary.yaml writer for those layouts, a `tick --json`
 * runner that also accepts exit 1 and `decision: error`, people's commits
 * (other authors, merges, backdated, hundreds at once) made with
 * `git fast-import`, and a checker of "the canary runs the candidate" that
 * reads both files with a YAML parser independent of src/.
 *
 * Like support.ts, every assertion reads the repository people see with the
 * real git CLI.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { type CliResult, runCli } from '../helpers/cli.ts';
import { type FixtureFiles, git } from '../helpers/git-fixtures.ts';
import { T0 } from '../helpers/scenario.ts';
import { at, type World } from './support.ts';

export { at };

/** test/fixtures/real, with a trailing slash. */
export const REAL = fileURLToPath(new URL('../fixtures/real/', import.meta.url));

/** The author and committer of git-canary's commits (PRODUCT.md, no `commit.author`). */
export const GIT_CANARY = 'git-canary <git-canary@users.noreply.github.com>';

// ---------------------------------------------------------------------------
// Fixture corpus

/** One fixture file's text, byte for byte (CRLF files keep their `\r\n`). */
export function fixtureText(rel: string): string {
  return readFileSync(join(REAL, rel), 'utf8');
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/**
 * A fixture directory as repository files.
 * - `to` a string: every file of `test/fixtures/real/<dir>` under that prefix
 *   (`loadFixture('kustomize', 'apps/cart')` → `apps/cart/base/deployment.yaml`…);
 * - `to` a map: only the files named, each at its repository path
 *   (`{ 'deployment.yaml': 'apps/checkout/deployment.yaml' }`).
 * README.md and .gitattributes are never copied.
 */
export function loadFixture(dir: string, to: string | Record<string, string>): FixtureFiles {
  const files: FixtureFiles = {};
  if (typeof to === 'string') {
    const root = join(REAL, dir);
    for (const abs of walk(root)) {
      const rel = relative(root, abs).split('\\').join('/');
      if (rel === 'README.md' || rel.endsWith('.gitattributes')) continue;
      files[to === '' ? rel : `${to.replace(/\/$/, '')}/${rel}`] = readFileSync(abs, 'utf8');
    }
  } else {
    for (const [rel, path] of Object.entries(to)) files[path] = fixtureText(`${dir}/${rel}`);
  }
  assert.ok(Object.keys(files).length > 0, `no fixture files for ${dir}`);
  return files;
}

/** The checkout workload (release + canary + ConfigMap) and its Istio route, at `apps/<app>/`. */
export const CHECKOUT = {
  release: 'apps/checkout/deployment.yaml',
  canary: 'apps/checkout/deployment-canary.yaml',
  route: 'apps/checkout/virtualservice.yaml',
  rules: 'apps/checkout/destinationrule.yaml',
  config: 'apps/checkout/configmap.yaml',
} as const;

/** workloads/ + istio/ (the VirtualService with subsets v1/v2) mapped onto CHECKOUT's paths. */
export function checkoutFiles(o: { route?: string; canary?: string; app?: string } = {}): FixtureFiles {
  const app = o.app ?? 'checkout';
  return {
    ...loadFixture('workloads', {
      'deployment.yaml': `apps/${app}/deployment.yaml`,
      [o.canary ?? 'deployment-canary.yaml']: `apps/${app}/deployment-canary.yaml`,
    }),
    ...loadFixture('istio', {
      [o.route ?? 'virtualservice.yaml']: `apps/${app}/virtualservice.yaml`,
      'destinationrule.yaml': `apps/${app}/destinationrule.yaml`,
    }),
  };
}

// ---------------------------------------------------------------------------
// git-canary.yaml for these layouts

export type FilesEntry = string | { path: string; documents: string[] };
export type Dest = string | { name: string; port?: number; subset?: string; namespace?: string };

export interface ServiceSpec {
  files: FilesEntry[];
  canary?: {
    file: string;
    from?: string;
    fromName?: string;
    keep?: string[];
    idle?: { replicas: number };
    unexercised?: 'warn' | 'refuse';
  };
  route: { type: 'istio' | 'gateway-api'; file: string; stable: Dest; canary: Dest; name?: string };
  steps: number[];
  /** Default 1m. */
  interval?: string;
  /** A success-rate check on `app`'s canary traffic (scenario metrics), `threshold` default 2. */
  analysis?: { app: string; threshold?: number };
  gate?: 'auto' | 'pull-request';
}

export interface ConfigOptions {
  /** Extra top-level YAML appended as is (e.g. `commit:`). */
  extra?: string;
}

const flow = (v: unknown) => JSON.stringify(v);

/** `sum(rate(...success...)) / sum(rate(...)) * 100` for one app's canary, as the scenario's traffic names it. */
export function successRateQuery(app: string): string {
  return `sum(rate(http_requests_total{app="${app}",track="canary",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="${app}",track="canary"}[1m])) * 100`;
}

/**
 * git-canary.yaml for `services`, in block style with flow values (JSON is
 * YAML). A `metrics.prom` source reading ${PROMETHEUS_URL} is written when a
 * service has `analysis`.
 */
export function gitCanaryConfig(services: Record<string, ServiceSpec>, o: ConfigOptions = {}): string {
  const anyAnalysis = Object.values(services).some((s) => s.analysis);
  let out = '# git-canary: every change of candidate reaches production one traffic step at a time.\nversion: 1\n';
  if (anyAnalysis) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of git-canary.yaml
    out += 'metrics:\n  prom:\n    type: prometheus\n    address: ${PROMETHEUS_URL}\n';
  }
  out += 'services:\n';
  for (const [name, s] of Object.entries(services)) {
    out += `  ${name}:\n    files:\n`;
    for (const f of s.files) out += `      - ${typeof f === 'string' ? f : flow(f)}\n`;
    if (s.canary) {
      out += `    canary:\n      file: ${s.canary.file}\n`;
      if (s.canary.from) out += `      from: ${s.canary.from}\n`;
      if (s.canary.fromName) out += `      fromName: ${s.canary.fromName}\n`;
      if (s.canary.keep) out += `      keep: ${flow(s.canary.keep)}\n`;
      if (s.canary.idle) out += `      idle: ${flow(s.canary.idle)}\n`;
      if (s.canary.unexercised) out += `      unexercised: ${s.canary.unexercised}\n`;
    }
    const r = s.route;
    out += `    route:\n      type: ${r.type}\n      file: ${r.file}\n      stable: ${flow(r.stable)}\n      canary: ${flow(r.canary)}\n`;
    if (r.name) out += `      name: ${r.name}\n`;
    out += `    steps: ${flow(s.steps)}\n    interval: ${s.interval ?? '1m'}\n`;
    if (s.analysis) {
      out += `    analysis:\n      metrics: prom\n      threshold: ${s.analysis.threshold ?? 2}\n      checks:\n`;
      out += `        - name: success-rate\n          query: ${successRateQuery(s.analysis.app)}\n          min: 99\n`;
    }
    if (s.gate) out += `    gate: ${s.gate}\n`;
  }
  if (o.extra) out += o.extra.endsWith('\n') ? o.extra : `${o.extra}\n`;
  return out;
}

/** The checkout service over CHECKOUT's files and its Istio route (v1 stable, v2 canary). */
export function checkoutService(o: Partial<ServiceSpec> & { canaryOptions?: Omit<NonNullable<ServiceSpec['canary']>, 'file'> } = {}): ServiceSpec {
  const { canaryOptions, ...rest } = o;
  return {
    files: [CHECKOUT.release],
    canary: { file: CHECKOUT.canary, ...canaryOptions },
    route: { type: 'istio', file: CHECKOUT.route, stable: { name: 'checkout', subset: 'v1' }, canary: { name: 'checkout', subset: 'v2' } },
    steps: [10, 50],
    interval: '1m',
    ...rest,
  };
}

// ---------------------------------------------------------------------------
// Text edits with counted matches (a fixture that changed cannot pass by accident)

/** `text` with `from` replaced by `to`, asserting `from` occurs exactly `count` times (default 1). */
export function replaced(text: string, from: string, to: string, count = 1): string {
  const n = text.split(from).length - 1;
  assert.equal(n, count, `expected ${count} occurrence(s) of ${JSON.stringify(from)}, found ${n}`);
  return text.split(from).join(to);
}

/** Apply several `[from, to, count?]` replacements in order. */
export function edits(text: string, ...changes: [from: string, to: string, count?: number][]): string {
  return changes.reduce((t, [from, to, count]) => replaced(t, from, to, count ?? 1), text);
}

/**
 * `text` with the `weight: N` lines that follow the one occurrence of `marker`
 * set to `values`, in order (indentation and line endings kept).
 */
export function withWeights(text: string, marker: string, values: number[]): string {
  const start = text.indexOf(marker);
  assert.notEqual(start, -1, `${JSON.stringify(marker)} not in the route`);
  assert.equal(text.indexOf(marker, start + 1), -1, `${JSON.stringify(marker)} is ambiguous`);
  let rest = text.slice(start);
  let done = '';
  for (const v of values) {
    const m = /^(\s*weight:\s*)(\d+)(\s*)$/m.exec(rest);
    assert.ok(m, `fewer than ${values.length} weight lines after ${JSON.stringify(marker)}`);
    const end = m.index + m[0].length;
    done += rest.slice(0, m.index) + m[1] + String(v) + m[3];
    rest = rest.slice(end);
  }
  return text.slice(0, start) + done + rest;
}

/** The `weight: N` values after `marker`, up to the next document (`---`) or `limit` lines. */
export function weightsAfter(text: string | undefined, marker: string): number[] {
  const t = text ?? '';
  const start = t.indexOf(marker);
  assert.notEqual(start, -1, `${JSON.stringify(marker)} not in the route`);
  const doc = t.slice(start).split(/\r?\n---\r?\n/)[0]!;
  return [...doc.matchAll(/^\s*weight:\s*(\d+)\s*$/gm)].map((m) => Number(m[1]));
}

/** 1-based line of the one line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const hits = text.split('\n').flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
  assert.equal(hits.length, 1, `expected one line with ${JSON.stringify(needle)}, found ${hits.length}`);
  return hits[0]!;
}

// ---------------------------------------------------------------------------
// The CLI, leniently: exit 1 and `decision: error` are results here, not failures

export const ALL_DECISIONS = ['start', 'step', 'promote', 'rollback', 'hold', 'pause', 'none', 'error'] as const;
export type Decision = (typeof ALL_DECISIONS)[number];

export interface FTickService {
  service: string;
  decision: Decision;
  weight: number | null;
  step: string | null;
  commit: string | null;
  reason: string;
  checks: { name: string; value: number | null; outcome: string }[];
  unexercised?: string[];
  [key: string]: unknown;
}

export interface FTick {
  result: CliResult;
  code: number | null;
  services: FTickService[];
  of(service: string): FTickService;
  /** `service: decision` of each service, for messages. */
  summary: string;
}

function assertServiceShape(s: Record<string, unknown>): void {
  const where = JSON.stringify(s);
  assert.equal(typeof s.service, 'string', where);
  assert.ok((ALL_DECISIONS as readonly unknown[]).includes(s.decision), `decision ${String(s.decision)}: ${where}`);
  assert.ok(s.weight === null || s.weight === undefined || Number.isInteger(s.weight), `weight: ${where}`);
  assert.ok(s.step === null || s.step === undefined || (typeof s.step === 'string' && /^\d+\/\d+$/.test(s.step)), `step: ${where}`);
  assert.ok(s.commit === null || s.commit === undefined || (typeof s.commit === 'string' && /^[0-9a-f]{40}$/.test(s.commit)), `commit: ${where}`);
  assert.equal(typeof s.reason, 'string', where);
  assert.ok((s.reason as string).length > 0, `empty reason: ${where}`);
  if (s.unexercised !== undefined) {
    assert.ok(Array.isArray(s.unexercised) && s.unexercised.every((x) => typeof x === 'string'), `unexercised: ${where}`);
  }
}

/** `tick --json` at `when` (plus `args`), whatever its exit code; stdout must be the JSON document. */
export async function tickJson(w: World, when: Date, args: string[] = [], env?: Record<string, string | undefined>): Promise<FTick> {
  return parseTick(await w.cli(['tick', '--json', ...args], { at: when, env }));
}

export function parseTick(result: CliResult): FTick {
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    assert.fail(`tick --json printed no JSON document (exit ${result.code})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  const services = (json as { services?: unknown }).services;
  assert.ok(Array.isArray(services), `tick --json has a services array: ${result.stdout}`);
  for (const s of services as Record<string, unknown>[]) assertServiceShape(s);
  const list = services as FTickService[];
  return {
    result,
    code: result.code,
    services: list,
    of(name) {
      const s = list.find((x) => x.service === name);
      assert.ok(s, `no ${name} in ${result.stdout}`);
      return s;
    },
    summary: list.map((s) => `${s.service}: ${s.decision} (${s.reason})`).join('; '),
  };
}

/** `tick --json` that must exit 0. */
export async function tickOk(w: World, when: Date, args: string[] = []): Promise<FTick> {
  const t = await tickJson(w, when, args);
  assert.equal(t.code, 0, `tick at ${when.toISOString()} exited ${t.code}\nstdout:\n${t.result.stdout}\nstderr:\n${t.result.stderr}`);
  return t;
}

/** One service's decision, ticked alone (`--service`), exit 0. */
export async function tickService(w: World, service: string, when: Date): Promise<FTickService> {
  return (await tickOk(w, when, ['--service', service])).of(service);
}

export interface ValidateReport {
  valid: boolean;
  errors: { file: string; line?: number; message: string }[];
  warnings: { file: string; line?: number; message: string }[];
  [key: string]: unknown;
}

/** `validate --json` (read-only); the report and exit code. */
export async function validateJson(w: World, when: Date = at(0)): Promise<{ code: number | null; report: ValidateReport; result: CliResult }> {
  const result = await w.cli(['validate', '--json'], { at: when });
  let report: ValidateReport;
  try {
    report = JSON.parse(result.stdout) as ValidateReport;
  } catch {
    assert.fail(`validate --json printed no JSON (exit ${result.code})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
  assert.ok(Array.isArray(report.errors), result.stdout);
  return { code: result.code, report, result };
}

/** `file:line: message` of every validate error / warning, for matching. */
export function problems(list: { file: string; line?: number; message: string }[]): string[] {
  return list.map((p) => `${p.file}${p.line === undefined ? '' : `:${p.line}`}: ${p.message}`);
}

/** `status --json`: the whole document and one service's entry. */
export async function statusJson(w: World, when: Date, service: string): Promise<{ text: string; entry: Record<string, unknown> }> {
  const result = await w.cli(['status', '--json'], { at: when });
  assert.equal(result.code, 0, `status exited ${result.code}: ${result.stdout}${result.stderr}`);
  const doc = JSON.parse(result.stdout) as { services: Record<string, unknown>[] };
  const entry = doc.services.find((s) => s.service === service);
  assert.ok(entry, result.stdout);
  return { text: result.stdout, entry };
}

/** A person's `promote` / `rollback` / `pause` / `resume --service S --json`, as alice. */
export function manual(w: World, action: 'promote' | 'rollback' | 'pause' | 'resume', service: string, when: Date): Promise<CliResult> {
  return w.cli([action, '--service', service, '--json'], { at: when, env: { GIT_CANARY_ACTOR: 'alice' } });
}

/** The CLI against the world's repository with a brand-new `--cache-dir` (http), or as usual (local). */
export async function withFreshCache(w: World, args: string[], when: Date): Promise<CliResult> {
  if (w.transport !== 'http') return w.cli(args, { at: when });
  const dir = mkdtempSync(join(tmpdir(), 'git-canary-fresh-cache-'));
  try {
    return await runCli(['--repo', w.spec, '--cache-dir', dir, ...args], { env: { GIT_CANARY_NOW: when.toISOString() } });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------
// Reading commits

/** Trailers of a commit as a map (git's own parser; the last value of a repeated key wins). */
export function trailerMap(w: World, commit: string): Record<string, string> {
  const map: Record<string, string> = {};
  for (const line of w.git('log', '-1', '--format=%(trailers:only,unfold)', commit).split('\n')) {
    const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
    if (m) map[m[1]!] = m[2]!;
  }
  return map;
}

/** The full message body of a commit (everything after the subject). */
export function bodyOf(w: World, commit: string): string {
  return w.git('log', '-1', '--format=%b', commit);
}

/** `Name <email>` of a commit's author and committer. */
export function authorOf(w: World, commit: string): { author: string; committer: string } {
  const [author = '', committer = ''] = w.git('log', '-1', '--format=%an <%ae>%n%cn <%ce>', commit).trim().split('\n');
  return { author, committer };
}

/** Asserts a commit was made by git-canary. */
export function assertByGitCanary(w: World, commit: string): void {
  assert.deepEqual(authorOf(w, commit), { author: GIT_CANARY, committer: GIT_CANARY }, `author/committer of ${commit.slice(0, 7)}`);
}

/** Asserts a commit has the same tree as its first parent (it changes no file). */
export function assertNoFileChange(w: World, commit: string, label = commit.slice(0, 7)): void {
  assert.equal(w.git('rev-parse', `${commit}^{tree}`).trim(), w.git('rev-parse', `${commit}^^{tree}`).trim(), `${label} changes no file`);
}

/** The git-canary commits of `service` on production's first-parent history after `since`, oldest first. */
export function serviceRecords(w: World, since: string, service: string, branch = 'production'): string[] {
  return w
    .git('rev-list', '--first-parent', '--reverse', `${since}..${branch}`)
    .split('\n')
    .filter((c) => c !== '' && trailerMap(w, c)['Canary-Service'] === service && authorOf(w, c).author === GIT_CANARY);
}

// ---------------------------------------------------------------------------
// People's commits, written with git fast-import

export interface Person {
  name: string;
  email: string;
}
export const ALICE: Person = { name: 'Alice Example', email: 'alice@example.com' };
export const MALLORY: Person = { name: 'Mallory Contributor', email: 'mallory@example.org' };

export interface FastCommit {
  /** Branch (refs/heads/<branch>) the commit goes on. */
  branch: string;
  files?: FixtureFiles;
  message: string;
  author?: Person;
  /** Committer; default the author. */
  committer?: Person;
  /** Seconds since the epoch. */
  date: number;
  /** First parent (sha or branch); default the branch tip (its current tip before the stream). */
  from?: string;
  /** Further parents (a merge): a sha, a branch, or `:N`, the mark of the N-th commit of the same call. */
  merge?: string[];
}

function dataBlock(text: string): string {
  return `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
}

/**
 * Writes `commits` in one fast-import run (fast even for hundreds) and
 * returns their shas in order. Each branch's first commit starts from its
 * tip (or `from`); later ones chain on the previous commit of that branch.
 */
export function fastImport(w: World, commits: FastCommit[]): string[] {
  const resolved = new Map<string, string | undefined>();
  const tipOf = (rev: string): string | undefined => {
    try {
      return w.git('rev-parse', '--verify', '--quiet', `${rev}^{commit}`).trim() || undefined;
    } catch {
      return undefined;
    }
  };
  const seen = new Set<string>();
  let stream = '';
  commits.forEach((c, i) => {
    const author = c.author ?? ALICE;
    const committer = c.committer ?? author;
    stream += `commit refs/heads/${c.branch}\nmark :${i + 1}\n`;
    stream += `author ${author.name} <${author.email}> ${c.date} +0000\n`;
    stream += `committer ${committer.name} <${committer.email}> ${c.date} +0000\n`;
    stream += dataBlock(c.message);
    let from = c.from;
    if (from === undefined && !seen.has(c.branch)) {
      if (!resolved.has(c.branch)) resolved.set(c.branch, tipOf(c.branch));
      from = resolved.get(c.branch);
    } else if (from !== undefined) from = tipOf(from) ?? from;
    if (from) stream += `from ${from}\n`;
    for (const m of c.merge ?? []) stream += `merge ${tipOf(m) ?? m}\n`;
    for (const [path, file] of Object.entries(c.files ?? {})) {
      if (file === null) stream += `D ${path}\n`;
      else if (typeof file === 'string') stream += `M 100644 inline ${path}\n${dataBlock(file)}`;
      else stream += `M 120000 inline ${path}\n${dataBlock(file.symlink)}`;
    }
    seen.add(c.branch);
  });
  const marks = join(mkdtempSync(join(tmpdir(), 'git-canary-marks-')), 'marks');
  git(w.dir, ['fast-import', '--quiet', '--done', '--force', `--export-marks=${marks}`], `${stream}done\n`);
  const map = new Map<string, string>();
  for (const line of readFileSync(marks, 'utf8').split('\n')) {
    const [mark, sha] = line.split(' ');
    if (mark && sha) map.set(mark, sha);
  }
  rmSync(join(marks, '..'), { recursive: true, force: true });
  return commits.map((_, i) => map.get(`:${i + 1}`)!);
}

/** Seconds since the epoch, `minutes` after T0 (the tests' clock). */
export function secondsAt(minutes: number): number {
  return Math.round(T0.getTime() / 1000 + minutes * 60);
}

/**
 * `n` people's commits on `branch`, each changing only `path` (a file no
 * service manages), dated from `fromMinute` one second apart, by a rotating cast.
 * Returns the new tip.
 */
export function busyHistory(w: World, n: number, o: { branch?: string; path?: string; fromMinute: number }): string {
  const cast: Person[] = [ALICE, { name: 'Bob Ops', email: 'bob@example.com' }, { name: 'Renovate Bot', email: 'bot@renovateapp.com' }];
  // Each commit rewrites one of a few small files, so thousands of commits stay a small stream.
  const path = (i: number) => o.path ?? `docs/changelog-${i % 20}.md`;
  const commits: FastCommit[] = [];
  for (let i = 0; i < n; i++) {
    commits.push({
      branch: o.branch ?? 'production',
      files: { [path(i)]: `# Changelog\n\n- entry ${i + 1}\n` },
      message: `docs: changelog entry ${i + 1}\n`,
      author: cast[i % cast.length],
      date: secondsAt(o.fromMinute) + i,
    });
  }
  const shas = fastImport(w, commits);
  return shas[shas.length - 1]!;
}

/** `git <args>` in the world's repository with a person's identity (for `git notes`). */
export function gitAs(w: World, args: string[], input?: string | Buffer): string {
  return git(w.dir, args, input, {
    GIT_AUTHOR_NAME: ALICE.name,
    GIT_AUTHOR_EMAIL: ALICE.email,
    GIT_COMMITTER_NAME: ALICE.name,
    GIT_COMMITTER_EMAIL: ALICE.email,
  });
}

/** Replaces the git-canary note of `commit` with these raw bytes. */
export function setNoteBytes(w: World, commit: string, bytes: Buffer): void {
  const blob = gitAs(w, ['hash-object', '-w', '--stdin'], bytes).trim();
  gitAs(w, ['notes', '--ref=git-canary', 'add', '-f', '-C', blob, commit]);
}

// ---------------------------------------------------------------------------
// "The canary runs the candidate", checked on parsed YAML (aliases resolved)

/** Merge keys of Kubernetes lists, by the field holding the list. */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  env: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  ports: 'containerPort',
  volumeMounts: 'mountPath',
};

const ALWAYS_KEPT = ['/metadata/name', '/metadata/labels', '/spec/selector', '/spec/template/metadata/labels', '/spec/replicas'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The documents of a YAML text as plain values (aliases resolved); fails on a parse error. */
export function yamlDocs(text: string): unknown[] {
  return parseAllDocuments(text).map((d) => {
    assert.deepEqual(d.errors.map((e) => e.message), [], 'the YAML parses');
    return d.toJS({ maxAliasCount: 100 });
  });
}

/** The one document of `kind`/`name` in a YAML text. */
export function docOf(text: string, kind: string, name: string): Record<string, unknown> {
  const found = yamlDocs(text).filter(
    (d): d is Record<string, unknown> => isObject(d) && d.kind === kind && isObject(d.metadata) && d.metadata.name === name,
  );
  assert.equal(found.length, 1, `one ${kind}/${name}`);
  return found[0]!;
}

function cover(release: unknown, canary: unknown, path: string, field: string, keep: string[], out: string[]): void {
  if (keep.some((k) => path === k || path.startsWith(`${k}/`))) return;
  if (isObject(release)) {
    if (!isObject(canary)) {
      out.push(`${path}: the canary has ${JSON.stringify(canary)}, the candidate an object`);
      return;
    }
    for (const [k, v] of Object.entries(release)) cover(v, canary[k], `${path}/${k}`, k, keep, out);
    return;
  }
  if (Array.isArray(release) && MERGE_KEYS[field] && release.every(isObject)) {
    const key = MERGE_KEYS[field]!;
    if (!Array.isArray(canary)) {
      out.push(`${path}: missing in the canary`);
      return;
    }
    for (const item of release as Record<string, unknown>[]) {
      const mine = canary.find((c) => isObject(c) && c[key] === item[key]);
      if (mine === undefined) out.push(`${path}[${key}=${String(item[key])}]: missing in the canary`);
      else cover(item, mine, `${path}[${key}=${String(item[key])}]`, '', keep, out);
    }
    return;
  }
  try {
    assert.deepEqual(canary, release);
  } catch {
    out.push(`${path}: the canary has ${JSON.stringify(canary)}, the candidate ${JSON.stringify(release)}`);
  }
}

/**
 * Asserts PRODUCT.md's invariant: every field and list item of the release
 * workload's pod template is in the canary's with the same value (lists by
 * merge key), except at the always-kept paths and `keep`.
 */
export function assertCanaryRunsCandidate(
  canaryText: string,
  canary: { kind?: string; name: string },
  releaseText: string,
  release: { kind?: string; name: string },
  keep: string[] = [],
): void {
  const c = docOf(canaryText, canary.kind ?? 'Deployment', canary.name);
  const r = docOf(releaseText, release.kind ?? 'Deployment', release.name);
  const spec = (d: Record<string, unknown>) => (isObject(d.spec) ? d.spec.template : undefined);
  const out: string[] = [];
  cover(spec(r), spec(c), '/spec/template', 'template', [...ALWAYS_KEPT, ...keep], out);
  assert.deepEqual(out, [], `the canary ${canary.name} runs the candidate's ${release.name}`);
}
