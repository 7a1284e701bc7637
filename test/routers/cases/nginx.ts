/** Conformance fixtures of the nginx router (test/fixtures/routers/nginx/): the canary Ingress's canary-weight annotation, a string. */
import type { RouteConfig } from '../../../src/routers/types.ts';
import { ALL, type RouterCase, type WeightForm } from '../case-types.ts';

const weight: WeightForm = { key: 'nginx.ingress.kubernetes.io/canary-weight', form: 'string' };
const route = (file: string, r: Record<string, unknown> = {}) => ({ type: 'nginx', file, ...r }) as RouteConfig;

export const cases: RouterCase[] = [
  {
    fixture: 'nginx/canary-ingress.yaml',
    route: route('nginx/canary-ingress.yaml'),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    weight,
    broken: [{ route: route('nginx/canary-ingress.yaml', { name: 'no-such-ingress' }), missing: 'no-such-ingress' }],
  },
  {
    // Only the canary named: not a router with both destinations, but the backend is checked.
    fixture: 'nginx/canary-ingress.yaml',
    route: route('nginx/canary-ingress.yaml', { name: 'checkout-canary', canary: { name: 'checkout-canary' } }),
    initial: { stable: 90, canary: 10 },
    steps: [10, 25, 50, 0],
    weight,
    broken: [{ route: route('nginx/canary-ingress.yaml', { canary: { name: 'checkout-next' } }), missing: 'checkout-next' }],
  },
  {
    // Stable Ingress in the same file, total 1000: "50" is 5 %.
    fixture: 'nginx/stable-and-canary.yaml',
    route: route('nginx/stable-and-canary.yaml', { stable: { name: 'web' }, canary: { name: 'web-canary' } }),
    initial: { stable: 95, canary: 5 },
    steps: ALL,
    weight,
    broken: [{ route: route('nginx/stable-and-canary.yaml', { name: 'web-next' }), missing: 'web-next' }],
  },
  {
    // CRLF, no canary-weight yet (weight 0): the first step adds the annotation.
    fixture: 'nginx/crlf.yaml',
    route: route('nginx/crlf.yaml', { canary: { name: 'reports-v2' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    weight,
    broken: [{ route: route('nginx/crlf.yaml', { canary: { name: 'reports-v3' } }), missing: 'reports-v3' }],
  },
  {
    fixture: 'nginx/two-canaries.yaml',
    route: route('nginx/two-canaries.yaml', { name: 'api-canary' }),
    initial: { stable: 85, canary: 15 },
    steps: ALL,
    weight,
    broken: [{ route: route('nginx/two-canaries.yaml', { name: 'web-canary' }), missing: 'web-canary' }],
  },
  {
    fixture: 'nginx/two-canaries.yaml',
    // route.stable is only checked against a stable Ingress in the file; here there is none, so only the canary is named.
    route: route('nginx/two-canaries.yaml', { name: 'docs-canary', canary: { name: 'docs-next' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    weight,
    broken: [{ route: route('nginx/two-canaries.yaml', { name: 'docs-canary', canary: { name: 'docs' } }), missing: 'docs' }],
  },
];
