/**
 * The shape of git-canary.yaml (PRODUCT.md, "The repository contract"). Key
 * names are a public interface. Every object is strict (unknown keys are
 * errors) and every key is described: the descriptions become the JSON Schema
 * editors show. Each schema and its parsed type share a name. Rules that relate
 * several keys live in rules.ts.
 */
import { z } from 'zod';
import type { Destination } from '../routers/types.ts';
import { AnalysisConfig, AppliedConfig, KubernetesConfig } from './analysis-schema.ts';
import { DNS_LABEL, Duration, SourceName, unlessMissing } from './schema-base.ts';
import { repoPathProblem } from './paths.ts';

export { Duration, SourceName };
export {
  AnalysisConfig,
  AppliedConfig,
  BaselineConfig,
  CheckConfig,
  KubernetesConfig,
  MinRequestsConfig,
  TemplateCheckConfig,
} from './analysis-schema.ts';

export const RepoPath = z
  .string({ error: unlessMissing('expected a repository path such as apps/checkout/deployment.yaml') })
  .superRefine((path, ctx) => {
    const problem = repoPathProblem(path);
    if (problem) ctx.addIssue({ code: 'custom', message: `path ${problem}` });
  })
  .describe('A file path relative to the repository root, such as apps/checkout/deployment.yaml.');

const KubeName = z
  .string({ error: unlessMissing('expected a Kubernetes object name') })
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a Kubernetes object name (lowercase letters, digits, "-", ".")' });

const BranchName = z
  .string({ error: unlessMissing('expected a branch name') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]*$/, { error: 'must be a branch name such as candidate' })
  .refine((b) => !/\.\.|\/\/|\/\.|[./]$|\.lock$/.test(b), { error: 'is not a valid git branch name' });

export const BranchesConfig = z
  .strictObject({
    candidate: BranchName.default('candidate').describe(
      'Branch holding what the team wants to run next; app CI pushes new releases here.',
    ),
    production: BranchName.default('production').describe(
      'Branch Argo CD or Flux applies; git-canary commits every traffic step here and reads git-canary.yaml only from it.',
    ),
  })
  .describe('The two branches git-canary reads.');
export type BranchesConfig = z.output<typeof BranchesConfig>;

export const PrometheusSourceConfig = z
  .strictObject({
    type: z.literal('prometheus').describe('The kind of metrics server.'),
    address: z
      .url({
        protocol: /^https?$/,
        error: unlessMissing('must be an http(s) URL such as http://prometheus.monitoring:9090'),
      })
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
      .describe('Base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring:9090. ${ENV} is expanded.'),
    headers: z
      .record(
        z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'is not a valid HTTP header name' }),
        z.string(),
      )
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
      .describe('HTTP headers sent with every query, e.g. Authorization. Use ${ENV} for secrets: they are never logged.'),
    timeout: Duration.refine((ms) => ms > 0, { error: 'must be longer than 0s' })
      .prefault('10s')
      .describe('How long one query may take, e.g. 10s.'),
  })
  .describe('A Prometheus server.');
export type PrometheusSourceConfig = z.output<typeof PrometheusSourceConfig>;

/** One named metrics source; parsed, it is a metrics `MetricSourceConfig` (`timeout` → `timeoutMs`). */
export const MetricsSourceConfig = z
  .discriminatedUnion('type', [PrometheusSourceConfig])
  .transform(({ timeout, ...rest }) => ({ ...rest, timeoutMs: timeout }))
  .describe('A metrics server that checks query. `type` selects the kind.');
export type MetricsSourceConfig = z.output<typeof MetricsSourceConfig>;

/**
 * A destination host, service or backendRef name: a DNS name (Istio hosts may
 * be short names or FQDNs, Gateway API names are DNS labels). Anything else —
 * a newline, a quote, an ANSI escape, shell metacharacters — can only be a
 * mistake or an attack, and would be written into the route file at start.
 */
const DestinationName = z
  .string({ error: unlessMissing('expected a destination name') })
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters (a DNS name)' })
  .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, {
    error: 'must be a host or service name (letters, digits, ".", "_" and "-"), e.g. checkout-canary or checkout.shop.svc.cluster.local',
  });

export const DestinationConfig = z
  .union([
    DestinationName,
    z.strictObject({
      name: DestinationName.describe('Destination host, service or backendRef name.'),
      port: z
        .number()
        .int({ error: 'must be a port number' })
        .min(1, { error: 'must be a port number (1-65535)' })
        .max(65535, { error: 'must be a port number (1-65535)' })
        .optional()
        .describe('Port, when the route names several ports of the same destination.'),
      subset: z
        .string()
        .max(253, { error: 'must be at most 253 characters' })
        .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, { error: 'must be a DestinationRule subset name (letters, digits, ".", "_" and "-")' })
        .optional()
        .describe('Istio DestinationRule subset.'),
      namespace: z
        .string()
        .regex(DNS_LABEL, { error: 'must be a Kubernetes namespace name' })
        .optional()
        .describe('Namespace of the destination (Gateway API backendRefs).'),
    }),
  ], { error: unlessMissing('expected a destination name, or {name, port, subset, namespace}') })
  .transform((d): Destination => (typeof d === 'string' ? { name: d } : d))
  .describe('A destination name, or {name, port, subset, namespace} to tell apart destinations sharing a name.');
