/**
 * Matching by meaning: the one table of Kubernetes merge keys and the key of a
 * list item; the merge rules built on them (inside the pod template the
 * candidate wins, elsewhere changes are carried three-way) and their check,
 * written apart against the result; and a minimal RFC 6902 diff that walks
 * keyed lists by key, so a changed image is one `replace` of that scalar and a
 * new env entry one `add` at its index, whatever order the canary keeps.
 */
import type { Operation } from 'fast-json-patch';

/** What identifies an item of a list: the fields that together form its key. */
export interface MergeKey {
  fields: readonly string[];
  /** The value Kubernetes gives a missing key field (a port's protocol is TCP). */
  defaults?: Readonly<Record<string, string>>;
}

/**
 * Lists matched item by item, by the name of the field holding the list
 * (wherever it sits: a pod spec, a container, a Helm values file). Kubernetes'
 * strategic-merge keys, plus kustomization `images` by `name`. Every other list
 * (`args`, `command`, `tolerations`, `envFrom`, …) is atomic: replaced whole
 * when it differs. A keyed list where some item lacks its key, or two items
 * share one, is atomic too.
 */
export const MERGE_KEYS = {
  containers: { fields: ['name'] },
  initContainers: { fields: ['name'] },
  ephemeralContainers: { fields: ['name'] },
  env: { fields: ['name'] },
  volumes: { fields: ['name'] },
  imagePullSecrets: { fields: ['name'] },
  ports: { fields: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } },
  volumeMounts: { fields: ['mountPath'] },
  volumeDevices: { fields: ['devicePath'] },
  hostAliases: { fields: ['ip'] },
  images: { fields: ['name'] },
} as const satisfies Record<string, MergeKey>;

type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The merge key of a list held by `field`, or undefined when that list is atomic. */
export function mergeKeyOf(field: string | undefined): MergeKey | undefined {
  return field !== undefined && Object.hasOwn(MERGE_KEYS, field) ? MERGE_KEYS[field as keyof typeof MERGE_KEYS] : undefined;
}

/**
 * An item's key as written in pointers: the key field's value (`app`,
 * `/var/log`); for several fields the values joined by `/`, leaving out
 * trailing fields at their default (`8080` for TCP, `53/UDP`). Undefined when
 * the item is not a mapping or lacks a key field.
 */
export function itemKey(key: MergeKey, item: unknown): string | undefined {
  if (!isObj(item)) return undefined;
  const parts: string[] = [];
  for (const f of key.fields) {
    const v = item[f] ?? key.defaults?.[f];
    if (!((typeof v === 'string' && v !== '') || typeof v === 'number')) return undefined;
    parts.push(String(v));
  }
  while (parts.length > 1 && key.defaults?.[key.fields[parts.length - 1]!] === parts.at(-1)) parts.pop();
  return parts.join('/');
}

/**
 * The keys of each list's items, or undefined when the lists are to be treated
 * as atomic: the field has no merge key, or one of the lists has an item
 * without a key or a key twice. Non-arrays count as empty lists.
 */
export function listKeys(field: string | undefined, ...lists: unknown[]): string[][] | undefined {
  const key = mergeKeyOf(field);
  if (!key) return undefined;
  const out: string[][] = [];
  for (const list of lists) {
    const items = Array.isArray(list) ? list : [];
    const keys = items.map((item) => itemKey(key, item));
    if (keys.some((k) => k === undefined) || new Set(keys).size !== keys.length) return undefined;
    out.push(keys as string[]);
  }
  return out;
}

/** Structural equality of JSON data; mapping key order does not matter. */
export function deepEq(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEq(x, b[i]));
  }
  if (!isObj(a) || !isObj(b)) return false;
  const ka = Object.keys(a).filter((k) => a[k] !== undefined);
  const kb = Object.keys(b).filter((k) => b[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEq(a[k], b[k]));
}

