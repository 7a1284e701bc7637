/**
 * Built-in checks (`analysis.templates`): the PromQL of `request-success-rate`
 * (percent of requests not answered 5xx, 0-100), `request-duration` (a latency
 * quantile in milliseconds) and the request count `minRequests` uses, for each
 * mesh or ingress whose standard metrics we know. Written in the style of
 * Flagger's built-in queries (fluxcd/flagger pkg/metrics/observers/*.go); the
 * metric and label names are the ones each provider exports (sources beside
 * each provider).
 *
 * Every name goes into a label matcher through escapeLabelValue (or, inside a
 * regular expression, quoteRegex first), and the window is rendered from a
 * number of milliseconds: no name can change a query's structure. Pure.
 */
import type { TemplateName, TemplateProvider } from '../config/analysis-schema.ts';
import { getRouter, isRouterType } from '../routers/index.ts';
import { promqlDuration, quoteLabelValue, quoteRegex } from './promql.ts';

/** Default `quantile` of request-duration. */
export const DEFAULT_QUANTILE = 0.99;

/** What a built-in query is about: one workload (the canary or stable) over one window. */
export interface TemplateVars {
  /** Namespace of the workload. */
  namespace: string;
  /** The canary's or stable's name as the provider's metrics label it. */
  target: string;
  /** The destination's port, when the route names one (Envoy cluster names carry it). */
  port?: number;
  /** Range of rate()/increase(), milliseconds. */
  windowMs: number;
  /** request-duration: the quantile, 0 < q < 1. */
  quantile?: number;
}

/** How one provider's metrics name a workload, and which series count requests, errors and latency. */
interface Provider {
  /** Counter of requests, one series per response code. */
  requests: string;
  /** Label matcher(s) selecting the 5xx answers of `requests`, negated: the non-5xx. */
  success: string;
  /** The latency histogram's `_bucket` series. */
  buckets: string;
  /** Multiplies the histogram's unit into milliseconds. */
  toMs: number;
  /** Matchers selecting the target's series, without braces. */
  select(v: TemplateVars): string;
  /** What the target's name is, for messages: "the Service name", "the revision name". */
  names: string;
}

const matcher = (label: string, value: string) => `${label}=${quoteLabelValue(value)}`;

/**
 * Istio's standard metrics, as the destination's sidecar reports them
 * (https://istio.io/latest/docs/reference/config/metrics/): the Service the
 * route sends to is `destination_service_name`, so a route destination (a
 * Service host) names its series exactly. Flagger's istio.go filters the same
 * counter with reporter="destination".
 */
const istio: Provider = {
  requests: 'istio_requests_total',
  success: 'response_code!~"5.."',
  buckets: 'istio_request_duration_milliseconds_bucket',
  toMs: 1,
  select: (v) => ['reporter="destination"', matcher('destination_service_namespace', v.namespace), matcher('destination_service_name', v.target)].join(', '),
  names: 'the Kubernetes Service name',
};

/**
 * Envoy-based Gateway API implementations that name upstream clusters
 * `<namespace>_<service>_<port>` in their stats, as Contour does (Flagger's
 * contour.go: `envoy_cluster_name="test_podinfo-canary_9898"`). Envoy's
 * Prometheus exporter tags the per-code counter `envoy_cluster_upstream_rq`
 * with `envoy_response_code`; `upstream_rq_time` is in milliseconds
 * (https://www.envoyproxy.io/docs/envoy/latest/configuration/upstream/cluster_manager/cluster_stats).
 * Without a port the cluster is matched by a regular expression whose name
 * parts are quoted, so they still match only themselves.
 */
const envoy: Provider = {
  requests: 'envoy_cluster_upstream_rq',
  success: 'envoy_response_code!~"5.."',
  buckets: 'envoy_cluster_upstream_rq_time_bucket',
  toMs: 1,
  select: (v) =>
    v.port === undefined
      ? `envoy_cluster_name=~${quoteLabelValue(`${quoteRegex(v.namespace)}_${quoteRegex(v.target)}_[0-9]+`)}`
      : matcher('envoy_cluster_name', `${v.namespace}_${v.target}_${v.port}`),
  names: 'the backend Service name',
};

