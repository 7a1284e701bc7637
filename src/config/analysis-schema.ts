/**
 * The `analysis` block of a service (PRODUCT.md "Analysis") and the `applied`
 * block that makes judgment wait for Argo CD or Flux. Key names are a public
 * interface; every object is strict and every key described (the descriptions
 * become the JSON Schema). Defaults are written here once and documented in the
 * README's "Health checks".
 */
import * as z from 'zod';
import { DNS_LABEL, Duration, SourceName, unlessMissing } from './schema-base.ts';

/** Default `analysis.threshold`: failed judgments over the rollout that roll back. */
export const DEFAULT_THRESHOLD = 2;
/** Default `analysis.inconclusiveLimit`: inconclusive judgments in a row that pause the rollout. */
export const DEFAULT_INCONCLUSIVE_LIMIT = 5;
/** Default `analysis.errorLimit`: errored judgments in a row that pause the rollout (Argo Rollouts' consecutiveErrorLimit is 4). */
export const DEFAULT_ERROR_LIMIT = 4;
/** Default `baseline.confidence` of `method: mann-whitney` (Kayenta's default). */
export const DEFAULT_CONFIDENCE = 0.98;
/** Default `baseline.resolution`: the step between samples of the range queries of `method: mann-whitney`. */
export const DEFAULT_RESOLUTION = '30s';

const CheckName = z
  .string({ error: unlessMissing('expected a check name') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'check names are letters, digits, ".", "_" and "-"' });

const Query = z.string().min(1, { error: 'must not be empty' });

/**
 * A baseline bound: `10%` is relative to the reference (the canary may be 10%
 * above it), a plain number is absolute (in the query's unit). Parsed:
 * `{ relative: 0.1 }` or `{ absolute: 5 }`.
 */
export const BaselineBound = z
  .union(
    [
      z.number().min(0, { error: 'must be 0 or more' }),
      z
        .string()
        .regex(/^\d+(\.\d+)?%$/, { error: 'write a relative bound as a percentage such as 10%, or an absolute one as a number' }),
    ],
    { error: unlessMissing('expected a percentage such as 10% or a number') },
  )
  .transform((b): { relative: number } | { absolute: number } =>
    typeof b === 'number' ? { absolute: b } : { relative: Number(b.slice(0, -1)) / 100 },
  )
  .describe('How far the canary may move from the reference: `10%` relative to it, or a plain number in the query\'s unit.');
export type BaselineBound = z.output<typeof BaselineBound>;

/** A baseline as a template writes it: without a query, stable's is the template rendered for stable. */
export const TemplateBaselineConfig = z
  .strictObject({
    query: Query.optional().describe(
      'The same query for stable (or a baseline workload). Without it, the reference is this check\'s first value in the rollout.',
    ),
    maxIncrease: BaselineBound.optional().describe('Fail when the canary is above the reference by more than this (e.g. 10%).'),
    maxDecrease: BaselineBound.optional().describe('Fail when the canary is below the reference by more than this (e.g. 5%).'),
    method: z
      .enum(['value', 'mann-whitney'])
      .default('value')
      .describe(
        '`value` compares the two values at judgment time; `mann-whitney` compares both series over the step (range queries) with a two-sided Mann-Whitney U test at `confidence`, failing only when the difference is significant and beyond the bound.',
      ),
    confidence: z
      .number()
      .gt(0.5, { error: 'must be above 0.5' })
      .lt(1, { error: 'must be below 1' })
      .default(DEFAULT_CONFIDENCE)
      .describe('Confidence of the Mann-Whitney U test (method: mann-whitney), default 0.98.'),
    resolution: Duration.refine((ms) => ms >= 1000, { error: 'must be at least 1s' })
      .prefault(DEFAULT_RESOLUTION)
      .describe('Step between samples of the range queries (method: mann-whitney), default 30s.'),
  })
  .refine((b) => b.maxIncrease !== undefined || b.maxDecrease !== undefined, {
    error: 'a baseline needs maxIncrease, maxDecrease or both',
  })
  .describe('Compare the canary with a reference: stable\'s value (`query`), or the check\'s first value in the rollout.');

export const BaselineConfig = TemplateBaselineConfig.refine((b) => b.method !== 'mann-whitney' || b.query !== undefined, {
  error: 'method: mann-whitney compares two series: give the stable series as baseline.query',
  path: ['query'],
}).describe('Compare the canary with a reference: stable\'s value (`query`), or the check\'s first value in the rollout.');
export type BaselineConfig = z.output<typeof BaselineConfig>;

