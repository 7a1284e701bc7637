/**
 * What every weight-splitting router has in common: choosing the route documents,
 * finding the rules a service manages, the traffic arithmetic and planning the
 * edits. A plug-in only says where its rules and weights live, how a destination
 * matches and how a new canary entry is written.
 *
 * The rules a service manages are those naming both the stable and the canary
 * destination; when none does (the canary is absent at rest), the rules without
 * match conditions that route to the stable, where the canary is added at start.
 *
 * Arithmetic, per rule with weights summing to T of which the other entries hold
 * O: canary percent p is canary weight p*T/100 taken from the stable's, the other
 * entries never move; with no other entries the rule is written out of 100.
 */
import { RouterError } from '../errors.ts';
import { lineOf } from '../manifests/index.ts';
import type { DocEdits, EditOp, ManifestDoc, ManifestFile, YamlPath } from '../manifests/types.ts';
import type { Destination, RouteBase, SplitRoute as RouteConfig, Weights } from './types.ts';

/** One weighted entry of a rule: an Istio route destination, a Gateway API backendRef. */
export interface TrafficEntry {
  /** Path of the entry (the weight lives at `[...path, api.weightKey ?? 'weight']`). */
  path: YamlPath;
  /** The entry as written (`{destination: {...}, weight: 90}`). */
  value: Record<string, unknown>;
  /** The raw weight value, `undefined` when the field is absent. */
  weight: unknown;
  stable: boolean;
  canary: boolean;
  /** How the entry names its backend, for messages (`checkout.shop.svc.cluster.local/v2:8080`). */
  label: string;
}

/** One rule of a route document and its weighted entries. */
export interface TrafficRule {
  doc: ManifestDoc;
  /** Path of the rule (`['spec', 'http', 0]`). */
  path: YamlPath;
  /** Path of the rule's entry list (`['spec', 'http', 0, 'route']`) and how many items it has. */
  list: YamlPath;
  size: number;
  /** Whether the rule has match conditions (it is not a default route). */
  matched: boolean;
  entries: TrafficEntry[];
}

/** A new entry for the canary: its fields (without weight) and which of its maps to write in flow style. */
export interface NewEntry {
  value: Record<string, unknown>;
  /** Paths inside `value` of maps written `{…}` like the stable entry's (`[]` is the entry itself). */
  flow: YamlPath[];
}

/** Where a traffic API's route documents are, and how it words and weighs things. */
export interface TrafficApi {
  /** API group of the route documents (`networking.istio.io`). */
  group: string;
  /** Versions of the group this router understands; any other is an error. */
  versions: readonly string[];
  /** Kinds of route documents (`VirtualService`). */
  kinds: readonly string[];
  /** `VirtualService`, for messages. */
  kindLabel: string;
  /** `route` / `backendRef`, for messages and hints. */
  entryNoun: string;
  /** `match` / `matches`, for messages and hints. */
  matchKey: string;
  /** Weight of an entry without a `weight` field, given how many entries its rule has. */
  missingWeight(entries: number): number;
  /** Whether a canary entry without `weight` is refused (the API would count it as `missingWeight`). */
  canaryNeedsWeight: boolean;
  /** Largest weight the API accepts. */
  maxWeight: number;
  /** The field of an entry holding its weight: `weight` unless said (Knative's `percent`). */
  weightKey?: string;
  /** Destination fields that tell two entries of one service apart (`port or subset`), for hints. */
  narrowBy: string;
  /** The canary entry to add beside `stable` in `rule`, in the file's style. */
  newEntry(file: ManifestFile, rule: TrafficRule, stable: TrafficEntry, route: RouteConfig): NewEntry;
}

const keyOf = (api: TrafficApi) => api.weightKey ?? 'weight';

/** A rule this service manages: its stable entry and its canary entry (none yet when the canary is absent at rest). */
export interface ManagedRule {
  rule: TrafficRule;
  stable: TrafficEntry;
  canary?: TrafficEntry;
}

/** `checkout-canary (subset v2, port 9090, namespace shop)`. */
export function describeDestination(d: Destination): string {
  const extra = [
    d.subset === undefined ? '' : `subset ${d.subset}`,
    d.port === undefined ? '' : `port ${d.port}`,
    d.namespace === undefined ? '' : `namespace ${d.namespace}`,
  ].filter(Boolean);
  return extra.length ? `${d.name} (${extra.join(', ')})` : d.name;
}

