/**
 * `propose`: set a service's image in its release files on candidate, the way
 * app CI would by hand, with a minimal edit. Pure: the release's texts and the
 * parsed image in, the new texts and a description of each change out.
 *
 * Where an image lives, by layout:
 * - workloads (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob,
 *   Pod, Argo Rollout): `containers[].image` and `initContainers[].image`
 *   whose repository is the proposed one (tag and digest ignored,
 *   `docker.io/library/nginx` ≡ `nginx`); the file's spelling of the
 *   repository is kept, the tag/digest becomes the proposed one;
 * - kustomizations: `images[]` entries whose `name` or `newName` is the
 *   repository get `newTag` (or `digest`), a stale `digest` (or `newTag`) is
 *   removed, and `newName` is set only when the entry already has one;
 * - Helm values (documents without kind): `image: {repository, tag}` (with
 *   optional `registry`, `digest`) or `image: repo:tag`, at the root or under
 *   a top-level key; or the scalar `--path` names (dotted or JSON pointer).
 * Only the service's documents of a shared file are read or changed.
 */
import { CanaryError, ManifestError } from '../errors.ts';
import type { FileChange } from '../git/types.ts';
import {
  formatImageRef,
  type ImageRef,
  parseRepository,
  repositoryOf,
  sameRepository,
  tryParseImageRef,
  versionOf,
} from '../manifests/image-ref.ts';
import { applyEdits, type DocEdits, type EditOp, type ManifestDoc, type ManifestFile, parseManifestFile, type YamlPath } from '../manifests/index.ts';
import { parsePointer } from '../manifests/paths.ts';
import { getAt } from '../manifests/value.ts';
import { docLabel, type FileTexts, type ReleaseSpec } from './release.ts';

/** One scalar propose changes: the JSON `changes[]` entry, plus `what` for the commit body. */
export interface ImageChange {
  file: string;
  /** `Deployment/checkout`, `Kustomization`, `values`. */
  document: string;
  /** JSON pointer of the scalar. */
  path: string;
  /** `container checkout`, `image checkout newTag`, `image.tag`. */
  what: string;
  /** The value before; null when the key was absent. */
  from: unknown;
  /** The value after; null when the key is removed. */
  to: string | null;
}

export interface ProposeInput {
  service: string;
  release: ReleaseSpec;
  /** The release files' texts on candidate. */
  texts: FileTexts;
  image: ImageRef;
  /** `--path`: in Helm values, the key holding the tag (or the whole image), dotted or a JSON pointer. */
  valuesPath?: string;
  /** The branch the texts come from, for messages. */
  branch: string;
}

export interface Proposal {
  /** New texts of the files that change. */
  files: FileChange[];
  changes: ImageChange[];
  /** Places that hold the image, changed or already at it. */
  matched: number;
  /** True when every place already holds the proposed image. */
  noop: boolean;
}

