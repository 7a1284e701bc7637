/**
 * The canary runs the candidate: derive the canary file from the candidate's
 * release by meaning, and check that it does. Pure: texts in, text out.
 *
 * Each workload document of the canary file is paired with a release document
 * of its kind. Inside the pod template the candidate wins; outside it only the
 * candidate's changes (production → candidate) are carried, three-way. Lists
 * are matched by merge key (./merge-keys.ts), and the result is written as
 * minimal RFC 6902 ops, so every byte the derivation does not need stays.
 *
 * Pointers in `canary.keep` and in violations are JSON pointers whose segments
 * through a keyed list are the item's merge-key value, not its index:
 * `/spec/template/spec/containers/app/image`,
 * `/spec/template/spec/containers/app/volumeMounts/~1var~1log` (`/` is `~1`).
 */
import { CanaryError, ConfigError, ManifestError, printable } from '../errors.ts';
import { applyJsonPatch, lineOf, parseManifestFile, type ManifestDoc, type ManifestFile } from '../manifests/index.ts';
import {
  type At,
  checkMerged,
  checkWin,
  deepEq,
  diffOps,
  isKept,
  isObj,
  listKeys,
  type Miss,
  merged,
  own,
  type Path,
  type Rules,
  toPointer,
  win,
} from './merge-keys.ts';

type Obj = Record<string, unknown>;

/** A document of a release file, as `kind/name` in config: `Deployment/reviews-v1`. */
export interface DocRef {
  kind: string;
  name: string;
}

export interface DeriveInput {
  canaryPath: string;
  /** The canary file as it was before the rollout (pristine). */
  canaryText: string;
  /** `canary.from`: the release file the canary follows. */
  fromPath: string;
  /** Text of `fromPath` on production (the released version). */
  productionFrom: string;
  /** Text of `fromPath` on candidate (what is to be tested). */
  candidateFrom: string;
  /** When set, only these documents of `fromPath` are the release (several services share the file); documents without kind never match. */
  documents?: DocRef[];
  /** `canary.fromName`: metadata.name of the release document to pair with. */
  fromName?: string;
  /** `canary.keep`: extra pointers the canary keeps as its own, e.g. `/spec/template/metadata/annotations` (keyed lists by merge-key value). */
  keep?: string[];
}

/** A canary document and the release document it follows, as labels (`Deployment/checkout-canary`) and 0-based indexes. */
export interface DocPair {
  canary: string;
  release: string;
  canaryIndex: number;
  /** Index of the release document in the candidate's `fromPath`. */
  releaseIndex: number;
}

export interface DeriveResult {
  text: string;
  pairs: DocPair[];
}

/** The first place where a canary document does not carry the candidate. */
export interface CanaryViolation {
  /** The canary document, `Deployment/checkout-canary`. */
  canary: string;
  /** Keyed-list segments are merge-key values (see the module comment). */
  pointer: string;
  /** The candidate's value there (undefined: the candidate removed it). */
  expected: unknown;
  /** The canary's value there (undefined: absent). */
  actual: unknown;
  /** 1-based line of the place (or its nearest existing parent) in the checked text. */
  line: number;
}

/** Pointers a workload canary always keeps as its own. A CronJob also keeps its template's labels. */
export const ALWAYS_KEPT: readonly string[] = [
  '/metadata/name',
  '/metadata/namespace',
  '/metadata/labels',
  '/spec/selector',
  '/spec/template/metadata/labels',
  '/spec/replicas',
];

/** What a Helm values canary always keeps. */
const VALUES_KEPT = ['/replicaCount'];

