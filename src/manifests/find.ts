/**
 * Looking things up in a parsed file: documents by kind/name, and the line of a
 * path for messages that point at the right place.
 */
import { isMap, isSeq, type Node } from 'yaml';
import { ManifestError } from '../errors.ts';
import { itemStart, pairIndex, seqIndex } from './locate.ts';
import { parsedOf } from './parse.ts';
import type { ManifestDoc, ManifestFile, YamlPath } from './types.ts';

/** All non-empty documents of `kind`, or of any kind when `kind` is undefined. */
export function findDocuments(file: ManifestFile, kind?: string): ManifestDoc[] {
  return file.docs.filter((d) => d.value !== null && (kind === undefined || d.kind === kind));
}

/** The one document of `kind` (and `name`, when given); ManifestError naming the file when none or several match. */
export function findDocument(file: ManifestFile, selector: { kind: string; name?: string }): ManifestDoc {
  const { kind, name } = selector;
  const matches = findDocuments(file, kind).filter((d) => name === undefined || d.name === name);
  const what = name === undefined ? `a ${kind}` : `the ${kind} named ${JSON.stringify(name)}`;
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const present = file.docs.filter((d) => d.kind).map((d) => (d.name ? `${d.kind}/${d.name}` : d.kind));
    throw new ManifestError(`${file.path} has no ${what.replace(/^(a|the) /, '')}`, {
      where: { file: file.path },
      hint: present.length ? `the file holds ${present.join(', ')}; check the kind and name in git-canary.yaml` : 'the file holds no Kubernetes objects',
      data: { kind, name },
    });
  }
  throw new ManifestError(`${file.path} has ${matches.length} documents matching ${what}`, {
    where: { file: file.path, line: matches[1]!.line },
    hint: name === undefined ? `set the route's name to pick one of ${matches.map((d) => d.name ?? '(unnamed)').join(', ')}` : 'give each object a unique metadata.name',
    data: { kind, name },
  });
}

/** 1-based line of the node at `path` in document `docIndex` (or of the deepest existing parent). */
export function lineOf(file: ManifestFile, docIndex: number, path: YamlPath): number {
  const parsed = parsedOf(file);
  const doc = parsed.ydocs[docIndex];
  const mdoc = file.docs[docIndex];
  if (!doc || !mdoc) {
    throw new ManifestError(`${file.path} has no document ${docIndex}`, { where: { file: file.path }, hint: 'document indexes are 0-based' });
  }
  let node: Node | null = doc.contents;
  let line = mdoc.line;
  for (const seg of path) {
    let i: number | undefined;
    if (isMap(node)) i = pairIndex(node, seg);
    else if (isSeq(node)) i = seqIndex(seg, node.items.length);
    if (!(isMap(node) || isSeq(node)) || i === undefined || i < 0 || i >= node.items.length) break;
    line = parsed.lines.line(itemStart(node, i));
    const item = node.items[i];
    node = (isMap(node) ? (item as { value: Node | null }).value : (item as Node)) ?? null;
  }
  return line;
}
