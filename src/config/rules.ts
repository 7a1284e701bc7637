/**
 * Rules that relate several keys of an already well-shaped config. Kept apart
 * from the shape (schema.ts) so each rule is one readable check with its reason.
 * Pure: config in, path issues out; validate.ts adds the lines.
 */
import { problemPosition, promqlProblem } from '../analysis/promql.ts';
import { defaultProvider } from '../analysis/templates.ts';
import type { Destination } from '../routers/types.ts';
import { type AnalysisConfig, TemplateProvider } from './analysis-schema.ts';
import type { PathIssue, PathSegment } from './issues.ts';
import type { GitCanaryConfig, ServiceConfig } from './schema.ts';
import { suggest } from './suggest.ts';

export interface RuleIssues {
  errors: PathIssue[];
  warnings: PathIssue[];
}

type Role = 'release' | 'canary' | 'route';
interface Claim {
  service: string;
  role: Role;
  path: PathSegment[];
  route?: ServiceConfig['route'];
  /** Release claims only: the documents of the file that are the service's release (undefined: the whole file). */
  documents?: readonly { kind: string; name: string }[];
}

const ROLE_NAME: Record<Role, string> = { release: 'a release file', canary: 'the canary file', route: 'the route file' };

export function sameDestination(a: Destination, b: Destination): boolean {
  return a.name === b.name && a.port === b.port && a.subset === b.subset && a.namespace === b.namespace;
}

/** Check every cross-field rule; returns all problems, not just the first. */
export function checkRules(config: GitCanaryConfig): RuleIssues {
  const errors: PathIssue[] = [];
  const warnings: PathIssue[] = [];
  const error = (path: PathSegment[], message: string) => errors.push({ path, message });

  if (config.branches.candidate === config.branches.production) {
    error(['branches', 'production'], 'must differ from branches.candidate');
  }
  const names = Object.keys(config.services);
  if (names.length === 0) warnings.push({ path: ['services'], message: 'no services are configured: nothing will roll out' });

  const sources = Object.keys(config.metrics);
  const usedSources = new Set<string>();
  const claims = new Map<string, Claim[]>();

  for (const name of names) {
    const s = config.services[name]!;
    const at = (...rest: PathSegment[]): PathSegment[] => ['services', name, ...rest];

    s.files.forEach((f, i) => {
      if (s.files.indexOf(f) !== i) error(at('files', i), `${f} is listed twice`);
    });
    // The canary workload lives only on production; as a release file, promotion
    // would overwrite it with candidate's copy.
    const inFiles = s.files.indexOf(s.canary.file);
    if (inFiles >= 0) {
      error(at('canary', 'file'), `must not be one of files (files[${inFiles}]): the canary workload lives only on production`);
    }
    // `from` must be a release file: the canary runs what changed between
    // production's and candidate's `from`, and only release files are promoted
    // and watched for human edits. A file outside `files` would put a change on
    // the canary that promotion never ships.
    if (!s.files.includes(s.canary.from)) {
      error(at('canary', 'from'), `must be one of files (${s.files.join(', ')}): the canary is built from a release file`);
    }
    if (sameDestination(s.route.stable, s.route.canary)) {
      error(at('route', 'canary'), 'must differ from route.stable: the weights would move traffic nowhere');
    }
    // A route file that is also released would be copied from candidate at
    // promotion (candidate's weights) and then differ again from candidate: the
    // next tick would start the same release again, forever.
    const routeInFiles = s.files.indexOf(s.route.file);
    if (routeInFiles >= 0) {
      error(at('route', 'file'), `${s.route.file} must not also be a release file (files[${routeInFiles}]): git-canary owns the route's weights on production`);
    }
    // The config and CI workflows are trusted only as production has them: a
    // promotion must never copy candidate's version of them.
    for (const [path, label] of [
      ...s.files.map((f, i): [PathSegment[], string] => [at('files', i), f]),
      [at('canary', 'file'), s.canary.file] as [PathSegment[], string],
      [at('route', 'file'), s.route.file] as [PathSegment[], string],
    ]) {
      const why = trustedFileProblem(label);
      if (why) error(path, why);
    }
    for (const [file, docs] of Object.entries(s.documents)) {
      const i = s.files.indexOf(file);
      const seen = new Set<string>();
      docs.forEach((d, j) => {
        const key = `${d.kind}/${d.name}`;
        if (seen.has(key)) error(at('files', i, 'documents', j), `${key} is listed twice`);
        seen.add(key);
      });
    }
    if (s.analysis) {
      usedSources.add(s.analysis.metrics);
      if (!sources.includes(s.analysis.metrics)) {
        error(at('analysis', 'metrics'), unknownSourceMessage(s.analysis.metrics, sources));
      }
      const checkNames = s.analysis.checks.map((c) => c.name);
      checkNames.forEach((c, i) => {
        if (checkNames.indexOf(c) !== i) error(at('analysis', 'checks', i, 'name'), `another check is already named "${c}"`);
      });
      s.analysis.templates.forEach((t, i) => {
        const named = t.name ?? t.template;
        const path = t.name === undefined ? at('analysis', 'templates', i) : at('analysis', 'templates', i, 'name');
        if ([...checkNames, ...s.analysis!.templates.slice(0, i).map((o) => o.name ?? o.template)].includes(named)) {
          error(path, `another check is already named "${named}"${t.name === undefined ? ': give this template a name' : ''}`);
        }
        if (t.provider === undefined && defaultProvider(s.route.type) === undefined) {
          error(at('analysis', 'templates', i), `route type ${s.route.type} has no default metrics provider: set provider (${TEMPLATE_PROVIDERS.join(', ')})`);
        }
      });
      if (config.metrics[s.analysis.metrics]?.type === 'prometheus') {
        for (const issue of queryProblems(s.analysis)) error(at('analysis', ...issue.path), issue.message);
      }
    }

    // Waiting for Argo CD / Flux is a hold; only progressDeadline ends a wait for a step that is never applied.
    if (s.applied && s.analysis?.progressDeadline === undefined) {
      warnings.push({
        path: at('applied'),
        message: 'without analysis.progressDeadline, a step Argo CD or Flux never applies (or an unreadable Kubernetes API) holds the rollout until a person acts: set e.g. progressDeadline: 2h',
      });
    }

    const mine: [string, Claim][] = [
      ...s.files.map((f, i): [string, Claim] => [f, { service: name, role: 'release', path: at('files', i), documents: s.documents[f] }]),
      [s.canary.file, { service: name, role: 'canary', path: at('canary', 'file') }],
      [s.route.file, { service: name, role: 'route', path: at('route', 'file'), route: s.route }],
    ];
    for (const [file, claim] of mine) {
      const others = (claims.get(file) ?? []).filter((c) => c.service !== name);
      const clash = others.find((o) => conflicts(o, claim));
      if (clash) {
        error(claim.path, `${file} is also ${ROLE_NAME[clash.role]} of service "${clash.service}"${why(clash, claim)}`);
      }
      claims.set(file, [...(claims.get(file) ?? []), claim]);
    }
  }

  for (const source of sources) {
    if (!usedSources.has(source)) {
      warnings.push({ path: ['metrics', source], message: 'is not used by any service analysis' });
    }
  }
  return { errors, warnings };
}

