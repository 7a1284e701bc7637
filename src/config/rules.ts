/**
 * Rules that relate several keys of an already well-shaped config. Kept apart
 * from the shape (schema.ts) so each rule is one readable check with its reason.
 * Pure: config in, path issues out; validate.ts adds the lines.
 */
import { problemPosition, promqlProblem } from '../analysis/promql.ts';
import { getMetricSource } from '../metrics/index.ts';
import { destinationsOf, getRouter } from '../routers/index.ts';
import type { RouteBase } from '../routers/types.ts';
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
    // A route whose canary is a revision of the release (Knative) has no canary workload; every other route needs one.
    const revisions = getRouter(s.route.type).revisions !== undefined;
    if (revisions && s.canary) {
      error(at('canary'), `route type ${s.route.type} has no canary workload: the candidate's revision is the canary; remove canary:`);
    } else if (!revisions && !s.canary) {
      error(at('canary'), `is required for route type ${s.route.type}: the canary workload, e.g. canary: { file: apps/${name}/canary.yaml }`);
    }
    if (!revisions && s.files.length === 0) error(at('files'), `is required for route type ${s.route.type}: the release files`);
    if (s.canary) {
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
    }
    const destinations = destinationsOf(s.route);
    if (destinations && sameDestination(destinations.stable, destinations.canary)) {
      error(at('route', 'canary'), 'must differ from route.stable: the weights would move traffic nowhere');
    }
    // A route file that is also released would be copied from candidate at
    // promotion (candidate's weights) and then differ again from candidate: the
    // next tick would start the same release again, forever.
    // (A Knative Service is the release and its own route: git-canary writes its traffic, and compares releases without it.)
    const routeInFiles = s.files.indexOf(s.route.file);
    if (routeInFiles >= 0 && !revisions) {
      error(at('route', 'file'), `${s.route.file} must not also be a release file (files[${routeInFiles}]): git-canary owns the route's weights on production`);
    }
    // The config and CI workflows are trusted only as production has them: a
    // promotion must never copy candidate's version of them.
    for (const [path, label] of [
      ...s.files.map((f, i): [PathSegment[], string] => [at('files', i), f]),
      ...(s.canary ? [[at('canary', 'file'), s.canary.file] as [PathSegment[], string]] : []),
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
      const sourceType = config.metrics[s.analysis.metrics]?.type;
      if (sourceType !== undefined && getMetricSource(sourceType).promql) {
        for (const issue of queryProblems(s.analysis)) error(at('analysis', ...issue.path), issue.message);
      } else if (sourceType !== undefined) {
        // Built-in templates and a minRequests without a query are PromQL: a source that is not Prometheus cannot run them.
        const promqlOnly = `is PromQL, which a ${sourceType} source does not run: write the query for ${s.analysis.metrics}, or use a prometheus source`;
        s.analysis.templates.forEach((_, i) => {
          error(at('analysis', 'templates', i), `a built-in template ${promqlOnly}`);
        });
        s.analysis.checks.forEach((c, i) => {
          if (c.baseline?.method === 'mann-whitney') {
            error(at('analysis', 'checks', i, 'baseline', 'method'), `mann-whitney compares two series of range queries, which a ${sourceType} source does not answer: use a prometheus source, or a baseline without method`);
          }
        });
        const source = getMetricSource(sourceType);
        for (const issue of source.queryProblem ? queryProblems(s.analysis, source.queryProblem) : []) error(at('analysis', ...issue.path), issue.message);
        if (s.analysis.minRequests && s.analysis.minRequests.query === undefined) error(at('analysis', 'minRequests'), `minRequests without a query ${promqlOnly}`);
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
      ...(s.canary ? [[s.canary.file, { service: name, role: 'canary', path: at('canary', 'file') }] as [string, Claim]] : []),
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
  if ((ra as RouteBase).name !== (rb as RouteBase).name) return false;
  if (ra.type !== rb.type) return false;
  const da = destinationsOf(ra);
  const db = destinationsOf(rb);
  // Without named destinations (a canary Ingress, a values path) only the same route block twice moves the same weight.
  if (!da || !db) return JSON.stringify(ra) === JSON.stringify(rb);
  return [db.stable, db.canary].some((d) => [da.stable, da.canary].some((e) => sameDestination(d, e)));
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
function queryProblems(a: AnalysisConfig, problem: (q: string) => string | undefined = promqlIssue): PathIssue[] {
  const out: PathIssue[] = [];
  const check = (path: PathSegment[], what: string, q: string | undefined) => {
    const p = q === undefined ? undefined : problem(q);
    if (p) out.push({ path, message: `${what}: ${p}` });
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

function promqlIssue(q: string): string | undefined {
  const p = promqlProblem(q);
  return p && `PromQL: ${p.message} (${problemPosition(q, p.column)})`;
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
