/**
 * Layout of new block text, learned from the document so inserted lines look
 * like their neighbours.
 */
import { type Document, isMap, isScalar, isSeq, type Node, type Pair, visit } from 'yaml';
import { itemStart } from './locate.ts';
import type { Layout } from './render.ts';
import { column } from './text.ts';

/**
 * Indent step and sequence style as the document already writes them, so new
 * lines look native: the pairs of `near` (the mapping being edited) decide
 * first, then the first nested mapping / sequence under a key anywhere.
 */
export function detectLayout(text: string, doc: Document.Parsed, eol: string, near?: Node | null): Layout {
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  const look = (pair: Pair) => {
    if (!isScalar(pair.key) || !pair.key.range) return;
    const keyCol = column(text, pair.key.range[0]);
    const v = pair.value;
    if (indent === undefined && isMap(v) && !v.flow && v.items.length) indent = column(text, itemStart(v, 0)) - keyCol;
    if (indentSeq === undefined && isSeq(v) && !v.flow && v.items.length) indentSeq = column(text, itemStart(v, 0)) > keyCol;
  };
  if (isMap(near)) for (const pair of near.items) look(pair);
  visit(doc, {
    Pair(_k, pair) {
      look(pair);
      if (indent !== undefined && indentSeq !== undefined) return visit.BREAK;
    },
  });
  return { indent: indent && indent > 0 ? indent : 2, indentSeq: indentSeq ?? true, eol };
}
