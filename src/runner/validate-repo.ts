/**
 * `validate`: git-canary.yaml on production, then every file it names: that it
 * exists on production, parses as a safe manifest, and that each route's stable
 * and canary destinations and each canary's `from` document are found. Every
 * problem is reported (not just the first) with file and line. Reads only.
 */
import { formatIssue, parseConfig, type ConfigIssue, type GitCanaryConfig, type ServiceConfig } from '../config/index.ts';
import { lineAt, parseSource } from '../config/source.ts';
import { deriveStart, unexercisedFor, withCanary } from '../engine/plan.ts';
import { revisionsOf, startRevision } from '../engine/revision-rollout.ts';
import { type FileTexts, releaseParts } from '../engine/release.ts';
import { CanaryError, ConfigError, formatWhere } from '../errors.ts';
import type { GitRepo } from '../git/types.ts';
import { applyEdits, parseManifestFile, type ManifestFile } from '../manifests/index.ts';
import { describeDestination } from '../routers/shared.ts';
import { problemPosition, promqlProblem } from '../analysis/promql.ts';
import { type ResolvedAnalysis, resolveAnalysis } from '../analysis/resolve.ts';
import { runAnalysisChecks } from '../metrics/run-checks.ts';
import { destinationsOf, getRouter } from '../routers/index.ts';
import { CONFIG_FILE } from './session.ts';
import { NOTIFY_STAND_IN, unsetOnlyInNotify } from '../notify/env.ts';

/** One problem: `file:line: message`, where `file` may be the config or a manifest. */
export interface RepoIssue {
  file: string;
  line?: number;
  message: string;
  /** The branch `file` was read from, when it is not production's (a candidate release file). */
  branch?: string;
}

export interface OnlineCheck {
  service: string;
  name: string;
  value: number | null;
  outcome: string;
  reason: string;
}

export interface ValidationReport {
  valid: boolean;
  errors: RepoIssue[];
  warnings: RepoIssue[];
  services: string[];
  files: string[];
  online?: OnlineCheck[];
}

/** `branch:file:line: message`; the branch only for files not read from production. */
export function formatRepoIssue(i: RepoIssue): string {
  return `${i.branch ? `${i.branch}:` : ''}${i.line ? `${i.file}:${i.line}` : i.file}: ${i.message}`;
}

const fromConfigIssue = (i: ConfigIssue): RepoIssue => ({ file: i.file, line: i.line, message: formatIssue(i).slice(`${i.file}:${i.line}: `.length) });

/**
 * A CanaryError as a RepoIssue at its own place (the manifest's file:line).
 * With `branch`, an error about a file read from that branch says so as
 * `branch:file:line`, as tick does, instead of in the message.
 */
function fromError(e: unknown, fallback: RepoIssue, branch?: string): RepoIssue {
  if (!(e instanceof CanaryError)) return { ...fallback, message: `${fallback.message}: ${String(e)}` };
  const file = e.where?.file ?? fallback.file;
  const onBranch = branch !== undefined && e.where?.file !== undefined && e.where.branch === branch;
  const extra = formatWhere({ ...e.where, file: undefined, line: undefined, branch: onBranch ? undefined : e.where?.branch });
  return {
    ...(onBranch ? { branch } : {}),
    file,
    line: e.where?.file ? e.where.line : fallback.line,
    message: `${e.message}${extra ? ` (${extra})` : ''}${e.hint ? ` — ${e.hint}` : ''}`,
  };
}

/**
 * A file named in the config that cannot be read (a directory, a symlink, not
 * UTF-8): reported at the config line naming it, without the repository's
 * location on disk.
 */
function readError(path: string, e: unknown, where: { file: string; line: number }): RepoIssue {
  if (!(e instanceof CanaryError)) return { ...where, message: `cannot read ${path} on production: ${String(e)}` };
  return { ...where, message: `${path}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}` };
}

