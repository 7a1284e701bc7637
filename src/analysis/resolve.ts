/**
 * A service's `analysis` as it runs: written checks and (expanded) built-in
 * templates as one list of runtime Checks, and the minRequests floor with its
 * query. Pure: the caller passes production's files (a template's defaults
 * come from the route and the canary workload).
 *
 * How a template's variables default:
 * - provider: route.type's (istio → istio, gateway-api → envoy);
 * - canary / stable: the route destination's name; an FQDN host
 *   `x.ns.svc.cluster.local` (or `x.ns.svc`) gives name x and namespace ns.
 *   A destination narrowed by an Istio `subset` names no workload of its own
 *   (both subsets share the host, and the metrics name the Service), so the
 *   template must write `canary` and `stable` itself; so must a host that is
 *   not a Service (`checkout.example.com`) and the knative provider (whose
 *   names are revisions, which no route destination names);
 * - namespace: the template's, else the destination's (FQDN or backendRef
 *   namespace), else the canary workload document's metadata.namespace, else
 *   the route document's, else "default";
 * - window: the template's, else the service's `interval`.
 */
import type { AnalysisConfig, CheckConfig, TemplateCheckConfig, TemplateProvider } from '../config/analysis-schema.ts';
import type { PathSegment } from '../config/issues.ts';
import type { ServiceConfig } from '../config/schema.ts';
import type { FileTexts } from '../engine/release.ts';
import { ConfigError } from '../errors.ts';
import { type ManifestFile, parseManifestFile } from '../manifests/index.ts';
import { getRouter } from '../routers/index.ts';
import type { RouteBase, SplitRoute } from '../routers/types.ts';
import type { Destination } from '../routers/types.ts';
import type { BaselineCheck, Check } from './evaluate.ts';
import { defaultProvider, providerNames, renderRequestCount, renderTemplate, type TemplateVars } from './templates.ts';

export interface ResolvedAnalysis {
  /** The metrics source (a key of top-level `metrics`). */
  metrics: string;
  /** `analysis.checks` in order, then one per `analysis.templates` entry in order. */
  checks: Check[];
  /** `analysis.minRequests` with its query (written, or the built-in request count). */
  minRequests?: { query: string; min: number };
}

export interface ResolveOptions {
  /** The service's name: errors then name `services.<name>.analysis.templates[i]`. */
  service?: string;
}

/** The runtime form of a check's `baseline` (durations in ms). */
export function baselineCheck(b: NonNullable<CheckConfig['baseline']>): BaselineCheck {
  return {
    ...(b.query !== undefined ? { query: b.query } : {}),
    ...(b.maxIncrease !== undefined ? { maxIncrease: b.maxIncrease } : {}),
    ...(b.maxDecrease !== undefined ? { maxDecrease: b.maxDecrease } : {}),
    method: b.method,
    confidence: b.confidence,
    resolutionMs: b.resolution,
  };
}

/** One written check as it runs. */
export function writtenCheck(c: CheckConfig): Check {
  return {
    name: c.name,
    query: c.query,
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
    ...(c.critical ? { critical: true } : {}),
    ...(c.baseline ? { baseline: baselineCheck(c.baseline) } : {}),
  };
}

/**
 * The checks a service's analysis runs, in order: `checks`, then `templates`
 * expanded against production's files (`production`: the service's managed
 * files at production's tip, as observe reads them). Throws ConfigError (its
 * `data.path` is the key's path under the service, e.g. `['analysis',
 * 'templates', 0, 'canary']`) when a template cannot be resolved.
 */
