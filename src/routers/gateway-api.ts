/**
 * Gateway API router: HTTPRoute and GRPCRoute of gateway.networking.k8s.io
 * (v1, v1beta1, v1alpha2).
 *
 * Weights live on `spec.rules[].backendRefs[].weight`; an absent weight is 1
 * (the API default), so two refs without weights split 50/50 — which is why a
 * canary ref without `weight` is refused: it would get traffic at rest. A
 * destination matches a backendRef of kind Service (the default kind, core
 * group) by `name`, and by `port` and `namespace` when the destination gives
 * them (a ref without a namespace is in the route's namespace). Refs of other
 * kinds never match. Stable and canary may be any two services, e.g.
 * `auth-proxy:8443` and `canary-gateway:9090`. A step takes the canary's share
 * from the stable's and leaves every other ref's weight as written; a rule of
 * only stable and canary is written out of 100 (`weight: 1` becomes 100). A
 * canary absent at rest is added as a ref beside the stable in the rules
 * without `matches`.
 */
import { RouterError } from '../errors.ts';
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

const KINDS = ['HTTPRoute', 'GRPCRoute'] as const;

const api: TrafficApi = {
  group: 'gateway.networking.k8s.io',
  versions: ['v1', 'v1beta1', 'v1alpha2'],
  kinds: KINDS,
  kindLabel: 'HTTPRoute/GRPCRoute',
  entryNoun: 'backendRef',
  matchKey: 'matches',
  missingWeight: () => 1,
  canaryNeedsWeight: true,
  maxWeight: 1_000_000,
  narrowBy: 'port or namespace',
  newEntry,
};

/** Whether backendRef `ref` of a route in namespace `docNamespace` names destination `d`. */
export function backendRefMatches(ref: Record<string, unknown>, d: Destination, docNamespace?: string): boolean {
  if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') return false;
  if (ref.name !== d.name) return false;
  if (d.port !== undefined && ref.port !== d.port) return false;
  if (d.namespace === undefined) return true;
  const ns = typeof ref.namespace === 'string' ? ref.namespace : docNamespace;
  return ns === undefined || ns === d.namespace;
}

function label(ref: Record<string, unknown>): string {
  const ns = typeof ref.namespace === 'string' ? `${ref.namespace}/` : '';
  const kind = (ref.kind ?? 'Service') === 'Service' ? '' : `${String(ref.kind)} `;
  return `${kind}${ns}${String(ref.name)}${ref.port === undefined ? '' : `:${String(ref.port)}`}`;
}

/** The canary ref beside `stable`: route.canary's name, its port (else the stable's) and namespace (else the stable's). */
function newEntry(file: ManifestFile, rule: TrafficRule, stable: TrafficEntry, route: RouteConfig): NewEntry {
  const ref: Record<string, unknown> = { name: route.canary.name };
  const port = route.canary.port ?? stable.value.port;
  if (port !== undefined) ref.port = port;
  const ns = route.canary.namespace ?? stable.value.namespace;
  if (ns !== undefined && (stable.value.namespace !== undefined || ns !== rule.doc.namespace)) ref.namespace = ns;
  return { value: ref, flow: writtenFlow(file, rule.doc, stable.path) ? [[]] : [] };
}

function rulesOf(doc: ManifestDoc, route: RouteConfig): TrafficRule[] {
  const spec = isRecord(doc.value) ? doc.value.spec : undefined;
  if (!isRecord(spec)) return [];
  return asArray(spec.rules).map((rule, i): TrafficRule => {
    const list = asArray(isRecord(rule) ? rule.backendRefs : undefined);
    return {
      doc,
      path: ['spec', 'rules', i],
      list: ['spec', 'rules', i, 'backendRefs'],
      size: list.length,
      matched: isRecord(rule) && hasConditions(rule.matches),
      entries: list.flatMap((ref, j) =>
        isRecord(ref)
          ? [
              {
                path: ['spec', 'rules', i, 'backendRefs', j],
                value: ref,
                weight: ref.weight,
                stable: backendRefMatches(ref, route.stable, doc.namespace),
                canary: backendRefMatches(ref, route.canary, doc.namespace),
                label: label(ref),
              },
            ]
          : [],
      ),
    };
  });
}

function managed(file: ManifestFile, route: RouteConfig) {
  for (const [role, d] of [['stable', route.stable], ['canary', route.canary]] as const) {
    if (d.subset !== undefined) {
      throw new RouterError(`route.${role} ${d.name} has subset ${d.subset}, which Gateway API backendRefs do not have`, {
        where: { file: file.path },
        hint: 'subsets are an Istio notion; name the Service (and port) of each version instead',
      });
    }
  }
  const docs = selectDocs(file, route, api);
  return findManaged(file, route, docs, docs.flatMap((d) => rulesOf(d, route)), api);
}

/** Gateway API router: moves every HTTPRoute/GRPCRoute rule whose backendRefs include both destinations. */
export const gatewayApi = {
  type: 'gateway-api',
  kinds: KINDS,
  schema: splitRouteSchema('gateway-api', { holds: 'HTTPRoute or GRPCRoute', kind: 'HTTPRoute or GRPCRoute', fields: ['port', 'namespace'], names: 'backendRef name (a Service).' }),
  templateProvider: 'envoy',
  read: (file: ManifestFile, route: RouteConfig): Weights => readManaged(file, managed(file, route), api),
  plan: (file: ManifestFile, route: RouteConfig, canaryPercent: number) => planManaged(file, route, managed(file, route), canaryPercent, api),
  owned: (file: ManifestFile, route: RouteConfig): unknown => ownedRules(managed(file, route)),
} as const satisfies Router<SplitRoute>;
