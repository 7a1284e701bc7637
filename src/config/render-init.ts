/**
 * The git-canary.yaml `init` writes from what it detected: every key explained
 * in a comment, every service saying which files it came from, the analysis
 * only as a commented-out example (no metrics source is known), and services
 * that cannot be configured yet as commented-out stubs saying what is missing.
 * Pure: detection in, text out.
 */
import { parse } from 'yaml';
import type { Destination } from '../routers/types.ts';
import { type Detection, type DetectedService, INIT_INTERVAL, INIT_STEPS, type ReleaseEntry, type WorkloadRef } from './detect.ts';
import { SCHEMA_URL } from './schema-url.ts';

export interface RenderedInit {
  text: string;
  /** 1-based first and last line of each configured service's block, comments included. */
  lines: Record<string, [number, number]>;
}

const WIDTH = 96;
const COMMENT_COLUMN = 36;
/** Unset workloads listed at the end, at most. */
const MAX_UNPAIRED = 20;

/** A scalar as YAML writes it: plain when that reads back the same (also inside `[…]` and `{…}`), else double-quoted. */
export function scalar(s: string): string {
  if (/^[A-Za-z0-9_][A-Za-z0-9_./~+-]*$/.test(s)) {
    try {
      if (parse(s) === s) return s;
    } catch {
      // not plain: quote it
    }
  }
  return JSON.stringify(s);
}

/** Text safe inside a comment: one line, no control characters. */
const clean = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ');

/** `text` as `# ` lines at `indent`, wrapped at WIDTH. */
function comment(indent: number, text: string, prefix = '# '): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of clean(text).split(' ').filter(Boolean)) {
    if (line && indent + prefix.length + line.length + 1 + word.length > WIDTH) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.map((l) => `${' '.repeat(indent)}${prefix}${l}`);
}

/** `line` with a trailing comment, aligned when it fits. */
function note(line: string, text: string): string {
  return `${line.padEnd(Math.max(COMMENT_COLUMN, line.length + 1))} # ${clean(text)}`;
}

export function destination(d: Destination): string {
  const keys = (['name', 'subset', 'port', 'namespace'] as const).filter((k) => d[k] !== undefined);
  if (keys.length === 1) return scalar(d.name);
  return `{ ${keys.map((k) => `${k}: ${typeof d[k] === 'number' ? d[k] : scalar(String(d[k]))}`).join(', ')} }`;
}

function filesLines(files: ReleaseEntry[]): string[] {
  if (files.every((f) => typeof f === 'string')) return [`files: [${files.map(scalar).join(', ')}]`];
  return [
    'files:',
    ...files.flatMap((f) =>
      typeof f === 'string' ? [`  - ${scalar(f)}`] : [`  - path: ${scalar(f.path)}`, `    documents: [${f.documents.map(scalar).join(', ')}]`],
    ),
  ];
}

const where = (w: WorkloadRef) => `${w.kind} ${w.name} in ${w.file}`;

/** Example checks for a service, in the metrics its route's mesh usually has. */
function exampleChecks(s: DetectedService): { name: string; query: string; limit: string }[] {
  if (s.route?.type === 'istio') {
    const w = `destination_workload="${s.twin.name}"`;
    return [
      { name: 'success-rate', query: `sum(rate(istio_requests_total{${w},response_code!~"5.."}[1m])) / sum(rate(istio_requests_total{${w}}[1m])) * 100`, limit: 'min: 99' },
      { name: 'latency-p99', query: `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${w}}[1m])))`, limit: 'max: 500' },
    ];
  }
  const pairs = Object.entries(s.canaryLabels).filter(([k]) => ['app', 'app.kubernetes.io/name', 'track', 'version'].includes(k));
  const sel = pairs.length ? pairs.map(([k, v]) => `${k.replace(/[^A-Za-z0-9_]/g, '_')}="${v}"`).join(',') : `pod=~"${s.twin.name}-.*"`;
  return [
    { name: 'success-rate', query: `sum(rate(http_requests_total{${sel},code!~"5.."}[1m])) / sum(rate(http_requests_total{${sel}}[1m])) * 100`, limit: 'min: 99' },
    { name: 'latency-p99', query: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[1m])))`, limit: 'max: 0.5' },
  ];
}

/** The keys of one service, at indent 4, as they are written active. */
function serviceBody(s: DetectedService, stub: boolean): string[] {
  const r = s.route;
  const routeFile = r?.file ?? `${s.workload.file.replace(/[^/]*$/, '')}virtualservice.yaml`;
  const kinds = r?.type === 'gateway-api' ? 'HTTPRoute/GRPCRoute' : 'VirtualService';
  const out = [
    ...comment(4, 'The release: what promotion copies from candidate to production.'),
    ...(typeof s.files[0] === 'object' ? comment(4, `${s.files[0].path} holds other workloads too, so the release is only the documents listed.`) : []),
    ...(s.files.length > 1 && typeof s.files[0] === 'string' ? comment(4, `${s.files[0]} sets the image (images:); the canary follows it.`) : []),
    ...filesLines(s.files).map((l) => `    ${l}`),
    '    canary:',
    ...comment(
      6,
      s.twin.overlay
        ? `The canary workload: a Kustomize overlay naming it ${s.twin.name}; it lives only on production, never in files. At each start its images: get the candidate's, keeping everything else of its own.`
        : `The canary workload (${s.twin.kind} ${s.twin.name}); it lives only on production, never in files. At each start it gets the candidate's release, item by item (containers and env by name), keeping its own name, labels, replicas and extra items.`,
    ),
    `      file: ${scalar(s.canary.file)}`,
    ...comment(6, 'Optional: JSON pointers the canary keeps as its own; scale it down between rollouts.'),
    '      # keep: [/spec/template/metadata/annotations]',
    '      # idle: { replicas: 0 }',
    '    route:',
    ...comment(6, `Where traffic is split: the ${r?.document ?? kinds} whose rules name both destinations.`),
    note(`      type: ${r?.type ?? 'istio'}`, 'istio (VirtualService) | gateway-api (HTTPRoute, GRPCRoute)'),
    stub && !r ? note(`      file: ${scalar(routeFile)}`, 'the route file (not found: write it)') : `      file: ${scalar(routeFile)}`,
    ...(r?.name ? [note(`      name: ${scalar(r.name)}`, `metadata.name: the file holds several ${kinds}s`)] : []),
    note(`      stable: ${destination(r?.stable ?? { name: s.workload.name })}`, `serves ${s.workload.kind} ${s.workload.name}`),
    note(`      canary: ${destination(r?.canary ?? { name: `${s.workload.name}-canary` })}`, `serves ${s.twin.kind} ${s.twin.name}; weight 0 between rollouts`),
    note(`    steps: [${INIT_STEPS.join(', ')}]`, 'canary weights in percent; promotion follows the last step'),
    note(`    interval: ${INIT_INTERVAL}`, 'minimum time at each step before it is judged'),
    ...comment(4, 'Without analysis, each step advances after interval alone. To judge steps by metrics, define metrics.prom above, uncomment and adapt the queries:'),
    '    # analysis:',
    '    #   metrics: prom',
    note('    #   threshold: 2', 'failed judgments, counted over the rollout, that roll back'),
    '    #   checks:',
    ...exampleChecks(s).flatMap((c) => [`    #     - name: ${c.name}`, `    #       query: ${c.query}`, `    #       ${c.limit}`]),
    note('    gate: auto', 'auto starts at once; pull-request waits for an approved promotion pull request'),
  ];
  return out;
}