/** Kinds with a pod template: where the template (candidate wins) and its pod spec sit. */
const WORKLOADS: Readonly<Record<string, { template: string; podSpec: string }>> = {
  Deployment: { template: '/spec/template', podSpec: '/spec/template/spec' },
  StatefulSet: { template: '/spec/template', podSpec: '/spec/template/spec' },
  DaemonSet: { template: '/spec/template', podSpec: '/spec/template/spec' },
  ReplicaSet: { template: '/spec/template', podSpec: '/spec/template/spec' },
  Job: { template: '/spec/template', podSpec: '/spec/template/spec' },
  CronJob: { template: '/spec/jobTemplate/spec/template', podSpec: '/spec/jobTemplate/spec/template/spec' },
  Rollout: { template: '/spec/template', podSpec: '/spec/template/spec' },
  Pod: { template: '/spec', podSpec: '/spec' },
};

/**
 * How a canary document follows its release: a workload by template and
 * changes, a values document by changes, a kustomization overlay by `images`,
 * a workload by the `images` of a kustomization release.
 */
interface Plan {
  how: 'workload' | 'values' | 'overlay' | 'images';
  canary: ManifestDoc;
  release: ManifestDoc;
  production?: ManifestDoc;
  rules: Rules;
  podSpec?: Path;
}

/**
 * The canary file carrying the candidate's release: `canaryText` edited by
 * minimal ops (byte-identical when nothing is to change). Throws ManifestError
 * when a document cannot be paired or an edit would touch an anchored/aliased
 * node, and CanaryError `CANARY_INVARIANT` when the result still does not run
 * the candidate.
 */
export function deriveCanary(input: DeriveInput): DeriveResult {
  const canary = parseManifestFile(input.canaryPath, input.canaryText);
  const release = releaseOf(input);
  const plans = plansFor(input, canary, release);
  // One document at a time, re-parsed between documents; the last parse is the one checked.
  let file = canary;
  for (const plan of plans) {
    const c = plan.canary.value;
    const ops = diffOps(c, desired(plan, c));
    if (ops.length > 0) file = parseManifestFile(input.canaryPath, applyJsonPatch(file, plan.canary.index, ops));
  }
  const text = file.text;
  const v = violationIn(input, file, release);
  if (v) {
    throw new CanaryError('CANARY_INVARIANT', `canary ${v.canary} does not run the candidate at ${v.pointer}: expected ${show(v.expected)}, found ${show(v.actual)}`, {
      where: { file: input.canaryPath, line: v.line },
      hint: `git-canary cannot make ${input.canaryPath} carry ${input.fromPath} there: change the canary file by hand, or add the path to canary.keep if the canary must differ`,
      data: { canary: v.canary, pointer: v.pointer, expected: v.expected, actual: v.actual },
    });
  }
  return {
    text,
    pairs: plans.map((p) => ({ canary: label(p.canary), release: label(p.release), canaryIndex: p.canary.index, releaseIndex: p.release.index })),
  };
}

/**
 * The first place where `derivedText` (the canary file to check; `canaryText`
 * is not read) does not carry the candidate: inside a pod template every field
 * and keyed item of the candidate's template with its value, and nothing the
 * candidate removed; elsewhere each change from production to candidate.
 * Kept paths are not checked. Undefined when the canary runs the candidate.
 */
export function canaryViolation(input: DeriveInput & { derivedText: string }): CanaryViolation | undefined {
  return violationIn(input, parseManifestFile(input.canaryPath, input.derivedText), releaseOf(input));
}

function violationIn(input: DeriveInput, file: ManifestFile, release: Release): CanaryViolation | undefined {
  for (const plan of plansFor(input, file, release)) {
    const miss = missIn(plan, plan.canary.value);
    if (miss) {
      const { expected, actual } = miss;
      return { canary: label(plan.canary), pointer: toPointer(miss.sem), expected, actual, line: lineOf(file, plan.canary.index, miss.at) };
    }
  }
  return undefined;
}

// ---- pairing ---------------------------------------------------------------

/** The release documents of `fromPath` on both branches (only `documents`, when set). */
interface Release {
  candidate: ManifestDoc[];
  production: ManifestDoc[];
}

