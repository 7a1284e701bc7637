/**
 * A fleet of services in one manifests repository, written the way a platform
 * team's repository is: one directory per service with its Deployment, its
 * canary Deployment and an Istio VirtualService (a header route for testers
 * first, then the weighted primary route), and one git-canary.yaml listing
 * them all. No analysis: steps advance on the interval, so these tests need
 * no Prometheus.
 */
import { createHash } from 'node:crypto';
import type { HistoryCommit } from '../helpers/fast-import.ts';
import { deployment } from '../helpers/scenario.ts';
import type { World } from './support.ts';

export const FLEET_IMAGE = (name: string, version: string) => `registry.example.com/${name}:${version}`;

export function fleetNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `svc-${String(i + 1).padStart(3, '0')}`);
}

export function virtualService(name: string, canaryWeight = 0): string {
  return `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: ${name}
  namespace: shop
spec:
  hosts:
    - ${name}.shop.svc.cluster.local
  http:
    - name: testers
      match:
        - headers:
            x-canary:
              exact: "1"
      route:
        - destination:
            host: ${name}-canary
    - name: primary
      route:
        - destination:
            host: ${name}-stable
          weight: ${100 - canaryWeight}
        - destination:
            host: ${name}-canary
          weight: ${canaryWeight}
`;
}

export function fleetConfig(names: readonly string[], o: { steps?: number[]; interval?: string } = {}): string {
  const steps = `[${(o.steps ?? [10, 50]).join(', ')}]`;
  const services = names
    .map(
      (n) => `  ${n}:
    files: [apps/${n}/deployment.yaml]
    canary:
      file: apps/${n}/deployment-canary.yaml
    route:
      type: istio
      file: apps/${n}/virtualservice.yaml
      stable: ${n}-stable
      canary: ${n}-canary
    steps: ${steps}
    interval: ${o.interval ?? '1m'}
`,
    )
    .join('');
  return `# ${names.length} services, one directory each.\nversion: 1\nservices:\n${services}`;
}

/** Production's files: every service at 1.0.0. */
export function fleetFiles(names: readonly string[], o: { steps?: number[]; interval?: string } = {}): Record<string, string> {
  const files: Record<string, string> = { 'git-canary.yaml': fleetConfig(names, o) };
  for (const n of names) {
    files[`apps/${n}/deployment.yaml`] = deployment(n, FLEET_IMAGE(n, '1.0.0'), 'stable');
    files[`apps/${n}/deployment-canary.yaml`] = deployment(n, FLEET_IMAGE(n, '1.0.0'), 'canary');
    files[`apps/${n}/virtualservice.yaml`] = virtualService(n);
  }
  return files;
}

/** Candidate's change of `names`: a new image each, as app CI pushes it. */
export function fleetRelease(names: readonly string[], version = '1.1.0'): Record<string, string> {
  return Object.fromEntries(names.map((n) => [`apps/${n}/deployment.yaml`, deployment(n, FLEET_IMAGE(n, version), 'stable')]));
}

const GIT_CANARY = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };

/**
 * git-canary's record `sha` (its message and `route` as it left it) as the
 * k-th copy for buildHistory at `date`: the candidate `real` it names is
 * replaced by a made-up one, so every copy is a rollout of its own.
 */
export function recordCopy(w: World, sha: string, route: string, real: string, k: number, date: number): HistoryCommit {
  const fake = createHash('sha1').update(`candidate ${k}`).digest('hex');
  const message = w.git('log', '-1', '--format=%B', sha).replaceAll(real, fake).replaceAll(real.slice(0, 7), fake.slice(0, 7));
  return { files: { [route]: w.show(sha, route)! }, message, date, author: GIT_CANARY };
}
