/**
 * Istio VirtualService router (networking.istio.io v1, v1beta1, v1alpha3).
 *
 * Weights live on `spec.{http,tls,tcp}[].route[].weight`; a route names its
 * backend with `destination.host` (+ `subset`, `port.number`). Since Istio 1.15
 * weights are relative (`weight / sum`); an absent weight is 0 when the rule has
 * several routes, and a lone route takes all traffic (it counts as 100). Istio
 * 1.14 and older required a rule's weights to sum to 100: a step keeps the sum
 * (the canary's share is taken from the stable's, any other route keeps its
 * weight), and a rule of only stable and canary is written out of 100.
 * A canary absent at rest is added as a route beside the stable in the rules
 * without `match`, its `destination` written like the stable's.
 */
import type { ManifestDoc, ManifestFile } from '../manifests/types.ts';
import {
  asArray,
  findManaged,
  hasConditions,
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
import { splitRouteSchema } from './schema-parts.ts';
import type { Destination, Router, SplitRoute, Weights } from './types.ts';

type RouteConfig = SplitRoute;

const KINDS = ['VirtualService'] as const;
/** Route sections whose rules carry weighted `route` lists. */
const SECTIONS = ['http', 'tls', 'tcp'] as const;

const api: TrafficApi = {
  group: 'networking.istio.io',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  kinds: KINDS,
  kindLabel: 'VirtualService',
  entryNoun: 'route',
  matchKey: 'match',
  missingWeight: (entries) => (entries === 1 ? 100 : 0),
  canaryNeedsWeight: false,
  maxWeight: 2 ** 31 - 1,
  narrowBy: 'subset or port',
  newEntry,
};

/** A Kubernetes service reference parsed from a host: `svc`, `svc.ns`, `svc.ns.svc[.cluster.local]`. */
interface ServiceHost {
  service: string;
  namespace?: string;
}

const SERVICE_HOST = /^([^.]+)(?:\.([^.]+)(?:\.svc(?:\.cluster\.local)?)?)?$/;

function serviceHost(host: string): ServiceHost | undefined {
  const m = SERVICE_HOST.exec(host);
  return m ? { service: m[1]!, namespace: m[2] } : undefined;
}

/**
 * Whether `host` (written in a VirtualService of namespace `docNamespace`) names
 * destination `d`: the same name, or one of its in-cluster forms. A short host is
 * in the VirtualService's namespace; an unknown namespace on either side matches.
 */
export function hostMatches(host: string, d: Destination, docNamespace?: string): boolean {
  const h = serviceHost(host);
  const want = serviceHost(d.name);
  if (!h || !want) return host === d.name;
  if (h.service !== want.service) return false;
  const hostNs = h.namespace ?? docNamespace;
  const wantNs = d.namespace ?? want.namespace;
  return hostNs === undefined || wantNs === undefined || hostNs === wantNs;
}

function destinationMatches(dest: Record<string, unknown>, d: Destination, docNamespace?: string): boolean {
  if (typeof dest.host !== 'string' || !hostMatches(dest.host, d, docNamespace)) return false;
  if (d.subset !== undefined && dest.subset !== d.subset) return false;
  const port = isRecord(dest.port) ? dest.port.number : undefined;
  return d.port === undefined || port === d.port;
}

function label(dest: Record<string, unknown>): string {
  const port = isRecord(dest.port) ? dest.port.number : undefined;
  return `${String(dest.host)}${dest.subset === undefined ? '' : `/${String(dest.subset)}`}${port === undefined ? '' : `:${String(port)}`}`;
}

/**
 * The host of a canary route written beside `stableHost`: route.canary.name in
 * the stable host's form (`checkout-canary` beside `checkout-stable.shop.svc.cluster.local`
 * becomes `checkout-canary.shop.svc.cluster.local`), qualified when its namespace differs.
 */
export function canaryHost(stableHost: string, canary: Destination, docNamespace?: string): string {
  if (canary.name.includes('.')) return canary.name;
  const s = serviceHost(stableHost);
  const rest = s ? stableHost.slice(s.service.length) : '';
  const stableNs = s?.namespace ?? docNamespace;
  if (canary.namespace === undefined || stableNs === undefined || canary.namespace === stableNs) return canary.name + rest;
  return `${canary.name}.${canary.namespace}${rest.includes('.svc') ? rest.slice(rest.indexOf('.svc')) : '.svc.cluster.local'}`;
}

function newEntry(file: ManifestFile, rule: TrafficRule, stable: TrafficEntry, route: RouteConfig): NewEntry {
  const dest = isRecord(stable.value.destination) ? stable.value.destination : {};
  const destination: Record<string, unknown> = { host: canaryHost(String(dest.host), route.canary, rule.doc.namespace) };
  if (route.canary.subset !== undefined) destination.subset = route.canary.subset;
  const port = route.canary.port ?? (isRecord(dest.port) ? dest.port.number : undefined);
  if (port !== undefined) destination.port = { number: port };
  const at = [...stable.path, 'destination'];
  const flowPort = port !== undefined && isRecord(dest.port) && writtenFlow(file, rule.doc, [...at, 'port'], 'port');
  const flow = writtenFlow(file, rule.doc, at, 'destination') ? [['destination']] : flowPort ? [['destination', 'port']] : [];
  return { value: { destination }, flow };
}

function rulesOf(doc: ManifestDoc, route: RouteConfig): TrafficRule[] {
  const spec = isRecord(doc.value) ? doc.value.spec : undefined;
  if (!isRecord(spec)) return [];
  const ns = doc.namespace;
  return SECTIONS.flatMap((section) =>
    asArray(spec[section]).map((rule, i): TrafficRule => {
      const list = asArray(isRecord(rule) ? rule.route : undefined);
      return {
        doc,
        path: ['spec', section, i],
        list: ['spec', section, i, 'route'],
        size: list.length,
        matched: isRecord(rule) && hasConditions(rule.match),
        entries: list.flatMap((entry, j) => {
          const dest = isRecord(entry) ? entry.destination : undefined;
          if (!isRecord(entry) || !isRecord(dest)) return [];
          return [
            {
              path: ['spec', section, i, 'route', j],
              value: entry,
              weight: entry.weight,
              stable: destinationMatches(dest, route.stable, ns),
              canary: destinationMatches(dest, route.canary, ns),
              label: label(dest),
            },
          ];
        }),
      };
    }),
  );
}

function managed(file: ManifestFile, route: RouteConfig) {
  const docs = selectDocs(file, route, api);
  return findManaged(file, route, docs, docs.flatMap((d) => rulesOf(d, route)), api);
}

/** Istio VirtualService router: moves every http/tls/tcp rule that routes to both destinations. */
export const istio = {
  type: 'istio',
  kinds: KINDS,
  schema: splitRouteSchema('istio', { holds: 'VirtualService', kind: 'VirtualService', fields: ['port', 'subset', 'namespace'], names: 'Destination host (destination.host), short or fully qualified.' }),
  templateProvider: 'istio',
  read: (file: ManifestFile, route: RouteConfig): Weights => readManaged(file, managed(file, route), api),
  plan: (file: ManifestFile, route: RouteConfig, canaryPercent: number) => planManaged(file, route, managed(file, route), canaryPercent, api),
  owned: (file: ManifestFile, route: RouteConfig): unknown => ownedRules(managed(file, route)),
} as const satisfies Router<SplitRoute>;