/** `spec.http[0].route[1]` */
export function formatPath(path: YamlPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Whether a rule's match field holds conditions (absent or `[]` matches all requests). */
export function hasConditions(match: unknown): boolean {
  return match !== undefined && match !== null && !(Array.isArray(match) && match.length === 0);
}

/** Whether the line holding `path` in `doc` writes `key` as a flow map (`key: {…}`, or `- {…}` without a key). */
export function writtenFlow(file: ManifestFile, doc: ManifestDoc, path: YamlPath, key?: string): boolean {
  const line = file.text.split('\n')[lineOf(file, doc.index, path) - 1] ?? '';
  return (key === undefined ? /^\s*-\s*\{/ : new RegExp(`(^|[\\s{,-])${key}:\\s*\\{`)).test(line);
}

function fail(file: ManifestFile, line: number | undefined, message: string, hint: string, data?: Record<string, unknown>): never {
  throw new RouterError(message, { where: { file: file.path, line }, hint, data });
}

/** Throws RouterError unless `percent` is an integer from 0 to 100. */
export function validatePercent(file: ManifestFile, percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
    fail(file, undefined, `invalid canary percent ${percent}`, 'a canary step is an integer percent from 0 to 100', { percent });
  }
}

/**
 * The route documents of a file: those of `kinds` in `group`, narrowed to
 * `route.name` when given. An unsupported apiVersion of the group is an error,
 * not something silently skipped.
 */
export function selectDocs(file: ManifestFile, route: Pick<RouteBase, 'type' | 'name'>, api: TrafficApi): ManifestDoc[] {
  const { group, versions, kinds, kindLabel } = api;
  const docs = file.docs.filter((d) => d.kind !== undefined && kinds.includes(d.kind) && d.apiVersion?.split('/')[0] === group);
  for (const d of docs) {
    if (!versions.includes(d.apiVersion?.split('/')[1] ?? '')) {
      const supported = versions.map((v) => `${group}/${v}`).join(', ');
      fail(file, d.line, `unsupported apiVersion ${d.apiVersion} for ${d.kind}${d.name ? ` ${d.name}` : ''}`, `supported: ${supported}`);
    }
  }
  if (docs.length === 0) {
    const hint = `route.type ${route.type} edits ${kinds.join('/')} documents; check route.file and route.type`;
    fail(file, undefined, `no ${kindLabel} (${group}) in this file`, hint);
  }
  if (route.name === undefined) return docs;
  const named = docs.filter((d) => d.name === route.name);
  if (named.length === 0) {
    const found = docs.map((d) => d.name ?? '(unnamed)').join(', ');
    fail(file, undefined, `no ${kindLabel} named ${route.name}`, `found: ${found}; fix route.name or drop it`);
  }
  return named;
}

const where = (file: ManifestFile, rule: TrafficRule, path: YamlPath = rule.path) => lineOf(file, rule.doc.index, path);
const docLabel = (rule: TrafficRule, api: TrafficApi) => `${rule.doc.kind ?? api.kindLabel}${rule.doc.name === undefined ? '' : ` ${rule.doc.name}`}`;

/** The single entry of `rule` matching one role; RouterError when two do. */
function single(file: ManifestFile, rule: TrafficRule, role: 'stable' | 'canary', route: RouteConfig, api: TrafficApi): TrafficEntry | undefined {
  const found = rule.entries.filter((e) => e[role]);
  if (found.length > 1) {
    const labels = found.map((e) => e.label).join(', ');
    const message = `${found.length} ${api.entryNoun}s in ${formatPath(rule.path)} match the ${role} destination ${describeDestination(route[role])}: ${labels}`;
    fail(file, where(file, rule), message, `give route.${role} a ${api.narrowBy} to tell them apart`);
  }
  return found[0];
}

/**
 * The rules this service manages: those naming both destinations, else (the
 * canary absent at rest) the rules without match conditions that route to the
 * stable. Throws RouterError when there is none (pointing at a rule that names
 * one of them, with a hint) or when an entry cannot be told apart.
 */
export function findManaged(file: ManifestFile, route: RouteConfig, docs: ManifestDoc[], rules: TrafficRule[], api: TrafficApi): ManagedRule[] {
  for (const rule of rules) {
    for (const e of rule.entries) {
      if (e.stable && e.canary) {
        const both = `${describeDestination(route.stable)} and ${describeDestination(route.canary)}`;
        const hint = `narrow route.stable or route.canary (${api.narrowBy}) so each names one destination`;
        fail(file, where(file, rule, e.path), `${api.entryNoun} ${e.label} at ${formatPath(e.path)} matches both ${both}`, hint);
      }
    }
  }
  const managed: ManagedRule[] = [];
  for (const rule of rules) {
    if (!rule.entries.some((e) => e.stable) || !rule.entries.some((e) => e.canary)) continue;
    managed.push({ rule, stable: single(file, rule, 'stable', route, api)!, canary: single(file, rule, 'canary', route, api)! });
  }
  if (managed.length > 0) return managed;
  for (const rule of rules) {
    if (!rule.matched && rule.entries.some((e) => e.stable)) managed.push({ rule, stable: single(file, rule, 'stable', route, api)! });
  }
  if (managed.length > 0) return managed;

  const s = describeDestination(route.stable);
  const c = describeDestination(route.canary);
  const entries = rules.flatMap((r) => r.entries);
  const seen = [...new Set(entries.map((e) => e.label))];
  const found = `${api.entryNoun}s found: ${seen.slice(0, 8).join(', ') || 'none'}${seen.length > 8 ? ', …' : ''}`;
  const hasStable = entries.some((e) => e.stable);
  const hasCanary = entries.some((e) => e.canary);
  if (!hasStable && !hasCanary) {
    const message = `${s} and ${c} not found: no rule of the ${api.kindLabel} documents routes to either`;
    fail(file, docs[0]?.line, message, `check route.stable (${s}) and route.canary (${c}); ${found}`, { missing: [s, c] });
  }
  // Point at the first rule naming the stable (or, when the stable is missing, the canary).
  const rule = rules.find((r) => r.entries.some((e) => (hasStable ? e.stable : e.canary)))!;
  const at = formatPath(rule.path);
  if (hasStable) {
    const message = `no rule of ${docLabel(rule, api)} can take the canary ${c}: none routes to both ${s} and ${c}, and every rule routing to ${s} has ${api.matchKey} conditions (${at})`;
    const hint = `add a ${api.entryNoun} to ${c} with ${keyOf(api)}: 0 next to ${s} in ${at}, add a rule without ${api.matchKey} routing to ${s}, or fix route.canary (${found})`;
    fail(file, where(file, rule), message, hint, { missing: c });
  }
  const message = `${s} not found: no ${api.entryNoun} of ${docLabel(rule, api)} names the stable (${at} names ${c})`;
  fail(file, where(file, rule), message, `fix route.stable (${found}), or add a ${api.entryNoun} to ${s} next to ${c} in ${at}`, { missing: s });
}

/** The weight an entry counts for; RouterError when it is not an integer the API accepts. */
function weightOf(file: ManifestFile, rule: TrafficRule, e: TrafficEntry, api: TrafficApi): number {
  if (e.weight === undefined && e.canary && api.canaryNeedsWeight) {
    const w = api.missingWeight(rule.entries.length);
    const message = `canary ${api.entryNoun} ${e.label} at ${formatPath(e.path)} has no ${keyOf(api)}: the API counts it as ${w}, so it gets traffic at rest; write ${keyOf(api)}: 0`;
    fail(file, where(file, rule, e.path), message, `write ${keyOf(api)}: 0 on ${e.label} (git-canary sets it from there)`);
  }
  const w = e.weight === undefined ? api.missingWeight(rule.entries.length) : e.weight;
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > api.maxWeight) {
    const message = `${keyOf(api)} ${JSON.stringify(e.weight)} of ${e.label} is not an integer from 0 to ${api.maxWeight}`;
    fail(file, where(file, rule, [...e.path, keyOf(api)]), message, 'fix the weight by hand; git-canary writes integers only');
  }
  return w;
}

