/**
 * Plain-data side of editing: what a document's value should be after a list
 * of ops, so the edited text can be re-parsed and checked against it.
 */
import { seqIndex } from './locate.ts';
import type { YamlPath } from './types.ts';

/** EditOp plus `insert` (RFC 6902 `add` into the middle of a sequence). */
export type InternalOp =
  | { op: 'set'; path: YamlPath; value: unknown }
  | { op: 'delete'; path: YamlPath }
  | { op: 'insert'; path: YamlPath; value: unknown };

/** Structural equality of parsed YAML values; key order is ignored, NaN equals NaN. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b || (Number.isNaN(a) && Number.isNaN(b))) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.hasOwn(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** A deep copy of JSON-like data. */
export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** The value at `path`, or `undefined` when any segment is missing. */
export function getAt(root: unknown, path: YamlPath): unknown {
  let cur = root;
  for (const seg of path) {
    if (Array.isArray(cur)) {
      const i = seqIndex(seg, cur.length);
      if (i === undefined || i >= cur.length) return undefined;
      cur = cur[i];
    } else if (cur !== null && typeof cur === 'object' && Object.hasOwn(cur, String(seg))) {
      cur = (cur as Record<string, unknown>)[String(seg)];
    } else return undefined;
  }
  return cur;
}

/** `{a: {b: v}}` / `[v]` for the missing tail of a `set` path (the `mkdir -p` part). */
export function wrapMissing(tail: YamlPath, value: unknown): unknown {
  let v = value;
  for (let i = tail.length - 1; i >= 0; i--) {
    const seg = tail[i]!;
    v = typeof seg === 'number' ? [v] : { [seg]: v };
  }
  return v;
}

/**
 * Apply one op to plain data the way the editor applies it to text: `set`
 * creates missing parents, an index equal to the length appends, `delete` of
 * a missing path does nothing. Mutates and returns the root.
 */
export function applyToValue(root: unknown, op: InternalOp): unknown {
  if (op.path.length === 0) return op.op === 'delete' ? null : clone(op.value);
  return applyAt(root, op, 0);
}

function applyAt(node: unknown, op: InternalOp, i: number): unknown {
  const seg = op.path[i]!;
  const last = i === op.path.length - 1;
  const value = op.op === 'delete' ? undefined : op.value;
  if (node === null || node === undefined) {
    return op.op === 'delete' ? node : wrapMissing(op.path.slice(i), clone(value));
  }
  if (Array.isArray(node)) {
    const idx = seqIndex(seg, node.length) ?? node.length;
    if (op.op === 'delete' && idx >= node.length) return node;
    if (last && op.op === 'delete') node.splice(idx, 1);
    else if (last && op.op === 'insert') node.splice(idx, 0, clone(value));
    else node[idx] = last ? clone(value) : applyAt(node[idx], op, i + 1);
    return node;
  }
  if (typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    const key = String(seg);
    if (op.op === 'delete' && !Object.hasOwn(obj, key)) return node;
    if (last && op.op === 'delete') delete obj[key];
    else setOwn(obj, key, last ? clone(value) : applyAt(obj[key], op, i + 1));
    return node;
  }
  return node;
}

/** `obj[key] = v` that also works for a `__proto__` key (an own property, as yaml's toJS makes it). */
function setOwn(obj: Record<string, unknown>, key: string, v: unknown): void {
  Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
}
