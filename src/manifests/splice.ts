/**
 * Node-level edits as splices of the original text: replace a value, add a
 * mapping entry or sequence item, remove one. Each function reads offsets from
 * the current parse and never re-renders anything but the new value.
 */
import { type Document, isCollection, isMap, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import {
  type Ctx,
  endOf,
  indicatorEnd,
  isBlockScalar,
  isFlow,
  itemNode,
  itemStart,
  tokenIndent,
  WalkError,
} from './locate.ts';
import {
  blockLines,
  isNonEmptyCollection,
  isScalarValue,
  type Layout,
  type QuoteStyle,
  renderBlockScalar,
  renderFlow,
  renderKey,
  renderScalar,
} from './render.ts';
import { column, eolBefore, firstOnLine, lineEnd, lineStart, nextLineStart, type Splice } from './text.ts';

/** What every splice planner needs: the current text, its document, and the layout for new lines. */
export interface EditCtx {
  text: string;
  doc: Document.Parsed;
  layout: Layout;
}

const hasRange = (n: Node | null): n is Node & { range: [number, number, number] } => !!n?.range;

/** Text for `value` on one line where `old` stood: keeps `"…"`/`'…'` for strings. */
function inlineText(value: unknown, old: Node, flow: boolean): string {
  if (!isScalarValue(value)) return renderFlow(value);
  const style = isScalar(old) && (old.type === 'QUOTE_DOUBLE' || old.type === 'QUOTE_SINGLE') ? old.type : 'PLAIN';
  return renderScalar(value, flow, style);
}

/** Replace the node at `ctx` (current value `node`) by `value`. */
export function replaceNode(c: EditCtx, node: Node | null, ctx: Ctx, value: unknown): Splice[] {
  const { text } = c;
  if (!hasRange(node)) throw new WalkError('this entry has no value node to replace', 0, 'write the entry as `key: value`');
  const parentFlow = ctx.kind !== 'root' && isFlow(ctx.coll);
  const r0 = node.range[0];
  const end = endOf(text, node);
  if (isNonEmptyCollection(value) && !parentFlow && !isFlow(node)) return replaceWithBlock(c, node, ctx, value);
  if (isBlockScalar(node) && typeof value === 'string' && !parentFlow) {
    const block = sameStyleBlockScalar(c, node, ctx, value);
    if (block) return [{ start: r0, end, insert: block }];
  }
  const t = inlineText(value, node, parentFlow);
  if (isCollection(node) && !node.flow && node.items.length > 0) {
    // A block collection collapses onto its key's (or dash's) line.
    const from = ctx.kind === 'root' ? r0 : (indicatorEnd(ctx.coll, ctx.index) ?? r0);
    return [{ start: from, end, insert: (from === r0 ? '' : ' ') + t }];
  }
  const pad = r0 === end && ctx.kind !== 'root' && !/\s/.test(text[r0 - 1] ?? ' ') ? ' ' : '';
  return [{ start: r0, end, insert: pad + t }];
}

/** A new block scalar in the old one's style (`|`/`>`) and content column. */
function sameStyleBlockScalar(c: EditCtx, node: Node & { range: [number, number, number] }, ctx: Ctx, value: string): string | null {
  const { text, layout } = c;
  const parentIndent = tokenIndent(node) ?? (ctx.kind === 'root' ? 0 : column(text, itemStart(ctx.coll, ctx.index)));
  const body = text.slice(node.range[0], node.range[1]).split('\n').slice(1);
  const firstContent = body.find((l) => l.trim() !== '');
  const contentCol = firstContent ? firstContent.length - firstContent.trimStart().length : parentIndent + layout.indent;
  const folded = isScalar(node) && node.type === 'BLOCK_FOLDED';
  const block = renderBlockScalar(value, folded, contentCol, parentIndent);
  return block && [block.header, ...block.lines].join(layout.eol);
}

function replaceWithBlock(c: EditCtx, node: Node & { range: [number, number, number] }, ctx: Ctx, value: object): Splice[] {
  const { text, layout } = c;
  const { eol } = layout;
  const wasBlock = isCollection(node) && !node.flow && node.items.length > 0;
  // A comment after the old collection's last line goes with it: left in place
  // it would trail the new last line, and after a block scalar become content.
  const oldEnd = wasBlock ? lineEnd(text, endOf(text, node)) : endOf(text, node);
  if (ctx.kind === 'root') {
    const end = oldEnd;
    const insert = blockLines(value, 0, layout).join(eol);
    if (wasBlock) return [{ start: lineStart(text, itemStart(node as YAMLMap, 0)), end, insert }];
    if (node.range[0] === end && !firstOnLine(text, end)) {
      // An empty document sits on its `---` line: the content goes on the next line.
      return linesAfter(text, end, [insert], eol);
    }
    return [{ start: node.range[0], end, insert }];
  }
  if (ctx.kind === 'pair') {
    const keyCol = column(text, itemStart(ctx.coll, ctx.index));
    const end = wasBlock ? pastNestedComments(text, oldEnd, keyCol) : oldEnd;
    // A block collection replaced by one of the same kind keeps its own column.
    const sameKind = wasBlock && Array.isArray(value) === isSeq(node);
    const childCol = sameKind
      ? column(text, itemStart(node as YAMLMap, 0))
      : keyCol + (Array.isArray(value) && !layout.indentSeq ? 0 : layout.indent);
    const lines = blockLines(value, childCol, layout);
    if (wasBlock) return [{ start: lineStart(text, itemStart(node as YAMLMap, 0)), end, insert: lines.join(eol) }];
    return moveBelow(text, indicatorEnd(ctx.coll, ctx.index) ?? node.range[0], end, '', lines, eol);
  }
  const dash = indicatorEnd(ctx.coll, ctx.index) ?? node.range[0];
  const end = wasBlock ? pastNestedComments(text, oldEnd, column(text, dash - 1)) : oldEnd;
  const contentCol = column(text, dash - 1) + 2;
  const lines = blockLines(value, contentCol, layout);
  const head = ` ${lines[0]!.slice(contentCol)}`;
  if (wasBlock) return [{ start: dash, end, insert: [head, ...lines.slice(1)].join(eol) }];
  return moveBelow(text, dash, end, head, lines.slice(1), eol);
}

/**
 * `end` (a line's end) moved past the comment-only lines right after it that
 * are indented deeper than `col`: they sat inside the old collection, and go
 * with it. Left in place they would trail the new value, and under a block
 * scalar (`|-`) become its content.
 */
function pastNestedComments(text: string, end: number, col: number): number {
  let at = end;
  for (;;) {
    const next = nextLineStart(text, at);
    if (next >= text.length) return at;
    const le = lineEnd(text, next);
    const line = text.slice(next, le);
    const body = line.trimStart();
    if (!body.startsWith('#') || line.length - body.length <= col) return at;
    at = le;
  }
}

/**
 * Replace `[from, end)` by `head` and put `lines` on new lines after the rest of
 * that line, so a trailing `# comment` stays on the line it was on.
 */
function moveBelow(text: string, from: number, end: number, head: string, lines: string[], eol: string): Splice[] {
  const le = lineEnd(text, end);
  const below = lines.length ? eol + lines.join(eol) : '';
  if (/^[ \t]*$/.test(text.slice(end, le))) return [{ start: from, end: le, insert: head + below }];
  return [
    { start: from, end, insert: head },
    { start: le, end: le, insert: below },
  ];
}

/** New lines after the line holding `end`, in the file's line-break style. */
function linesAfter(text: string, end: number, lines: string[], eol: string): Splice[] {
  const p = nextLineStart(text, end);
  const insert = p === text.length && !text.endsWith('\n') ? eol + lines.join(eol) : lines.join(eol) + eol;
  return [{ start: p, end: p, insert }];
}

/** Add `key: value` to a mapping: a new line at the mapping's indentation, or `, key: value` in `{…}`. */
export function insertPair(c: EditCtx, map: YAMLMap, key: string, value: unknown): Splice[] {
  const { text, layout } = c;
  if (map.flow) {
    const entry = `${renderKey(key, true)}: ${renderFlow(value)}`;
    if (map.items.length === 0) return [{ start: map.range![0] + 1, end: map.range![0] + 1, insert: entry }];
    const at = endOf(text, itemNode(map, map.items.length - 1));
    return [{ start: at, end: at, insert: `, ${entry}` }];
  }
  const col = column(text, itemStart(map, 0));
  const entry: Record<string, unknown> = {};
  Object.defineProperty(entry, key, { value, enumerable: true });
  return linesAfter(text, endOf(text, map), blockLines(entry, col, layout), layout.eol);
}

/**
 * A new sequence item as flow text and as block lines at `col`. A string item
 * takes the quotes of its neighbour, so `["a", "b"]` grows to `["a", "b", "c"]`.
 */
function itemText(seq: YAMLSeq, near: number, value: unknown, col: number, layout: Layout): { flow: string; lines: string[] } {
  const sib = seq.items[near];
  const quoted = isScalar(sib) && (sib.type === 'QUOTE_DOUBLE' || sib.type === 'QUOTE_SINGLE') && typeof value === 'string';
  if (quoted && !value.includes('\n')) {
    const flow = renderScalar(value, true, sib.type as QuoteStyle);
    return { flow, lines: [`${' '.repeat(col)}- ${renderScalar(value, false, sib.type as QuoteStyle)}`] };
  }
  return { flow: renderFlow(value), lines: blockLines([value], col, layout) };
}

/** Append an item to a sequence. */
export function appendItem(c: EditCtx, seq: YAMLSeq, value: unknown): Splice[] {
  const { text, layout } = c;
  const n = seq.items.length;
  if (seq.flow) {
    const { flow } = itemText(seq, n - 1, value, 0, layout);
    if (n === 0) return [{ start: seq.range![0] + 1, end: seq.range![0] + 1, insert: flow }];
    const at = endOf(text, itemNode(seq, n - 1));
    return [{ start: at, end: at, insert: `, ${flow}` }];
  }
  const { lines } = itemText(seq, n - 1, value, column(text, itemStart(seq, 0)), layout);
  return linesAfter(text, endOf(text, seq), lines, layout.eol);
}

/** Insert an item before item `index` (RFC 6902 `add` into the middle of a sequence). */
export function insertItem(c: EditCtx, seq: YAMLSeq, index: number, value: unknown): Splice[] {
  const { text, layout } = c;
  const s = itemStart(seq, index);
  const { flow, lines } = itemText(seq, index, value, column(text, s), layout);
  if (seq.flow) return [{ start: s, end: s, insert: `${flow}, ` }];
  if (!firstOnLine(text, s)) {
    throw new WalkError('cannot insert before an item that shares its line with its parent', s, 'move the item to its own line first');
  }
  const at = lineStart(text, s);
  return [{ start: at, end: at, insert: lines.join(layout.eol) + layout.eol }];
}

/**
 * End of the comment lines after a deleted entry that are indented deeper than
 * its key: they were inside its value, and left behind they could turn into
 * content of a block scalar just above. Blank lines after them stay.
 */
function ownedCommentsEnd(text: string, from: number, keyCol: number): number {
  let end = from;
  let p = from;
  while (p < text.length) {
    const line = text.slice(p, lineEnd(text, p));
    const next = nextLineStart(text, p);
    if (/^[ \t]*#/.test(line) && line.length - line.trimStart().length > keyCol) end = next;
    else if (line.trim() !== '') break;
    p = next;
  }
  return end;
}

/**
 * Remove entry `index` of a collection: its whole line(s) in block style
 * (comments on other lines stay), the item and one comma in flow style. The
 * last entry of a collection leaves `{}` / `[]` behind.
 */
export function removeEntry(c: EditCtx, coll: YAMLMap | YAMLSeq, collCtx: Ctx, index: number): Splice[] {
  const { text } = c;
  const n = coll.items.length;
  if (n === 1) return replaceNode(c, coll, collCtx, isMap(coll) ? {} : []);
  if (coll.flow) {
    if (index < n - 1) return [{ start: itemStart(coll, index), end: itemStart(coll, index + 1), insert: '' }];
    return [{ start: endOf(text, itemNode(coll, index - 1)), end: endOf(text, itemNode(coll, index)), insert: '' }];
  }
  const s = itemStart(coll, index);
  const e = endOf(text, itemNode(coll, index));
  if (!firstOnLine(text, s)) {
    // Only a first entry shares its line (`- name: x`); the next entry moves up onto it.
    return [{ start: s, end: itemStart(coll, index + 1), insert: '' }];
  }
  let start = lineStart(text, s);
  const stop = ownedCommentsEnd(text, nextLineStart(text, e), column(text, s));
  // On a last line without a line break, drop the break before it instead.
  if (stop === text.length && !text.endsWith('\n')) start -= eolBefore(text, start);
  return [{ start, end: stop, insert: '' }];
}
