/**
 * Turns a decision into the file changes of one commit. Pure: file texts in,
 * new texts out, through the minimal-diff manifest model and the routers, so
 * every byte the decision does not need to change stays as it was.
 */
// fast-json-patch is CommonJS: named ESM imports fail at run time, the default export works.
import jsonPatch from 'fast-json-patch';
import { ManifestError } from '../errors.ts';
import type { FileChange } from '../git/types.ts';
import {
  applyEdits,
  applyJsonPatch,
  findDocuments,
  parseManifestFile,
  type ManifestDoc,
  type ManifestFile,
} from '../manifests/index.ts';
import { getRouter } from '../routers/index.ts';
import type { RouteConfig, Weights } from '../routers/types.ts';

/** The parts of a service's config planning needs. */
export interface PlanService {
  files: readonly string[];
  canary: { file: string; from: string; fromName?: string };
  route: RouteConfig;
}

/** Text of a file on a branch; undefined when the file does not exist there. */
export type FileTexts = Readonly<Record<string, string | undefined>>;

/** Route file with new weights; undefined when it already has them (nothing to write). */
export function planWeights(service: PlanService, routeText: string, weights: Weights): FileChange | undefined {
  const router = getRouter(service.route.type);
  const file = parseManifestFile(service.route.file, routeText);
  const current = router.read(file, service.route);
  if (current.stable === weights.stable && current.canary === weights.canary) return undefined;
  const text = applyEdits(file, router.plan(file, service.route, weights));
  return { path: service.route.file, content: text };
}

/** The canary weight the route file holds now, or undefined when it cannot be read (a person broke it). */
export function currentCanaryWeight(service: PlanService, routeText: string | undefined): number | undefined {
  if (routeText === undefined) return undefined;
  try {
    return getRouter(service.route.type).read(parseManifestFile(service.route.file, routeText), service.route).canary;
  } catch {
    return undefined;
  }
}

export function weightsFor(canary: number): Weights {
  return { stable: 100 - canary, canary };
}

/** The document of the canary file the engine edits: its first document with a `kind`. */
export function canaryDocument(file: ManifestFile): ManifestDoc {
  const doc = file.docs.find((d) => d.kind !== undefined);
  if (!doc) {
    throw new ManifestError(`no Kubernetes document (with a kind) in canary file ${file.path}`, {
      where: { file: file.path, line: 1 },
      hint: 'canary.file must hold the canary workload, e.g. a Deployment named <app>-canary',
    });
  }
  return doc;
}

/** The `from` document: the one of the canary's kind (and `fromName`, when set). */
export function fromDocument(file: ManifestFile, kind: string, fromName: string | undefined): ManifestDoc {
  const candidates = findDocuments(file, kind).filter((d) => fromName === undefined || d.name === fromName);
  if (candidates.length === 1) return candidates[0]!;
  const what = fromName ? `${kind} named ${fromName}` : kind;
  throw new ManifestError(
    candidates.length === 0 ? `no ${what} document in ${file.path}` : `${candidates.length} ${what} documents in ${file.path}`,
    {
      where: { file: file.path, line: candidates[1]?.line ?? 1 },
      hint:
        candidates.length === 0
          ? 'canary.from must name the release file holding the workload the canary copies'
          : 'set canary.fromName to pick one',
    },
  );
}

/**
 * The canary file for a new rollout: the pre-rollout canary content patched with
 * exactly what changed between production's and candidate's `from` document.
 */
export function deriveCanary(
  service: PlanService,
  pristineCanary: string,
  productionFrom: string,
  candidateFrom: string,
): string {
  const canary = parseManifestFile(service.canary.file, pristineCanary);
  const doc = canaryDocument(canary);
  const kind = doc.kind!;
  const before = fromDocument(parseManifestFile(service.canary.from, productionFrom), kind, service.canary.fromName);
  const after = fromDocument(parseManifestFile(service.canary.from, candidateFrom), kind, service.canary.fromName);
  const patch = jsonPatch.compare(before.value as object, after.value as object);
  if (patch.length === 0) return pristineCanary;
  return applyJsonPatch(canary, doc.index, patch);
}

/** Release files copied from candidate; a file absent on candidate is deleted on production. */
export function planRelease(service: PlanService, production: FileTexts, candidate: FileTexts): FileChange[] {
  return service.files
    .filter((path) => production[path] !== candidate[path])
    .map((path) => ({ path, content: candidate[path] ?? null }));
}

/** True when the two branches hold the same release files, byte for byte. */
export function sameRelease(files: readonly string[], a: FileTexts, b: FileTexts): boolean {
  return files.every((f) => a[f] === b[f]);
}

/** Drop changes that would not change anything, and fold several changes to one path. */
export function normaliseChanges(changes: (FileChange | undefined)[], current: FileTexts): FileChange[] {
  const byPath = new Map<string, FileChange>();
  for (const c of changes) if (c) byPath.set(c.path, c);
  return [...byPath.values()].filter((c) => current[c.path] !== (c.content ?? undefined));
}
