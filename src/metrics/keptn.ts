/**
 * Keptn as a metric source, through the Kubernetes API (as Flagger's Keptn
 * provider reads it; query syntax in ./keptn-query.ts):
 *
 * - `keptnmetric/<ns>/<name>`: GET the KeptnMetric (metrics.keptn.sh/v1) and
 *   read `status.value`, a string in the CRD. No value yet, NaN/±Inf, or a
 *   value older than 3 fetch intervals (at least a minute: the
 *   metrics-operator stopped updating it) → NoDataError (hold). `status.errMsg`
 *   (Keptn could not run the provider's query) or a value that is not a
 *   number → MetricsError (hold).
 * - `analysis/<ns>/<definition>/<timeframe>/<k=v;…>`: check that the
 *   AnalysisDefinition exists, POST an Analysis (`spec.analysisDefinition`,
 *   `spec.timeframe.recent`, `spec.args`), then GET it every second until
 *   `status.state` is Completed: `status.pass` true → 1, false → 0 (a check
 *   with `min: 1` fails on 0). Not Completed within `analysisTimeout` →
 *   MetricsError (hold). Either way the Analysis is then deleted (best
 *   effort), so ticks do not pile objects up.
 *
 * The Analysis is named `git-canary-<hash>` from the query and the
 * evaluation time: a retried tick (same time) finds its Analysis (409) and
 * waits for it instead of creating a second one; another tick gets its own.
 *
 * Every Kubernetes failure (401, 403 with the RBAC rule to grant, 404, an
 * unreachable API, a bad CA) is a MetricsError with the reason; the token
 * never reaches an error.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { getKubeObject, type KubeObjectRef } from '../applied/kube-client.ts';
import type { KubernetesConfig } from '../config/analysis-schema.ts';
import { Duration } from '../config/schema-base.ts';
import { formatDuration } from '../config/duration.ts';
import { MetricsError, NoDataError } from '../errors.ts';
import { type KeptnQuery, parseKeptnQuery } from './keptn-query.ts';
import { createKubeObject, deleteKubeObject, type KubeWriteOptions } from './kube-write.ts';
import { httpUrl, timeoutConfig } from './schema-parts.ts';
import type { MetricSource, QueryContext as AnyQueryContext } from './types.ts';

/** `metrics.<name>` of `type: keptn`. */
export const schema = z
  .strictObject({
    type: z.literal('keptn').describe('The kind of metrics server.'),
    address: httpUrl('https://kubernetes.default.svc')
      .default('https://kubernetes.default.svc')
      .describe('Kubernetes API server where Keptn runs; default the in-cluster https://kubernetes.default.svc.'),
    token: z
      .string()
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
      .describe('Bearer token (use ${ENV}); default the pod\'s service-account token file. Never logged.'),
    tokenFile: z
      .string()
      .default('/var/run/secrets/kubernetes.io/serviceaccount/token')
      .describe('File holding the bearer token when `token` is not set (read on every query: projected tokens rotate).'),
    caFile: z
      .string()
      .default('/var/run/secrets/kubernetes.io/serviceaccount/ca.crt')
      .describe('CA bundle the API server\'s certificate is checked against (https only).'),
    timeout: timeoutConfig('10s'),
    analysisTimeout: Duration.refine((ms) => ms > 0, { error: 'must be longer than 0s' })
      .prefault('5m')
      .describe('How long to wait for a Keptn Analysis to complete, e.g. 5m; then the check errors (the rollout holds).'),
  })
  .describe('Keptn metrics and analyses, read through the Kubernetes API.');

/** A parsed keptn source; `analysisTimeout` in milliseconds. */
export type KeptnConfig = {
  type: string;
  address: string;
  token?: string;
  tokenFile: string;
  caFile: string;
  timeoutMs?: number;
  analysisTimeout: number;
};
type QueryContext = AnyQueryContext<KeptnConfig>;

/** Time for the Analysis wait, injectable so tests never sleep. */
export interface KeptnClock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const realClock: KeptnClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export const KEPTN_GROUP = 'metrics.keptn.sh';
export const KEPTN_VERSION = 'v1';
const DEFAULT_TIMEOUT_MS = 10_000;
const POLL_MS = 1000;
/** How hints name this source's settings (the source's name is not known here). */
const SETTINGS = 'metrics.<name>';
const ref = (plural: string, kind: string, namespace: string, name: string): KubeObjectRef => ({
  group: KEPTN_GROUP,
  version: KEPTN_VERSION,
  plural,
  kind,
  namespace,
  name,
});