export interface ValidateOptions {
  production: string;
  env: Record<string, string | undefined>;
  online?: { now: Date };
  /**
   * `validate --config FILE`: this text (named `file` in messages) instead of
   * production's git-canary.yaml, checked against production's and candidate's
   * files exactly as production's own would be: a change before it is committed.
   */
  config?: { text: string; file: string };
}

export async function validateRepository(repo: GitRepo, options: ValidateOptions): Promise<ValidationReport> {
  const report: ValidationReport = { valid: false, errors: [], warnings: [], services: [], files: [] };
  const tip = await repo.resolve(options.production);
  if (!tip) {
    report.errors.push({ file: CONFIG_FILE, message: `branch ${options.production} does not exist in ${repo.label}` });
    return report;
  }
  const configFile = options.config?.file ?? CONFIG_FILE;
  const text = options.config ? options.config.text : await repo.readFile(tip, CONFIG_FILE);
  if (text === undefined) {
    // Config is read only from production; say so when a copy elsewhere might mislead.
    const candidate = await repo.resolve('candidate');
    const onCandidate = candidate ? (await repo.readFile(candidate, CONFIG_FILE).catch(() => undefined)) !== undefined : false;
    report.errors.push({
      file: CONFIG_FILE,
      message:
        `not found on branch ${options.production} — run \`git-canary init\` and commit the file to ${options.production}` +
        (onCandidate ? ' (the copy on candidate is ignored: git-canary.yaml is read only from production)' : ''),
    });
    return report;
  }
  let parsed = parseConfig(text, { file: configFile, env: options.env });
  // validate sends no notification: a variable unset only inside notify: is said, not an error (tick needs it).
  const unsetNotify = unsetOnlyInNotify(parsed.errors);
  if (unsetNotify.length > 0) {
    const said = parsed.errors.filter((e) => unsetNotify.some((n) => e.message === `environment variable ${n} is not set`));
    parsed = parseConfig(text, { file: configFile, env: { ...options.env, ...Object.fromEntries(unsetNotify.map((n) => [n, NOTIFY_STAND_IN])) } });
    parsed.warnings.push(...said.map((n) => ({ ...n, message: `${n.message} here; tick and the manual commands need it to notify` })));
  }
  report.errors.push(...parsed.errors.map(fromConfigIssue));
  report.warnings.push(...parsed.warnings.map(fromConfigIssue));
  const config = parsed.config;
  if (!config) return report;
  report.services = Object.keys(config.services);

  const src = parseSource(text, configFile);
  const at = (path: (string | number)[]) => ({ file: configFile, line: lineAt(src, path) });
  const candidateTip = await repo.resolve(config.branches.candidate);
  if (!candidateTip) {
    // The line of `branches:` when the file has one; otherwise the default applies and no line is to blame.
    const branchesLine = src.doc?.has('branches') ? at(['branches', 'candidate']) : { file: configFile };
    report.warnings.push({ ...branchesLine, message: `branch ${config.branches.candidate} does not exist yet; nothing will roll out until it does` });
  }
  if (config.branches.production !== options.production) {
    report.errors.push({
      ...at(['branches', 'production']),
      message: options.config
        ? `branches.production is ${config.branches.production}, but this file is checked against ${options.production} — run with --production ${config.branches.production}`
        : `branches.production is ${config.branches.production}, but this file was read from ${options.production} — run with --production ${config.branches.production}`,
    });
  }

  // A gated service needs GitHub at tick time; say so now when nothing here names the repository.
  if (!config.github?.repository && !options.env.GITHUB_REPOSITORY) {
    for (const [name, s] of Object.entries(config.services)) {
      if (s.gate !== 'pull-request') continue;
      report.warnings.push({
        ...at(['services', name, 'gate']),
        message: `gate: pull-request needs a GitHub repository: set github.repository (or GITHUB_REPOSITORY, or a github.com --repo URL) and GITHUB_TOKEN where git-canary ticks`,
      });
    }
  }

  const cache = new Map<string, Promise<ManifestFile | RepoIssue>>();
  const load = (path: string, where: (string | number)[]) => {
    if (!cache.has(path)) {
      cache.set(
        path,
        (async () => {
          const content = await repo.readFile(tip, path).catch((e: unknown) => e);
          if (content === undefined) return { ...at(where), message: `${path} does not exist on ${options.production}` };
          if (typeof content !== 'string') return readError(path, content, at(where));
          try {
            return parseManifestFile(path, content);
          } catch (e) {
            return fromError(e, { file: path, line: 1, message: `cannot parse ${path}` });
          }
        })(),
      );
    }
    return cache.get(path)!;
  };
  const manifest = async (path: string, where: (string | number)[]): Promise<ManifestFile | undefined> => {
    const r = await load(path, where);
    if ('docs' in r) return r;
    if (!report.errors.some((e) => e.message === r.message)) report.errors.push(r);
    return undefined;
  };

  for (const [name, service] of Object.entries(config.services)) {
    await validateService(name, service, { manifest, at, report });
    if (service.analysis && config.metrics[service.analysis.metrics]?.type === 'prometheus') {
      await validateAnalysis(name, service, { manifest, at, report });
    }
    if (candidateTip) await validateCandidate(repo, { tip, candidateTip, name, service, at, report, candidate: config.branches.candidate });
  }
  report.files = [...cache.keys()].sort();
  if (options.online && report.errors.length === 0) report.online = await runOnline(config, options.online.now, report, at, manifest);
  report.valid = report.errors.length === 0;
  return report;
}

