/**
 * Conformance fixtures of the knative router (test/fixtures/routers/knative/).
 * The engine names the rollout's revisions (`revisions`): stable, the one
 * production ran before the rollout; canary, the candidate's.
 */
import type { KnativeRoute } from '../../../src/routers/knative.ts';
import { ALL, type RouterCase } from '../case-types.ts';

const route = (file: string, stable: string, canary: string, name?: string): KnativeRoute => ({
  type: 'knative',
  file,
  ...(name ? { name } : {}),
  revisions: { stable, canary },
});
const PERCENT = { key: 'percent', form: 'number' } as const;
const broken = (file: string, name?: string) => [{ route: route(file, 'no-such-revision', 'x-v2', name), missing: 'no-such-revision' }];

export const cases: RouterCase<KnativeRoute>[] = [
  {
    fixture: 'knative/hello.yaml',
    route: route('knative/hello.yaml', 'hello-v1', 'hello-v2'),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    weight: PERCENT,
    broken: broken('knative/hello.yaml'),
  },
  {
    fixture: 'knative/cloud-run.yaml',
    route: route('knative/cloud-run.yaml', 'checkout-00012-rev', 'checkout-00013-new'),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    weight: PERCENT,
    broken: broken('knative/cloud-run.yaml'),
  },
  {
    fixture: 'knative/two-services.yaml',
    route: route('knative/two-services.yaml', 'frontend-v7', 'frontend-v8', 'frontend'),
    initial: { stable: 90, canary: 0 },
    steps: [0, 10, 50, 90],
    weight: PERCENT,
    broken: broken('knative/two-services.yaml', 'frontend'),
  },
  {
    fixture: 'knative/two-services.yaml',
    route: route('knative/two-services.yaml', 'search-v3', 'search-v4', 'search'),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    weight: PERCENT,
    broken: broken('knative/two-services.yaml', 'search'),
  },
  {
    fixture: 'knative/crlf.yaml',
    route: route('knative/crlf.yaml', 'api-v4', 'api-v5'),
    initial: { stable: 80, canary: 20 },
    steps: ALL,
    weight: PERCENT,
    broken: broken('knative/crlf.yaml'),
  },
];
