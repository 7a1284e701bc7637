/**
 * Istio VirtualService router (networking.istio.io v1, v1beta1, v1alpha3).
 *
 * Weights live on `spec.{http,tls,tcp}[].route[].weight`; a route names its
 * backend with `destination.host` (+ `subset`, `port.number`). Since Istio 1.15
 * weights are relative (`weight / sum`); an absent weight is 0 when the rule has
 * several routes, and a lone route takes all traffic. The canary percentage is
 * computed over the stable and canary routes only; any other route of a managed
 * rule (a mirror-like third version) keeps its weight untouched. Istio 1.14 and
 * older required the weights of a rule to sum to 100, which such a third route
 * breaks.
 */
import type { ManifestDoc, ManifestFile } from '../manifests/types.ts';
import { asArray, findManaged, isRecord, planManaged, readManaged, selectDocs, type TrafficApi, type TrafficRule } from './shared.ts';
import type { Destination, RouteConfig, Router, Weights } from './types.ts';

const KINDS = ['VirtualService'] as const;
/** Route sections whose rules carry weighted `route` lists. */
const SECTIONS = ['http', 'tls', 'tcp'] as const;

const api: TrafficApi = {
  group: 'networking.istio.io',
  versions: ['v1', 'v1beta1', 'v1alpha3'],
  kinds: KINDS,
  kindLabel: 'VirtualService',
  entryNoun: 'route',
  missingWeight: (entries) => (entries === 1 ? 100 : 0),
  maxWeight: 2 ** 31 - 1,
  narrowBy: 'subset or port',
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

function rulesOf(doc: ManifestDoc, route: RouteConfig): TrafficRule[] {
  const spec = isRecord(doc.value) ? doc.value.spec : undefined;
  if (!isRecord(spec)) return [];
  const ns = doc.namespace;
  return SECTIONS.flatMap((section) =>
    asArray(spec[section]).map((rule, i) => ({
      doc,
      path: ['spec', section, i],
      entries: asArray(isRecord(rule) ? rule.route : undefined).flatMap((entry, j) => {
        const dest = isRecord(entry) ? entry.destination : undefined;
        if (!isRecord(entry) || !isRecord(dest)) return [];
        return [
          {
            path: ['spec', section, i, 'route', j],
            weight: entry.weight,
            stable: destinationMatches(dest, route.stable, ns),
            canary: destinationMatches(dest, route.canary, ns),
            label: label(dest),
          },
        ];
      }),
    })),
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
  read: (file: ManifestFile, route: RouteConfig): Weights => readManaged(file, managed(file, route), api),
  plan: (file: ManifestFile, route: RouteConfig, weights: Weights) => planManaged(file, managed(file, route), weights),
} satisfies Router;
