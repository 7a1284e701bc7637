/** A path into a YAML document: mapping keys and sequence indexes. */
export type YamlPath = readonly (string | number)[];

/** One document of a (possibly multi-document) YAML file. */
export interface ManifestDoc {
  /** 0-based position of the document in its file. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  kind?: string;
  apiVersion?: string;
  name?: string;
  namespace?: string;
  /** The document as plain JSON-compatible data (what `yaml`'s toJS gives). */
  value: unknown;
}

/** A parsed manifest file. `text` is the exact original text, never re-dumped. */
export interface ManifestFile {
  /** Repository-relative path, for messages. */
  path: string;
  text: string;
  docs: ManifestDoc[];
}

/** An edit of one value in one document; applied by splicing into the original text. */
export type EditOp =
  | { op: 'set'; path: YamlPath; value: unknown }
  | { op: 'delete'; path: YamlPath };

/** Edits for one document of a file. */
export interface DocEdits {
  docIndex: number;
  ops: EditOp[];
}

/** Limits that keep a hostile manifest (YAML bomb, huge file) from hurting the worker. */
export interface ManifestLimits {
  maxBytes: number;
  maxDocuments: number;
  maxAliasCount: number;
}

export const DEFAULT_LIMITS: ManifestLimits = {
  maxBytes: 1024 * 1024,
  maxDocuments: 100,
  maxAliasCount: 100,
};