/** The service's release holds no image of the proposed repository. */
export class NoMatchingImageError extends CanaryError {
  constructor(message: string, options: ConstructorParameters<typeof CanaryError>[2] = {}) {
    super('MANIFEST', message, options);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One scalar to set (`to` a string) or remove (`to` null), with where it is. */
interface Edit {
  path: YamlPath;
  what: string;
  from: unknown;
  to: string | null;
}

/** What one document holds: the edits for each matching place, and every repository seen. */
interface Scan {
  sites: Edit[][];
  held: string[];
  /** With --path: the document has that path. */
  hasPath?: boolean;
}

const TEMPLATE: YamlPath = ['spec', 'template', 'spec'];
/** Where each workload kind keeps its pod spec. */
const POD_SPECS: Readonly<Record<string, YamlPath>> = {
  ...Object.fromEntries(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Rollout'].map((k) => [k, TEMPLATE])),
  CronJob: ['spec', 'jobTemplate', ...TEMPLATE],
  Pod: ['spec'],
};

/** `image` with its repository as written and the proposal's tag/digest. */
function retagged(current: ImageRef, proposal: ImageRef): string {
  return repositoryOf(current) + versionOf(proposal);
}

/** Images of a workload's containers and init containers. */
function scanWorkload(doc: ManifestDoc, podSpec: YamlPath, image: ImageRef): Scan {
  const out: Scan = { sites: [], held: [] };
  for (const [list, word] of [
    ['containers', 'container'],
    ['initContainers', 'initContainer'],
  ] as const) {
    const items = getAt(doc.value, [...podSpec, list]);
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      const current = isObj(c) ? c.image : undefined;
      if (typeof current !== 'string' || current === '') return;
      const ref = tryParseImageRef(current);
      out.held.push(ref ? repositoryOf(ref) : current);
      if (!ref || !sameRepository(ref, image)) return;
      const name = typeof (c as Obj).name === 'string' ? ((c as Obj).name as string) : String(i);
      out.sites.push([{ path: [...podSpec, list, i, 'image'], what: `${word} ${name}`, from: current, to: retagged(ref, image) }]);
    });
  }
  return out;
}

/** `kind: Kustomization`, or a document without kind that lists `resources`, `bases` or `components`. */
function isKustomization(doc: ManifestDoc): boolean {
  if (doc.kind !== undefined) return doc.kind === 'Kustomization';
  return isObj(doc.value) && ['resources', 'bases', 'components'].some((k) => Array.isArray((doc.value as Obj)[k]));
}

function scanKustomization(doc: ManifestDoc, image: ImageRef): Scan {
  const out: Scan = { sites: [], held: [] };
  const images = getAt(doc.value, ['images']);
  if (!Array.isArray(images)) return out;
  images.forEach((entry, i) => {
    if (!isObj(entry) || typeof entry.name !== 'string') return;
    const name = parseRepository(entry.name);
    const newName = typeof entry.newName === 'string' ? parseRepository(entry.newName) : undefined;
    out.held.push(typeof entry.newName === 'string' ? entry.newName : entry.name);
    const viaNewName = newName !== undefined && sameRepository(newName, image);
    if (!viaNewName && !(name && sameRepository(name, image))) return;
    const edits: Edit[] = [];
    const edit = (key: string, to: string | null) => {
      if (to === null && !Object.hasOwn(entry, key)) return;
      edits.push({ path: ['images', i, key], what: `image ${entry.name} ${key}`, from: Object.hasOwn(entry, key) ? entry[key] : null, to });
    };
    if (Object.hasOwn(entry, 'newName') && !viaNewName) edit('newName', repositoryOf(image));
    edit('newTag', image.tag ?? null);
    edit('digest', image.digest ?? null);
    out.sites.push(edits);
  });
  return out;
}

/** The edits of a Helm image map `{repository, tag, [registry], [digest]}` at `mapPath`, with the tag under `tagKey`. */
function helmMap(map: Obj, mapPath: YamlPath, tagKey: string, image: ImageRef, file: string): Edit[] {
  const label = (key: string) => [...mapPath, key].join('.');
  const edits: Edit[] = [];
  const edit = (key: string, to: string) => {
    edits.push({ path: [...mapPath, key], what: label(key), from: Object.hasOwn(map, key) ? map[key] : null, to });
  };
  if (image.tag !== undefined) edit(tagKey, image.tag);
  if (image.digest !== undefined) {
    if (!Object.hasOwn(map, 'digest')) {
      throw new ManifestError(`the proposed image pins a digest, and ${label('digest')} does not exist in ${file}`, {
        where: { file },
        hint: `propose the tag alone, or add ${label('digest')} to the values (if the chart reads it)`,
      });
    }
    edit('digest', image.digest);
  } else if (typeof map.digest === 'string' && map.digest !== '') {
    // A digest left in place would keep running the old image whatever the tag says.
    edit('digest', '');
  }
  return edits;
}

/** The repository a Helm image map names (`registry` + `repository`), as written. */
function helmRepository(map: Obj): string | undefined {
  if (typeof map.repository !== 'string') return undefined;
  return typeof map.registry === 'string' && map.registry !== '' ? `${map.registry}/${map.repository}` : map.repository;
}

/** A string that is a whole image reference (a tag never holds `:`, `/` or `@`). */
function fullImage(v: unknown): ImageRef | undefined {
  return typeof v === 'string' && /[:/@]/.test(v) ? tryParseImageRef(v) : undefined;
}

function scanValues(doc: ManifestDoc, image: ImageRef, file: string): Scan {
  const out: Scan = { sites: [], held: [] };
  const value = doc.value as Obj;
  const bases: YamlPath[] = [[], ...Object.keys(value).filter((k) => isObj(value[k])).map((k) => [k])];
  for (const base of bases) {
    const path = [...base, 'image'];
    const v = getAt(value, path);
    const ref = fullImage(v);
    if (ref) {
      out.held.push(repositoryOf(ref));
      if (sameRepository(ref, image)) out.sites.push([{ path, what: path.join('.'), from: v, to: retagged(ref, image) }]);
      continue;
    }
    if (!isObj(v)) continue;
    const repository = helmRepository(v);
    if (repository === undefined) continue;
    out.held.push(repository);
    const parsed = parseRepository(repository);
    if (parsed && sameRepository(parsed, image)) out.sites.push(helmMap(v, path, 'tag', image, file));
  }
  return out;
}

/** `--path` as segments: a JSON pointer (`/image/tag`) or dotted (`image.tag`). */
export function valuesPathSegments(path: string): string[] {
  const segments = path.startsWith('/') ? parsePointer(path, '--path') : path.split('.');
  if (path === '' || segments.length === 0 || segments.some((s) => s === '')) {
    throw new CanaryError('CONFIG', `--path ${JSON.stringify(path)} is not a path`, {
      where: { detail: '--path' },
      hint: 'name the key holding the tag from the document root, dotted (image.tag) or as a JSON pointer (/image/tag)',
    });
  }
  return segments;
}

/** The path walked through `value`: sequence indexes as numbers; undefined when it does not exist. */
function walk(value: unknown, segments: readonly string[]): YamlPath | undefined {
  const out: (string | number)[] = [];
  let cur = value;
  for (const seg of segments) {
    if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(seg) && Number(seg) < cur.length) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else if (isObj(cur) && Object.hasOwn(cur, seg)) {
      out.push(seg);
      cur = cur[seg];
    } else return undefined;
  }
  return out;
}