export function resolveAnalysis(service: ServiceConfig, production: FileTexts, options: ResolveOptions = {}): ResolvedAnalysis {
  const analysis = service.analysis;
  if (!analysis) throw new ConfigError('the service has no analysis', { where: { detail: place(options, ['analysis']) } });
  const context = new TemplateContext(service, production, options);
  const checks = [...analysis.checks.map(writtenCheck), ...analysis.templates.map((t, i) => context.check(t, i))];
  const minRequests = analysis.minRequests;
  if (!minRequests || minRequests.query !== undefined) return { metrics: analysis.metrics, checks, ...writtenMinRequests(analysis) };
  return { metrics: analysis.metrics, checks, minRequests: { query: context.requestCount(analysis.templates[0]), min: minRequests.min } };
}

function writtenMinRequests(a: AnalysisConfig): Pick<ResolvedAnalysis, 'minRequests'> {
  return a.minRequests?.query !== undefined ? { minRequests: { query: a.minRequests.query, min: a.minRequests.min } } : {};
}

/** `services.<name>.analysis.templates[0]`, or `analysis.templates[0]` when the service's name is not known. */
function place(options: ResolveOptions, path: readonly PathSegment[]): string {
  const full = options.service === undefined ? path : ['services', options.service, ...path];
  return full.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Rollout']);
const SERVICE_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/;

/** A destination as the metrics name it: a name, and the namespace and port when the route says. */
interface Target {
  name: string;
  namespace?: string;
  port?: number;
}

/** Resolves the templates of one service against production's files. */
class TemplateContext {
  private readonly fallbackNamespace: string;

  constructor(
    private readonly service: ServiceConfig,
    production: FileTexts,
    private readonly options: ResolveOptions,
  ) {
    this.fallbackNamespace =
      (service.canary ? namespaceOf(production[service.canary.file], service.canary.file, (d) => WORKLOAD_KINDS.has(d.kind ?? '')) : undefined) ??
      namespaceOf(production[service.route.file], service.route.file, (d) => isRouteDocument(service.route, d)) ??
      'default';
  }

  check(t: TemplateCheckConfig, i: number): Check {
    try {
      return this.expand(t, i);
    } catch (e) {
      // A name no PromQL string can hold (a lone UTF-16 surrogate written as "\uD800" in YAML).
      if (e instanceof RangeError) throw this.error(['analysis', 'templates', i], e.message, 'write the names as plain text');
      throw e;
    }
  }

  private expand(t: TemplateCheckConfig, i: number): Check {
    const provider = this.provider(t, i);
    const canary = this.vars(t, i, provider, 'canary');
    const query = renderTemplate(t.template, provider, canary);
    const baseline = t.baseline
      ? {
          ...baselineCheck(t.baseline),
          query: t.baseline.query ?? renderTemplate(t.template, provider, this.vars(t, i, provider, 'stable')),
        }
      : undefined;
    return {
      name: t.name ?? t.template,
      query,
      ...(t.min !== undefined ? { min: t.min } : {}),
      ...(t.max !== undefined ? { max: t.max } : {}),
      ...(t.critical ? { critical: true } : {}),
      ...(baseline ? { baseline } : {}),
    };
  }

  /** The canary's request count: with the first template's provider, names and window, else the route's defaults. */
  requestCount(first: TemplateCheckConfig | undefined): string {
    const t: TemplateCheckConfig = first ?? { template: 'request-success-rate', critical: false };
    const path: PathSegment[] = first ? ['analysis', 'templates', 0] : ['analysis', 'minRequests'];
    const provider = this.provider(t, 0, path);
    return renderRequestCount(provider, this.vars(t, 0, provider, 'canary', path));
  }

  private provider(t: TemplateCheckConfig, i: number, path: PathSegment[] = ['analysis', 'templates', i]): TemplateProvider {
    const provider = t.provider ?? defaultProvider(this.service.route.type);
    if (provider) return provider;
    throw this.error(path, `route type ${this.service.route.type} has no default metrics provider`, 'set provider: istio, envoy, nginx, linkerd or knative');
  }

  private vars(
    t: TemplateCheckConfig,
    i: number,
    provider: TemplateProvider,
    role: 'canary' | 'stable',
    path: PathSegment[] = ['analysis', 'templates', i],
  ): TemplateVars {
    const target = this.target(t, role, provider, path);
    return {
      namespace: t.namespace ?? target.namespace ?? this.fallbackNamespace,
      target: target.name,
      ...(target.port !== undefined ? { port: target.port } : {}),
      windowMs: t.window ?? this.service.interval,
      ...(t.quantile !== undefined ? { quantile: t.quantile } : {}),
    };
  }

  private target(t: TemplateCheckConfig, role: 'canary' | 'stable', provider: TemplateProvider, path: PathSegment[]): Target {
    const written = t[role];
    // A route may name one destination only (an nginx canary Ingress names its canary Service): take the role's own.
    const destination = (this.service.route as Partial<SplitRoute>)[role];
    if (written !== undefined) {
      // A written name is the workload's as the metrics label it; the route's port still names the Envoy cluster.
      const namespace = destination && destinationNamespace(destination);
      return {
        name: written,
        ...(namespace !== undefined ? { namespace } : {}),
        ...(destination?.port !== undefined && provider === 'envoy' ? { port: destination.port } : {}),
      };
    }
    const cannot = (why: string) =>
      this.error(
        [...path, role],
        `cannot tell the ${role}'s name for the ${provider} metrics: ${why}`,
        `set ${role}: to ${providerNames(provider)} its metrics carry${role === 'stable' ? ' (stable is needed by baseline without a query)' : ''}`,
      );
    if (provider === 'knative') throw cannot('they name revisions, and the route names none');
    if (!destination) throw cannot(`route type ${this.service.route.type} names no ${role} destination`);
    return fromDestination(destination, role, this.service.route.type, cannot);
  }

  private error(path: PathSegment[], message: string, hint: string): ConfigError {
    const detail = place(this.options, path);
    return new ConfigError(message, { where: { detail }, hint, data: { path } });
  }
}

function destinationNamespace(d: Destination): string | undefined {
  return d.namespace ?? SERVICE_HOST.exec(d.name)?.[3];
}

function fromDestination(d: Destination, role: string, routeType: string, cannot: (why: string) => ConfigError): Target {
  if (d.subset !== undefined) {
    throw cannot(`route.${role} is subset ${d.subset} of host ${d.name}: the subsets share the host, and the metrics name the Service`);
  }
  const port = d.port !== undefined ? { port: d.port } : {};
  // Only Istio hosts may be written as FQDNs; other APIs name Services (a dot there is part of no name).
  if (routeType !== 'istio') return { name: d.name, ...(d.namespace !== undefined ? { namespace: d.namespace } : {}), ...port };
  const fqdn = SERVICE_HOST.exec(d.name);
  if (fqdn) return { name: fqdn[1]!, namespace: fqdn[3]!, ...port };
  if (d.name.includes('.')) throw cannot(`host ${d.name} is not a Kubernetes Service (name, or name.namespace.svc.cluster.local)`);
  return { name: d.name, ...(d.namespace !== undefined ? { namespace: d.namespace } : {}), ...port };
}

function isRouteDocument(route: ServiceConfig['route'], d: ManifestFile['docs'][number]): boolean {
  const name = (route as RouteBase).name;
  return getRouter(route.type).kinds.includes(d.kind ?? '') && (name === undefined || d.name === name);
}

/** metadata.namespace of the first document of `text` that `pick` accepts and that has one. */
function namespaceOf(text: string | undefined, path: string, pick: (d: ManifestFile['docs'][number]) => boolean): string | undefined {
  if (text === undefined) return undefined;
  let file: ManifestFile;
  try {
    file = parseManifestFile(path, text);
  } catch {
    // A broken file is reported where it is read (validate, observe); the next default applies meanwhile.
    return undefined;
  }
  return file.docs.find((d) => pick(d) && d.namespace !== undefined)?.namespace;
}
