/**
 * What every weight-splitting router has in common: choosing the route documents,
 * finding the "managed" rules (those naming both the stable and the canary
 * destination), reading one split from them and planning `set` edits.
 * A plug-in only says where its rules and weights live and how a destination matches.
 */
import { RouterError } from '../errors.ts';
import { lineOf } from '../manifests/index.ts';
import type { DocEdits, EditOp, ManifestDoc, ManifestFile, YamlPath } from '../manifests/types.ts';
import type { Destination, RouteConfig, Weights } from './types.ts';

/** One weighted entry of a rule: an Istio route destination, a Gateway API backendRef. */
export interface TrafficEntry {
  /** Path of the entry (the weight lives at `[...path, 'weight']`). */
  path: YamlPath;
  /** The raw `weight` value, `undefined` when the field is absent. */
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
  entries: TrafficEntry[];
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
  /** Weight of an entry without a `weight` field, given how many entries its rule has. */
  missingWeight(entries: number): number;
  /** Largest weight the API accepts. */
  maxWeight: number;
  /** Destination fields that tell two entries of one service apart (`port or subset`), for hints. */
  narrowBy: string;
}

/** A rule naming both destinations, with the index of each in `rule.entries`. */
export interface ManagedRule {
  rule: TrafficRule;
  stable: TrafficEntry;
  canary: TrafficEntry;
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

function fail(file: ManifestFile, line: number | undefined, message: string, hint: string, data?: Record<string, unknown>): never {
  throw new RouterError(message, { where: { file: file.path, line }, hint, data });
}

/** Throws RouterError unless `w` holds integers in 0..100 that sum to 100. */
export function validateWeights(file: ManifestFile, w: Weights): void {
  const ok = (n: number) => Number.isInteger(n) && n >= 0 && n <= 100;
  if (!ok(w.stable) || !ok(w.canary) || w.stable + w.canary !== 100) {
    const message = `invalid weights stable ${w.stable} / canary ${w.canary}`;
    fail(file, undefined, message, 'weights are integers from 0 to 100 that sum to 100', { weights: w });
  }
}

/**
 * The route documents of a file: those of `kinds` in `group`, narrowed to
 * `route.name` when given. An unsupported apiVersion of the group is an error,
 * not something silently skipped.
 */
export function selectDocs(file: ManifestFile, route: RouteConfig, api: TrafficApi): ManifestDoc[] {
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

/**
 * The rules naming both destinations. Throws RouterError when there is none
 * (pointing at a rule that names one of them, with a hint to add the other) or
 * when an entry cannot be told apart (matches both, or a rule has two matches).
 */
export function findManaged(file: ManifestFile, route: RouteConfig, docs: ManifestDoc[], rules: TrafficRule[], api: TrafficApi): ManagedRule[] {
  const managed: ManagedRule[] = [];
  for (const rule of rules) {
    for (const e of rule.entries) {
      if (e.stable && e.canary) {
        const both = `${describeDestination(route.stable)} and ${describeDestination(route.canary)}`;
        const hint = `narrow route.stable or route.canary (${api.narrowBy}) so each names one destination`;
        fail(file, where(file, rule, e.path), `${api.entryNoun} ${e.label} at ${formatPath(e.path)} matches both ${both}`, hint);
      }
    }
    const stable = rule.entries.filter((e) => e.stable);
    const canary = rule.entries.filter((e) => e.canary);
    if (stable.length === 0 || canary.length === 0) continue;
    for (const [role, found, d] of [['stable', stable, route.stable], ['canary', canary, route.canary]] as const) {
      if (found.length > 1) {
        const labels = found.map((e) => e.label).join(', ');
        const message = `${found.length} ${api.entryNoun}s in ${formatPath(rule.path)} match the ${role} destination ${describeDestination(d)}: ${labels}`;
        fail(file, where(file, rule), message, `give route.${role} a ${api.narrowBy} to tell them apart`);
      }
    }
    managed.push({ rule, stable: stable[0]!, canary: canary[0]! });
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
    fail(file, docs[0]?.line, message, `check route.stable and route.canary (${found})`, { missing: [s, c] });
  }
  // Point at the first rule naming the stable (or, when the stable is missing, the canary).
  const rule = rules.find((r) => r.entries.some((e) => (hasStable ? e.stable : e.canary)))!;
  const at = formatPath(rule.path);
  const docLabel = `${rule.doc.kind ?? api.kindLabel}${rule.doc.name === undefined ? '' : ` ${rule.doc.name}`}`;
  if (hasStable && hasCanary) {
    const message = `no rule of ${docLabel} routes to both ${s} and ${c}`;
    const hint = `add a ${api.entryNoun} to ${c} with weight: 0 next to ${s} in ${at}, or check route.stable and route.canary (${found})`;
    fail(file, where(file, rule), message, hint, { missing: c });
  }
  const [role, missing, present] = hasStable ? ['canary', c, s] : ['stable', s, c];
  const hint = hasStable
    ? `add a ${api.entryNoun} to ${c} with weight: 0 next to ${s} in ${at}, or fix route.canary (${found})`
    : `fix route.stable (${found}), or add a ${api.entryNoun} to ${s} next to ${c} in ${at}`;
  fail(file, where(file, rule), `${missing} not found: no ${api.entryNoun} of ${docLabel} names the ${role} (${at} names ${present})`, hint, { missing });
}

function weightOf(file: ManifestFile, m: ManagedRule, e: TrafficEntry, api: TrafficApi): number {
  const w = e.weight === undefined ? api.missingWeight(m.rule.entries.length) : e.weight;
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > api.maxWeight) {
    const message = `weight ${JSON.stringify(e.weight)} of ${e.label} is not an integer from 0 to ${api.maxWeight}`;
    fail(file, where(file, m.rule, [...e.path, 'weight']), message, 'fix the weight by hand; git-canary writes integers only');
  }
  return w;
}

/**
 * The split of the managed rules, as percentages of stable+canary (other
 * entries of a rule are ignored). All rules must agree; RouterError otherwise.
 */
export function readManaged(file: ManifestFile, managed: ManagedRule[], api: TrafficApi): Weights {
  let first: { m: ManagedRule; s: number; c: number } | undefined;
  for (const m of managed) {
    const s = weightOf(file, m, m.stable, api);
    const c = weightOf(file, m, m.canary, api);
    if (s + c === 0) {
      const message = `${formatPath(m.rule.path)} gives weight 0 to both ${m.stable.label} and ${m.canary.label}`;
      fail(file, where(file, m.rule), message, 'set the stable weight to 100 by hand');
    }
    if (!first) first = { m, s, c };
    else if (s * first.c !== c * first.s) {
      const pct = (x: number, y: number) => `${Math.round((y * 1000) / (x + y)) / 10}%`;
      const a = `${formatPath(first.m.rule.path)} (line ${where(file, first.m.rule)}) sends ${pct(first.s, first.c)} to the canary`;
      const message = `rules disagree on the canary weight: ${a}, ${formatPath(m.rule.path)} sends ${pct(s, c)}`;
      fail(file, where(file, m.rule), message, 'make the rules agree by hand, or set route.name to the one document to manage');
    }
  }
  const { s, c } = first!;
  const canary = Math.round((c * 100) / (s + c));
  return { stable: 100 - canary, canary };
}

/** `set` ops giving every managed rule `w` (stable 100-w, canary w); unchanged weights get no op. */
export function planManaged(file: ManifestFile, managed: ManagedRule[], w: Weights): DocEdits[] {
  validateWeights(file, w);
  const byDoc = new Map<number, EditOp[]>();
  for (const m of managed) {
    for (const [e, value] of [[m.stable, w.stable], [m.canary, w.canary]] as const) {
      if (e.weight === value) continue;
      const ops = byDoc.get(m.rule.doc.index) ?? [];
      ops.push({ op: 'set', path: [...e.path, 'weight'], value });
      byDoc.set(m.rule.doc.index, ops);
    }
  }
  return [...byDoc].sort(([a], [b]) => a - b).map(([docIndex, ops]) => ({ docIndex, ops }));
}
