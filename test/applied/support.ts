/**
 * Shared by the applied tests: a real production history (git fast-import,
 * fixed dates, so shas are real and stable), a fake Kubernetes API with Argo
 * CD's and Flux's CRD schemas, and builders for objects shaped like theirs.
 */
import type { AppliedConfig, KubernetesConfig } from '../../src/config/analysis-schema.ts';
import { createRepo } from '../helpers/git-fixtures.ts';
import { ARGOCD_APPLICATION, FLUX_KUSTOMIZATION, type FakeKube, loadResourceType, startFakeKube } from '../helpers/fake-kube.ts';

export const TOKEN = 'kube-t0ken-never-shown-9f8e7d';

export interface History {
  /** Production's first-parent history, newest first: [newer, commit, older, oldest]. */
  production: string[];
  /** The record under judgment (second newest). */
  commit: string;
  newer: string;
  older: string;
}

/** Four production commits, as git makes them. */
export async function productionHistory(): Promise<History> {
  const repo = await createRepo({
    production: [{ 'apps/shop.yaml': 'weight: 0\n' }, { 'apps/shop.yaml': 'weight: 10\n' }, { 'apps/shop.yaml': 'weight: 20\n' }, { 'README.md': 'x\n' }],
  });
  try {
    const production = repo.git('log', '--first-parent', '--format=%H', 'production').trim().split('\n');
    if (production.length !== 4) throw new Error(`expected 4 commits, got ${production.length}`);
    return { production, newer: production[0]!, commit: production[1]!, older: production[2]! };
  } finally {
    await repo.cleanup();
  }
}

export function startKube(options: { tls?: boolean; token?: string } = {}): Promise<FakeKube> {
  return startFakeKube({
    token: options.token ?? TOKEN,
    ...(options.tls ? { tls: true } : {}),
    resources: [loadResourceType(ARGOCD_APPLICATION), loadResourceType(FLUX_KUSTOMIZATION)],
  });
}

/** The parsed `kubernetes` config for the fake (http, token given). */
export function kubeConfig(kube: FakeKube, over: Partial<KubernetesConfig> = {}): KubernetesConfig {
  return {
    address: kube.url,
    token: TOKEN,
    tokenFile: '/nonexistent/token',
    caFile: kube.caFile ?? '/nonexistent/ca.crt',
    timeout: 2000,
    ...over,
  };
}

export const ARGO: AppliedConfig = { argocd: { application: 'shop', namespace: 'argocd' }, initialDelay: 0 };
export const FLUX: AppliedConfig = { flux: { kustomization: 'shop', namespace: 'flux-system' }, initialDelay: 0 };

export function application(status: Record<string, unknown> | undefined, name = 'shop'): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', generation: 3 },
    spec: {
      project: 'default',
      destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      source: { repoURL: 'https://git.example.test/shop.git', path: 'apps', targetRevision: 'production' },
    },
    ...(status ? { status } : {}),
  };
}

/** A history entry as Argo CD records a sync. */
export function deployed(id: number, revision: string, deployedAt: string): Record<string, unknown> {
  return {
    id,
    revision,
    deployedAt,
    initiatedBy: { automated: true },
    source: { repoURL: 'https://git.example.test/shop.git', path: 'apps', targetRevision: 'production' },
  };
}

export function kustomization(
  status: Record<string, unknown> | undefined,
  over: { generation?: number; suspend?: boolean } = {},
): Record<string, unknown> {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'shop', namespace: 'flux-system', generation: over.generation ?? 2 },
    spec: {
      interval: '5m',
      path: './apps',
      prune: true,
      sourceRef: { kind: 'GitRepository', name: 'production' },
      ...(over.suspend ? { suspend: true } : {}),
    },
    ...(status ? { status } : {}),
  };
}

export function readyCondition(
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  lastTransitionTime: string,
  observedGeneration = 2,
): Record<string, unknown> {
  return { type: 'Ready', status, reason, message, lastTransitionTime, observedGeneration };
}