/** One JSON pointer segment (`~` → `~0`, `/` → `~1`). */
export const escapeSegment = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** A JSON pointer from segments. */
export const toPointer = (segs: readonly (string | number)[]): string => segs.map((s) => `/${escapeSegment(String(s))}`).join('');

/**
 * RFC 6902 ops that turn `from` into `to`, at the deepest place that differs.
 * Ops are sequential: each index refers to the array as the previous ops left
 * it. Keyed lists are walked by key: removals first (from the end), then the
 * target order, recursing into kept items and adding new ones at their index;
 * when the surviving items would have to change order, the list is replaced.
 * A list without keys is walked item by item when its length stays, else replaced.
 * `field` names the key holding `from`, for the merge-key lookup.
 */
export function diffOps(from: unknown, to: unknown, pointer = '', field?: string, out: Operation[] = []): Operation[] {
  if (deepEq(from, to)) return out;
  if (isObj(from) && isObj(to)) {
    for (const k of Object.keys(from)) {
      if (from[k] !== undefined && to[k] === undefined) out.push({ op: 'remove', path: `${pointer}/${escapeSegment(k)}` });
    }
    for (const [k, v] of Object.entries(to)) {
      if (v === undefined) continue;
      const path = `${pointer}/${escapeSegment(k)}`;
      if (from[k] === undefined) out.push({ op: 'add', path, value: v });
      else diffOps(from[k], v, path, k, out);
    }
    return out;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const keys = listKeys(field, from, to);
    if (keys && diffKeyed(from, to, keys[0]!, keys[1]!, pointer, out)) return out;
    // A list without merge keys, of the same length: item by item (the ops apply to this same `from`, so positions are exact).
    if (!keys && from.length === to.length) {
      from.forEach((item, i) => {
        diffOps(item, to[i], `${pointer}/${i}`, undefined, out);
      });
      return out;
    }
  }
  out.push({ op: 'replace', path: pointer, value: to });
  return out;
}

/** The keyed walk of `diffOps`; false (and no ops) when surviving items change order. */
function diffKeyed(from: unknown[], to: unknown[], fromKeys: string[], toKeys: string[], pointer: string, out: Operation[]): boolean {
  const toIndex = new Map(toKeys.map((k, i) => [k, i]));
  const fromIndex = new Map(fromKeys.map((k, i) => [k, i]));
  const survivors = fromKeys.filter((k) => toIndex.has(k));
  const common = toKeys.filter((k) => fromIndex.has(k));
  if (survivors.some((k, i) => k !== common[i])) return false;
  for (let i = fromKeys.length - 1; i >= 0; i--) {
    if (!toIndex.has(fromKeys[i]!)) out.push({ op: 'remove', path: `${pointer}/${i}` });
  }
  toKeys.forEach((k, i) => {
    const j = fromIndex.get(k);
    if (j === undefined) out.push({ op: 'add', path: `${pointer}/${i}`, value: to[i] });
    else diffOps(from[j], to[i], `${pointer}/${i}`, undefined, out);
  });
  return true;
}

/**
 * Merge three keyed lists into the canary's new list. `pick(c, p, n, key)` gives
 * the new value of each item (undefined drops it); items are visited for every
 * key of the canary and of the candidate. The canary's items keep their order;
 * a new item goes right after the nearest item before it in the candidate's
 * list that the result holds, at the start when it is the candidate's first,
 * else at the end.
 */
