/**
 * Whole documents of a multi-document file, by their source ranges: the text of
 * one document's content, and a file with some documents' content replaced.
 * Used when several services share one file (Istio's bookinfo.yaml): a
 * service's release is some documents of it, promoted alone, and every other
 * byte of the file stays as it was.
 */
import { ManifestError } from '../errors.ts';
import { parsedOf } from './parse.ts';
import { applySplices } from './text.ts';
import type { ManifestFile } from './types.ts';

function contentRange(file: ManifestFile, index: number): [number, number] {
  const doc = parsedOf(file).ydocs[index];
  if (!doc) {
    throw new ManifestError(`${file.path} has no document ${index + 1}`, { where: { file: file.path }, hint: 'document indexes are 0-based' });
  }
  const range = doc.contents?.range;
  if (!range) return [doc.range[1], doc.range[1]];
  return [range[0], range[2]];
}

/** The exact text of document `index`'s content (without `---`, leading comments or the blank lines after it). */
export function documentText(file: ManifestFile, index: number): string {
  const [start, end] = contentRange(file, index);
  return file.text.slice(start, end);
}

/** `file`'s text with the content of each listed document replaced by `text`; every other byte is kept. */
export function replaceDocuments(file: ManifestFile, replacements: readonly { index: number; text: string }[]): string {
  const splices = replacements.map(({ index, text }) => {
    const [start, end] = contentRange(file, index);
    return { start, end, insert: text };
  });
  return applySplices(file.text, splices);
}