/** Stable, canary and total weight of a managed rule (canary 0 when absent). */
function split(file: ManifestFile, m: ManagedRule, api: TrafficApi): { s: number; c: number; total: number } {
  const total = m.rule.entries.reduce((sum, e) => sum + weightOf(file, m.rule, e, api), 0);
  return { s: weightOf(file, m.rule, m.stable, api), c: m.canary ? weightOf(file, m.rule, m.canary, api) : 0, total };
}

const pct = (x: number, total: number) => `${Math.round((x * 1000) / total) / 10}%`;

/**
 * The split of the managed rules, as percents of each rule's whole traffic
 * (stable + canary + the other entries = 100): exact when git-canary wrote the
 * weights, rounded to integers otherwise. All rules must send the same percent
 * to the canary; RouterError otherwise. The stable's percent is the first rule's.
 */
export function readManaged(file: ManifestFile, managed: ManagedRule[], api: TrafficApi): Weights {
  let first: { m: ManagedRule; s: number; c: number; total: number } | undefined;
  for (const m of managed) {
    const w = split(file, m, api);
    if (w.s + w.c === 0) {
      const names = m.canary ? `both ${m.stable.label} and ${m.canary.label}` : m.stable.label;
      fail(file, where(file, m.rule), `${formatPath(m.rule.path)} gives weight 0 to ${names}`, 'give the stable its weight back by hand');
    }
    if (!first) first = { m, ...w };
    else if (w.c * first.total !== first.c * w.total) {
      const a = `${formatPath(first.m.rule.path)} (line ${where(file, first.m.rule)}) sends ${pct(first.c, first.total)} to the canary`;
      const message = `rules disagree on the canary weight: ${a}, ${formatPath(m.rule.path)} sends ${pct(w.c, w.total)}`;
      fail(file, where(file, m.rule), message, 'make the rules agree by hand, or set route.name to the one document to manage');
    }
  }
  const { s, c, total } = first!;
  const canary = Math.round((c * 100) / total);
  const share = s + c === total ? 100 : Math.round(((s + c) * 100) / total);
  return { stable: share - canary, canary };
}