function releaseOf(input: DeriveInput): Release {
  const inRelease = (d: ManifestDoc) =>
    d.value !== null && (!input.documents || input.documents.some((r) => r.kind === d.kind && r.name === d.name));
  return {
    candidate: parseManifestFile(input.fromPath, input.candidateFrom).docs.filter(inRelease),
    production: parseManifestFile(input.fromPath, input.productionFrom).docs.filter(inRelease),
  };
}

function plansFor(input: DeriveInput, canary: ManifestFile, { candidate, production }: Release): Plan[] {
  const keep = (input.keep ?? []).map((k) => segments(k, 'canary.keep'));
  const kustomization = candidate.find(isKustomization);
  const out: Plan[] = [];
  for (const doc of canary.docs) {
    if (doc.value === null) continue;
    const shape = workloadShape(doc);
    const where = { file: input.canaryPath, line: doc.line };
    if (kustomization) {
      const base = { release: kustomization, production: production.find(isKustomization), canary: doc };
      if (isKustomization(doc)) out.push({ ...base, how: 'overlay', rules: { kept: keep } });
      else if (shape) out.push({ ...base, how: 'images', rules: { kept: keep }, podSpec: segments(shape.podSpec) });
    } else if (shape) {
      const release = pairWorkload(input, doc, candidate);
      const kept = [...ALWAYS_KEPT, ...(shape.podSpec === shape.template ? [] : [`${shape.template}/metadata/labels`])];
      out.push({
        how: 'workload',
        canary: doc,
        release,
        production: onProduction(input, release, production, where),
        rules: { kept: [...kept.map((k) => segments(k)), ...keep], template: segments(shape.template) },
      });
    } else if (isValues(doc)) {
      if (out.some((p) => p.how === 'values')) {
        throw new ManifestError(`${input.canaryPath} holds several values documents (without kind)`, {
          where,
          hint: 'a Helm values canary is one document: merge them',
        });
      }
      const release = onlyValues(input, candidate, 'candidate');
      if (!release) {
        throw new ManifestError(`no values document (without kind) in ${input.fromPath} for the canary values in ${input.canaryPath}`, {
          where,
          hint: 'canary.from must name the Helm values file the canary values follow',
          data: { canary: 'values', from: input.fromPath },
        });
      }
      const kept = [...VALUES_KEPT.map((k) => segments(k)), ...keep];
      out.push({ how: 'values', canary: doc, release, production: onlyValues(input, production, 'production'), rules: { kept } });
    }
  }
  if (out.length === 0) {
    throw new ManifestError(`${input.canaryPath} holds no document that can follow ${input.fromPath}`, {
      where: { file: input.canaryPath, line: 1 },
      hint: kustomization
        ? 'with a kustomization as canary.from, the canary file must be a kustomization overlay or a workload whose containers use its images'
        : `the canary file must hold the canary workload (${Object.keys(WORKLOADS).join(', ')}) or a Helm values document`,
      data: { canary: input.canaryPath, from: input.fromPath },
    });
  }
  return out;
}

/** The candidate's release document a canary workload follows: by fromName, by name without `-canary`, or the only one. */
function pairWorkload(input: DeriveInput, doc: ManifestDoc, candidate: ManifestDoc[]): ManifestDoc {
  const kind = doc.kind!;
  const sameKind = candidate.filter((d) => d.kind === kind);
  const base = doc.name?.replace(/-canary$/, '');
  const byName = sameKind.filter((d) => d.name === base);
  const chosen = input.fromName !== undefined ? sameKind.filter((d) => d.name === input.fromName) : byName.length ? byName : sameKind;
  if (chosen.length === 1) return chosen[0]!;
  const names = sameKind.map((d) => d.name ?? '(unnamed)');
  const canary = label(doc);
  const data = { canary, from: input.fromPath, candidates: names };
  const where = { file: input.canaryPath, line: doc.line };
  if (chosen.length === 0) {
    const what = input.fromName !== undefined ? `${kind} named ${input.fromName}` : kind;
    throw new ManifestError(`no ${what} in ${input.fromPath} to pair canary ${canary} (${input.canaryPath}) with`, {
      where,
      hint: names.length
        ? `${input.fromPath} holds ${names.map((n) => `${kind}/${n}`).join(', ')}: set canary.fromName to the one the canary runs`
        : `canary.from must name the release file that holds the ${kind} the canary runs${input.documents ? ' (and files.documents must list it)' : ''}`,
      data,
    });
  }
  throw new ManifestError(`canary ${canary} (${input.canaryPath}) could follow ${chosen.length} ${kind} documents in ${input.fromPath}: ${names.join(', ')}`, {
    where,
    hint: `set canary.fromName to the metadata.name of the one the canary runs (one of ${names.join(', ')})`,
    data,
  });
}