/**
 * ingress-nginx's controller metrics
 * (https://kubernetes.github.io/ingress-nginx/user-guide/monitoring/):
 * `nginx_ingress_controller_requests` by `namespace`, `service` (the backend)
 * and `status`; the duration histogram is in seconds. Flagger's nginx.go
 * selects by `ingress`; the backend `service` tells a canary Ingress' traffic
 * from stable's just as well and is what the route names.
 */
const nginx: Provider = {
  requests: 'nginx_ingress_controller_requests',
  success: 'status!~"5.."',
  buckets: 'nginx_ingress_controller_request_duration_seconds_bucket',
  toMs: 1000,
  select: (v) => [matcher('namespace', v.namespace), matcher('service', v.target)].join(', '),
  names: 'the backend Service name',
};

/**
 * Linkerd's proxy metrics (https://linkerd.io/2/reference/proxy-metrics/), as
 * the destination's proxy counts them (direction="inbound"): `response_total`
 * by `namespace`, `deployment` and `status_code`, latency in
 * `response_latency_ms`. As in Flagger's linkerd.go; the target is the
 * Deployment's name.
 */
const linkerd: Provider = {
  requests: 'response_total',
  success: 'status_code!~"5.."',
  buckets: 'response_latency_ms_bucket',
  toMs: 1,
  select: (v) => ['direction="inbound"', matcher('namespace', v.namespace), matcher('deployment', v.target)].join(', '),
  names: 'the Deployment name',
};

/**
 * Knative Serving's queue-proxy metrics, one per revision (Knative docs
 * "Serving metrics", OpenShift Serverless "metrics exposed by default for each
 * Knative service"): `revision_request_count` by `namespace_name`,
 * `revision_name` and `response_code_class`; `revision_request_latencies` in
 * milliseconds. The target is the revision's name.
 */
const knative: Provider = {
  requests: 'revision_request_count',
  success: 'response_code_class!="5xx"',
  buckets: 'revision_request_latencies_bucket',
  toMs: 1,
  select: (v) => [matcher('namespace_name', v.namespace), matcher('revision_name', v.target)].join(', '),
  names: 'the revision name',
};

/** Every provider; a `TemplateProvider` without queries fails to compile. */
export const providers = { istio, envoy, nginx, linkerd, knative } satisfies Record<TemplateProvider, Provider>;

/** How the provider's metrics name a canary or stable, for hints. */
export function providerNames(provider: TemplateProvider): string {
  return providers[provider].names;
}

/** The query of a built-in check for one target. */
export function renderTemplate(template: TemplateName, provider: TemplateProvider, vars: TemplateVars): string {
  const p = providers[provider];
  const sel = p.select(vars);
  const w = promqlDuration(vars.windowMs);
  if (template === 'request-success-rate') {
    return `sum(rate(${p.requests}{${sel}, ${p.success}}[${w}])) / sum(rate(${p.requests}{${sel}}[${w}])) * 100`;
  }
  const quantile = vars.quantile ?? DEFAULT_QUANTILE;
  if (!Number.isFinite(quantile) || quantile <= 0 || quantile >= 1) throw new RangeError(`a quantile is above 0 and below 1, got ${quantile}`);
  const histogram = `histogram_quantile(${quantile}, sum by (le) (rate(${p.buckets}{${sel}}[${w}])))`;
  return p.toMs === 1 ? histogram : `${histogram} * ${p.toMs}`;
}

/** The target's request count over the window (`analysis.minRequests` without a query). */
export function renderRequestCount(provider: TemplateProvider, vars: TemplateVars): string {
  const p = providers[provider];
  return `sum(increase(${p.requests}{${p.select(vars)}}[${promqlDuration(vars.windowMs)}]))`;
}

/**
 * The provider a template without `provider` reads, by `route.type`: an Istio
 * route's traffic is counted by Istio; a Gateway API route's by the Envoy of
 * the gateway. A route type without one makes `provider` required.
 */
/** The default provider for `routeType` (its router's `templateProvider`), or undefined when templates there must name one. */
export function defaultProvider(routeType: string): TemplateProvider | undefined {
  return isRouterType(routeType) ? getRouter(routeType).templateProvider : undefined;
}
