/**
 * The shape of git-canary.yaml (PRODUCT.md, "The repository contract"). Key
 * names are a public interface. Every object is strict (unknown keys are
 * errors) and every key is described: the descriptions become the JSON Schema
 * editors show. Each schema and its parsed type share a name. Rules that relate
 * several keys live in rules.ts.
 */
import * as z from 'zod';
import { getRouter, ServiceRouteConfig } from '../routers/index.ts';
import { NotifyConfig } from '../notify/index.ts';
import { MetricsSourceConfig } from '../metrics/index.ts';
import { AnalysisConfig, AppliedConfig, KubernetesConfig } from './analysis-schema.ts';
import { DNS_LABEL, Duration, KubeName, RepoPath, SourceName, unlessMissing } from './schema-base.ts';

export { Duration, RepoPath, SourceName };
export {
  AnalysisConfig,
  AppliedConfig,
  BaselineConfig,
  CheckConfig,
  KubernetesConfig,
  MinRequestsConfig,
  TemplateCheckConfig,
} from './analysis-schema.ts';

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

/** A metrics source, and a service's `route`: each the schema of its plug-in's `type`, composed from the registries. */
export { MetricsSourceConfig, ServiceRouteConfig };

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
      .optional()
      .describe('The release: files (or documents of files) copied from candidate to production on promotion. Required, except for route types whose route file is the release (knative), where it defaults to the route file.'),
    canary: CanaryConfig.optional().describe('The canary workload and where its changes come from. Required, except for route types whose canary is a revision of the release (knative).'),
    route: ServiceRouteConfig,
    steps: Steps,
    interval: Duration.prefault('5m').describe('Minimum time at each step before it is judged, e.g. 5m.'),
    analysis: AnalysisConfig.optional(),
    applied: AppliedConfig.optional(),
    gate: Gate.default('auto').describe('auto starts rollouts at once; pull-request waits for an approved pull request.'),
  })
  .transform(({ files: written, ...s }) => {
    // A route file that is the release (knative) is always part of it.
    const revisions = getRouter(s.route.type).revisions !== undefined;
    const entries = written ?? (revisions ? [s.route.file] : []);
    const files = entries.map((f) => (typeof f === 'string' ? f : f.path));
    if (revisions && !files.includes(s.route.file)) files.unshift(s.route.file);
    const documents: Record<string, DocumentRef[]> = {};
    for (const f of entries) if (typeof f !== 'string') documents[f.path] = f.documents;
    const { canary: written_, ...rest } = s;
    const canary = written_ ? { ...written_, from: written_.from ?? files[0]! } : undefined;
    return { ...rest, files, documents, ...(canary ? { canary } : {}) };
  })
  .describe('One service rolled out by git-canary.');
export type ServiceConfig = z.output<typeof ServiceConfig>;
/** The parsed `canary` block: `from` is always set (default files[0]). */
export type CanaryConfig = NonNullable<ServiceConfig['canary']>;

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
    notify: NotifyConfig.optional(),
  })
  .describe('git-canary configuration, read only from the production branch.');
export type GitCanaryConfig = z.output<typeof GitCanaryConfig>;
/** What a person may write: defaults and shorthands not yet applied. */
export type GitCanaryConfigInput = z.input<typeof GitCanaryConfig>;