export function mergeKeyed(
  canary: readonly unknown[],
  production: readonly unknown[],
  candidate: readonly unknown[],
  keys: readonly string[][],
  pick: (c: unknown, p: unknown, n: unknown, key: string) => unknown,
): unknown[] {
  const [ck, pk, nk] = keys as [string[], string[], string[]];
  const pIndex = new Map(pk.map((k, i) => [k, i]));
  const nIndex = new Map(nk.map((k, i) => [k, i]));
  const at = (list: readonly unknown[], index: Map<string, number>, k: string) => {
    const i = index.get(k);
    return i === undefined ? undefined : list[i];
  };
  const out: { key: string; value: unknown }[] = [];
  ck.forEach((k, i) => {
    const v = pick(canary[i], at(production, pIndex, k), at(candidate, nIndex, k), k);
    if (v !== undefined) out.push({ key: k, value: v });
  });
  const inCanary = new Set(ck);
  nk.forEach((k, i) => {
    if (inCanary.has(k)) return;
    const v = pick(undefined, at(production, pIndex, k), candidate[i], k);
    if (v === undefined) return;
    let pos = i === 0 ? 0 : out.length;
    for (let j = i - 1; j >= 0; j--) {
      const found = out.findIndex((o) => o.key === nk[j]);
      if (found >= 0) {
        pos = found + 1;
        break;
      }
    }
    out.splice(pos, 0, { key: k, value: v });
  });
  return out.map((o) => o.value);
}

// ---- merging by meaning ----------------------------------------------------
// Three values per place: the canary's (c), production's release (p) and the
// candidate's (n); `sem` is the place as pointer segments, `field` the key
// holding the value (for the merge-key lookup; undefined for a list item).

/** A pointer as segments: mapping keys, and merge-key values through keyed lists. */
export type Path = readonly string[];
/** Where a value sits in a document: mapping keys and list indexes. */
export type At = readonly (string | number)[];

/** Paths never written, and the pod template (absent for values and kustomizations). */
export interface Rules {
  kept: Path[];
  template?: Path;
}

/** A place where the canary does not carry the candidate: its pointer, where it is, what was expected and found. */
export interface Miss {
  sem: Path;
  at: At;
  expected: unknown;
  actual: unknown;
}

/** Dispatch by place: the pod template (candidate wins), its ancestors (walk), elsewhere (carry changes). */
export function merged(r: Rules, c: unknown, p: unknown, n: unknown, sem: Path, field?: string): unknown {
  if (isKept(r, sem)) return c;
  const t = r.template;
  if (t && sem.length === t.length && isPrefix(sem, t)) return win(r, c, p, n, sem, field);
  if (t && sem.length < t.length && isPrefix(sem, t) && isObj(n)) {
    const base = isObj(c) ? c : {};
    return objectOf(union(Object.keys(base), keysOf(p), Object.keys(n)), (k) => merged(r, own(base, k), own(p, k), own(n, k), [...sem, k], k));
  }
  return carry(r, c, p, n, sem, field);
}

/** Candidate wins: its fields and items with its values; the canary's own stay; what production had and the candidate dropped goes. */
export function win(r: Rules, c: unknown, p: unknown, n: unknown, sem: Path, field?: string): unknown {
  if (isKept(r, sem)) return c;
  if (n === undefined) return p === undefined ? c : dropped(c, p, field, (ci, pi, k, f) => win(r, ci, pi, undefined, [...sem, k], f));
  if (isObj(n)) {
    const base = isObj(c) ? c : {};
    return objectOf(union(Object.keys(base), Object.keys(n)), (k) => win(r, own(base, k), own(p, k), own(n, k), [...sem, k], k));
  }
  if (Array.isArray(n)) {
    const base = Array.isArray(c) ? c : [];
    const pl = Array.isArray(p) ? p : [];
    const keys = listKeys(field, base, pl, n);
    if (keys) return mergeKeyed(base, pl, n, keys, (ci, pi, ni, k) => win(r, ci, pi, ni, [...sem, k]));
  }
  return n;
}