interface Call {
  where: { detail: string };
  data: Record<string, unknown>;
  kubernetes: KubernetesConfig;
  signal?: AbortSignal;
}

function kubernetesOf(source: KeptnConfig): KubernetesConfig {
  return {
    address: source.address,
    ...(source.token === undefined ? {} : { token: source.token }),
    tokenFile: source.tokenFile,
    caFile: source.caFile,
    timeout: source.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
}

/** A kube-client or kube-write reason (`what — hint`) as a MetricsError; `hint` replaces the reason's own. */
function fromReason(reason: string, c: Call, hint?: string): MetricsError {
  const cut = reason.indexOf(' — ');
  const message = cut < 0 ? reason : reason.slice(0, cut);
  const own = cut < 0 ? 'the rollout holds until the Kubernetes API answers' : reason.slice(cut + ' — '.length);
  return new MetricsError(message, { where: c.where, hint: hint ?? own, data: c.data });
}

/**
 * kube-client's hints for 401 and 404 name the top-level `kubernetes` and
 * `applied` settings; a keptn source has its own.
 */
function keptnHint(message: string, r: KubeObjectRef, c: Call): string | undefined {
  if (/\(HTTP 401\)/.test(message)) {
    return `check ${SETTINGS}.token, or the token in ${SETTINGS}.tokenFile (${c.kubernetes.tokenFile}), of the keptn source; a service-account token may have expired`;
  }
  if (/\(HTTP 404\)/.test(message)) {
    return `check the namespace and name in the query (the ${r.kind} must exist in namespace ${r.namespace}) and that Keptn's metrics-operator with ${r.plural}.${r.group} ${r.version} is installed`;
  }
  return undefined;
}

async function readObject(r: KubeObjectRef, c: Call): Promise<Record<string, unknown>> {
  const read = await getKubeObject(r, { kubernetes: c.kubernetes, ...(c.signal ? { signal: c.signal } : {}) });
  if (!read.ok) throw fromReason(read.reason, c, keptnHint(read.reason.split(' — ')[0]!, r, c));
  return read.object;
}

const record = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

async function readMetric(q: Extract<KeptnQuery, { kind: 'keptnmetric' }>, c: Call, time: Date): Promise<number> {
  const what = `KeptnMetric ${q.namespace}/${q.name}`;
  const object = await readObject(ref('keptnmetrics', 'KeptnMetric', q.namespace, q.name), c);
  const status = record(object.status);
  if (typeof status.errMsg === 'string' && status.errMsg.trim() !== '') {
    throw new MetricsError(`Keptn could not evaluate ${what}: ${status.errMsg.trim().slice(0, 300)}`, {
      where: c.where,
      hint: 'fix the KeptnMetric query or its KeptnMetricsProvider (kubectl describe keptnmetric); the rollout holds meanwhile',
      data: c.data,
    });
  }
  const raw = typeof status.value === 'string' ? status.value.trim() : '';
  if (raw === '') {
    throw new NoDataError(`${what} has no value yet`, {
      where: c.where,
      hint: 'Keptn has not fetched it yet (or its provider answers nothing); the rollout holds meanwhile',
      data: { ...c.data, result: 'empty' },
    });
  }
  const value = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : /^[+-]?(inf|nan)$/i.test(raw) ? Number.NaN : undefined;
  if (value === undefined) {
    throw new MetricsError(`${what} has the value ${JSON.stringify(raw.slice(0, 40))}, not a number`, { where: c.where, hint: 'make the KeptnMetric query answer one number', data: c.data });
  }
  if (!Number.isFinite(value)) {
    throw new NoDataError(`${what} is ${raw}`, { where: c.where, hint: 'NaN or an infinite value usually means no traffic yet; the rollout holds meanwhile', data: { ...c.data, result: raw } });
  }
  const updated = typeof status.lastUpdated === 'string' ? Date.parse(status.lastUpdated) : Number.NaN;
  const interval = Number(record(object.spec).fetchIntervalSeconds);
  const maxAgeMs = Math.max(60_000, 3 * (Number.isFinite(interval) && interval > 0 ? interval : 0) * 1000);
  if (Number.isFinite(updated) && time.getTime() - updated > maxAgeMs) {
    throw new NoDataError(`${what} is stale: last updated ${formatDuration(time.getTime() - updated)} ago`, {
      where: c.where,
      hint: `Keptn updates it every ${interval}s; check that the metrics-operator runs. The rollout holds meanwhile`,
      data: { ...c.data, lastUpdated: status.lastUpdated },
    });
  }
  return value;
}

/** `git-canary-<12 hex>` from what the Analysis is and when: the same for a retried tick, new for the next. */
export function analysisName(q: Extract<KeptnQuery, { kind: 'analysis' }>, time: Date): string {
  const args = Object.keys(q.args).sort().map((k) => `${k}=${q.args[k]}`).join(';');
  const digest = createHash('sha256').update(`${q.namespace}/${q.definition}/${q.timeframe}/${args}@${time.toISOString()}`).digest('hex');
  return `git-canary-${digest.slice(0, 12)}`;
}

async function runAnalysis(q: Extract<KeptnQuery, { kind: 'analysis' }>, c: Call, ctx: QueryContext, clock: KeptnClock): Promise<number> {
  // A missing definition would leave the Analysis pending until the timeout: say so at once.
  await readObject(ref('analysisdefinitions', 'AnalysisDefinition', q.namespace, q.definition), c);

  const name = analysisName(q, ctx.time);
  const target = ref('analyses', 'Analysis', q.namespace, name);
  const what = `Analysis ${q.namespace}/${name} (of AnalysisDefinition ${q.definition})`;
  const write: KubeWriteOptions = { kubernetes: c.kubernetes, settings: SETTINGS, ...(c.signal ? { signal: c.signal } : {}) };
  const analysis = {
    apiVersion: `${KEPTN_GROUP}/${KEPTN_VERSION}`,
    kind: 'Analysis',
    metadata: { name, namespace: q.namespace, labels: { 'app.kubernetes.io/managed-by': 'git-canary' } },
    spec: { analysisDefinition: { name: q.definition, namespace: q.namespace }, timeframe: { recent: q.timeframe }, args: q.args },
  };
  const created = await createKubeObject(target, analysis, write);
  if (!created.ok && created.status !== 409) throw fromReason(created.reason, c);

  const started = clock.now();
  const limit = ctx.source.analysisTimeout;
  const cleanUp = () => deleteKubeObject(target, write);
  for (;;) {
    const status = record((await readObject(target, c)).status);
    if (status.state === 'Completed') {
      await cleanUp();
      if (typeof status.pass !== 'boolean') {
        throw new MetricsError(`${what} completed without a result`, { where: c.where, hint: 'check status.raw of the Analysis and the metrics-operator logs', data: c.data });
      }
      return status.pass ? 1 : 0;
    }
    const waited = clock.now() - started;
    if (waited >= limit || c.signal?.aborted) {
      await cleanUp();
      const state = typeof status.state === 'string' && status.state !== '' ? status.state : 'no state';
      throw new MetricsError(`${what} did not complete within ${formatDuration(limit)} (${state})`, {
        where: c.where,
        hint: c.signal?.aborted
          ? 'the tick ran out of time; the rollout holds until the next tick'
          : 'check that Keptn\'s metrics-operator runs and can reach its providers, or raise analysisTimeout; the rollout holds meanwhile',
        data: { ...c.data, state },
      });
    }
    await clock.sleep(Math.min(POLL_MS, limit - waited), c.signal);
  }
}

async function query(q: string, ctx: QueryContext, clock: KeptnClock): Promise<number> {
  const where = { detail: `query ${q}` };
  const parsed = parseKeptnQuery(q);
  if (!parsed.ok) throw new MetricsError(`invalid keptn query "${q}"`, { where, hint: parsed.problem, data: { query: q } });
  const c: Call = { where, data: { query: q }, kubernetes: kubernetesOf(ctx.source), ...(ctx.signal ? { signal: ctx.signal } : {}) };
  if (!Number.isFinite(ctx.time.getTime())) throw new MetricsError('invalid evaluation time for keptn', { where, data: c.data });
  return parsed.query.kind === 'keptnmetric' ? readMetric(parsed.query, c, ctx.time) : runAnalysis(parsed.query, c, ctx, clock);
}

async function queryRange(q: string, _ctx?: unknown): Promise<number[]> {
  throw new MetricsError('keptn sources answer one number, not a series: mann-whitney needs a prometheus source', {
    where: { detail: `range query ${q}` },
    hint: 'use a fixed limit or a baseline without method: mann-whitney on this check, or query a prometheus source',
  });
}

/** The keptn source with its own clock (tests pass one that never sleeps). */
export function createKeptnSource(clock: KeptnClock = realClock) {
  return {
    type: 'keptn' as const,
    schema,
    promql: false,
    queryProblem: (q: string) => {
      const parsed = parseKeptnQuery(q);
      return parsed.ok ? undefined : parsed.problem;
    },
    query: (q: string, ctx: QueryContext) => query(q, ctx, clock),
    queryRange,
  } satisfies MetricSource<KeptnConfig>;
}

export const keptn = createKeptnSource();
