/** Conformance fixtures of the istio router (test/fixtures/routers/istio/). */
import type { SplitRoute } from '../../../src/routers/types.ts';
import { ALL, type RouterCase, split } from '../case-types.ts';

export const cases: RouterCase<SplitRoute>[] = [
  {
    fixture: 'istio/checkout.yaml',
    route: split('istio', 'istio/checkout.yaml', {
      stable: { name: 'checkout-stable', namespace: 'shop', port: 8080 },
      canary: { name: 'checkout-canary', namespace: 'shop', port: 8080 },
    }),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'istio/reviews.yaml',
    route: split('istio', 'istio/reviews.yaml', { stable: { name: 'reviews', subset: 'v1' }, canary: { name: 'reviews', subset: 'v2' } }),
    initial: { stable: 75, canary: 25 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'istio/no-weight.yaml',
    route: split('istio', 'istio/no-weight.yaml', { stable: { name: 'payments-stable' }, canary: { name: 'payments-canary' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'istio/third-destination.yaml',
    route: split('istio', 'istio/third-destination.yaml', { stable: { name: 'reviews', subset: 'v1' }, canary: { name: 'reviews', subset: 'v2' } }),
    initial: { stable: 70, canary: 0 },
    steps: [0, 10, 25, 50, 70],
    defaultRule: true,
  },
  {
    fixture: 'istio/canary-absent.yaml',
    route: split('istio', 'istio/canary-absent.yaml', { stable: { name: 'details', subset: 'v1' }, canary: { name: 'details', subset: 'v2' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'istio/two-services-multidoc.yaml',
    route: split('istio', 'istio/two-services-multidoc.yaml', { stable: { name: 'ratings', subset: 'v1' }, canary: { name: 'ratings', subset: 'v2' } }),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'istio/two-services-multidoc.yaml',
    route: split('istio', 'istio/two-services-multidoc.yaml', { stable: { name: 'productpage', subset: 'v1' }, canary: { name: 'productpage', subset: 'v2' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'istio/two-services-same-doc.yaml',
    route: split('istio', 'istio/two-services-same-doc.yaml', { stable: { name: 'cart-stable', port: 8080 }, canary: { name: 'cart-canary', port: 8080 } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: false,
  },
  {
    fixture: 'istio/two-services-same-doc.yaml',
    route: split('istio', 'istio/two-services-same-doc.yaml', { stable: { name: 'search-stable' }, canary: { name: 'search-canary' } }),
    initial: { stable: 75, canary: 25 },
    steps: ALL,
    defaultRule: false,
  },
  {
    fixture: 'istio/crlf.yaml',
    route: split('istio', 'istio/crlf.yaml', { stable: { name: 'tcp-echo', subset: 'v1' }, canary: { name: 'tcp-echo', subset: 'v2' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
];
