/**
 * The images a service's release brings, for `status`: read, never edited
 * (engine/propose.ts edits them). Pure: the release files' texts in.
 */
import { type FileTexts, type ReleaseSpec, releaseParts } from '../engine/release.ts';
import { CanaryError } from '../errors.ts';
import { parseManifestFile } from '../manifests/index.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where each workload kind keeps its pod spec. */
const POD_SPECS: Readonly<Record<string, readonly string[]>> = {
  ...Object.fromEntries(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Rollout'].map((k) => [k, ['spec', 'template', 'spec']])),
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  Pod: ['spec'],
};

function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const key of path) v = isObj(v) ? v[key] : undefined;
  return v;
}

/**
 * The images a release brings, in file order, each once: `image` of the
 * containers and init containers of its workload documents, and kustomize
 * `images:` entries as `newName`/`name` with `newTag` and `digest`. A part
 * that does not parse brings none (status reports, it does not validate).
 */
export function releaseImages(spec: ReleaseSpec, texts: FileTexts): string[] {
  let parts: ReturnType<typeof releaseParts>;
  try {
    parts = releaseParts(spec, texts, 'candidate');
  } catch (e) {
    if (e instanceof CanaryError) return [];
    throw e;
  }
  const out: string[] = [];
  for (const part of parts) {
    if (part.text === undefined || !/\.ya?ml$/i.test(part.path)) continue;
    let docs: { kind?: string; value: unknown }[];
    try {
      docs = parseManifestFile(part.path, part.text).docs;
    } catch (e) {
      if (e instanceof CanaryError) continue;
      throw e;
    }
    for (const doc of docs) out.push(...documentImages(doc));
  }
  return [...new Set(out)];
}

function documentImages(doc: { kind?: string; value: unknown }): string[] {
  const podSpec = doc.kind !== undefined ? POD_SPECS[doc.kind] : undefined;
  if (podSpec) {
    return ['initContainers', 'containers'].flatMap((list) => {
      const items = at(doc.value, [...podSpec, list]);
      return Array.isArray(items) ? items.map((c) => (isObj(c) ? c.image : undefined)).filter((i): i is string => typeof i === 'string' && i !== '') : [];
    });
  }
  const images = at(doc.value, ['images']);
  if ((doc.kind !== undefined && doc.kind !== 'Kustomization') || !Array.isArray(images)) return [];
  return images.flatMap((e) => {
    if (!isObj(e) || typeof e.name !== 'string') return [];
    const name = typeof e.newName === 'string' ? e.newName : e.name;
    const tag = typeof e.newTag === 'string' || typeof e.newTag === 'number' ? `:${e.newTag}` : '';
    const digest = typeof e.digest === 'string' ? `@${e.digest}` : '';
    return [`${name}${tag}${digest}`];
  });
}