/** The scalar `--path` names in a values document: the whole image, a digest, or the tag of the map around it. */
function scanValuesPath(doc: ManifestDoc, segments: readonly string[], image: ImageRef, file: string, shown: string): Scan {
  const out: Scan = { sites: [], held: [] };
  const path = walk(doc.value, segments);
  if (!path) return out;
  out.hasPath = true;
  const v = getAt(doc.value, path);
  const where = { file, line: doc.line, detail: `--path ${shown}` };
  if (v !== null && typeof v === 'object') {
    throw new ManifestError(`--path ${shown} in ${file} holds a ${Array.isArray(v) ? 'list' : 'mapping'}, not a tag`, {
      where,
      hint: `name the scalar holding the tag, e.g. ${shown}.tag`,
    });
  }
  const what = path.join('.');
  const ref = fullImage(v);
  if (ref) {
    out.held.push(repositoryOf(ref));
    if (!sameRepository(ref, image)) return out;
    out.sites.push([{ path, what, from: v, to: retagged(ref, image) }]);
    return out;
  }
  if (typeof v === 'string' && /^sha(256|512):/.test(v)) {
    if (image.digest === undefined) {
      throw new ManifestError(`--path ${shown} in ${file} holds a digest, and ${formatImageRef(image)} has none`, {
        where,
        hint: 'propose the image by digest (name@sha256:…), or point --path at the tag',
      });
    }
    out.sites.push([{ path, what, from: v, to: image.digest }]);
    return out;
  }
  const parent = getAt(doc.value, path.slice(0, -1));
  const repository = isObj(parent) ? helmRepository(parent) : undefined;
  if (repository !== undefined) {
    out.held.push(repository);
    const parsed = parseRepository(repository);
    if (!parsed || !sameRepository(parsed, image)) return out;
  }
  if (image.tag === undefined) {
    throw new ManifestError(`--path ${shown} in ${file} holds a tag, and ${formatImageRef(image)} has none`, {
      where,
      hint: 'propose the image with a tag (name:tag, or name:tag@sha256:…)',
    });
  }
  out.sites.push(isObj(parent) ? helmMap(parent, path.slice(0, -1), String(path.at(-1)), image, file) : [{ path, what, from: v, to: image.tag }]);
  return out;
}