/** The one values document of a release branch; ManifestError when there are several. */
function onlyValues(input: DeriveInput, docs: ManifestDoc[], branch: string): ManifestDoc | undefined {
  const values = docs.filter(isValues);
  if (values.length > 1) {
    throw new ManifestError(`${input.fromPath} on ${branch} holds ${values.length} values documents (without kind) for canary values in ${input.canaryPath}`, {
      where: { file: input.fromPath, line: values[1]!.line },
      hint: 'a Helm values release is one document: merge them',
    });
  }
  return values[0];
}

/** Production's version of the release document: same kind and name; undefined when production lacks it (a new workload). */
function onProduction(input: DeriveInput, release: ManifestDoc, production: ManifestDoc[], where: { file: string; line: number }): ManifestDoc | undefined {
  const same = production.filter((d) => d.kind === release.kind && d.name === release.name);
  if (same.length > 1) {
    throw new ManifestError(`${input.fromPath} on production holds ${same.length} ${label(release)} documents`, {
      where,
      hint: 'give each object of the release file a unique kind and metadata.name',
    });
  }
  return same[0];
}

function workloadShape(doc: ManifestDoc): { template: string; podSpec: string } | undefined {
  if (doc.kind === undefined || !Object.hasOwn(WORKLOADS, doc.kind)) return undefined;
  if (doc.kind === 'Rollout' && !doc.apiVersion?.startsWith('argoproj.io/')) return undefined;
  return WORKLOADS[doc.kind];
}

/** `kind: Kustomization`, or a document without kind that lists `resources` or `bases`. */
function isKustomization(doc: ManifestDoc): boolean {
  if (doc.kind !== undefined) return doc.kind === 'Kustomization';
  return isObj(doc.value) && (Array.isArray(doc.value.resources) || Array.isArray(doc.value.bases));
}

/** A Helm values document: a mapping without kind that is not a kustomization. */
function isValues(doc: ManifestDoc): boolean {
  return doc.kind === undefined && isObj(doc.value) && !isKustomization(doc);
}

function label(doc: ManifestDoc): string {
  if (doc.kind === undefined) return isKustomization(doc) ? 'Kustomization' : 'values';
  // Printable like docLabel: labels reach commit bodies, trailers and output lines.
  return printable(doc.name === undefined ? doc.kind : `${doc.kind}/${doc.name}`);
}

// ---- the desired canary ----------------------------------------------------

function desired(plan: Plan, c: unknown): unknown {
  const p = plan.production?.value;
  const n = plan.release.value;
  const r = plan.rules;
  switch (plan.how) {
    case 'workload':
    case 'values':
      return merged(r, c, p, n, []);
    case 'overlay': {
      const images = win(r, own(c, 'images'), own(p, 'images'), own(n, 'images'), ['images'], 'images');
      const out: Obj = { ...(c as Obj) };
      if (images === undefined) delete out.images;
      else out.images = images;
      return out;
    }
    case 'images': {
      const out = structuredClone(c);
      const changes = imageChanges(p, n);
      for (const box of containersOf(c, plan.podSpec!)) {
        const change = changes.find((ch) => ch.names.includes(repository(box.image)));
        if (change && !isKept(r, box.sem)) setAt(out, box.at, effectiveImage(change.entry, box.image));
      }
      return out;
    }
  }
}

// ---- the check (mirrors the rules, written against the result) -------------

