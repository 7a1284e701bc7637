/**
 * git-canary.yaml as YAML source: parsed with ranges so every problem can name
 * its line. Refuses what the manifests layer refuses (duplicate keys, several
 * documents, alias bombs, huge files) with the line of the offending node.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import type { ConfigIssue, PathSegment } from './issues.ts';
import { formatPath } from './issues.ts';

/** Limits for the config file; it is small, anything bigger is a mistake or an attack. */
export const CONFIG_LIMITS = { maxBytes: 256 * 1024, maxAliasCount: 100 } as const;

export interface ConfigSource {
  file: string;
  /** The one YAML document, when the text parsed without errors. */
  doc?: Document.Parsed;
  lines: LineCounter;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/** Parse `text`; syntax errors, duplicate keys, several documents and unresolved aliases become issues. */
export function parseSource(text: string, file: string): ConfigSource {
  const lines = new LineCounter();
  const src: ConfigSource = { file, lines, errors: [], warnings: [] };
  const issue = (line: number, path: string, message: string): ConfigIssue => ({ file, line, path, message });
  if (text.length > CONFIG_LIMITS.maxBytes) {
    src.errors.push(issue(1, '(root)', `file is larger than ${CONFIG_LIMITS.maxBytes} bytes`));
    return src;
  }
  const control = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u0084\u0086-\u009f\ufffe\uffff]/.exec(text);
  if (control) {
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    const line = text.slice(0, control.index).split('\n').length;
    src.errors.push(issue(line, '(root)', `the file holds the control character ${code}: git-canary.yaml is a YAML text file`));
    return src;
  }
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (docs.length === 0) {
    src.errors.push(issue(1, '(root)', 'the file is empty: start with "version: 1" and a "services" mapping'));
    return src;
  }
  for (const doc of docs.slice(1)) {
    src.errors.push(issue(lines.linePos(doc.range[0]).line, '(root)', 'expected one YAML document, found another one here'));
  }
  const doc = docs[0]!;
  // After the first syntax error the parser's recovery reports follow-on noise: show only the first.
  const syntax = doc.errors.find((e) => e.code !== 'DUPLICATE_KEY');
  if (syntax) {
    src.errors.push(issue(lines.linePos(syntax.pos[0]).line, '(yaml)', `invalid YAML: ${syntax.message}`));
  }
  for (const e of syntax ? [] : doc.errors) {
    const path = pathAt(doc, e.pos[0]);
    const key = JSON.stringify(String(path[path.length - 1] ?? ''));
    const first = lineAt({ ...src, doc }, path); // lineAt finds the first of equal keys
    src.errors.push(issue(lines.linePos(e.pos[0]).line, formatPath(path), `duplicate key ${key} (first at line ${first})`));
  }
  for (const w of doc.warnings) {
    src.warnings.push(issue(lines.linePos(w.pos[0]).line, formatPath(pathAt(doc, w.pos[0])), w.message));
  }
  walk(doc.contents, [], (node, path) => {
    if (isAlias(node) && !node.resolve(doc)) {
      src.errors.push(issue(lineOf(lines, node), formatPath(path), `unknown alias *${node.source}`));
    }
  });
  if (src.errors.length === 0) src.doc = doc;
  return src;
}

/** Visit every value node (not keys) with its path. */
export function walk(node: unknown, path: PathSegment[], visit: (node: Node, path: PathSegment[]) => void): void {
  if (!node || typeof node !== 'object') return;
  visit(node as Node, path);
  if (isMap(node)) {
    for (const pair of node.items) walk(pair.value, [...path, keyOf(pair.key)], visit);
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      walk(item, [...path, i], visit);
    });
  }
}

function keyOf(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function lineOf(lines: LineCounter, node: { range?: readonly number[] | null } | null | undefined): number {
  const start = node?.range?.[0];
  return start === undefined ? 1 : lines.linePos(start).line;
}

/**
 * The line of `path`, or of its nearest existing parent. A map key reports the
 * line of the key itself (so `checkout:` rather than its first child); a list
 * item the line of the item.
 */
export function lineAt(src: ConfigSource, path: readonly PathSegment[]): number {
  let node: unknown = src.doc?.contents;
  let line = lineOf(src.lines, node as Node | undefined);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(seg));
      if (!pair) break;
      line = lineOf(src.lines, pair.key as Node);
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      node = node.items[seg];
      line = lineOf(src.lines, node as Node);
    } else {
      break;
    }
  }
  return line;
}

/** The path of the deepest key or item whose source covers `offset`. */
export function pathAt(doc: Document, offset: number): PathSegment[] {
  const path: PathSegment[] = [];
  let node: unknown = doc.contents;
  const covers = (n: unknown) => {
    const r = (n as Node | null)?.range;
    return !!r && r[0] <= offset && offset < Math.max(r[1], r[0] + 1);
  };
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && (covers(p.key) || covers(p.value)));
      if (!pair) return path;
      path.push(keyOf(pair.key));
      if (covers(pair.key)) return path;
      node = pair.value;
    } else if (isSeq(node)) {
      const i = node.items.findIndex(covers);
      if (i < 0) return path;
      path.push(i);
      node = node.items[i];
    } else {
      return path;
    }
  }
}
