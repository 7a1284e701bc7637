/**
 * Editing: each op is planned as splices on the current text, applied, and the
 * text re-parsed (offsets shift). At the end the new text is re-parsed once more
 * and every document must read back exactly as the ops intend.
 */
import { type Document, isAlias, isCollection, isMap, isScalar, isSeq, type Node } from 'yaml';
import { ManifestError } from '../errors.ts';
import { detectLayout } from './layout.ts';
import { aliasHint, aliasUses, anchorsIn, resolve, viaMerge, WalkError } from './locate.ts';
import { type Parsed, parsedOf, parseText } from './parse.ts';
import { formatPath } from './paths.ts';
import { appendItem, type EditCtx, insertItem, insertPair, removeEntry, replaceNode } from './splice.ts';
import { applySplices, detectEol, type Splice } from './text.ts';
import type { EditOp, ManifestFile, YamlPath } from './types.ts';
import { applyToValue, clone, deepEqual, getAt, type InternalOp, wrapMissing } from './value.ts';

/**
 * Apply `edits` (in order) and return the new text. `DocEdits` fit this shape;
 * JSON patches add `insert` ops.
 */
export function applyEditsTo(file: ManifestFile, edits: readonly { docIndex: number; ops: readonly InternalOp[] }[]): string {
  const original = parsedOf(file);
  let cur = original;
  for (const { docIndex, ops } of edits) {
    if (!Number.isInteger(docIndex) || !original.ydocs[docIndex]) {
      throw new ManifestError(`${file.path} has no document ${docIndex} (it has ${original.ydocs.length})`, {
        where: { file: file.path },
        hint: 'document indexes are 0-based positions in the file',
      });
    }
    for (const op of ops) cur = runOp(cur, docIndex, checkOp(file.path, op));
  }
  confirm(original, cur, edits);
  return cur.file.text;
}

function checkOp(file: string, op: EditOp | InternalOp): InternalOp {
  const bad = (why: string): never => {
    throw new ManifestError(`invalid edit ${JSON.stringify(op)?.slice(0, 200)} for ${file}: ${why}`, {
      where: { file },
      hint: 'ops are {op: "set", path, value} or {op: "delete", path}, with path a list of keys and indexes',
    });
  };
  if (!op || !['set', 'delete', 'insert'].includes(op.op)) bad('unknown op');
  if (!Array.isArray(op.path) || op.path.some((s) => typeof s !== 'string' && !(typeof s === 'number' && Number.isInteger(s) && s >= 0))) {
    bad('path must be a list of strings and non-negative integers');
  }
  if (op.op !== 'delete' && !isJsonData(op.value)) bad('value must be JSON data (no undefined, functions, dates or class instances)');
  return op;
}

function isJsonData(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return true;
  if (Array.isArray(v)) return v.every((x) => x !== undefined && isJsonData(x));
  const proto = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(v as object).every((x) => x === undefined || isJsonData(x));
}

function runOp(p: Parsed, docIndex: number, op: InternalOp): Parsed {
  const doc = p.ydocs[docIndex]!;
  const where = (offset: number) => ({ file: p.file.path, line: p.lines.line(offset) });
  const label = `${op.op} ${formatPath(op.path)} in ${p.file.path}${p.ydocs.length > 1 ? ` (document ${docIndex + 1})` : ''}`;
  let splices: Splice[];
  try {
    splices = planOp(p, doc, docIndex, op);
  } catch (e) {
    if (!(e instanceof WalkError)) throw e;
    throw new ManifestError(`cannot ${label}: ${e.message}`, { where: where(e.offset), hint: e.hint, data: { docIndex, path: op.path } });
  }
  if (splices.length === 0) return p;
  const text = applySplices(p.file.text, splices);
  try {
    return parseText(p.file.path, text, p.limits);
  } catch (e) {
    throw new ManifestError(`cannot ${label}: the edited text does not parse (${(e as Error).message})`, {
      where: where(splices[0]!.start),
      hint: 'this is a git-canary bug: make the change by hand and report the file',
      cause: e,
    });
  }
}

/** Refuse edits that would also change the places an alias copies. */
function guardShared(doc: Document.Parsed, chain: readonly Node[], target: Node | null, whole: boolean): void {
  const uses = aliasUses(doc);
  const shared = (n: Node | null) => (isScalar(n) || isCollection(n)) && !!n.anchor && uses.has(n.anchor);
  for (const n of [...chain, ...(target ? [target] : [])]) {
    if (isAlias(n)) throw new WalkError(`it is the alias *${n.source}`, n.range![0], aliasHint(n.source));
    if (shared(n)) {
      const a = (n as { anchor: string }).anchor;
      throw new WalkError(
        `&${a} is also used by *${a}, so the change would silently change those places too`,
        n.range![0],
        `edit by hand, or give the aliased places their own copy instead of *${a}`,
      );
    }
  }
  if (!whole || !target) return;
  // Replacing or deleting a subtree must not delete an anchor that is used outside it.
  const inside = aliasUses(doc, target);
  for (const { name, offset } of anchorsIn(target)) {
    if ((uses.get(name) ?? 0) > (inside.get(name) ?? 0)) {
      throw new WalkError(`it defines &${name}, which *${name} uses elsewhere`, offset, `move the anchor &${name} out first, or edit by hand`);
    }
  }
}