interface ServiceChecks {
  manifest(path: string, where: (string | number)[]): Promise<ManifestFile | undefined>;
  at(path: (string | number)[]): { file: string; line: number };
  report: ValidationReport;
}

async function validateService(name: string, service: ServiceConfig, c: ServiceChecks): Promise<void> {
  const base = ['services', name];
  for (const [i, f] of service.files.entries()) {
    const file = await c.manifest(f, [...base, 'files', i]);
    if (file && service.documents[f]) {
      try {
        releaseParts(service, { [f]: file.text }, 'production');
      } catch (e) {
        c.report.errors.push(fromError(e, { ...c.at([...base, 'files', i]), message: 'documents' }));
      }
    }
  }
  const route = await c.manifest(service.route.file, [...base, 'route', 'file']);
  if (route) {
    try {
      const router = getRouter(service.route.type);
      router.read(route, service.route);
      // A revision route (Knative) names its canary at start: here, production must pin the revision it runs.
      if (router.revisions) router.revisions.running(route, service.route);
      // A canary absent at rest is added at the first start: say so, a typo in route.canary looks the same.
      const first = service.steps[0] ?? 100;
      const destinations = destinationsOf(service.route);
      // Added: the rules this service owns name the canary after the first step and not before (a weight written anew is no addition).
      const names = (file: ManifestFile) => JSON.stringify(router.owned(file, service.route)).includes(JSON.stringify(destinations?.canary.name));
      // (A revision route names no destinations: its canary is named at start.)
      const added = destinations !== undefined && !names(route) && names(parseManifestFile(route.path, applyEdits(route, router.plan(route, service.route, first))));
      if (added) {
        c.report.warnings.push({
          ...c.at([...base, 'route', 'canary']),
          message: `${describeDestination(destinations.canary)} is not in ${service.route.file} yet: the first start adds it beside ${describeDestination(destinations.stable)} in the rules without match conditions (check the name if you expected it there)`,
        });
      }
    } catch (e) {
      c.report.errors.push(fromError(e, { ...c.at([...base, 'route']), message: 'route' }));
    }
  }
  if (service.canary) {
    await c.manifest(service.canary.file, [...base, 'canary', 'file']);
    await c.manifest(service.canary.from, [...base, 'canary', 'from']);
  }
}

