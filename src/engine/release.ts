/**
 * A service's release: the files it lists, or only the named documents of
 * shared files (PRODUCT.md, "The canary runs the candidate"). Pure: file texts
 * in, the parts that make up the release, comparisons and promotion changes out.
 */
import { TextMemo } from '../memo.ts';
import { ManifestError, printable } from '../errors.ts';
import type { FileChange } from '../git/types.ts';
import { documentText, findDocument, parseManifestFile, replaceDocuments, type ManifestFile } from '../manifests/index.ts';

/** `Kind/name` of a document. */
export interface DocRef {
  kind: string;
  name: string;
}

/** What a service's release is made of. */
export interface ReleaseSpec {
  files: readonly string[];
  /** For shared files: the documents of that file that are this service's release. */
  documents: Readonly<Record<string, readonly DocRef[]>>;
  /**
   * Files compared by a view of their text rather than the text (a Knative
   * Service without the traffic and revision name a rollout writes), so a
   * promoted production equals its candidate.
   */
  views?: Readonly<Record<string, (text: string) => string>>;
}

/** Text of a file on a branch; undefined when the file does not exist there. */
export type FileTexts = Readonly<Record<string, string | undefined>>;

/** One part of a release: a whole file, or one document of a shared file; `text` undefined when absent. */
export interface ReleasePart {
  path: string;
  document?: string;
  text: string | undefined;
}

/** `Kind/name`, printable: a name with a newline or an escape never splits a commit body, a trailer or an output line. */
export const docLabel = (d: DocRef): string => printable(`${d.kind}/${d.name}`);

function parse(path: string, text: string, branch: string): ManifestFile {
  try {
    return parseManifestFile(path, text);
  } catch (e) {
    if (e instanceof ManifestError) throw withBranch(e, branch);
    throw e;
  }
}

/** Release files known to parse (a service's files are read on both branches, mostly unchanged). */
const parsesOk = new TextMemo<true>(4096, 'release-parses');

function find(file: ManifestFile, d: DocRef, branch: string) {
  try {
    return findDocument(file, d);
  } catch (e) {
    if (e instanceof ManifestError) throw withBranch(e, branch);
    throw e;
  }
}

/** `e` with the branch it was read from added to its place. */
function withBranch(e: ManifestError, branch: string): ManifestError {
  return new ManifestError(e.message, { where: { ...e.where, branch }, hint: e.hint, data: e.data, cause: e.cause });
}

/**
 * The release parts on one branch, in config order. A listed document that the
 * file does not hold (or holds twice) is a ManifestError naming file and branch.
 */
export function releaseParts(spec: ReleaseSpec, texts: FileTexts, branch: string): ReleasePart[] {
  const parts: ReleasePart[] = [];
  for (const path of spec.files) {
    const text = texts[path];
    const docs = spec.documents[path];
    if (!docs) {
      // A release file that does not parse is this service's error now, naming branch, file and line.
      if (text !== undefined && /\.ya?ml$/i.test(path)) parsesOk.get(`${path}\0${text}`, () => {
          parse(path, text, branch);
          return true;
        });
      const view = spec.views?.[path];
      parts.push({ path, text: text !== undefined && view ? view(text) : text });
      continue;
    }
    if (text === undefined) {
      for (const d of docs) parts.push({ path, document: docLabel(d), text: undefined });
      continue;
    }
    const file = parse(path, text, branch);
    for (const d of docs) parts.push({ path, document: docLabel(d), text: documentText(file, find(file, d, branch).index) });
  }
  return parts;
}

/** A canonical string of the parts, for a digest (`Canary-Release`): same release ⇔ same key. */
export function releaseKey(parts: readonly ReleasePart[]): string {
  return JSON.stringify(parts.map((p) => [p.path, p.document ?? null, p.text ?? null]));
}

/**
 * The changes that make production's release the tested one: whole files are
 * copied (deleted when absent from the tested commit); for shared files only the
 * listed documents' content is replaced, every other byte stays production's.
 */
export function promoteRelease(spec: ReleaseSpec, production: FileTexts, tested: FileTexts, testedBranch: string): FileChange[] {
  const out: FileChange[] = [];
  for (const path of spec.files) {
    const docs = spec.documents[path];
    const now = production[path];
    const next = tested[path];
    if (!docs) {
      if (now !== next) out.push({ path, content: next ?? null });
      continue;
    }
    if (now === undefined || next === undefined) {
      throw new ManifestError(`${path} is missing on ${now === undefined ? 'production' : testedBranch}`, {
        where: { file: path, branch: now === undefined ? 'production' : testedBranch },
        hint: 'a shared file with documents must exist on both branches',
      });
    }
    const prodFile = parse(path, now, 'production');
    const testedFile = parse(path, next, testedBranch);
    const replacements = docs.map((d) => {
      const target = find(prodFile, d, 'production');
      const source = find(testedFile, d, testedBranch);
      return { index: target.index, text: documentText(testedFile, source.index) };
    });
    const text = replaceDocuments(prodFile, replacements);
    if (text !== now) out.push({ path, content: text });
  }
  return out;
}

/**
 * Release changes no canary document runs: every document of a release file
 * (only the listed ones for shared files) whose value differs between the two
 * branches and that is not in `exercised` (`path#Kind/name`). Documents without
 * a kind are `values in <path>`; a file that is not YAML is named whole.
 */
export function unexercisedChanges(
  spec: ReleaseSpec,
  production: FileTexts,
  candidate: FileTexts,
  exercised: ReadonlySet<string>,
): string[] {
  const out: string[] = [];
  for (const path of spec.files) {
    const a = production[path];
    const b = candidate[path];
    if (a === b) continue;
    if (!/\.ya?ml$/i.test(path)) {
      out.push(`file ${path}`);
      continue;
    }
    const docs = (text: string | undefined, branch: string) => {
      const map = new Map<string, string>();
      if (text === undefined) return map;
      const listed = spec.documents[path];
      for (const d of parse(path, text, branch).docs) {
        if (d.value === null) continue;
        // Labelled as derive.ts labels the documents it exercises: a nameless kustomization is `Kustomization`.
        const label = d.kind ? printable(d.name === undefined ? d.kind : `${d.kind}/${d.name}`) : 'values';
        if (listed && !listed.some((l) => docLabel(l) === label)) continue;
        map.set(label, JSON.stringify(d.value));
      }
      return map;
    };
    const before = docs(a, 'production');
    const after = docs(b, 'candidate');
    for (const label of new Set([...before.keys(), ...after.keys()])) {
      if (before.get(label) === after.get(label) || exercised.has(`${path}#${label}`)) continue;
      out.push(label === 'values' ? `values in ${path}` : label.replace('/', ' '));
    }
  }
  return out;
}
