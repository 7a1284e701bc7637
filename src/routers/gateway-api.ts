/**
 * Gateway API router: HTTPRoute and GRPCRoute of gateway.networking.k8s.io
 * (v1, v1beta1, v1alpha2).
 *
 * Weights live on `spec.rules[].backendRefs[].weight`; an absent weight is 1
 * (the API default), so two refs without weights split 50/50. A destination
 * matches a backendRef of kind Service (the default kind, core group) by `name`,
 * and by `port` and `namespace` when the destination gives them (a ref without
 * a namespace is in the route's namespace). Refs of other kinds never match.
 * Stable and canary may be any two services, e.g. `auth-proxy:8443` and
 * `canary-gateway:9090`; the canary percentage is computed over those two refs
 * only; writing sets stable 100-w and canary w. Any other ref of the rule (a
 * third backend) keeps its weight as written, so its share of the rule's traffic
 * stays the same only when stable+canary already summed to 100.
 */
import { RouterError } from '../errors.ts';
import type { ManifestDoc, ManifestFile } from '../manifests/types.ts';
import { asArray, findManaged, isRecord, planManaged, readManaged, selectDocs, type TrafficApi, type TrafficRule } from './shared.ts';
import type { Destination, RouteConfig, Router, Weights } from './types.ts';

const KINDS = ['HTTPRoute', 'GRPCRoute'] as const;

const api: TrafficApi = {
  group: 'gateway.networking.k8s.io',
  versions: ['v1', 'v1beta1', 'v1alpha2'],
  kinds: KINDS,
  kindLabel: 'HTTPRoute/GRPCRoute',
  entryNoun: 'backendRef',
  missingWeight: () => 1,
  maxWeight: 1_000_000,
  narrowBy: 'port or namespace',
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

function rulesOf(doc: ManifestDoc, route: RouteConfig): TrafficRule[] {
  const spec = isRecord(doc.value) ? doc.value.spec : undefined;
  if (!isRecord(spec)) return [];
  return asArray(spec.rules).map((rule, i) => ({
    doc,
    path: ['spec', 'rules', i],
    entries: asArray(isRecord(rule) ? rule.backendRefs : undefined).flatMap((ref, j) =>
      isRecord(ref)
        ? [
            {
              path: ['spec', 'rules', i, 'backendRefs', j],
              weight: ref.weight,
              stable: backendRefMatches(ref, route.stable, doc.namespace),
              canary: backendRefMatches(ref, route.canary, doc.namespace),
              label: label(ref),
            },
          ]
        : [],
    ),
  }));
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
  read: (file: ManifestFile, route: RouteConfig): Weights => readManaged(file, managed(file, route), api),
  plan: (file: ManifestFile, route: RouteConfig, weights: Weights) => planManaged(file, managed(file, route), weights),
} satisfies Router;