/** Production's texts of the files a service's templates take defaults from (the canary and the route file). */
async function analysisFiles(name: string, service: ServiceConfig, c: ServiceChecks): Promise<FileTexts> {
  const canary = service.canary && (await c.manifest(service.canary.file, ['services', name, 'canary', 'file']));
  const route = await c.manifest(service.route.file, ['services', name, 'route', 'file']);
  return { ...(service.canary ? { [service.canary.file]: canary?.text } : {}), [service.route.file]: route?.text };
}

/**
 * The analysis as a tick would run it: templates resolved against
 * production's files and every expanded query parsed, so a template that
 * cannot be resolved, or renders a query Prometheus would refuse, fails here
 * (at the template's line) and not in the middle of a rollout. Written queries
 * are parsed by the config rules.
 */
async function validateAnalysis(name: string, service: ServiceConfig, c: ServiceChecks): Promise<void> {
  const analysis = service.analysis!;
  if (analysis.templates.length === 0 && (analysis.minRequests === undefined || analysis.minRequests.query !== undefined)) return;
  const base = ['services', name, 'analysis'];
  let resolved: ResolvedAnalysis;
  try {
    resolved = resolveAnalysis(service, await analysisFiles(name, service, c), { service: name });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const path = Array.isArray(e.data?.['path']) ? (e.data['path'] as (string | number)[]) : ['analysis'];
    c.report.errors.push({ ...c.at(['services', name, ...path]), message: `${e.message}${e.hint ? ` — ${e.hint}` : ''}` });
    return;
  }
  const parse = (path: (string | number)[], what: string, q: string | undefined) => {
    const problem = q === undefined ? undefined : promqlProblem(q);
    if (problem) c.report.errors.push({ ...c.at(path), message: `${what}: PromQL: ${problem.message} (${problemPosition(q!, problem.column)}) in the built-in query ${q}` });
  };
  analysis.templates.forEach((t, i) => {
    const check = resolved.checks[analysis.checks.length + i]!;
    parse([...base, 'templates', i], `check ${check.name}`, check.query);
    if (t.baseline?.query === undefined) parse([...base, 'templates', i], `check ${check.name}: baseline`, check.baseline?.query);
  });
  if (analysis.minRequests?.query === undefined) parse([...base, 'minRequests'], 'minRequests', resolved.minRequests?.query);
}

interface CandidateChecks {
  tip: string;
  candidateTip: string;
  candidate: string;
  name: string;
  service: ServiceConfig;
  at(path: (string | number)[]): { file: string; line: number };
  report: ValidationReport;
}

/**
 * The candidate branch, as a start would read it: every release file exists
 * and parses there (each error named `candidate:file:line`), the canary
 * derivation succeeds and carries the candidate (the same code a start runs),
 * and which release changes no canary document runs.
 */
