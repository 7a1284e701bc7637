/**
 * Knative Serving router (serving.knative.dev/v1 Service; also Cloud Run's
 * service YAML, which is the same object).
 *
 * Here the release file, the canary and the route are one file: there is no
 * canary workload. The canary is a revision of the Service. At start
 * production's Service gets the candidate's `spec.template` under a new
 * revision name, and `spec.traffic` sends the step's percent to it (tagged
 * `canary`, so it also gets its own URL) and the rest to the revision
 * production ran; steps move the two percents; promotion is the tested
 * candidate's Service with that revision pinned and all of the canary's and
 * stable's traffic on it; rollback restores production's file as it was
 * before the rollout (engine/revision-rollout.ts).
 *
 * Percents are of the whole Service (they sum to 100); an entry without
 * `percent` counts 0; every other traffic entry (a tagged preview revision, a
 * `latestRevision` entry) keeps its percent. Production must pin its revision
 * (`spec.template.metadata.name` and a `revisionName` in `spec.traffic`):
 * Knative generates names git cannot know.
 */
import * as z from 'zod';
import { RouterError } from '../errors.ts';
import { diffOps } from '../engine/merge-keys.ts';
import { applyEdits, applyJsonPatch, lineOf, parseManifestFile } from '../manifests/index.ts';
import type { ManifestDoc, ManifestFile } from '../manifests/types.ts';
import { routeFile, routeName } from './schema-parts.ts';
import {
  asArray,
  findManaged,
  isRecord,
  type NewEntry,
  planManaged,
  selectDocs,
  type TrafficApi,
  type TrafficEntry,
  type TrafficRule,
  validatePercent,
} from './shared.ts';
import type { RevisionRouter, Router, SplitRoute, Weights } from './types.ts';

const KINDS = ['Service'] as const;
/** The tag git-canary gives the canary revision's traffic entry. */
export const CANARY_TAG = 'canary';

const schema = z
  .strictObject({
    type: z.literal('knative').describe('The traffic API of the route file.'),
    file: routeFile('Knative Service (or Cloud Run service YAML); it is also the release file'),
    name: routeName('Service'),
  })
  .describe('A Knative or Cloud Run Service: its revisions are the stable and the canary, split by spec.traffic percents.');

/** A knative `route`; `revisions` is set by the engine during a rollout, never written by a person. */
export type KnativeRoute = z.output<typeof schema> & {
  /** The revision production ran before the rollout (stable) and the rollout's revision (canary). */
  revisions?: { stable: string; canary: string };
};

const api: TrafficApi = {
  group: 'serving.knative.dev',
  versions: ['v1'],
  kinds: KINDS,
  kindLabel: 'Knative Service',
  entryNoun: 'traffic entry',
  matchKey: 'match',
  missingWeight: () => 0,
  canaryNeedsWeight: false,
  maxWeight: 100,
  narrowBy: 'revisionName',
  weightKey: 'percent',
  newEntry,
};

function fail(file: ManifestFile, doc: ManifestDoc | undefined, path: (string | number)[], message: string, hint: string): never {
  const line = doc ? lineOf(file, doc.index, path) : undefined;
  throw new RouterError(message, { where: { file: file.path, line }, hint });
}

/** The one Service this route manages (route.name narrows a file holding several). */
export function serviceDoc(file: ManifestFile, route: KnativeRoute): ManifestDoc {
  const docs = selectDocs(file, route, api);
  if (docs.length > 1) {
    fail(file, docs[1], [], `${file.path} holds ${docs.length} Knative Services`, `set route.name to the one to roll out (${docs.map((d) => d.name).join(', ')})`);
  }
  return docs[0]!;
}

const spec = (doc: ManifestDoc): Record<string, unknown> => {
  const v = isRecord(doc.value) ? doc.value.spec : undefined;
  return isRecord(v) ? v : {};
};
const traffic = (doc: ManifestDoc) => asArray(spec(doc).traffic).filter(isRecord);
/** `spec.template.metadata.name`, the name the next revision gets. */
const templateName = (doc: ManifestDoc): unknown => {
  const t = spec(doc).template;
  const m = isRecord(t) ? t.metadata : undefined;
  return isRecord(m) ? m.name : undefined;
};