function header(s: DetectedService): string[] {
  const r = s.route;
  const from = `${s.name}: ${where(s.workload)}; its canary ${s.twin.overlay ? `${s.twin.kind} ${s.twin.name}, the overlay ${s.twin.file}` : where(s.twin)}${r ? `; traffic split by ${r.document} in ${r.file}` : ''}.`;
  return [...comment(2, from), ...s.notes.flatMap((n) => comment(2, `Note: ${n}.`))];
}

/** git-canary.yaml for `detection` (which must hold at least one service, configured or not). */
export function renderInit(detection: Detection): RenderedInit {
  const active = detection.services.filter((s) => s.route && !s.missing);
  const stubs = detection.services.filter((s) => !s.route || s.missing);
  const out: string[] = [
    `# yaml-language-server: $schema=${SCHEMA_URL}`,
    '#',
    '# git-canary.yaml, written by `git-canary init` from the workloads and routes it found in',
    '# this repository. It is read only from the production branch; a change to it on candidate',
    '# is never obeyed. Run `git-canary validate` after editing it. Any string value may use',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
    '# ${ENV_VAR} (expanded from the worker\'s environment, never logged); write $${ for a literal "${".',
    'version: 1',
    '',
    '# The branch app CI pushes releases to, and the branch Argo CD / Flux applies.',
    'branches: { candidate: candidate, production: production }   # defaults shown',
    '',
    '# Named metrics sources, used by a service\'s analysis. init knows of none; to judge each step',
    '# by metrics, uncomment and point it at your Prometheus (Thanos, Mimir… speak the same API):',
    '# metrics:',
    '#   prom:',
    '#     type: prometheus',
    '#     address: http://prometheus.monitoring:9090',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
    '#     # headers: { Authorization: "Bearer ${PROMETHEUS_TOKEN}" }',
    '',
    '# Services git-canary rolls out, by name (the name is what `propose --service` takes).',
    active.length ? 'services:' : note('services: {}', 'none could be set up yet: see below, then drop the {}'),
  ];
  const lines: Record<string, [number, number]> = {};
  for (const s of active) {
    const start = out.length + 1;
    out.push(...header(s), `  ${s.name}:`, ...serviceBody(s, false), '');
    lines[s.name] = [start, out.length];
  }
  for (const s of stubs) {
    out.push(
      ...comment(2, `${s.name} is not set up: ${s.missing ?? 'no route found'}.`),
      ...header(s),
      `  # ${s.name}:`,
      ...serviceBody(s, true).map((l) => `  # ${l.slice(2)}`),
      '',
    );
  }
  if (detection.unpaired.length) {
    const more = detection.unpaired.length - MAX_UNPAIRED;
    out.push(
      '# Workloads without a canary twin (a <name>-canary of the same kind), not rolled out:',
      ...detection.unpaired.slice(0, MAX_UNPAIRED).map((w) => `#   ${clean(`${w.kind} ${w.name} (${w.file})`)}`),
      ...(more > 0 ? [`#   and ${more} more`] : []),
      '',
    );
  }
  out.push(
    "# Optional: who git-canary's commits are by (default below).",
    '# commit:',
    '#   author: git-canary <git-canary@users.noreply.github.com>',
  );
  return { text: `${out.join('\n')}\n`, lines };
}