/** Three-way: where production and candidate agree the canary keeps its value; a change is carried. */
function carry(r: Rules, c: unknown, p: unknown, n: unknown, sem: Path, field?: string): unknown {
  if (isKept(r, sem) || deepEq(p, n)) return c;
  if (p === undefined) return win(r, c, p, n, sem, field);
  if (n === undefined) return dropped(c, p, field, (ci, pi, k, f) => carry(r, ci, pi, undefined, [...sem, k], f));
  if (isObj(p) && isObj(n) && (c === undefined || isObj(c))) {
    const out = objectOf(union(keysOf(c), Object.keys(p), Object.keys(n)), (k) => carry(r, own(c, k), own(p, k), own(n, k), [...sem, k], k));
    return c === undefined && Object.keys(out).length === 0 ? undefined : out;
  }
  if (Array.isArray(p) && Array.isArray(n) && (c === undefined || Array.isArray(c))) {
    const keys = listKeys(field, c, p, n);
    if (keys) {
      const out = mergeKeyed(c ?? [], p, n, keys, (ci, pi, ni, k) => carry(r, ci, pi, ni, [...sem, k]));
      return c === undefined && out.length === 0 ? undefined : out;
    }
  }
  return win(r, c, p, n, sem, field);
}

/**
 * What stays of the canary's value when the candidate dropped production's `p`
 * whole: the canary's own keys or keyed items (an absent list is an empty
 * one), else nothing. `sub` decides each entry with the candidate's side absent.
 * A list item (no `field`) the candidate dropped goes whole.
 */