/**
 * The revision a Service at rest runs: the `revisionName` holding 100%, else
 * the pinned template name when the traffic names it. RouterError (the
 * Service must pin its revision) otherwise.
 */
export function runningRevision(file: ManifestFile, doc: ManifestDoc): string {
  const entries = traffic(doc);
  const full = entries.find((e) => e.percent === 100 && typeof e.revisionName === 'string');
  if (full) return full.revisionName as string;
  const pinned = templateName(doc);
  if (typeof pinned === 'string' && entries.some((e) => e.revisionName === pinned)) return pinned;
  const hint =
    'pin it: set spec.template.metadata.name (e.g. checkout-v1) and spec.traffic: [{revisionName: checkout-v1, percent: 100}] — Knative generates revision names git cannot know';
  fail(file, doc, ['spec'], `Knative Service ${doc.name ?? ''} does not pin the revision it runs`, hint);
}

function newEntry(_file: ManifestFile, _rule: TrafficRule, _stable: TrafficEntry, route: SplitRoute): NewEntry {
  return { value: { revisionName: route.canary.name, tag: CANARY_TAG }, flow: [] };
}

function label(e: Record<string, unknown>): string {
  if (typeof e.revisionName === 'string') return e.revisionName;
  if (e.latestRevision === true) return 'latest revision';
  return typeof e.tag === 'string' ? `tag ${e.tag}` : 'traffic entry';
}

/** `spec.traffic` as the one rule of the Service: stable and canary are revisions. */
function rule(doc: ManifestDoc, stable: string, canary: string | undefined): TrafficRule {
  const list = asArray(spec(doc).traffic);
  return {
    doc,
    path: ['spec', 'traffic'],
    list: ['spec', 'traffic'],
    size: list.length,
    matched: false,
    entries: list.flatMap((e, j) =>
      isRecord(e)
        ? [
            {
              path: ['spec', 'traffic', j],
              value: e,
              weight: e.percent,
              stable: e.tag !== CANARY_TAG && e.revisionName === stable,
              canary: e.tag === CANARY_TAG || (canary !== undefined && e.revisionName === canary),
              label: label(e),
            },
          ]
        : [],
    ),
  };
}

/** The percent of an entry; RouterError unless an integer 0..100. */
function percentOf(file: ManifestFile, doc: ManifestDoc, j: number, e: Record<string, unknown>): number {
  const p = e.percent ?? 0;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 100) {
    fail(file, doc, ['spec', 'traffic', j, 'percent'], `percent ${JSON.stringify(e.percent)} of ${label(e)} is not an integer from 0 to 100`, 'fix spec.traffic by hand');
  }
  return p;
}

/**
 * The canary's percent is its tagged entry's (0 when there is none, at rest);
 * the stable's is the stable revision's when the engine names it, else the
 * rest. Read from the file alone, so a rollout's state can be checked against
 * any commit of it.
 */
function read(file: ManifestFile, route: KnativeRoute): Weights {
  const doc = serviceDoc(file, route);
  const entries = traffic(doc);
  if (entries.length === 0) fail(file, doc, ['spec'], `Knative Service ${doc.name ?? ''} has no spec.traffic`, 'pin its revision: spec.traffic: [{revisionName: <name>, percent: 100}]');
  const percents = entries.map((e, j) => percentOf(file, doc, j, e));
  const total = percents.reduce((a, b) => a + b, 0);
  if (total !== 100) fail(file, doc, ['spec', 'traffic'], `spec.traffic percents sum to ${total}, not 100`, 'Knative refuses such a Service: fix the percents by hand');
  const tagged = entries.flatMap((e, j) => (e.tag === CANARY_TAG ? [j] : []));
  if (tagged.length > 1) fail(file, doc, ['spec', 'traffic', tagged[1]!], `${tagged.length} traffic entries are tagged ${CANARY_TAG}`, 'keep one canary entry (Knative refuses duplicate tags)');
  const canary = tagged.length ? percents[tagged[0]!]! : 0;
  const stableAt = stableEntry(file, doc, route);
  return { stable: stableAt >= 0 ? percents[stableAt]! : 100 - canary, canary };
}

/**
 * Where the rollout's stable revision is in spec.traffic (-1 when the engine
 * names none); RouterError when it is named and missing: its traffic would
 * have nowhere to go back to.
 */