export type DestinationConfig = z.output<typeof DestinationConfig>;

/** Traffic APIs git-canary can edit. Each has a router in src/routers/. */
export const RouteType = z.enum(['istio', 'gateway-api']).describe('The traffic API of the route file.');
export type RouteType = z.output<typeof RouteType>;

/** A service's `route`; its parsed form is a routers `RouteConfig`. */
export const ServiceRouteConfig = z
  .strictObject({
    type: RouteType,
    file: RepoPath.describe('The file holding the route (VirtualService, HTTPRoute…) on production.'),
    stable: DestinationConfig.describe('The destination serving the released version.'),
    canary: DestinationConfig.describe('The destination serving the canary workload.'),
    name: KubeName.optional().describe('metadata.name of the route, when the file holds several.'),
  })
  .describe('Where traffic is split between stable and canary.');
export type ServiceRouteConfig = z.output<typeof ServiceRouteConfig>;

/** `Kind/name` of one Kubernetes document, e.g. `Deployment/reviews-v1`. */
export const DocumentRef = z
  .string({ error: unlessMissing('expected Kind/name, e.g. Deployment/reviews-v1') })
  .regex(/^[A-Za-z][A-Za-z0-9]*\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'write a document as Kind/name, e.g. Deployment/reviews-v1' })
  .transform((s) => {
    const slash = s.indexOf('/');
    return { kind: s.slice(0, slash), name: s.slice(slash + 1) };
  })
  .describe('A document of a manifests file, written Kind/name (e.g. Deployment/reviews-v1).');
export type DocumentRef = z.output<typeof DocumentRef>;

/** One release file: a path, or a path and the documents of it that are this service's release. */
export const ReleaseFileConfig = z
  .union(
    [
      RepoPath,
      z.strictObject({
        path: RepoPath.describe('The file, relative to the repository root.'),
        documents: z
          .array(DocumentRef)
          .min(1, { error: 'must list at least one document' })
          .describe('The documents of the file that are this service\'s release; every other byte of the file is left as production has it.'),
      }),
    ],
    { error: unlessMissing('expected a path, or {path, documents: [Kind/name]}') },
  )
  .describe('A release file, or {path, documents} when several services share one file (e.g. Istio bookinfo.yaml).');

const JsonPointer = z
  .string({ error: unlessMissing('expected a JSON pointer such as /spec/template/metadata/annotations') })
  .regex(/^(\/([^~/]|~[01])*)+$/, { error: 'must be a JSON pointer such as /spec/template/metadata/annotations' });

export const CanaryConfig = z
  .strictObject({
    file: RepoPath.describe('The canary workload file; it lives on production and is not a release file.'),
    from: RepoPath.optional().describe(
      'The release file whose candidate changes are applied to the canary; one of `files`, default files[0].',
    ),
    fromName: KubeName.optional().describe(
      'metadata.name of the document in `from` to pair with, when the canary\'s name without -canary names none.',
    ),
    keep: z
      .array(JsonPointer)
      .default([])
      .describe(
        'JSON pointers the canary keeps as its own (never overwritten from the candidate). Always kept: /metadata/name, /metadata/labels, /spec/selector, /spec/template/metadata/labels, /spec/replicas.',
      ),
    idle: z
      .strictObject({
        replicas: z
          .number()
          .int({ error: 'must be a whole number' })
          .min(0, { error: 'must be 0 or more' })
          .describe('Replicas of the canary workload between rollouts; the next start gives back the replicas it had.'),
      })
      .optional()
      .describe('Let the canary rest between rollouts: promotion and rollback scale it to `replicas`.'),
    unexercised: z
      .enum(['warn', 'refuse'])
      .default('warn')
      .describe('A release change no canary document runs (a ConfigMap, a second workload): warn names it; refuse does not start.'),
  })
  .describe('The canary workload and where its changes come from.');

export const Steps = z
  .array(
    z
      .number({ error: unlessMissing('expected a weight in percent (1-100)') })
      .int({ error: 'must be a whole number of percent' })
      .min(1, { error: 'must be at least 1' })
      .max(100, { error: 'must be at most 100' }),
  )
  .min(1, { error: 'must list at least one weight' })
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++) {
      if (steps[i]! <= steps[i - 1]!) {
        ctx.addIssue({ code: 'custom', path: [i], message: `must be greater than the step before it (${steps[i - 1]})` });
      }
    }
  })
  .describe('Canary weights in percent, strictly increasing; promotion follows the last step.');
export type Steps = z.output<typeof Steps>;

export const Gate = z.enum(['auto', 'pull-request']);
export type Gate = z.output<typeof Gate>;