function documentLabel(doc: ManifestDoc): string {
  if (doc.kind === undefined) return isKustomization(doc) ? 'Kustomization' : 'values';
  return doc.name === undefined ? doc.kind : docLabel({ kind: doc.kind, name: doc.name });
}

const pointer = (path: YamlPath) => path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

function parse(path: string, text: string, branch: string): ManifestFile {
  try {
    return parseManifestFile(path, text);
  } catch (e) {
    if (e instanceof ManifestError) throw new ManifestError(e.message, { where: { ...e.where, branch }, hint: e.hint, data: e.data, cause: e });
    throw e;
  }
}

function scanDocument(doc: ManifestDoc, input: ProposeInput, file: string, segments: readonly string[] | undefined): Scan {
  if (doc.value === null) return { sites: [], held: [] };
  const podSpec = doc.kind !== undefined && Object.hasOwn(POD_SPECS, doc.kind) ? POD_SPECS[doc.kind] : undefined;
  if (podSpec) return scanWorkload(doc, podSpec, input.image);
  if (isKustomization(doc)) return scanKustomization(doc, input.image);
  if (doc.kind !== undefined || !isObj(doc.value)) return { sites: [], held: [] };
  if (segments) return scanValuesPath(doc, segments, input.image, file, input.valuesPath!);
  return scanValues(doc, input.image, file);
}

/**
 * The proposal: every place of the release that holds the image's repository,
 * set to the image. Throws NoMatchingImageError when no place holds it, and
 * ManifestError (file, line, branch) when a file cannot be read or edited (an
 * anchored image also used elsewhere, a `<<` merge).
 */
export function planProposal(input: ProposeInput): Proposal {
  const segments = input.valuesPath === undefined ? undefined : valuesPathSegments(input.valuesPath);
  const files: FileChange[] = [];
  const changes: ImageChange[] = [];
  const held = new Set<string>();
  let matched = 0;
  let present = 0;
  let hasPath = false;
  for (const path of input.release.files) {
    const text = input.texts[path];
    if (text === undefined || !/\.ya?ml$/i.test(path)) continue;
    present++;
    const file = parse(path, text, input.branch);
    const listed = input.release.documents[path];
    const edits: DocEdits[] = [];
    const planned: { docIndex: number; edit: Edit }[] = [];
    for (const doc of file.docs) {
      if (listed && !listed.some((d) => d.kind === doc.kind && d.name === doc.name)) continue;
      const scan = scanDocument(doc, input, path, segments);
      for (const h of scan.held) held.add(h);
      hasPath ||= scan.hasPath === true;
      matched += scan.sites.length;
      const ops: EditOp[] = [];
      for (const edit of scan.sites.flat()) {
        if (edit.from === edit.to || (edit.to === null && edit.from === null)) continue;
        ops.push(edit.to === null ? { op: 'delete', path: edit.path } : { op: 'set', path: edit.path, value: edit.to });
        planned.push({ docIndex: doc.index, edit });
        changes.push({ file: path, document: documentLabel(doc), path: pointer(edit.path), what: edit.what, from: edit.from, to: edit.to });
      }
      if (ops.length > 0) edits.push({ docIndex: doc.index, ops });
    }
    if (edits.length === 0) continue;
    const next = applyEdits(file, edits);
    confirm(path, next, planned, input.branch);
    files.push({ path, content: next });
  }
  if (matched === 0) throw noMatch(input, [...held], present, hasPath);
  return { files, changes, matched, noop: changes.length === 0 };
}

