/**
 * SMI router: TrafficSplit of split.smi-spec.io v1alpha1 to v1alpha4 (Linkerd's
 * linkerd-smi extension, Open Service Mesh).
 *
 * A TrafficSplit sends the traffic of its root (apex) service `spec.service`
 * to `spec.backends[]`, each a `service` of the TrafficSplit's namespace with a
 * `weight`: the document is one rule, without match conditions unless
 * `spec.matches` (v1alpha3+) narrows it to some HTTPRouteGroup or TCPRoute
 * requests. `weight` is required by the spec; a backend without one counts 0
 * (the Go zero value the controllers read), so a weightless canary gets
 * nothing. v1alpha1 typed weights as Kubernetes quantities (`900m`): an
 * integer such as `900` is read like any weight, a quantity string is refused
 * with the integer weights in the same proportion to write instead, since
 * git-canary writes integers only.
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
import type { Router, SplitRoute, Weights } from './types.ts';

type RouteConfig = SplitRoute;

const KINDS = ['TrafficSplit'] as const;

const api: TrafficApi = {
  group: 'split.smi-spec.io',
  versions: ['v1alpha1', 'v1alpha2', 'v1alpha3', 'v1alpha4'],
  kinds: KINDS,
  kindLabel: 'TrafficSplit',
  entryNoun: 'backend',
  matchKey: 'matches',
  missingWeight: () => 0,
  canaryNeedsWeight: false,
  maxWeight: 2 ** 31 - 1,
  narrowBy: 'service name',
  newEntry,
};

function newEntry(file: ManifestFile, rule: TrafficRule, stable: TrafficEntry, route: RouteConfig): NewEntry {
  return { value: { service: route.canary.name }, flow: writtenFlow(file, rule.doc, stable.path) ? [[]] : [] };
}

function rulesOf(doc: ManifestDoc, route: RouteConfig): TrafficRule[] {
  const spec = isRecord(doc.value) ? doc.value.spec : undefined;
  if (!isRecord(spec)) return [];
  const backends = asArray(spec.backends);
  return [
    {
      doc,
      path: ['spec'],
      list: ['spec', 'backends'],
      size: backends.length,
      matched: hasConditions(spec.matches),
      entries: backends.flatMap((b, j) =>
        isRecord(b)
          ? [{ path: ['spec', 'backends', j], value: b, weight: b.weight, stable: b.service === route.stable.name, canary: b.service === route.canary.name, label: String(b.service) }]
          : [],
      ),
    },
  ];
}

/** A v1alpha1 quantity weight in thousandths (`900m` → 900, `1` → 1000); undefined when it is no plain or milli integer. */
function milli(w: unknown): number | undefined {
  if (typeof w === 'number') return Number.isInteger(w) ? w * 1000 : undefined;
  const m = typeof w === 'string' ? /^(\d+)(m?)$/.exec(w.trim()) : null;
  return m ? Number(m[1]) * (m[2] ? 1 : 1000) : undefined;
}

/** The same proportion in the smallest integers (`900, 100` → `9, 1`). */
function reduce(ws: number[]): number[] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = ws.reduce(gcd, 0) || 1;
  return ws.map((w) => w / g);
}

/**
 * Refuses quantity-string weights (`"900m"`, `"1"`) in a managed TrafficSplit,
 * naming the integer weights of the same split when every weight converts.
 */
function refuseQuantities(file: ManifestFile, managed: ManagedRule[]): void {
  for (const { rule } of managed) {
    const e = rule.entries.find((x) => typeof x.weight === 'string');
    if (!e) continue;
    const ws = rule.entries.map((x) => milli(x.weight ?? 0));
    const hint = ws.every((w) => w !== undefined)
      ? `write integer weights in the same proportion: ${reduce(ws as number[]).map((w, i) => `${rule.entries[i]!.label}: ${w}`).join(', ')}`
      : 'write every backend weight as an integer';
    const version = rule.doc.apiVersion?.split('/')[1];
    throw new RouterError(`weight ${JSON.stringify(e.weight)} of backend ${e.label} at ${formatPath(e.path)} is a quantity string${version === 'v1alpha1' ? ' (SMI v1alpha1)' : ''}; git-canary reads and writes integer weights only`, {
      where: { file: file.path, line: lineOf(file, rule.doc.index, [...e.path, 'weight']) },
      hint,
      data: { weight: e.weight },
    });
  }
}

/** A backend listed twice cannot be told apart by its service name. */
function refuseDuplicates(file: ManifestFile, rules: TrafficRule[], route: RouteConfig): void {
  for (const rule of rules) {
    for (const role of ['stable', 'canary'] as const) {
      const found = rule.entries.filter((e) => e[role]);
      if (found.length < 2) continue;
      const doc = `TrafficSplit${rule.doc.name === undefined ? '' : ` ${rule.doc.name}`}`;
      throw new RouterError(`backend ${route[role].name} is listed ${found.length} times in spec.backends of ${doc}`, {
        where: { file: file.path, line: lineOf(file, rule.doc.index, found[1]!.path) },
        hint: `list each backend service once in ${doc}`,
      });
    }
  }
}

function managed(file: ManifestFile, route: RouteConfig): ManagedRule[] {
  const docs = selectDocs(file, route, api);
  const rules = docs.flatMap((d) => rulesOf(d, route));
  refuseDuplicates(file, rules, route);
  return findManaged(file, route, docs, rules, api);
}

function weighed(file: ManifestFile, route: RouteConfig): ManagedRule[] {
  const m = managed(file, route);
  refuseQuantities(file, m);
  return m;
}

/** SMI router: moves the backends of the TrafficSplit naming both destinations. */
export const smi = {
  type: 'smi',
  kinds: KINDS,
  schema: splitRouteSchema('smi', { holds: 'TrafficSplit', kind: 'TrafficSplit', fields: [], names: 'Backend service name (spec.backends[].service), in the TrafficSplit\'s namespace.' }),
  // Linkerd's proxy metrics; Open Service Mesh runs Envoy, and its checks are written as PromQL.
  templateProvider: 'linkerd',
  read: (file: ManifestFile, route: RouteConfig): Weights => readManaged(file, weighed(file, route), api),
  plan: (file: ManifestFile, route: RouteConfig, canaryPercent: number) => planManaged(file, route, weighed(file, route), canaryPercent, api),
  owned: (file: ManifestFile, route: RouteConfig): unknown => (ownedRules(managed(file, route)) as Record<string, unknown>[]).map((o) => ({ ...o, section: 'spec' })),
} as const satisfies Router<SplitRoute>;