function stableEntry(file: ManifestFile, doc: ManifestDoc, route: KnativeRoute): number {
  if (!route.revisions) return -1;
  const { stable } = route.revisions;
  const at = traffic(doc).findIndex((e) => e.tag !== CANARY_TAG && e.revisionName === stable);
  if (at < 0) {
    const found = traffic(doc).map(label).join(', ');
    fail(file, doc, ['spec', 'traffic'], `the stable revision ${stable} is not in spec.traffic (found: ${found})`, `give ${stable} its traffic entry back by hand (revisionName: ${stable}), or roll back`);
  }
  return at;
}

/** The route as shared.ts sees it: the stable and canary revisions as destinations. */
function asSplit(file: ManifestFile, doc: ManifestDoc, route: KnativeRoute): SplitRoute {
  const stable = route.revisions?.stable ?? runningRevision(file, doc);
  const canary = route.revisions?.canary ?? traffic(doc).find((e) => e.tag === CANARY_TAG)?.revisionName;
  return { ...route, stable: { name: stable }, canary: { name: typeof canary === 'string' ? canary : '' } };
}

function plan(file: ManifestFile, route: KnativeRoute, percent: number) {
  validatePercent(file, percent);
  const doc = serviceDoc(file, route);
  read(file, route);
  const split = asSplit(file, doc, route);
  const managed = findManaged(file, split, [doc], [rule(doc, split.stable.name, split.canary.name || undefined)], api);
  if (!managed[0]?.canary && percent > 0 && split.canary.name === '') {
    fail(file, doc, ['spec', 'traffic'], 'no canary revision to send traffic to', 'a rollout names its revision at start (git-canary tick)');
  }
  return planManaged(file, split, managed, percent, api);
}