/** What every judged check has, whether its query is written or built in. */
const judgedFields = {
  min: z.number().optional().describe('The check fails when the value is below this.'),
  max: z.number().optional().describe('The check fails when the value is above this.'),
  critical: z
    .boolean()
    .default(false)
    .describe('One failed judgment of this check rolls back at once, whatever `threshold` says.'),
};

const limitsMessage = 'a check needs min, max, baseline, or a combination';
const minMax = (c: { min?: number | undefined; max?: number | undefined }) => c.min === undefined || c.max === undefined || c.min <= c.max;

export const CheckConfig = z
  .strictObject({
    name: CheckName.describe('Name shown in commits, status and logs, e.g. success-rate.'),
    query: Query.describe('Query returning exactly one number.'),
    ...judgedFields,
    baseline: BaselineConfig.optional(),
  })
  .refine((c) => c.min !== undefined || c.max !== undefined || c.baseline !== undefined, { error: limitsMessage })
  .refine(minMax, { error: 'min must not be greater than max', path: ['min'] })
  .describe('One query and the range its value must stay in, or the reference it must stay near.');
export type CheckConfig = z.output<typeof CheckConfig>;

/** Built-in checks (src/analysis/templates.ts). */
export const TemplateName = z
  .enum(['request-success-rate', 'request-duration'])
  .describe('request-success-rate: percent of requests not answered 5xx; request-duration: a latency quantile in milliseconds.');
export type TemplateName = z.output<typeof TemplateName>;

/** Meshes and ingresses whose metrics the built-in checks know. */
export const TemplateProvider = z
  .enum(['istio', 'envoy', 'nginx', 'linkerd', 'knative'])
  .describe(
    'Whose metrics the built-in query reads: istio (istio_requests_total), envoy (Envoy-based Gateway API implementations), nginx (ingress-nginx), linkerd, knative (also Cloud Run on Knative). Default: from route.type (istio → istio, gateway-api and contour → envoy, nginx → nginx, smi → linkerd, knative → knative; traefik and yaml-path: set provider).',
  );
export type TemplateProvider = z.output<typeof TemplateProvider>;

const TemplateVar = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters' });

export const TemplateCheckConfig = z
  .strictObject({
    template: TemplateName,
    name: CheckName.optional().describe('Name shown in commits, status and logs; default the template\'s name.'),
    provider: TemplateProvider.optional(),
    namespace: TemplateVar.optional().describe(
      'Namespace of the workloads; default the canary workload\'s metadata.namespace, else "default".',
    ),
    canary: TemplateVar.optional().describe(
      'The canary\'s name as the metrics label it (workload, service, ingress or revision); default from the route\'s canary destination.',
    ),
    stable: TemplateVar.optional().describe(
      'Stable\'s name as the metrics label it; default from the route\'s stable destination. Used by `baseline` without a query.',
    ),
    window: Duration.refine((ms) => ms >= 1000, { error: 'must be at least 1s' })
      .optional()
      .describe('Range of rate() in the query, e.g. 1m; default the service\'s interval.'),
    quantile: z
      .number()
      .gt(0, { error: 'must be above 0' })
      .lt(1, { error: 'must be below 1' })
      .optional()
      .describe('request-duration only: the latency quantile, default 0.99.'),
    ...judgedFields,
    baseline: TemplateBaselineConfig.optional().describe(
      'Compare with a reference: without `query`, stable\'s value of the same template (method value or mann-whitney).',
    ),
  })
  .refine((c) => c.min !== undefined || c.max !== undefined || c.baseline !== undefined, { error: limitsMessage })
  .refine(minMax, { error: 'min must not be greater than max', path: ['min'] })
  .refine((c) => c.quantile === undefined || c.template === 'request-duration', {
    error: 'quantile applies to request-duration only',
    path: ['quantile'],
  })
  .describe('A built-in check: the query is written for the route\'s mesh or ingress; without baseline.query, baseline compares with stable.');
export type TemplateCheckConfig = z.output<typeof TemplateCheckConfig>;

export const MinRequestsConfig = z
  .strictObject({
    query: Query.optional().describe(
      'Query returning the canary\'s request count over the step; default the built-in request count of the route\'s mesh or ingress.',
    ),
    min: z
      .number({ error: unlessMissing('expected a number of requests') })
      .min(0, { error: 'must be 0 or more' })
      .describe('Below this many requests the judgment is inconclusive (a hold): too little traffic to judge.'),
  })
  .describe('Judge only when the canary served enough requests.');