/** The new stable and canary weights of one rule for `percent`; RouterError when the stable cannot cover it. */
function target(file: ManifestFile, m: ManagedRule, percent: number, api: TrafficApi): { s: number; c: number } {
  const { s, c, total } = split(file, m, api);
  const others = total - s - c;
  if (others === 0) return { s: 100 - percent, c: percent };
  const at = `${formatPath(m.rule.path)} of ${docLabel(m.rule, api)}`;
  const data = { rule: formatPath(m.rule.path), percent, total, stable: s, canary: c, others };
  if ((percent * total) % 100 !== 0) {
    const unit = 100 / gcd(total, 100);
    const message = `${at}: canary ${percent}% of the rule's total weight ${total} is ${(percent * total) / 100}, not a whole weight`;
    const hint = `the other ${api.entryNoun}s keep their ${others}, so use steps that are multiples of ${unit}%, or scale every weight of ${formatPath(m.rule.path)} by ${100 / gcd(percent * total, 100)} by hand`;
    fail(file, where(file, m.rule), message, hint, data);
  }
  const want = (percent * total) / 100;
  if (want > s + c) {
    const message = `${at}: canary ${percent}% of the rule's total weight ${total} is ${want}, more than ${m.stable.label} (${s}) and the canary (${c}) hold; the other ${api.entryNoun}s keep their ${others}`;
    const hint = `git-canary takes the canary's share from the stable only: use steps up to ${Math.floor(((s + c) * 100) / total)}%, or move weight from the other ${api.entryNoun}s to ${m.stable.label} by hand`;
    fail(file, where(file, m.rule), message, hint, data);
  }
  return { s: s + c - want, c: want };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Ops adding `entry` (with `weight`) at the end of the rule's list; maps listed in `entry.flow` are written `{…}`. */
function addOps(rule: TrafficRule, entry: NewEntry, key: string, weight: number): EditOp[] {
  const base = [...rule.list, rule.size];
  const flows = entry.flow.map((p) => p.join('\0'));
  const fills: EditOp[] = [];
  const stub = (v: unknown, path: YamlPath): unknown => {
    if (!isRecord(v)) return v;
    if (!flows.includes(path.join('\0'))) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stub(x, [...path, k])]));
    fills.push(...Object.entries(v).map(([k, x]): EditOp => ({ op: 'set', path: [...base, ...path, k], value: x })));
    return {};
  };
  const value = stub({ ...entry.value, [key]: weight }, []);
  return [{ op: 'set', path: base, value }, ...fills];
}

/**
 * Edits setting the canary to `percent` of every managed rule: only the stable
 * and canary weights change (ops only for weights that differ); a canary absent
 * at rest is added beside the stable for `percent` > 0. RouterError when the
 * stable cannot cover the step or the step is not a whole weight.
 */
export function planManaged(file: ManifestFile, route: RouteConfig, managed: ManagedRule[], percent: number, api: TrafficApi): DocEdits[] {
  validatePercent(file, percent);
  const byDoc = new Map<number, EditOp[]>();
  for (const m of managed) {
    if (!m.canary && percent === 0) continue;
    const w = target(file, m, percent, api);
    const ops = byDoc.get(m.rule.doc.index) ?? [];
    if (Math.max(w.s, w.c) > api.maxWeight) {
      fail(file, where(file, m.rule), `${formatPath(m.rule.path)} would need weight ${Math.max(w.s, w.c)}, above the API's ${api.maxWeight}`, 'lower the weights of the rule by hand');
    }
    if (m.stable.weight !== w.s) ops.push({ op: 'set', path: [...m.stable.path, keyOf(api)], value: w.s });
    if (!m.canary) ops.push(...addOps(m.rule, api.newEntry(file, m.rule, m.stable, route), keyOf(api), w.c));
    else if (m.canary.weight !== w.c) ops.push({ op: 'set', path: [...m.canary.path, keyOf(api)], value: w.c });
    if (ops.length) byDoc.set(m.rule.doc.index, ops);
  }
  return [...byDoc].sort(([a], [b]) => a - b).map(([docIndex, ops]) => ({ docIndex, ops }));
}

/** The managed rules as written, with the document each is in: what a change to this service's routing changes. */
export function ownedRules(managed: ManagedRule[]): unknown {
  return managed.map(({ rule }) => {
    let v: unknown = rule.doc.value;
    for (const seg of rule.path) v = (v as Record<string | number, unknown>)[seg];
    return { document: `${rule.doc.kind}/${rule.doc.name ?? `#${rule.doc.index}`}`, section: String(rule.path.at(-2)), rule: structuredClone(v) };
  });
}
