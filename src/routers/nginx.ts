/**
 * ingress-nginx canary router: the route file holds the canary Ingress
 * (networking.k8s.io/v1, annotation `nginx.ingress.kubernetes.io/canary: "true"`),
 * and the canary's share is its `canary-weight` annotation — a string, out of
 * `canary-weight-total` (default 100): with total "1000", 10 % is "100". The
 * stable Ingress is never edited, even when it sits in the same file.
 *
 * - A canary Ingress without `canary-weight` gets weight 0 (ingress-nginx's
 *   default); the first step above 0 adds the annotation, quoted.
 * - `canary-by-header` and `canary-by-cookie` take precedence over the weight
 *   in ingress-nginx: requests carrying them reach the canary whatever the
 *   weight, even at 0 % after a rollback. Such an Ingress is refused.
 * - `route.canary` (optional) must be the backend Service of every path of the
 *   canary Ingress, so a route file pointing at the wrong Ingress is caught.
 *   `route.stable` (optional) must be a backend of the stable Ingress when that
 *   Ingress (same host, no canary annotation) is in the file; elsewhere it is
 *   not checked. Both name the Services the built-in nginx analysis templates
 *   select (`nginx_ingress_controller_requests{service=…}`).
 */
import * as z from 'zod';
import { RouterError } from '../errors.ts';
import { lineOf } from '../manifests/index.ts';
import type { DocEdits, ManifestDoc, ManifestFile, YamlPath } from '../manifests/types.ts';
import { destinationConfig, routeFile, routeName } from './schema-parts.ts';
import { asArray, isRecord, validatePercent } from './shared.ts';
import type { Destination, Router, Weights } from './types.ts';

/** The `route` of an nginx service, after config parsing. */
export interface NginxRoute {
  type: 'nginx';
  file: string;
  name?: string;
  stable?: Destination;
  canary?: Destination;
}

const PREFIX = 'nginx.ingress.kubernetes.io/';
export const CANARY_ANNOTATION = `${PREFIX}canary`;
export const WEIGHT_ANNOTATION = `${PREFIX}canary-weight`;
export const TOTAL_ANNOTATION = `${PREFIX}canary-weight-total`;
/** Annotations that send requests to the canary regardless of the weight. */
const BYPASS = ['canary-by-header', 'canary-by-header-value', 'canary-by-header-pattern', 'canary-by-cookie'].map((a) => PREFIX + a);
/** What ingress-nginx reads as true (Go's strconv.ParseBool). */
const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

const KINDS = ['Ingress'] as const;
const GROUPS = ['networking.k8s.io', 'extensions'];

const destination = destinationConfig([], 'Service name.');

const schema = z
  .strictObject({
    type: z.literal('nginx').describe('The traffic API of the route file.'),
    file: routeFile('canary Ingress (annotation nginx.ingress.kubernetes.io/canary: "true")'),
    name: routeName('canary Ingress'),
    stable: destination.optional().describe('Backend Service of the stable Ingress: checked when that Ingress is in the route file, and the stable Service of the built-in nginx analysis templates.'),
    canary: destination.optional().describe('Backend Service of the canary Ingress: every path of the canary Ingress must route to it. The canary Service of the built-in nginx analysis templates.'),
  })
  .describe('Where traffic is split between stable and canary: the canary-weight annotation of an ingress-nginx canary Ingress.');

interface CanaryIngress {
  doc: ManifestDoc;
  annotations: Record<string, unknown>;
}

function fail(file: ManifestFile, line: number, message: string, hint: string, data?: Record<string, unknown>): never {
  throw new RouterError(message, { where: { file: file.path, line }, hint, data });
}

const annotationsOf = (doc: ManifestDoc): Record<string, unknown> => {
  const metadata = isRecord(doc.value) ? doc.value.metadata : undefined;
  return isRecord(metadata) && isRecord(metadata.annotations) ? metadata.annotations : {};
};
const annotationPath = (key: string): YamlPath => ['metadata', 'annotations', key];
const isCanary = (doc: ManifestDoc) => {
  const v = annotationsOf(doc)[CANARY_ANNOTATION];
  return typeof v === 'string' && TRUE.has(v);
};
const nameOf = (doc: ManifestDoc) => doc.name ?? `(unnamed, document ${doc.index + 1})`;

/** The Ingress documents of the file; RouterError for an Ingress API other than networking.k8s.io/v1, or none. */
function ingresses(file: ManifestFile): ManifestDoc[] {
  const docs = file.docs.filter((d) => d.kind === 'Ingress' && GROUPS.includes(d.apiVersion?.split('/')[0] ?? ''));
  for (const d of docs) {
    if (d.apiVersion !== 'networking.k8s.io/v1') {
      fail(file, d.line, `unsupported apiVersion ${d.apiVersion} for Ingress ${nameOf(d)}`, 'supported: networking.k8s.io/v1 (v1beta1 Ingresses were removed in Kubernetes 1.22)');
    }
  }
  if (docs.length === 0) {
    fail(file, file.docs[0]?.line ?? 1, 'no Ingress (networking.k8s.io/v1) in this file', `route.type nginx edits the canary Ingress (${CANARY_ANNOTATION}: "true"); check route.file and route.type`);
  }
  return docs;
}