/** The Service's traffic and template as written: a person's edit of either is an edit of this service's routing. */
function owned(file: ManifestFile, route: KnativeRoute): unknown {
  const doc = serviceDoc(file, route);
  stableEntry(file, doc, route);
  return { document: `Service/${doc.name ?? `#${doc.index}`}`, traffic: structuredClone(spec(doc).traffic ?? null), template: structuredClone(spec(doc).template ?? null) };
}

/** What a rollout writes into the Service, left out when releases are compared: the traffic and the revision's name. */
function releaseView(file: ManifestFile, route: KnativeRoute): string {
  const doc = serviceDoc(file, route);
  const value = structuredClone(doc.value) as { spec?: { traffic?: unknown; template?: { metadata?: { name?: unknown } } } };
  if (value.spec) delete value.spec.traffic;
  if (value.spec?.template?.metadata) delete value.spec.template.metadata.name;
  return JSON.stringify([doc.index, sortedKeys(value)]);
}

/** `v` with every map's keys in order: two Services equal in meaning give one string, however their YAML orders keys. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (!isRecord(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortedKeys(v[k])]));
}

/** Every revision name the Service mentions (its template and its traffic). */
function revisionNames(doc: ManifestDoc): Set<string> {
  const names = traffic(doc).flatMap((e) => (typeof e.revisionName === 'string' ? [e.revisionName] : []));
  const t = templateName(doc);
  return new Set(typeof t === 'string' ? [...names, t] : names);
}

/**
 * The candidate's own revision name when it sets one production does not
 * already run, else `<metadata.name>-<7 hex of the candidate sha>` (PRODUCT.md).
 * Once production runs a name git-canary made, the candidate's name is the one
 * its file kept from before (an exported Cloud Run YAML keeps its old name):
 * Knative refuses a revision name used before, so a name is made again.
 */
function canaryRevisionName(production: ManifestDoc, candidate: ManifestDoc, candidateSha: string, running: string): string {
  const service = production.name ?? candidate.name ?? 'revision';
  const own = templateName(candidate);
  const made = running.startsWith(`${service}-`) && /^[0-9a-f]{7}$/.test(running.slice(service.length + 1));
  if (typeof own === 'string' && own !== '' && !made && !revisionNames(production).has(own)) return own;
  return `${service}-${candidateSha.slice(0, 7)}`;
}

const templateOf = (doc: ManifestDoc) => spec(doc).template;

const revisions: RevisionRouter<KnativeRoute> = {
  releaseView,
  running: (file, route) => runningRevision(file, serviceDoc(file, route)),
  start(production, candidate, route, o) {
    const prodDoc = serviceDoc(production, route);
    const candDoc = serviceDoc(candidate, route);
    const stable = runningRevision(production, prodDoc);
    const canary = canaryRevisionName(prodDoc, candDoc, o.candidateSha, stable);
    const want = structuredClone(templateOf(candDoc)) as Record<string, unknown> | undefined;
    if (!isRecord(want)) fail(candidate, candDoc, ['spec'], `the candidate's Knative Service ${candDoc.name ?? ''} has no spec.template`, 'the canary revision is the candidate\'s spec.template');
    want.metadata = { ...(isRecord(want.metadata) ? want.metadata : {}), name: canary };
    // Ops from production's template to the candidate's, applied to that same template: exact, and minimal.
    const ops = diffOps(templateOf(prodDoc), want, '/spec/template');
    const withTemplate = ops.length ? applyJsonPatch(production, prodDoc.index, ops) : production.text;
    const next = parseManifestFile(production.path, withTemplate);
    return applyEdits(next, plan(next, { ...route, revisions: { stable, canary } }, o.weight));
  },
  step(current, base, route, weight) {
    const stable = runningRevision(base, serviceDoc(base, route));
    const canary = templateName(serviceDoc(current, route));
    if (typeof canary !== 'string') fail(current, serviceDoc(current, route), ['spec', 'template'], 'the canary revision has no name (spec.template.metadata.name)', 'a person changed the Service during the rollout: roll back, or restore it');
    return applyEdits(current, plan(current, { ...route, revisions: { stable, canary } }, weight));
  },
  promote(current, base, tested, route) {
    const doc = serviceDoc(current, route);
    const stable = runningRevision(base, serviceDoc(base, route));
    const canary = templateName(doc);
    const testedDoc = serviceDoc(tested, route);
    // First the tested Service's changes around the revision (labels, annotations…), the traffic and the name as the rollout has them.
    const want = structuredClone(testedDoc.value) as Record<string, unknown>;
    const wantSpec: Record<string, unknown> = isRecord(want.spec) ? want.spec : {};
    want.spec = wantSpec;
    wantSpec.traffic = structuredClone(spec(doc).traffic);
    const template: Record<string, unknown> = isRecord(wantSpec.template) ? wantSpec.template : {};
    wantSpec.template = template;
    template.metadata = { ...(isRecord(template.metadata) ? template.metadata : {}), name: canary };
    const ops = diffOps(doc.value, want);
    const around = parseManifestFile(current.path, ops.length ? applyJsonPatch(current, doc.index, ops) : current.text);
    // Then the traffic, entry by entry (comments on the others stay): the canary, untagged, takes the stable's share; the stable's entry goes.
    const next = serviceDoc(around, route);
    const entries = traffic(next);
    const stableAt = entries.findIndex((e) => e.tag !== CANARY_TAG && e.revisionName === stable);
    const canaryAt = entries.findIndex((e) => e.tag === CANARY_TAG);
    if (canaryAt < 0) fail(current, doc, ['spec', 'traffic'], 'no traffic entry is tagged canary: the rollout\'s revision has no traffic to be promoted', 'a person changed spec.traffic during the rollout: restore the canary entry, or roll back');
    const share = (entries[canaryAt]!.percent as number | undefined ?? 0) + (stableAt >= 0 ? ((entries[stableAt]!.percent as number | undefined) ?? 0) : 0);
    const edits = [
      { op: 'set' as const, path: ['spec', 'traffic', canaryAt, 'percent'], value: share },
      { op: 'delete' as const, path: ['spec', 'traffic', canaryAt, 'tag'] },
      ...(stableAt >= 0 ? [{ op: 'delete' as const, path: ['spec', 'traffic', stableAt] }] : []),
    ];
    return applyEdits(around, [{ docIndex: next.index, ops: edits }]);
  },
};

/** Knative Serving router: the canary is a revision of the Service, split by spec.traffic percents. */
export const knative = {
  type: 'knative',
  kinds: KINDS,
  schema,
  templateProvider: 'knative',
  read,
  plan,
  owned,
  revisions,
} as const satisfies Router<KnativeRoute>;