function missIn(plan: Plan, c: unknown): Miss | undefined {
  const p = plan.production?.value;
  const n = plan.release.value;
  const r = plan.rules;
  switch (plan.how) {
    case 'workload':
    case 'values':
      return checkMerged(r, c, p, n, [], []);
    case 'overlay': {
      const has = own(c, 'images') !== undefined;
      return checkWin(r, own(c, 'images'), own(p, 'images'), own(n, 'images'), ['images'], has ? ['images'] : [], 'images');
    }
    case 'images':
      for (const change of imageChanges(p, n)) {
        for (const box of containersOf(c, plan.podSpec!)) {
          if (!change.names.includes(repository(box.image)) || isKept(r, box.sem)) continue;
          const expected = effectiveImage(change.entry, box.image);
          if (box.image !== expected) return { sem: box.sem, at: box.at, expected, actual: box.image };
        }
      }
      return undefined;
  }
}

// ---- kustomize images ------------------------------------------------------

/** Candidate `images` entries that differ from production's entry of the same name, with the names a container may use for them. */
function imageChanges(p: unknown, n: unknown): { names: string[]; entry: Obj }[] {
  const before = own(p, 'images');
  const after = own(n, 'images');
  const pl = Array.isArray(before) ? before.filter(isObj) : [];
  return (Array.isArray(after) ? after.filter(isObj) : []).flatMap((entry) => {
    if (typeof entry.name !== 'string') return [];
    const old = pl.find((e) => e.name === entry.name);
    if (deepEq(old, entry)) return [];
    const names = [entry.name, entry.newName, old?.newName].filter((s): s is string => typeof s === 'string');
    return [{ names, entry }];
  });
}

/** The image a kustomize `images` entry gives a container now running `current`. */
function effectiveImage(entry: Obj, current: string): string {
  const name = typeof entry.newName === 'string' ? entry.newName : String(entry.name);
  if (typeof entry.digest === 'string') return `${name}@${entry.digest}`;
  if (entry.newTag !== undefined && entry.newTag !== null) return `${name}:${String(entry.newTag)}`;
  return name + current.slice(repository(current).length);
}

/** An image reference without its tag and digest: `registry:5000/app:1.2@sha256:…` → `registry:5000/app`. */
function repository(ref: string): string {
  const at = ref.indexOf('@');
  const base = at >= 0 ? ref.slice(0, at) : ref;
  const colon = base.lastIndexOf(':');
  return colon > base.lastIndexOf('/') ? base.slice(0, colon) : base;
}

/** Containers and init containers with a string image: pointer (by name) and index path of the image. */
function containersOf(doc: unknown, podSpec: Path): { sem: Path; at: At; image: string }[] {
  let spec: unknown = doc;
  for (const s of podSpec) spec = own(spec, s);
  return ['containers', 'initContainers'].flatMap((list) => {
    const items = own(spec, list);
    if (!Array.isArray(items)) return [];
    const keys = listKeys(list, items)?.[0];
    return items.flatMap((item, i) => {
      const image = own(item, 'image');
      return typeof image === 'string' ? [{ sem: [...podSpec, list, keys ? keys[i]! : String(i), 'image'], at: [...podSpec, list, i, 'image'], image }] : [];
    });
  });
}

// ---- small helpers ---------------------------------------------------------

function setAt(root: unknown, at: At, value: unknown): void {
  let cur = root as Record<string | number, unknown>;
  for (const s of at.slice(0, -1)) cur = cur[s] as Record<string | number, unknown>;
  cur[at.at(-1)!] = value;
}

/** Pointer segments; ConfigError for a pointer that does not start with `/`. */
function segments(pointer: string, what?: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new ConfigError(`${what ?? 'pointer'} entry ${JSON.stringify(pointer)} is not a JSON pointer`, {
      hint: 'write it from the document root, e.g. /spec/template/metadata/annotations (through keyed lists by name: /spec/template/spec/containers/app/resources)',
    });
  }
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