export const ServiceName = z
  .string()
  .regex(DNS_LABEL, { error: 'service names are lowercase letters, digits and "-", like a Kubernetes name' })
  .max(63, { error: 'service names are at most 63 characters, like a Kubernetes name' });

export const ServiceConfig = z
  .strictObject({
    files: z
      .array(ReleaseFileConfig)
      .min(1, { error: 'must list at least one file' })
      .describe('The release: files (or documents of files) copied from candidate to production on promotion.'),
    canary: CanaryConfig,
    route: ServiceRouteConfig,
    steps: Steps,
    interval: Duration.prefault('5m').describe('Minimum time at each step before it is judged, e.g. 5m.'),
    analysis: AnalysisConfig.optional(),
    applied: AppliedConfig.optional(),
    gate: Gate.default('auto').describe('auto starts rollouts at once; pull-request waits for an approved pull request.'),
  })
  .transform(({ files: entries, ...s }) => {
    const files = entries.map((f) => (typeof f === 'string' ? f : f.path));
    const documents: Record<string, DocumentRef[]> = {};
    for (const f of entries) if (typeof f !== 'string') documents[f.path] = f.documents;
    return { ...s, files, documents, canary: { ...s.canary, from: s.canary.from ?? files[0]! } };
  })
  .describe('One service rolled out by git-canary.');
export type ServiceConfig = z.output<typeof ServiceConfig>;
/** The parsed `canary` block: `from` is always set (default files[0]). */
export type CanaryConfig = ServiceConfig['canary'];

// Names and emails go into commit headers: no <, >, line breaks or other control characters (git refuses them too).
const AUTHOR = /^ *([^<>\u0000-\u001f\u007f-\u009f]*[^<>\s\u0000-\u001f\u007f-\u009f]) *<([^<>\s\u0000-\u001f\u007f-\u009f]+@[^<>\s\u0000-\u001f\u007f-\u009f]+)>\s*$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
export const AuthorConfig = z
  .union([
    z.string().regex(AUTHOR, {
      error: (iss) =>
        CONTROL.test(String(iss.input).replace(/\n$/, ''))
          ? 'must be one line without control characters, as "Name <email>"'
          : 'write the author as "Name <email>"',
    }),
    z.strictObject({
      name: z
        .string()
        .min(1, { error: 'must not be empty' })
        .regex(/^[^<>\u0000-\u001f\u007f-\u009f]+$/, { error: 'must be one line without control characters, < or >' })
        .describe('Author and committer name.'),
      email: z
        .string()
        .regex(/^[^<>\s\u0000-\u001f\u007f-\u009f]+@[^<>\s\u0000-\u001f\u007f-\u009f]+$/, { error: 'must be an email address' })
        .describe('Author and committer email.'),
    }),
  ], { error: unlessMissing('expected "Name <email>" or {name, email}') })
  .transform((a) => {
    if (typeof a !== 'string') return a;
    const m = AUTHOR.exec(a)!;
    return { name: m[1]!, email: m[2]! };
  })
  .describe('"Name <email>" or {name, email}.');
export type AuthorConfig = z.output<typeof AuthorConfig>;

export const CommitConfig = z
  .strictObject({ author: AuthorConfig.describe('Author and committer of git-canary\'s commits.') })
  .describe('How git-canary signs its commits. Default author: git-canary <git-canary@users.noreply.github.com>.');
export type CommitConfig = z.output<typeof CommitConfig>;

export const GitHubConfig = z
  .strictObject({
    repository: z
      .string()
      .regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/, { error: 'expected owner/name, e.g. acme/manifests' })
      .optional()
      .describe('The GitHub repository (owner/name) for promotion pull requests, commit statuses and deployments. Default: GITHUB_REPOSITORY, or the --repo URL on github.com.'),
  })
  .describe('GitHub: promotion pull requests (gate: pull-request), commit statuses and deployments. The API is GITHUB_API_URL (default https://api.github.com); the token GIT_CANARY_TOKEN or GITHUB_TOKEN.');
export type GitHubConfig = z.output<typeof GitHubConfig>;

export const GitCanaryConfig = z
  .strictObject({
    version: z
      .literal(1, {
        error: (iss) =>
          iss.input === undefined ? undefined : `unsupported version ${JSON.stringify(iss.input)}: this git-canary reads version 1`,
      })
      .describe('Version of this file format; always 1.'),
    branches: BranchesConfig.default({ candidate: 'candidate', production: 'production' }),
    metrics: z.record(SourceName, MetricsSourceConfig).default({}).describe('Named metrics sources.'),
    services: z.record(ServiceName, ServiceConfig).describe('Services git-canary rolls out, by name.'),
    commit: CommitConfig.optional(),
    github: GitHubConfig.optional(),
    kubernetes: KubernetesConfig.optional(),
  })
  .describe('git-canary configuration, read only from the production branch.');
export type GitCanaryConfig = z.output<typeof GitCanaryConfig>;
/** What a person may write: defaults and shorthands not yet applied. */
export type GitCanaryConfigInput = z.input<typeof GitCanaryConfig>;