/** Why `doc` is not a canary Ingress, for messages. */
function notCanary(file: ManifestFile, doc: ManifestDoc): never {
  const v = annotationsOf(doc)[CANARY_ANNOTATION];
  const line = lineOf(file, doc.index, annotationPath(CANARY_ANNOTATION));
  if (v !== undefined && typeof v !== 'string') {
    fail(file, line, `Ingress ${nameOf(doc)}: ${CANARY_ANNOTATION} is ${JSON.stringify(v)}, not a string`, `annotations are strings: write ${CANARY_ANNOTATION}: "true"`);
  }
  const message = `Ingress ${nameOf(doc)} is not a canary Ingress (no ${CANARY_ANNOTATION}: "true"): ingress-nginx ignores canary-weight there, and the Ingress serves all traffic of its hosts`;
  fail(file, line, message, `add ${CANARY_ANNOTATION}: "true" to the canary Ingress, or point route.name at it`);
}

/** The backend Services of an Ingress, with where each is written. */
function backends(doc: ManifestDoc): { name: unknown; path: YamlPath }[] {
  const spec = isRecord(doc.value) && isRecord(doc.value.spec) ? doc.value.spec : {};
  const out: { name: unknown; path: YamlPath }[] = [];
  const service = (b: unknown, path: YamlPath) => {
    if (isRecord(b) && isRecord(b.service)) out.push({ name: b.service.name, path: [...path, 'service', 'name'] });
  };
  service(spec.defaultBackend, ['spec', 'defaultBackend']);
  asArray(spec.rules).forEach((rule, i) => {
    const paths = isRecord(rule) && isRecord(rule.http) ? asArray(rule.http.paths) : [];
    paths.forEach((p, j) => {
      service(isRecord(p) ? p.backend : undefined, ['spec', 'rules', i, 'http', 'paths', j, 'backend']);
    });
  });
  return out;
}

const hostsOf = (doc: ManifestDoc): string[] => {
  const spec = isRecord(doc.value) && isRecord(doc.value.spec) ? doc.value.spec : {};
  return asArray(spec.rules).map((r) => (isRecord(r) && typeof r.host === 'string' ? r.host : '*'));
};

function checkCanaryBackend(file: ManifestFile, doc: ManifestDoc, canary: Destination): void {
  const found = backends(doc);
  const wrong = found.filter((b) => b.name !== canary.name);
  if (found.length > 0 && wrong.length === 0) return;
  const names = [...new Set(found.map((b) => String(b.name)))].join(', ') || 'no Service';
  const line = wrong[0] ? lineOf(file, doc.index, wrong[0].path) : doc.line;
  const message = `canary Ingress ${nameOf(doc)} routes to ${names}, not only to route.canary ${canary.name}`;
  fail(file, line, message, `fix route.canary (${canary.name}) or the canary Ingress's backends: every path of it gets the canary share`, { missing: canary.name });
}

/** route.stable against the stable Ingresses in the file (same host, not canary); unchecked when none is here. */
function checkStableBackend(file: ManifestFile, all: ManifestDoc[], canary: ManifestDoc, stable: Destination): void {
  const hosts = new Set(hostsOf(canary));
  const stables = all.filter((d) => d !== canary && !isCanary(d) && hostsOf(d).some((h) => hosts.has(h)));
  if (stables.length === 0 || stables.some((d) => backends(d).some((b) => b.name === stable.name))) return;
  const names = [...new Set(stables.flatMap((d) => backends(d).map((b) => String(b.name))))].join(', ') || 'no Service';
  const message = `route.stable ${stable.name} is not a backend of the stable Ingress ${stables.map(nameOf).join(', ')} (it routes to ${names})`;
  fail(file, stables[0]!.line, message, `fix route.stable (${stable.name}): name the Service the stable Ingress routes to`, { missing: stable.name });
}

