/**
 * Traefik router: TraefikService of traefik.io/v1alpha1 and of the older
 * traefik.containo.us/v1alpha1 (Traefik v2 before 2.10), weighted round robin.
 *
 * Weights live on `spec.weighted.services[].weight`; the weighted list is the
 * document's one rule, without match conditions (the IngressRoute matches, the
 * TraefikService only splits), so a canary absent at rest is always added
 * there. A destination matches a service of kind Service (the default kind) by
 * `name`, and by `port` and `namespace` when the destination gives them (a
 * service without a namespace is in the TraefikService's). Entries of kind
 * TraefikService (nested WRR, mirroring) are other destinations: they keep
 * their weight. Traefik counts a service without `weight` as 1 and ignores a
 * weight of 0 or less (its WRR balancer's `Add`), so a canary without `weight`
 * would get traffic at rest: it is refused, like Gateway API's. Everything
 * else of the document (`sticky`, `healthCheck`, `mirroring`) is never touched.
 *
 * No templateProvider: Traefik's own metrics (`traefik_service_requests_total`
 * by its `service` label, `namespace-name-port@kubernetescrd`) are neither
 * Envoy's nor a mesh's, so the built-in templates would query series that do
 * not exist; checks are written as PromQL.
 */
import { RouterError } from '../errors.ts';
import type { ManifestDoc, ManifestFile } from '../manifests/types.ts';
import { splitRouteSchema } from './schema-parts.ts';
import {
  asArray,
  findManaged,
  isRecord,
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

const KINDS = ['TraefikService'] as const;
/** The current API group first: messages name it when a file has neither. */
const GROUPS = ['traefik.io', 'traefik.containo.us'] as const;

const api: TrafficApi = {
  group: GROUPS[0],
  versions: ['v1alpha1'],
  kinds: KINDS,
  kindLabel: 'TraefikService',
  entryNoun: 'service',
  matchKey: 'match',
  missingWeight: () => 1,
  canaryNeedsWeight: true,
  maxWeight: 2 ** 31 - 1,
  narrowBy: 'port or namespace',
  newEntry,
};

/** Whether weighted service `svc` of a TraefikService in namespace `docNamespace` names destination `d`. */
export function traefikServiceMatches(svc: Record<string, unknown>, d: Destination, docNamespace?: string): boolean {
  if ((svc.kind ?? 'Service') !== 'Service' || svc.name !== d.name) return false;
  if (d.port !== undefined && svc.port !== d.port) return false;
  if (d.namespace === undefined) return true;
  const ns = typeof svc.namespace === 'string' ? svc.namespace : docNamespace;
  return ns === undefined || ns === d.namespace;
}

function label(svc: Record<string, unknown>): string {
  const kind = (svc.kind ?? 'Service') === 'Service' ? '' : `${String(svc.kind)} `;
  const ns = typeof svc.namespace === 'string' ? `${svc.namespace}/` : '';
  return `${kind}${ns}${String(svc.name)}${svc.port === undefined ? '' : `:${String(svc.port)}`}`;
}

/** The canary beside `stable`: route.canary's name, its port (else the stable's) and namespace (else the stable's). */
function newEntry(file: ManifestFile, rule: TrafficRule, stable: TrafficEntry, route: RouteConfig): NewEntry {
  const svc: Record<string, unknown> = { name: route.canary.name };
  const ns = route.canary.namespace ?? stable.value.namespace;
  if (ns !== undefined && (stable.value.namespace !== undefined || ns !== rule.doc.namespace)) svc.namespace = ns;
  const port = route.canary.port ?? stable.value.port;
  if (port !== undefined) svc.port = port;
  return { value: svc, flow: writtenFlow(file, rule.doc, stable.path) ? [[]] : [] };
}

function rulesOf(doc: ManifestDoc, route: RouteConfig): TrafficRule[] {
  const spec = isRecord(doc.value) ? doc.value.spec : undefined;
  const weighted = isRecord(spec) ? spec.weighted : undefined;
  if (!isRecord(weighted)) return [];
  const list = asArray(weighted.services);
  return [
    {
      doc,
      path: ['spec', 'weighted'],
      list: ['spec', 'weighted', 'services'],
      size: list.length,
      matched: false,
      entries: list.flatMap((svc, j) =>
        isRecord(svc)
          ? [
              {
                path: ['spec', 'weighted', 'services', j],
                value: svc,
                weight: svc.weight,
                stable: traefikServiceMatches(svc, route.stable, doc.namespace),
                canary: traefikServiceMatches(svc, route.canary, doc.namespace),
                label: label(svc),
              },
            ]
          : [],
      ),
    },
  ];
}

/** TraefikServices of both API groups, in file order, narrowed to route.name. */
function traefikDocs(file: ManifestFile, route: RouteConfig): ManifestDoc[] {
  const present = GROUPS.filter((g) => file.docs.some((d) => d.kind === 'TraefikService' && d.apiVersion?.split('/')[0] === g));
  if (present.length === 0) return selectDocs(file, route, api);
  const docs = present.flatMap((group) => selectDocs(file, { ...route, name: undefined }, { ...api, group })).sort((a, b) => a.index - b.index);
  if (route.name === undefined) return docs;
  const named = docs.filter((d) => d.name === route.name);
  if (named.length === 0) {
    throw new RouterError(`no TraefikService named ${route.name}`, {
      where: { file: file.path },
      hint: `found: ${docs.map((d) => d.name ?? '(unnamed)').join(', ')}; fix route.name or drop it`,
    });
  }
  return named;
}

function managed(file: ManifestFile, route: RouteConfig) {
  const docs = traefikDocs(file, route);
  return findManaged(file, route, docs, docs.flatMap((d) => rulesOf(d, route)), api);
}

/** Traefik router: moves the weighted services of the TraefikService naming the stable. */
export const traefik = {
  type: 'traefik',
  kinds: KINDS,
  schema: splitRouteSchema('traefik', {
    holds: 'TraefikService (weighted)',
    kind: 'TraefikService',
    fields: ['port', 'namespace'],
    names: 'Kubernetes Service name of a weighted service (spec.weighted.services[].name).',
  }),
  read: (file: ManifestFile, route: RouteConfig): Weights => readManaged(file, managed(file, route), api),
  plan: (file: ManifestFile, route: RouteConfig, canaryPercent: number) => planManaged(file, route, managed(file, route), canaryPercent, api),
  owned: (file: ManifestFile, route: RouteConfig): unknown =>
    (ownedRules(managed(file, route)) as Record<string, unknown>[]).map((o) => ({ ...o, section: 'weighted' })),
} as const satisfies Router<SplitRoute>;
