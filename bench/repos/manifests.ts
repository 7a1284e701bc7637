/**
 * Text of a manifests repository at scale, deterministic (a seeded generator,
 * no clock, no randomness): every path gets the same bytes on every machine,
 * so fixtures and their shas are reproducible.
 *
 * - `appFiles`: the files of one application, spread over base/ and overlays/
 *   like a kustomize layout, each a 1–3 KB YAML document with content of its
 *   own (identical blobs would let git deduplicate a tree no real repository
 *   deduplicates).
 * - `serviceFiles` / `configYaml`: a service git-canary manages (a Deployment,
 *   its canary and an Istio VirtualService), and git-canary.yaml listing them.
 */
import { CHECKOUT_VS, deployment } from '../../test/helpers/scenario.ts';

/** The person whose commits fill the histories (and who commits in the native baselines). */
export const PERSON = { name: 'Dana Dev', email: 'dana@example.test' };

/** A small deterministic PRNG (mulberry32) seeded from a string. */
function prng(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['timeout', 'replicas', 'endpoint', 'region', 'feature', 'cache', 'retry', 'limit', 'pool', 'queue', 'token', 'window', 'shard', 'level'];

/**
 * A ConfigMap of 1–3 KB (chosen by the path), named after the path.
 * `revision` changes one line only: a person's edit, which packs as a small delta.
 */
export function configMap(path: string, revision = 0): string {
  const rnd = prng(path);
  const size = 1000 + Math.floor(rnd() * 2000);
  const name = path.replace(/\.yaml$/, '').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(-60);
  let text = `# Generated for the git-canary benchmark.\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels:\n    app.kubernetes.io/part-of: shop\ndata:\n  revision: "${revision}"\n`;
  for (let i = 0; text.length < size; i++) {
    const key = `${WORDS[Math.floor(rnd() * WORDS.length)]}-${i}`;
    text += `  ${key}: "${Math.floor(rnd() * 1e9).toString(36)}-${Math.floor(rnd() * 1e9).toString(36)}"\n`;
  }
  return text;
}

/** Where `appFiles` puts an application's files: base/ plus two overlays. */
const LAYOUT = ['base', 'overlays/staging', 'overlays/production'];

/** `count` files of application `app` under apps/<app>/. */
export function appFiles(app: string, count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const path = `apps/${app}/${LAYOUT[i % LAYOUT.length]}/config-${i}.yaml`;
    files[path] = configMap(path);
  }
  return files;
}

/** The paths of `appFiles(app, count)`, for edits without building the text twice. */
export function appFilePaths(app: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `apps/${app}/${LAYOUT[i % LAYOUT.length]}/config-${i}.yaml`);
}

/** An Istio VirtualService for `app` with the canary at `weight` % (stable gets the rest). */
export function virtualService(app: string, weight = 0): string {
  return CHECKOUT_VS.replaceAll('checkout', app).replace('weight: 100', `weight: ${100 - weight}`).replace('weight: 0', `weight: ${weight}`);
}

export const routeFile = (app: string) => `apps/${app}/virtualservice.yaml`;
export const releaseFile = (app: string) => `apps/${app}/deployment.yaml`;
export const canaryFile = (app: string) => `apps/${app}/deployment-canary.yaml`;
export const image = (app: string, version: string) => `registry.example.com/${app}:${version}`;

/** The three files of a service git-canary manages, at release `version`. */
export function serviceFiles(app: string, version = '1.0.0'): Record<string, string> {
  return {
    [releaseFile(app)]: deployment(app, image(app, version), 'stable'),
    [canaryFile(app)]: deployment(app, image(app, version), 'canary'),
    [routeFile(app)]: virtualService(app),
  };
}

/** git-canary.yaml for `services` (no analysis: steps advance on the interval alone). */
export function configYaml(services: readonly string[], o: { steps?: number[]; interval?: string } = {}): string {
  const entries = services.map(
    (app) => `  ${app}:
    files: [${releaseFile(app)}]
    canary:
      file: ${canaryFile(app)}
    route:
      type: istio
      file: ${routeFile(app)}
      stable: ${app}-stable
      canary: ${app}-canary
    steps: [${(o.steps ?? [10, 25, 50]).join(', ')}]
    interval: ${o.interval ?? '1m'}
`,
  );
  return `# git-canary benchmark fixture: ${services.length} service(s).\nversion: 1\nservices:\n${entries.join('')}`;
}