/** Re-read the edited text: every planned scalar must now read as intended. */
function confirm(path: string, text: string, planned: readonly { docIndex: number; edit: Edit }[], branch: string): void {
  const file = parse(path, text, branch);
  for (const { docIndex, edit } of planned) {
    const got = getAt(file.docs[docIndex]?.value, edit.path);
    if (got === (edit.to ?? undefined)) continue;
    throw new ManifestError(`setting ${edit.what} in ${path} did not read back as ${JSON.stringify(edit.to)} (found ${JSON.stringify(got)})`, {
      where: { file: path, branch },
      hint: 'this is a git-canary bug: make the change by hand and report the file',
    });
  }
}

function noMatch(input: ProposeInput, held: string[], present: number, hasPath: boolean): CanaryError {
  const repo = repositoryOf(input.image);
  const where = { branch: input.branch, detail: `services.${input.service}.files` };
  const data = { service: input.service, repository: repo, held: [...new Set(held)].sort() };
  if (present === 0) {
    return new NoMatchingImageError(`none of ${input.service}'s release files exist on ${input.branch}`, {
      where,
      hint: `the release is ${input.release.files.join(', ')}; commit them to ${input.branch} first`,
      data,
    });
  }
  const byPath = input.valuesPath !== undefined;
  if (byPath && !hasPath) {
    return new NoMatchingImageError(`--path ${input.valuesPath} is in no values document of ${input.service}'s release on ${input.branch}`, {
      where: { ...where, detail: `--path ${input.valuesPath}` },
      hint: 'name the key from the values document root, dotted (image.tag) or as a JSON pointer (/image/tag)',
      data,
    });
  }
  return new NoMatchingImageError(`${input.service}'s release on ${input.branch} holds no image ${repo}${byPath ? ` at --path ${input.valuesPath}` : ''}`, {
    where,
    hint: data.held.length
      ? `it holds ${data.held.join(', ')}: check --image${byPath ? ' and --path' : ''}`
      : `it holds no image reference: check services.${input.service}.files${byPath ? ' and --path' : ', or name the Helm values key with --path'}`,
    data,
  });
}

/** A value as the commit body shows it: an image's tag/digest when the repository stays, `(none)` for an absent key. */
function shown(v: unknown, other: unknown): string {
  if (v === null || v === undefined) return '(none)';
  if (typeof v !== 'string') return JSON.stringify(v);
  const a = fullImage(v);
  const b = fullImage(other);
  if (a && b && repositoryOf(a) === repositoryOf(b) && versionOf(a) !== '') return versionOf(a).replace(/^[:@]/, '');
  return v === '' ? '""' : v;
}

/** `apps/checkout/deployment.yaml: Deployment/checkout container checkout: v1 → v2` */
export function describeChange(c: ImageChange): string {
  const to = c.to === null ? '(removed)' : shown(c.to, c.from);
  return `${c.file}: ${c.document} ${c.what}: ${shown(c.from, c.to)} → ${to}`;
}

/** A trailer value: one line, no control characters. */
const oneLine = (s: string) => s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

/**
 * The propose commit's message: `<service>: propose <image>`, one body line per
 * change, and the `Canary-Proposed-By` trailer. Not a rollout record: no
 * Canary-Service or Canary-Phase.
 */
export function proposalMessage(o: { service: string; image: ImageRef; changes: readonly ImageChange[]; proposedBy: string }): string {
  const body = o.changes.map(describeChange).join('\n');
  return `${o.service}: propose ${formatImageRef(o.image)}\n\n${body}\n\nCanary-Proposed-By: ${oneLine(o.proposedBy) || 'unknown'}\n`;
}
