/**
 * Finding nodes: walk a YamlPath through the `yaml` AST, and read exact source
 * offsets (item starts, `:`/`-` indicators, content ends) from the CST tokens.
 */
import {
  type CST,
  type Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  type Pair,
  visit,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { eolBefore } from './text.ts';
import type { YamlPath } from './types.ts';

/** Where a node sits: the document root, the value of `map.items[index]`, or `seq.items[index]`. */
export type Ctx = { kind: 'root' } | { kind: 'pair'; coll: YAMLMap; index: number } | { kind: 'item'; coll: YAMLSeq; index: number };

/**
 * A path walk: `found` with the node, or the deepest existing node and how many
 * segments exist; `blocked` when the walk hit a scalar or a bad index.
 */
export type Resolution =
  | { found: true; node: Node | null; ctx: Ctx; parentCtx: Ctx; chain: Node[] }
  | { found: false; depth: number; node: Node | null; ctx: Ctx; chain: Node[]; viaMerge: boolean; blocked?: WalkError };

/** Why a path cannot be walked; the editor turns it into a ManifestError. */
export class WalkError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Sequence index for `seg`, accepting JSON-pointer strings (`"2"`, `"-"` for append). */
export function seqIndex(seg: string | number, length: number): number | undefined {
  if (typeof seg === 'number') return Number.isInteger(seg) && seg >= 0 ? seg : undefined;
  if (seg === '-') return length;
  return /^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : undefined;
}

/** True for a `<<` merge key. */
export function isMergePair(pair: Pair): boolean {
  // With `merge: true`, yaml resolves a plain `<<` key to Symbol('<<').
  if (!isScalar(pair.key) || pair.key.type !== 'PLAIN') return false;
  const v = pair.key.value;
  return v === '<<' || (typeof v === 'symbol' && v.description === '<<');
}

/** Index of the pair whose scalar key reads as `seg`, or -1. */
export function pairIndex(map: YAMLMap, seg: string | number): number {
  return map.items.findIndex((p) => isScalar(p.key) && !isMergePair(p) && String(p.key.value) === String(seg));
}

/** True when `seg` reaches `map` only through a `<<: *anchor` merge. */
export function viaMerge(doc: Document, map: YAMLMap, seg: string | number, seen = new Set<Node>()): boolean {
  if (seen.has(map)) return false;
  seen.add(map);
  for (const p of map.items) {
    if (!isMergePair(p)) continue;
    const sources = isSeq(p.value) ? p.value.items : [p.value];
    for (const src of sources) {
      const target = isAlias(src) ? src.resolve(doc) : src;
      if (isMap(target) && (pairIndex(target, seg) >= 0 || viaMerge(doc, target, seg, seen))) return true;
    }
  }
  return false;
}

const isNull = (n: unknown): boolean => n === null || (isScalar(n) && n.value === null);

/** Walk `path` from the document root, stopping at the first missing segment. */
export function resolve(doc: Document.Parsed, path: YamlPath): Resolution {
  let node: Node | null = doc.contents;
  let ctx: Ctx = { kind: 'root' };
  let parentCtx: Ctx = ctx;
  const chain: Node[] = [];
  for (let depth = 0; depth < path.length; depth++) {
    const seg = path[depth]!;
    const missing = (merged = false, blocked?: WalkError): Resolution => ({ found: false, depth, node, ctx, chain, viaMerge: merged, blocked });
    if (isAlias(node)) {
      throw new WalkError(`the path goes through the alias *${node.source}`, node.range?.[0] ?? 0, aliasHint(node.source));
    }
    if (isMap(node)) {
      const i = pairIndex(node, seg);
      if (i < 0) return missing(viaMerge(doc, node, seg));
      chain.push(node);
      parentCtx = ctx;
      ctx = { kind: 'pair', coll: node, index: i };
      node = (node.items[i]!.value as Node | null) ?? null;
    } else if (isSeq(node)) {
      const i = seqIndex(seg, node.items.length);
      if (i === undefined || i > node.items.length) {
        const blocked = new WalkError(
          `${JSON.stringify(seg)} is not an index of this ${node.items.length}-item sequence`,
          node.range?.[0] ?? 0,
          `use an index from 0 to ${node.items.length} (${node.items.length} appends)`,
        );
        return missing(false, blocked);
      }
      if (i === node.items.length) return missing();
      chain.push(node);
      parentCtx = ctx;
      ctx = { kind: 'item', coll: node, index: i };
      node = node.items[i] as Node;
    } else if (isNull(node)) {
      return missing();
    } else {
      // The path does not exist; `delete` is then a no-op, `set` an error.
      const what = isScalar(node) ? `the scalar ${JSON.stringify(node.value)}` : 'a value';
      const blocked = new WalkError(`cannot descend into ${what}`, node?.range?.[0] ?? 0, 'check the path: a parent of the target is not a mapping or sequence');
      return missing(false, blocked);
    }
  }
  return { found: true, node, ctx, parentCtx, chain };
}

/** Hint for edits through or of an alias. */
export function aliasHint(name: string): string {
  return `edit the anchored value (&${name}) instead, or replace *${name} with its own value by hand`;
}

type CollToken = CST.BlockMap | CST.BlockSequence | CST.FlowCollection;

/**
 * The CST item behind AST item `i`. The CST also holds comment-only items
 * (e.g. a comment after a nested collection's last line), so those are skipped.
 */
function tokenItem(coll: YAMLMap | YAMLSeq, i: number): CST.CollectionItem | undefined {
  const tok = coll.srcToken as CollToken | undefined;
  if (!tok || !('items' in tok)) return undefined;
  const real = (tok.items as CST.CollectionItem[]).filter((it) =>
    tok.type === 'block-seq' ? it.start.some((t) => t.type === 'seq-item-ind') : it.key != null || it.sep != null || it.value != null,
  );
  return real.length === coll.items.length ? real[i] : undefined;
}

/** Offset where item `i` starts: its `-`, `?`, anchor/tag, or key. */
export function itemStart(coll: YAMLMap | YAMLSeq, i: number): number {
  const it = tokenItem(coll, i);
  const lead = it?.start.find((t) => ['seq-item-ind', 'explicit-key-ind', 'anchor', 'tag'].includes(t.type));
  if (lead) return lead.offset;
  if (it?.key && 'offset' in it.key) return it.key.offset;
  const item = coll.items[i];
  const node = isPair(item) ? (item.key ?? item.value) : item;
  return (node as Node).range![0];
}

/** Offset just after the `:` (mapping) or `-` (block sequence) that introduces item `i`'s value. */
export function indicatorEnd(coll: YAMLMap | YAMLSeq, i: number): number | undefined {
  const it = tokenItem(coll, i);
  const ind = isMap(coll) ? it?.sep?.find((t) => t.type === 'map-value-ind') : it?.start.find((t) => t.type === 'seq-item-ind');
  return ind ? ind.offset + 1 : undefined;
}

/** Indentation the CST recorded for a block scalar (the column its indicator counts from). */
export function tokenIndent(node: Node): number | undefined {
  const tok = node.srcToken as CST.Token | undefined;
  return tok && 'indent' in tok ? tok.indent : undefined;
}

/** True for a block (`|`, `>`) scalar. */
export function isBlockScalar(n: unknown): boolean {
  return isScalar(n) && (n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED');
}

/** True for a `{}` / `[]` collection written in flow style. */
export function isFlow(n: unknown): boolean {
  return isCollection(n) && n.flow === true;
}

/** The node (value, else key) that ends item `i`. */
export function itemNode(coll: YAMLMap | YAMLSeq, i: number): Node {
  const item = coll.items[i];
  return (isPair(item) ? (item.value ?? item.key) : item) as Node;
}

/**
 * Offset just after the node's last content character, before any trailing
 * comment and before the line break that ends a block scalar.
 */
export function endOf(text: string, node: Node): number {
  if (isCollection(node) && !node.flow && node.items.length > 0) return endOf(text, itemNode(node, node.items.length - 1));
  const end = node.range![1];
  return isBlockScalar(node) ? end - eolBefore(text, end) : end;
}

/** Anchors that some alias in the document uses, with how many aliases use each. */
export function aliasUses(doc: Document, root: unknown = doc): Map<string, number> {
  const uses = new Map<string, number>();
  visit(root as Document, {
    Alias(_k, a) {
      uses.set(a.source, (uses.get(a.source) ?? 0) + 1);
    },
  });
  return uses;
}

/** Anchors defined inside `root` (including its own). */
export function anchorsIn(root: Node): { name: string; offset: number }[] {
  const out: { name: string; offset: number }[] = [];
  visit(root as unknown as Document, {
    Node(_k, n) {
      if ((isScalar(n) || isCollection(n)) && n.anchor) out.push({ name: n.anchor, offset: n.range?.[0] ?? 0 });
    },
  });
  return out;
}
