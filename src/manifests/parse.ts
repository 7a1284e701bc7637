/**
 * Parsing: `yaml` documents with source ranges and CST tokens, refused early when
 * they are malformed or hostile (bombs, duplicate keys, exotic tags, huge files).
 */
import { type Document, isAlias, isCollection, isPair, isScalar, type Node, parseAllDocuments, visit } from 'yaml';
import { ManifestError } from '../errors.ts';
import { LineIndex, utf8Length } from './text.ts';
import { DEFAULT_LIMITS, type ManifestDoc, type ManifestFile, type ManifestLimits } from './types.ts';

/** A parsed file together with the `yaml` documents the editor works on. */
export interface Parsed {
  file: ManifestFile;
  ydocs: Document.Parsed[];
  lines: LineIndex;
  limits: ManifestLimits;
}

/** Tags whose values stay JSON: anything else (`!!binary`, `!!timestamp`, `!!python/…`) is refused. */
const PLAIN_TAGS = new Set(['str', 'int', 'float', 'bool', 'null', 'map', 'seq', 'merge'].map((t) => `tag:yaml.org,2002:${t}`));
PLAIN_TAGS.add('!');

const PARSE_OPTIONS = {
  keepSourceTokens: true,
  // Helm-style values files use `<<: *defaults`; Kubernetes' YAML 1.1 parser honours it too.
  merge: true,
  prettyErrors: false,
  // Pure code does not write to the console; errors reach us through doc.errors.
  logLevel: 'error',
  uniqueKeys: true,
  strict: true,
} as const;

const BOMB_HINT = 'this looks like a YAML bomb (billion laughs): expand the anchors by hand';

/** What YAML 1.2 does not count as printable (tab, LF, CR and NEL are fine); a binary file or a stray byte. */
const NON_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u0080-\u0084\u0086-\u009f\ufffe\uffff]/;

/** Parse results keyed by file object, so lookups and edits do not parse twice. */
const cache = new WeakMap<ManifestFile, Parsed>();

/** Parse and validate `text`; see `parseManifestFile`. */
export function parseText(path: string, text: string, limits: Partial<ManifestLimits> = {}): Parsed {
  const lim: ManifestLimits = { ...DEFAULT_LIMITS, ...limits };
  const fail = (message: string, hint: string, line?: number, data?: Record<string, unknown>): never => {
    throw new ManifestError(message, { where: { file: path, ...(line ? { line } : {}) }, hint, data });
  };
  const bytes = text.length > lim.maxBytes ? text.length : utf8Length(text);
  if (bytes > lim.maxBytes) {
    fail(`${path} is ${bytes} bytes, over the ${lim.maxBytes}-byte limit`, 'split the manifest into smaller files');
  }
  const lines = new LineIndex(text);
  const control = NON_PRINTABLE.exec(text);
  if (control) {
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    fail(
      `${path} holds the control character ${code}: it is not a YAML text file`,
      'manifests are text: remove the stray byte, or keep binary data out of the files git-canary manages',
      lines.line(control.index),
    );
  }
  let ydocs: Document.Parsed[];
  try {
    ydocs = parseAllDocuments(text, PARSE_OPTIONS) as unknown as Document.Parsed[];
  } catch (e) {
    // Pathological nesting overflows the recursive parser; report it rather than crash.
    return fail(`cannot parse ${path}: ${(e as Error).message}`, 'simplify the document: it is nested too deeply');
  }
  if (ydocs.length > lim.maxDocuments) {
    const extra = ydocs[lim.maxDocuments]!;
    fail(
      `${path} has ${ydocs.length} YAML documents, over the limit of ${lim.maxDocuments}`,
      'split the file into several files',
      lines.line(extra.range[0]),
    );
  }
  const docs = ydocs.map((doc, index) => toManifestDoc(path, text, lines, lim, doc, index));
  const parsed: Parsed = { file: { path, text, docs }, ydocs, lines, limits: lim };
  cache.set(parsed.file, parsed);
  return parsed;
}

/** The parse behind `file`: cached when `file` came from `parseText`, else parsed now with default limits. */
export function parsedOf(file: ManifestFile): Parsed {
  const hit = cache.get(file);
  if (hit && hit.file.text === file.text) return hit;
  const parsed = parseText(file.path, file.text, hit?.limits);
  cache.set(file, parsed);
  return parsed;
}