function dropped(c: unknown, p: unknown, field: string | undefined, sub: (c: unknown, p: unknown, key: string, field?: string) => unknown): unknown {
  if (field === undefined) return undefined;
  if (isObj(c) && isObj(p)) {
    const out = objectOf(union(Object.keys(c), Object.keys(p)), (k) => sub(own(c, k), own(p, k), k, k));
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (Array.isArray(c) && Array.isArray(p)) {
    const keys = listKeys(field, c, p, []);
    if (keys) {
      const out = mergeKeyed(c, p, [], keys, (ci, pi, _ni, k) => sub(ci, pi, k));
      return out.length > 0 ? out : undefined;
    }
  }
  return undefined;
}

/**
 * The first place where the canary `c` does not follow `merged`'s rules: the
 * candidate's template fields and keyed items with their values (and nothing
 * production had that the candidate dropped), elsewhere every change from
 * production to candidate. `at` is where `c` sits in its document, for lines.
 */
export function checkMerged(r: Rules, c: unknown, p: unknown, n: unknown, sem: Path, at: At, field?: string): Miss | undefined {
  if (isKept(r, sem)) return undefined;
  const t = r.template;
  if (t && sem.length === t.length && isPrefix(sem, t)) return checkWin(r, c, p, n, sem, at, field);
  if (t && sem.length < t.length && isPrefix(sem, t) && isObj(n)) {
    if (!isObj(c)) return { sem, at, expected: n, actual: c };
    return first(union(Object.keys(c), keysOf(p), Object.keys(n)), (k) => checkMerged(r, own(c, k), own(p, k), own(n, k), [...sem, k], deeper(at, c, k), k));
  }
  return checkCarry(r, c, p, n, sem, at, field);
}

/** The check of `win`: every field and keyed item of `n` in `c` with its value, nothing of what the candidate dropped. */
export function checkWin(r: Rules, c: unknown, p: unknown, n: unknown, sem: Path, at: At, field?: string): Miss | undefined {
  if (isKept(r, sem)) return undefined;
  const miss = { sem, at, expected: n, actual: c };
  if (n === undefined) return p === undefined ? undefined : checkDropped(c, p, sem, at, field, (ci, pi, s, a, f) => checkWin(r, ci, pi, undefined, s, a, f));
  if (isObj(n)) {
    if (!isObj(c)) return miss;
    return first(union(Object.keys(n), keysOf(p)), (k) => checkWin(r, own(c, k), own(p, k), own(n, k), [...sem, k], deeper(at, c, k), k));
  }
  if (Array.isArray(n) && Array.isArray(c)) {
    const pl = Array.isArray(p) ? p : [];
    const keys = listKeys(field, c, pl, n);
    if (keys) return checkKeyed(c, pl, n, keys, at, (ci, pi, ni, k, a) => checkWin(r, ci, pi, ni, [...sem, k], a));
  }
  return deepEq(c, n) ? undefined : miss;
}

function checkCarry(r: Rules, c: unknown, p: unknown, n: unknown, sem: Path, at: At, field?: string): Miss | undefined {
  if (isKept(r, sem) || deepEq(p, n)) return undefined;
  if (p === undefined) return checkWin(r, c, p, n, sem, at, field);
  if (n === undefined) return checkDropped(c, p, sem, at, field, (ci, pi, s, a, f) => checkCarry(r, ci, pi, undefined, s, a, f));
  if (isObj(p) && isObj(n) && (c === undefined || isObj(c))) {
    return first(union(Object.keys(p), Object.keys(n)), (k) => checkCarry(r, own(c, k), own(p, k), own(n, k), [...sem, k], deeper(at, c, k), k));
  }
  if (Array.isArray(p) && Array.isArray(n) && (c === undefined || Array.isArray(c))) {
    const keys = listKeys(field, c, p, n);
    if (keys) return checkKeyed(c ?? [], p, n, keys, at, (ci, pi, ni, k, a) => checkCarry(r, ci, pi, ni, [...sem, k], a));
  }
  return checkWin(r, c, p, n, sem, at, field);
}

/** Nothing of production's dropped `p` is left in the canary (its own keys and keyed items may stay). */
function checkDropped(
  c: unknown,
  p: unknown,
  sem: Path,
  at: At,
  field: string | undefined,
  sub: (c: unknown, p: unknown, sem: Path, at: At, field?: string) => Miss | undefined,
): Miss | undefined {
  if (c === undefined) return undefined;
  if (field !== undefined && isObj(c) && isObj(p)) return first(Object.keys(p), (k) => sub(own(c, k), own(p, k), [...sem, k], deeper(at, c, k), k));
  if (field !== undefined && Array.isArray(c) && Array.isArray(p)) {
    const keys = listKeys(field, c, p, []);
    if (keys) return checkKeyed(c, p, [], keys, at, (ci, pi, _ni, k, a) => sub(ci, pi, [...sem, k], a));
  }
  return { sem, at, expected: undefined, actual: c };
}

/** Check every item production or candidate has, by key; `at` goes to the canary's item when it has one. */
function checkKeyed(
  c: unknown[],
  p: unknown[],
  n: unknown[],
  keys: string[][],
  at: At,
  check: (c: unknown, p: unknown, n: unknown, key: string, at: At) => Miss | undefined,
): Miss | undefined {
  const [ck, pk, nk] = keys as [string[], string[], string[]];
  return first(union(nk, pk), (k) => {
    const i = ck.indexOf(k);
    const item = (list: unknown[], ks: string[]) => (ks.includes(k) ? list[ks.indexOf(k)] : undefined);
    return check(item(c, ck), item(p, pk), item(n, nk), k, i >= 0 ? [...at, i] : at);
  });
}

/** An own property of a mapping (never an inherited `constructor`), else undefined. */
export function own(v: unknown, k: string): unknown {
  return isObj(v) && Object.hasOwn(v, k) ? v[k] : undefined;
}

const keysOf = (v: unknown): string[] => (isObj(v) ? Object.keys(v) : []);

function union(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

/** A mapping of `f(k)` for each key, leaving out undefined (removed) values. */
function objectOf(keys: string[], f: (k: string) => unknown): Obj {
  const out: Obj = {};
  for (const k of keys) {
    const v = f(k);
    if (v !== undefined) Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
  return out;
}

function first<T>(keys: string[], f: (k: string) => T | undefined): T | undefined {
  for (const k of keys) {
    const v = f(k);
    if (v !== undefined) return v;
  }
  return undefined;
}

const deeper = (at: At, c: unknown, k: string): At => (own(c, k) === undefined ? at : [...at, k]);

const isPrefix = (a: Path, b: Path): boolean => a.every((s, i) => s === b[i]);

/** True when `sem` is at or under a kept pointer. */
export function isKept(r: Rules, sem: Path): boolean {
  return r.kept.some((k) => k.length <= sem.length && isPrefix(k, sem));
}