/**
 * Two services may share a route file only for different routes, and a release
 * file only when both name their documents and no document is named by both;
 * every other shared file is an error.
 */
function conflicts(a: Claim, b: Claim): boolean {
  if (a.role === 'release' && b.role === 'release') {
    if (!a.documents || !b.documents) return true;
    return a.documents.some((x) => b.documents!.some((y) => x.kind === y.kind && x.name === y.name));
  }
  if (a.role !== 'route' || b.role !== 'route') return true;
  const ra = a.route!;
  const rb = b.route!;
  if (ra.name !== rb.name) return false;
  const da = [ra.stable, ra.canary];
  return [rb.stable, rb.canary].some((d) => da.some((e) => sameDestination(d, e)));
}

function why(a: Claim, b: Claim): string {
  if (a.role === 'release' && b.role === 'release') {
    return a.documents && b.documents
      ? ': both name the same document'
      : ': name each service\'s documents ({path, documents: [Kind/name]}) to share a file';
  }
  if (a.role === 'route' && b.role === 'route') return ' with the same destinations: both rollouts would move the same weights';
  if (a.role === 'canary' || b.role === 'canary') return ': a canary file belongs to one service';
  return ": one service's rollout would edit or promote the other's file";
}

const TEMPLATE_PROVIDERS = TemplateProvider.options;

/**
 * Every written query of an analysis that Prometheus would refuse, at its key
 * under `analysis`: a broken query fails at validate, before any rollout
 * depends on it.
 */
function queryProblems(a: AnalysisConfig): PathIssue[] {
  const out: PathIssue[] = [];
  const check = (path: PathSegment[], what: string, q: string | undefined) => {
    const p = q === undefined ? undefined : promqlProblem(q);
    if (p) out.push({ path, message: `${what}: PromQL: ${p.message} (${problemPosition(q!, p.column)})` });
  };
  a.checks.forEach((c, i) => {
    check(['checks', i, 'query'], `check ${c.name}`, c.query);
    check(['checks', i, 'baseline', 'query'], `check ${c.name}`, c.baseline?.query);
  });
  a.templates.forEach((t, i) => {
    check(['templates', i, 'baseline', 'query'], `check ${t.name ?? t.template}`, t.baseline?.query);
  });
  check(['minRequests', 'query'], 'minRequests', a.minRequests?.query);
  return out;
}

function unknownSourceMessage(name: string, sources: string[]): string {
  if (sources.length === 0) return `no metrics source named "${name}": define it under the top-level "metrics"`;
  const close = suggest(name, sources);
  if (close) return `no metrics source named "${name}" — did you mean "${close}"?`;
  return `no metrics source named "${name}"; defined: ${sources.join(', ')}`;
}

/** Why git-canary may never write `path` as a release, canary or route file, or undefined. */
function trustedFileProblem(path: string): string | undefined {
  if (path === 'git-canary.yaml') return 'git-canary.yaml is read only from production and can never be a release, canary or route file';
  if (/^\.github\/workflows\//.test(path)) return `${path} is a CI workflow: it can never be a release, canary or route file`;
  return undefined;
}