async function validateCandidate(repo: GitRepo, c: CandidateChecks): Promise<void> {
  const { service, name } = c;
  const base = ['services', name];
  const texts: Record<string, string | undefined> = {};
  const production: Record<string, string | undefined> = {};
  for (const f of new Set([...service.files, ...(service.canary ? [service.canary.file] : [])])) production[f] = await repo.readFile(c.tip, f).catch(() => undefined);
  let complete = true;
  for (const [i, f] of service.files.entries()) {
    const text = await repo.readFile(c.candidateTip, f).catch((e: unknown) => e);
    if (text === undefined) {
      c.report.warnings.push({ ...c.at([...base, 'files', i]), message: `${f} does not exist on ${c.candidate}` });
      complete = false;
      continue;
    }
    if (typeof text !== 'string') {
      const issue = readError(f, text, c.at([...base, 'files', i]));
      // The same problem on production is already reported at the same line.
      if (!c.report.errors.some((e) => e.message === issue.message && e.line === issue.line)) c.report.errors.push(issue);
      complete = false;
      continue;
    }
    texts[f] = text;
    // A file the same on both branches was checked on production (and reported there if broken).
    if (text === production[f]) continue;
    try {
      releaseParts({ files: [f], documents: service.documents }, texts, c.candidate);
    } catch (e) {
      c.report.errors.push(fromError(e, { ...c.at([...base, 'files', i]), message: `${f} on ${c.candidate}` }, c.candidate));
      complete = false;
    }
  }
  if (!complete) return;
  // A file already broken on production is reported there; a start could not run either.
  const managed = new Set([...service.files, ...(service.canary ? [service.canary.file] : []), service.route.file]);
  if (c.report.errors.some((e) => e.branch === undefined && managed.has(e.file))) return;
  if (!service.canary) return validateRevisionStart(service, { production, candidate: texts }, c);
  const canaryText = production[service.canary.file];
  const productionFrom = production[service.canary.from];
  const candidateFrom = texts[service.canary.from];
  if (canaryText === undefined || productionFrom === undefined || candidateFrom === undefined) return;
  const where = { ...c.at([...base, 'canary']), message: `on ${c.candidate}` };
  try {
    const workload = withCanary(service);
    const derived = deriveStart(workload, { production, candidate: texts }, canaryText);
    const unexercised = unexercisedFor(workload, { production, candidate: texts }, derived);
    if (unexercised.length > 0) {
      const issue = { ...c.at([...base, 'canary']), message: `not exercised by the canary: ${unexercised.join(', ')}` };
      if (service.canary.unexercised === 'refuse') c.report.errors.push({ ...issue, message: `${issue.message} (canary.unexercised: refuse: the rollout will not start)` });
      else c.report.warnings.push(issue);
    }
  } catch (e) {
    const issue = fromError(e, where, c.candidate);
    // A file broken on both branches is reported once.
    if (!c.report.errors.some((x) => x.file === issue.file && x.line === issue.line && x.message === issue.message)) c.report.errors.push(issue);
  }
}

/** A revision rollout's start (Knative), as a tick would make it: refused starts are errors, what it does not run a warning. */
function validateRevisionStart(service: ServiceConfig, texts: { production: FileTexts; candidate: FileTexts }, c: CandidateChecks): void {
  const revisions = revisionsOf(service.route);
  if (!revisions) return;
  const at = c.at(['services', c.name, 'route', 'file']);
  try {
    const started = startRevision(revisions, service, { ...texts, candidateSha: c.candidateTip }, service.steps[0] ?? 100);
    if (started.unexercised.length > 0) c.report.warnings.push({ ...at, message: `not exercised by the canary: ${started.unexercised.join(', ')}` });
  } catch (e) {
    c.report.errors.push(fromError(e, { ...at, message: `on ${c.candidate}` }, c.candidate));
  }
}

async function runOnline(
  config: GitCanaryConfig,
  now: Date,
  report: ValidationReport,
  at: ServiceChecks['at'],
  manifest: ServiceChecks['manifest'],
): Promise<OnlineCheck[]> {
  const out: OnlineCheck[] = [];
  for (const [name, service] of Object.entries(config.services)) {
    const analysis = service.analysis;
    if (!analysis) continue;
    // Resolution problems are already errors (validateAnalysis), and online runs only without errors.
    const resolved = resolveAnalysis(service, await analysisFiles(name, service, { manifest, at, report }), { service: name });
    const results = await runAnalysisChecks(config.metrics, resolved, now);
    const written = analysis.checks.length;
    for (const [i, r] of results.entries()) {
      out.push({ service: name, name: r.name, value: r.value, outcome: r.outcome, reason: r.reason });
      const key = i < written ? ['checks', i, 'query'] : ['templates', i - written];
      const issue = { ...at(['services', name, 'analysis', ...key]), message: `check ${r.name}: ${r.reason}` };
      if (r.outcome === 'error') report.errors.push(issue);
      else if (r.outcome === 'no-data') report.warnings.push(issue);
    }
  }
  return out;
}