export type MinRequestsConfig = z.output<typeof MinRequestsConfig>;

const Limit = z.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' });

export const AnalysisConfig = z
  .strictObject({
    metrics: SourceName.describe('Name of the metrics source (a key of top-level `metrics`) the checks query.'),
    threshold: Limit.default(DEFAULT_THRESHOLD).describe('Failed judgments, counted over the rollout, that trigger a rollback (default 2).'),
    checks: z.array(CheckConfig).default([]).describe('Checks run at each step.'),
    templates: z.array(TemplateCheckConfig).default([]).describe('Built-in checks run at each step, beside `checks`.'),
    minRequests: MinRequestsConfig.optional(),
    inconclusiveLimit: Limit.default(DEFAULT_INCONCLUSIVE_LIMIT).describe(
      'Inconclusive judgments (no data, too few requests) in a row that pause the rollout for a person, never a rollback (default 5).',
    ),
    errorLimit: Limit.default(DEFAULT_ERROR_LIMIT).describe(
      'Errored judgments (metrics server down, 401, bad query) in a row that pause the rollout for a person, never a rollback (default 4).',
    ),
    progressDeadline: Duration.refine((ms) => ms > 0, { error: 'must be longer than 0s' })
      .optional()
      .describe('A rollout not promoted this long after it started is rolled back. Default: no deadline.'),
  })
  .refine((a) => a.checks.length + a.templates.length > 0, { error: 'an analysis needs at least one of checks or templates', path: ['checks'] })
  .describe('How each step is judged. Without it, steps advance on `interval` alone.');
export type AnalysisConfig = z.output<typeof AnalysisConfig>;

const Namespace = z.string().regex(DNS_LABEL, { error: 'must be a Kubernetes namespace name' });
const ObjectName = z
  .string({ error: unlessMissing('expected a Kubernetes object name') })
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a Kubernetes object name (lowercase letters, digits, "-", ".")' });

export const AppliedConfig = z
  .strictObject({
    argocd: z
      .strictObject({
        application: ObjectName.describe('metadata.name of the Argo CD Application that applies production.'),
        namespace: Namespace.default('argocd').describe('Namespace of the Application (default argocd).'),
      })
      .optional()
      .describe('Wait for Argo CD: the Application\'s status.sync.revision holds the step and status.health.status is Healthy.'),
    flux: z
      .strictObject({
        kustomization: ObjectName.describe('metadata.name of the Flux Kustomization that applies production.'),
        namespace: Namespace.describe('Namespace of the Kustomization (often flux-system).'),
      })
      .optional()
      .describe('Wait for Flux: the Kustomization\'s status.lastAppliedRevision holds the step and its Ready condition is True.'),
    initialDelay: Duration.prefault('0s').describe('Added to the step clock once the step is applied and healthy, e.g. 30s.'),
  })
  .refine((a) => (a.argocd === undefined) !== (a.flux === undefined), { error: 'name exactly one of argocd or flux' })
  .describe('Judge only what is applied: a step\'s interval starts when Argo CD or Flux has applied its commit and reports it healthy.');
export type AppliedConfig = z.output<typeof AppliedConfig>;

export const KubernetesConfig = z
  .strictObject({
    address: z
      .url({ protocol: /^https?$/, error: unlessMissing('must be an http(s) URL such as https://kubernetes.default.svc') })
      .default('https://kubernetes.default.svc')
      .describe('Kubernetes API server; default the in-cluster https://kubernetes.default.svc.'),
    token: z
      .string()
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
      .describe('Bearer token (use ${ENV}); default the pod\'s service-account token file. Never logged.'),
    tokenFile: z
      .string()
      .default('/var/run/secrets/kubernetes.io/serviceaccount/token')
      .describe('File holding the bearer token when `token` is not set.'),
    caFile: z
      .string()
      .default('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt')
      .describe('CA bundle the API server\'s certificate is checked against (https only).'),
    timeout: Duration.refine((ms) => ms > 0, { error: 'must be longer than 0s' })
      .prefault('10s')
      .describe('How long one request may take, e.g. 10s.'),
  })
  .describe('How git-canary reaches the Kubernetes API (for `applied`). Defaults suit a pod with a service account.');
export type KubernetesConfig = z.output<typeof KubernetesConfig>;
