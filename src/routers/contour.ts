/**
 * Contour router: HTTPProxy of projectcontour.io/v1.
 *
 * Weights live on `spec.routes[].services[].weight`, and on
 * `spec.tcpproxy.services[].weight` for TCP proxying; a service is named by
 * `name` and `port` (both required by the API; Contour services are in the
 * HTTPProxy's namespace). Contour's weights, as its Envoy translation writes
 * them: a service without `weight` counts 0; when no service of a route has a
 * weight above 0, traffic is split evenly. So a lone service without weight
 * takes all traffic, a canary without weight beside a weighted stable gets
 * nothing (no refusal needed), and a route whose services all lack weights is
 * refused with the reason: its canary would get an even share at rest, and
 * weighting stable and canary alone would take the share of the others.
 * Mirror services (`mirror: true`) receive copies, not a share: they are not
 * destinations of the split. A route without `conditions`, or whose only
 * condition is `prefix: /`, matches every request: it is a default route where
 * an absent canary is added. `spec.tcpproxy` has no conditions, and Contour
 * weighs its services as it weighs a route's (a TCP service at 0 is dropped).
 */
import { RouterError } from '../errors.ts';
import { lineOf } from '../manifests/index.ts';
import type { ManifestDoc, ManifestFile } from '../manifests/types.ts';
import { splitRouteSchema } from './schema-parts.ts';
import {
  asArray,
  findManaged,
  formatPath,
  hasConditions,
  isRecord,
  type ManagedRule,
  type NewEntry,
  ownedRules,
  planManaged,
  readManaged,
  selectDocs,
  type TrafficApi,
  type TrafficEntry,
  type TrafficRule,
  writtenFlow,
} from './shared.ts';
import type { Destination, Router, SplitRoute, Weights } from './types.ts';

type RouteConfig = SplitRoute;

const KINDS = ['HTTPProxy'] as const;

const api: TrafficApi = {
  group: 'projectcontour.io',
  versions: ['v1'],
  kinds: KINDS,
  kindLabel: 'HTTPProxy',
  entryNoun: 'service',
  matchKey: 'conditions',
  // Contour's zero value; a lone service takes all traffic (a route of one service is not split).
  // A route of several services none of which has a weight is refused before this counts (evenSplit).
  missingWeight: (entries) => (entries === 1 ? 1 : 0),
  canaryNeedsWeight: false,
  // Envoy's weighted clusters carry uint32 weights.
  maxWeight: 2 ** 32 - 1,
  narrowBy: 'port',
  newEntry,
};

/** Whether HTTPProxy service `svc` names destination `d` (by name, and by port when `d` has one). */
export function contourServiceMatches(svc: Record<string, unknown>, d: Destination): boolean {
  return svc.name === d.name && (d.port === undefined || svc.port === d.port);
}

const label = (svc: Record<string, unknown>) => `${String(svc.name)}${svc.port === undefined ? '' : `:${String(svc.port)}`}`;

/** `prefix: /` matches every request: a route with only that condition is a default route. */
const catchAll = (c: unknown) => isRecord(c) && Object.keys(c).length === 1 && c.prefix === '/';

/** Whether a route's `conditions` narrow the requests it takes. */
export function hasContourConditions(conditions: unknown): boolean {
  return hasConditions(conditions) && !(Array.isArray(conditions) && conditions.every(catchAll));
}

/**
 * The canary service beside `stable`: route.canary's name, its port (else the
 * stable's, which the API requires), and the stable's `protocol` (h2, h2c,
 * tls), since the canary serves the same application on the same protocol.
 */
function newEntry(file: ManifestFile, rule: TrafficRule, stable: TrafficEntry, route: RouteConfig): NewEntry {
  const svc: Record<string, unknown> = { name: route.canary.name };
  const port = route.canary.port ?? stable.value.port;
  if (port !== undefined) svc.port = port;
  if (stable.value.protocol !== undefined) svc.protocol = stable.value.protocol;
  return { value: svc, flow: writtenFlow(file, rule.doc, stable.path) ? [[]] : [] };
}

function entriesOf(services: unknown[], at: (string | number)[], route: RouteConfig): TrafficEntry[] {
  return services.flatMap((svc, j) =>
    isRecord(svc) && svc.mirror !== true
      ? [{ path: [...at, j], value: svc, weight: svc.weight, stable: contourServiceMatches(svc, route.stable), canary: contourServiceMatches(svc, route.canary), label: label(svc) }]
      : [],
  );
}

