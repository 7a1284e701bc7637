/**
 * The manifest model: parse YAML with source ranges, find documents, and edit by
 * splicing new scalars/blocks into the original text so untouched bytes stay identical.
 * This file only wires the public API to the sibling files.
 */
import type { Operation } from 'fast-json-patch';
import { applyEditsTo } from './edit.ts';
import { parseText } from './parse.ts';
import { applyPatch } from './patch.ts';
import type { DocEdits, EditOp, ManifestFile, ManifestLimits } from './types.ts';

export { findDocument, findDocuments, lineOf } from './find.ts';
export { formatPath, safeRepoPath } from './paths.ts';
export type { DocEdits, EditOp, ManifestDoc, ManifestFile, ManifestLimits, YamlPath } from './types.ts';
export { DEFAULT_LIMITS } from './types.ts';

/**
 * Parse a file (multi-document, CRLF and BOM tolerated); throws ManifestError
 * (file:line) on bad YAML, duplicate keys, unknown tags, too many aliases, size limits.
 */
export function parseManifestFile(path: string, text: string, limits?: Partial<ManifestLimits>): ManifestFile {
  return parseText(path, text, limits).file;
}

/** Apply edits to several documents of a file; returns the new text. Untouched bytes stay identical. */
export function applyEdits(file: ManifestFile, edits: DocEdits[]): string {
  return applyEditsTo(file, edits);
}

/** Apply ops to one document; returns the new text. */
export function editDocument(file: ManifestFile, docIndex: number, ops: EditOp[]): string {
  return applyEditsTo(file, [{ docIndex, ops }]);
}

/** RFC 6902 operations (from fast-json-patch `compare`) as EditOps; `move`/`copy` become set+delete; `test` is checked. */
export function applyJsonPatch(file: ManifestFile, docIndex: number, patch: Operation[]): string {
  return applyPatch(file, docIndex, patch);
}
export { documentText, replaceDocuments } from './documents.ts';