function planOp(p: Parsed, doc: Document.Parsed, docIndex: number, op: InternalOp): Splice[] {
  const text = p.file.text;
  const res = resolve(doc, op.path);
  const near = res.found ? (res.ctx.kind === 'root' ? null : res.ctx.coll) : res.node;
  const c: EditCtx = { text, doc, layout: detectLayout(text, doc, detectEol(text), near) };
  if (res.found) {
    if (op.op === 'insert') {
      guardShared(doc, res.chain, null, false);
      if (res.ctx.kind !== 'item') throw new WalkError('insert needs a sequence index', res.node?.range?.[0] ?? 0, 'use set for mapping keys');
      return insertItem(c, res.ctx.coll, res.ctx.index, op.value);
    }
    if (op.op === 'set' && deepEqual(getAt(p.file.docs[docIndex]!.value, op.path), op.value)) return [];
    guardShared(doc, res.chain, res.node, true);
    if (op.op === 'set') return replaceNode(c, res.node, res.ctx, op.value);
    const { ctx } = res;
    if (ctx.kind === 'root') throw new WalkError('a whole document cannot be deleted', 0, 'delete the document by hand');
    if (ctx.kind === 'pair' && viaMerge(doc, ctx.coll, op.path.at(-1)!)) {
      throw new WalkError('a `<<` merge also supplies this key, so it would come back', res.node?.range?.[0] ?? 0, 'override it with set instead');
    }
    return removeEntry(c, ctx.coll, res.parentCtx, ctx.index);
  }
  const at = res.node?.range?.[0] ?? 0;
  if (res.blocked && op.op !== 'delete') throw res.blocked;
  if (op.op === 'delete') {
    if (res.blocked) return [];
    if (res.viaMerge) throw new WalkError('a `<<` merge supplies this key, so it cannot be deleted here', at, 'override it with set instead');
    return [];
  }
  guardShared(doc, res.chain, res.node, false);
  if (res.viaMerge && res.depth < op.path.length - 1) {
    throw new WalkError(
      `${formatPath(op.path.slice(0, res.depth + 1))} comes from a \`<<\` merge; a local copy would hide its other keys`,
      at,
      'set the whole merged value, or edit the anchored original by hand',
    );
  }
  const tail = op.path.slice(res.depth + 1);
  if (tail.some((s) => typeof s === 'number' && s !== 0)) {
    throw new WalkError(`${formatPath(op.path)} would skip sequence items`, at, 'create new sequences from index 0');
  }
  const seg = op.path[res.depth]!;
  if (isMap(res.node)) return insertPair(c, res.node, String(seg), wrapMissing(tail, op.value));
  if (isSeq(res.node)) return appendItem(c, res.node, wrapMissing(tail, op.value));
  if (typeof seg === 'number' && seg !== 0) throw new WalkError(`${formatPath(op.path)} would skip sequence items`, at, 'create new sequences from index 0');
  return replaceNode(c, res.node, res.ctx, wrapMissing(op.path.slice(res.depth), op.value));
}

/**
 * Re-read the final text: the edited document must equal the original value
 * with the ops applied, and every other document must be unchanged.
 */
function confirm(original: Parsed, final: Parsed, edits: readonly { docIndex: number; ops: readonly InternalOp[] }[]): void {
  const expected = original.file.docs.map((d) => clone(d.value));
  for (const { docIndex, ops } of edits) for (const op of ops) expected[docIndex] = applyToValue(expected[docIndex], op);
  expected.forEach((want, i) => {
    const got = final.file.docs[i]?.value;
    if (final.file.docs.length === expected.length && deepEqual(want, got)) return;
    const at = firstDifference(want, got, []);
    throw new ManifestError(`editing ${original.file.path} did not read back as intended at ${formatPath(at)} (document ${i + 1})`, {
      where: { file: original.file.path, line: original.file.docs[i]?.line },
      hint: 'this is a git-canary bug or an unusual YAML construct (tags, merges): make the change by hand',
      data: { docIndex: i, path: at, expected: getAt(want, at), actual: getAt(got, at) },
    });
  });
}

function firstDifference(a: unknown, b: unknown, path: (string | number)[]): YamlPath {
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()] : [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const x = (a as Record<string | number, unknown>)[k];
      const y = (b as Record<string | number, unknown>)[k];
      if (!deepEqual(x, y)) return firstDifference(x, y, [...path, k]);
    }
  }
  return path;
}