function rulesOf(doc: ManifestDoc, route: RouteConfig): TrafficRule[] {
  const spec = isRecord(doc.value) ? doc.value.spec : undefined;
  if (!isRecord(spec)) return [];
  const routes = asArray(spec.routes).map((r, i): TrafficRule => {
    const services = asArray(isRecord(r) ? r.services : undefined);
    const list = ['spec', 'routes', i, 'services'];
    return { doc, path: ['spec', 'routes', i], list, size: services.length, matched: isRecord(r) && hasContourConditions(r.conditions), entries: entriesOf(services, list, route) };
  });
  if (!isRecord(spec.tcpproxy)) return routes;
  const services = asArray(spec.tcpproxy.services);
  const list = ['spec', 'tcpproxy', 'services'];
  return [...routes, { doc, path: ['spec', 'tcpproxy'], list, size: services.length, matched: false, entries: entriesOf(services, list, route) }];
}

/** Whether a weight is one Contour counts as nothing (absent or 0); a malformed one is left for the weight check to name. */
const unweighted = (e: TrafficEntry) => e.weight === undefined || e.weight === 0;

/**
 * Refuses a managed route none of whose services has a weight above 0: Contour
 * splits it evenly, which the weights as written do not say (a canary at
 * `weight: 0` would get its share), and writing stable and canary weights
 * would take the share of every other service.
 */
function refuseEvenSplit(file: ManifestFile, managed: ManagedRule[]): void {
  for (const { rule, stable, canary } of managed) {
    const n = rule.entries.length;
    if (!rule.entries.every(unweighted) || (n === 1 && stable.weight === undefined)) continue;
    const at = formatPath(rule.path);
    const doc = `HTTPProxy${rule.doc.name === undefined ? '' : ` ${rule.doc.name}`}`;
    const line = lineOf(file, rule.doc.index, n === 1 ? [...stable.path, 'weight'] : rule.path);
    const data = { rule: at, services: rule.entries.map((e) => e.label) };
    if (n === 1) {
      throw new RouterError(`${at} of ${doc}: the only service ${stable.label} has weight: 0, which Contour ignores (it gets all traffic)`, {
        where: { file: file.path, line },
        hint: `write weight: 100 on ${stable.label}, or remove its weight`,
        data,
      });
    }
    const why = `no service of ${at} of ${doc} has a weight above 0, so Contour splits its traffic evenly among its ${n} services`;
    if (canary) {
      throw new RouterError(`${why}: the canary ${canary.label} gets ${Math.round(100 / n)}% at rest`, {
        where: { file: file.path, line },
        hint: `write weight: 0 on ${canary.label} and a weight on every other service (e.g. weight: 100 on ${stable.label})`,
        data,
      });
    }
    throw new RouterError(`${why}; weighting ${stable.label} and the canary alone would send nothing to the others`, {
      where: { file: file.path, line },
      hint: `write a weight on each of ${rule.entries.map((e) => e.label).join(', ')} by hand (e.g. ${Math.floor(100 / n)} each)`,
      data,
    });
  }
}

function managed(file: ManifestFile, route: RouteConfig): ManagedRule[] {
  const docs = selectDocs(file, route, api);
  return findManaged(file, route, docs, docs.flatMap((d) => rulesOf(d, route)), api);
}

function weighed(file: ManifestFile, route: RouteConfig): ManagedRule[] {
  const m = managed(file, route);
  refuseEvenSplit(file, m);
  return m;
}

/** Contour router: moves every HTTPProxy route (and TCP proxy) whose services include both destinations. */
export const contour = {
  type: 'contour',
  kinds: KINDS,
  schema: splitRouteSchema('contour', { holds: 'HTTPProxy', kind: 'HTTPProxy', fields: ['port'], names: 'Service name of an HTTPProxy route (spec.routes[].services[].name).' }),
  templateProvider: 'envoy',
  read: (file: ManifestFile, route: RouteConfig): Weights => readManaged(file, weighed(file, route), api),
  plan: (file: ManifestFile, route: RouteConfig, canaryPercent: number) => planManaged(file, route, weighed(file, route), canaryPercent, api),
  owned: (file: ManifestFile, route: RouteConfig): unknown =>
    (ownedRules(managed(file, route)) as Record<string, unknown>[]).map((o) => (o.section === 'spec' ? { ...o, section: 'tcpproxy' } : o)),
} as const satisfies Router<SplitRoute>;