/** The canary Ingress this route manages, checked against route.canary / route.stable. */
function canaryIngress(file: ManifestFile, route: NginxRoute): CanaryIngress {
  const all = ingresses(file);
  let doc: ManifestDoc;
  if (route.name !== undefined) {
    const named = all.find((d) => d.name === route.name);
    if (!named) {
      const found = all.map((d) => `${nameOf(d)}${isCanary(d) ? ' (canary)' : ''}`).join(', ');
      fail(file, all[0]!.line, `no Ingress named ${route.name}`, `Ingresses here: ${found}; fix route.name (${route.name}) or drop it`, { missing: route.name });
    }
    if (!isCanary(named)) notCanary(file, named);
    doc = named;
  } else {
    const canaries = all.filter(isCanary);
    if (canaries.length === 0) {
      if (all.length === 1) notCanary(file, all[0]!);
      const found = all.map(nameOf).join(', ');
      fail(file, all[0]!.line, `no canary Ingress (${CANARY_ANNOTATION}: "true") in this file`, `Ingresses here: ${found}; add the annotation to the canary Ingress`);
    }
    if (canaries.length > 1) {
      const names = canaries.map(nameOf).join(', ');
      fail(file, canaries[1]!.line, `${canaries.length} canary Ingresses in this file: ${names}`, `set route.name to the one this service moves (${names})`);
    }
    doc = canaries[0]!;
  }
  if (route.canary) checkCanaryBackend(file, doc, route.canary);
  if (route.stable) checkStableBackend(file, all, doc, route.stable);
  return { doc, annotations: annotationsOf(doc) };
}

/** An annotation holding a whole number, as a string; RouterError otherwise. */
function wholeNumber(file: ManifestFile, ing: CanaryIngress, key: string, fallback: number, min: number): number {
  const v = ing.annotations[key];
  if (v === undefined) return fallback;
  if (typeof v === 'string' && /^\d{1,9}$/.test(v) && Number(v) >= min) return Number(v);
  const line = lineOf(file, ing.doc.index, annotationPath(key));
  const what = typeof v === 'string' ? `${JSON.stringify(v)}, not a whole number${min > 0 ? ` from ${min}` : ''}` : `${JSON.stringify(v)}, not a string (Kubernetes refuses non-string annotations)`;
  fail(file, line, `${key} of canary Ingress ${nameOf(ing.doc)} is ${what}`, `write it as a quoted whole number, e.g. ${key}: "${fallback === 100 ? 100 : 0}"`);
}

/** The canary Ingress's weight and total; RouterError for a bypass annotation or a weight above its total. */
function weightOf(file: ManifestFile, ing: CanaryIngress): { weight: number; total: number } {
  for (const key of BYPASS) {
    if (ing.annotations[key] === undefined) continue;
    const message = `canary Ingress ${nameOf(ing.doc)} has ${key}: ingress-nginx gives it precedence over canary-weight, so requests it matches reach the canary whatever the weight (even at 0 % after a rollback)`;
    fail(file, lineOf(file, ing.doc.index, annotationPath(key)), message, `remove ${key} from the canary Ingress: git-canary steers the canary by weight only`);
  }
  const total = wholeNumber(file, ing, TOTAL_ANNOTATION, 100, 1);
  const weight = wholeNumber(file, ing, WEIGHT_ANNOTATION, 0, 0);
  if (weight > total) {
    const line = lineOf(file, ing.doc.index, annotationPath(WEIGHT_ANNOTATION));
    fail(file, line, `${WEIGHT_ANNOTATION} "${weight}" of canary Ingress ${nameOf(ing.doc)} is above its ${TOTAL_ANNOTATION} ${total}`, 'fix the weight by hand: it is out of canary-weight-total');
  }
  return { weight, total };
}

function read(file: ManifestFile, route: NginxRoute): Weights {
  const { weight, total } = weightOf(file, canaryIngress(file, route));
  const canary = Math.round((weight * 100) / total);
  return { stable: 100 - canary, canary };
}

function plan(file: ManifestFile, route: NginxRoute, canaryPercent: number): DocEdits[] {
  validatePercent(file, canaryPercent);
  const ing = canaryIngress(file, route);
  const { total } = weightOf(file, ing);
  const target = (canaryPercent * total) / 100;
  if (!Number.isInteger(target)) {
    const line = lineOf(file, ing.doc.index, annotationPath(TOTAL_ANNOTATION));
    const message = `canary ${canaryPercent}% of ${TOTAL_ANNOTATION} ${total} is ${target}, not a whole weight`;
    fail(file, line, message, `use steps that are whole weights out of ${total}, or a canary-weight-total of 100 or 1000`, { percent: canaryPercent, total });
  }
  const written = ing.annotations[WEIGHT_ANNOTATION];
  if (written === String(target) || (written === undefined && target === 0)) return [];
  return [{ docIndex: ing.doc.index, ops: [{ op: 'set', path: annotationPath(WEIGHT_ANNOTATION), value: String(target) }] }];
}

/** ingress-nginx canary router: moves the canary-weight annotation of the canary Ingress. */
export const nginx = {
  type: 'nginx',
  kinds: KINDS,
  schema,
  templateProvider: 'nginx',
  read,
  plan,
  owned: (file: ManifestFile, route: NginxRoute): unknown => {
    const { doc } = canaryIngress(file, route);
    return { document: `Ingress/${nameOf(doc)}`, ingress: structuredClone(doc.value) };
  },
} as const satisfies Router<NginxRoute>;