function toManifestDoc(
  path: string,
  text: string,
  lines: LineIndex,
  lim: ManifestLimits,
  doc: Document.Parsed,
  index: number,
): ManifestDoc {
  const fail = (message: string, hint: string, offset: number, data?: Record<string, unknown>): never => {
    throw new ManifestError(message, { where: { file: path, line: lines.line(offset) }, hint, data: { document: index, ...data } });
  };
  for (const e of doc.errors) {
    const at = e.pos[0];
    if (e.code === 'DUPLICATE_KEY') {
      // The error marks only the key's first character; read the key up to its `:`.
      const key = /^("(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[^\n]*?)\s*:(?:\s|$)/.exec(text.slice(at))?.[1] ?? text.slice(at, e.pos[1]);
      fail(`duplicate key ${JSON.stringify(key)} in ${path}`, 'remove one of the two entries: Kubernetes would silently keep only the last one', at, { key });
    }
    fail(`invalid YAML in ${path}: ${e.message}`, 'fix the YAML syntax at this line (yamllint points at the same place)', at, {
      yamlCode: e.code,
    });
  }
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED') refuseTag(text.slice(w.pos[0], w.pos[1]).trim(), w.pos[0]);
  }
  checkNodes(path, doc, lim, (tag, offset) => refuseTag(tag, offset), fail);

  function refuseTag(tag: string, offset: number): never {
    return fail(
      `unknown tag ${tag} in ${path}`,
      'remove the tag: manifests are plain data (only !!str, !!int, !!float, !!bool, !!null, !!map and !!seq are accepted)',
      offset,
      { tag },
    );
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: lim.maxAliasCount });
  } catch (e) {
    // yaml's own alias budget is a second line of defence behind checkNodes.
    const bomb = /alias count/i.test((e as Error).message);
    fail(
      bomb ? `too many alias expansions in ${path} (over ${lim.maxAliasCount})` : `cannot read ${path}: ${(e as Error).message}`,
      bomb ? BOMB_HINT : 'expand the anchors and aliases by hand',
      doc.contents?.range[0] ?? doc.range[0],
    );
  }
  const start = doc.contents?.range[0] ?? doc.range[0];
  const out: ManifestDoc = { index, line: lines.line(start), value: value ?? null };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const meta = (v.metadata && typeof v.metadata === 'object' ? v.metadata : {}) as Record<string, unknown>;
    if (typeof v.kind === 'string') out.kind = v.kind;
    if (typeof v.apiVersion === 'string') out.apiVersion = v.apiVersion;
    if (typeof meta.name === 'string') out.name = meta.name;
    if (typeof meta.namespace === 'string') out.namespace = meta.namespace;
  }
  return out;
}

/**
 * Refuse exotic tags, dangling or recursive aliases, and alias expansion beyond
 * the limit. Counting expansions (an alias costs 1 plus the aliases inside its
 * target) catches billion-laughs nests that hold only a few dozen alias nodes.
 */
function checkNodes(
  path: string,
  doc: Document.Parsed,
  lim: ManifestLimits,
  refuseTag: (tag: string, offset: number) => never,
  fail: (message: string, hint: string, offset: number) => never,
): void {
  const memo = new Map<Node, number>();
  const active = new Set<Node>();
  let total = 0;
  const weight = (node: unknown): number => {
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) return fail(`alias *${node.source} in ${path} has no anchor before it`, 'define the anchor (&name) before using *name', node.range?.[0] ?? 0);
      if (active.has(target)) return fail(`alias *${node.source} in ${path} refers to a node that contains it`, 'remove the recursive alias', node.range?.[0] ?? 0);
      const w = 1 + weight(target);
      if (w > lim.maxAliasCount) return fail(`alias *${node.source} in ${path} expands more than ${lim.maxAliasCount} aliases`, BOMB_HINT, node.range?.[0] ?? 0);
      return w;
    }
    if (!isCollection(node)) return 0;
    const known = memo.get(node);
    if (known !== undefined) return known;
    active.add(node);
    let w = 0;
    for (const item of node.items) {
      w += isPair(item) ? weight(item.key) + weight(item.value) : weight(item);
      if (w > lim.maxAliasCount) return fail(`too many alias expansions in ${path} (over ${lim.maxAliasCount})`, BOMB_HINT, node.range?.[0] ?? 0);
    }
    active.delete(node);
    memo.set(node, w);
    return w;
  };
  visit(doc, {
    Node(_key, node) {
      if ((isScalar(node) || isCollection(node)) && node.tag && !PLAIN_TAGS.has(node.tag)) {
        refuseTag(node.tag.replace(/^tag:yaml\.org,2002:/, '!!'), node.range?.[0] ?? 0);
      }
      if (isAlias(node)) {
        total += weight(node);
        if (total > lim.maxAliasCount) fail(`too many alias expansions in ${path} (over ${lim.maxAliasCount})`, BOMB_HINT, node.range?.[0] ?? 0);
      }
    },
  });
}
