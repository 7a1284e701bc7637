import type { RouteConfig, Weights } from '../../src/routers/types.ts';

/** A real-looking route file, the route config that manages it and the weights it holds. */
export interface RouterCase {
  fixture: string;
  route: RouteConfig;
  /** What `read` gives for the fixture as written (percents of the whole rule). */
  initial: Weights;
  /** Steps `plan` must accept; any other percent is either accepted or refused as not coverable / not a whole weight. */
  steps: number[];
  /** Whether a rule without match conditions routes to the stable (so an absent canary can be added there). */
  defaultRule: boolean;
}

const route = (type: string, file: string, r: Omit<RouteConfig, 'type' | 'file'>): RouteConfig => ({ type, file, ...r });
const ALL = [0, 10, 25, 50, 99, 100];

/** Every fixture of every router, for the conformance test. */
export const cases: Record<string, RouterCase[]> = {
  istio: [
    {
      fixture: 'istio/checkout.yaml',
      route: route('istio', 'istio/checkout.yaml', {
        stable: { name: 'checkout-stable', namespace: 'shop', port: 8080 },
        canary: { name: 'checkout-canary', namespace: 'shop', port: 8080 },
      }),
      initial: { stable: 90, canary: 10 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'istio/reviews.yaml',
      route: route('istio', 'istio/reviews.yaml', { stable: { name: 'reviews', subset: 'v1' }, canary: { name: 'reviews', subset: 'v2' } }),
      initial: { stable: 75, canary: 25 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'istio/no-weight.yaml',
      route: route('istio', 'istio/no-weight.yaml', { stable: { name: 'payments-stable' }, canary: { name: 'payments-canary' } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'istio/third-destination.yaml',
      route: route('istio', 'istio/third-destination.yaml', { stable: { name: 'reviews', subset: 'v1' }, canary: { name: 'reviews', subset: 'v2' } }),
      initial: { stable: 70, canary: 0 },
      steps: [0, 10, 25, 50, 70],
      defaultRule: true,
    },
    {
      fixture: 'istio/canary-absent.yaml',
      route: route('istio', 'istio/canary-absent.yaml', { stable: { name: 'details', subset: 'v1' }, canary: { name: 'details', subset: 'v2' } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'istio/two-services-multidoc.yaml',
      route: route('istio', 'istio/two-services-multidoc.yaml', { stable: { name: 'ratings', subset: 'v1' }, canary: { name: 'ratings', subset: 'v2' } }),
      initial: { stable: 90, canary: 10 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'istio/two-services-multidoc.yaml',
      route: route('istio', 'istio/two-services-multidoc.yaml', { stable: { name: 'productpage', subset: 'v1' }, canary: { name: 'productpage', subset: 'v2' } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'istio/two-services-same-doc.yaml',
      route: route('istio', 'istio/two-services-same-doc.yaml', { stable: { name: 'cart-stable', port: 8080 }, canary: { name: 'cart-canary', port: 8080 } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: false,
    },
    {
      fixture: 'istio/two-services-same-doc.yaml',
      route: route('istio', 'istio/two-services-same-doc.yaml', { stable: { name: 'search-stable' }, canary: { name: 'search-canary' } }),
      initial: { stable: 75, canary: 25 },
      steps: ALL,
      defaultRule: false,
    },
    {
      fixture: 'istio/crlf.yaml',
      route: route('istio', 'istio/crlf.yaml', { stable: { name: 'tcp-echo', subset: 'v1' }, canary: { name: 'tcp-echo', subset: 'v2' } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: true,
    },
  ],
  'gateway-api': [
    {
      fixture: 'gateway-api/checkout.yaml',
      route: route('gateway-api', 'gateway-api/checkout.yaml', { stable: { name: 'checkout-stable' }, canary: { name: 'checkout-canary' } }),
      initial: { stable: 90, canary: 10 },
      steps: ALL,
      defaultRule: false,
    },
    {
      fixture: 'gateway-api/custom-backends.yaml',
      route: route('gateway-api', 'gateway-api/custom-backends.yaml', {
        stable: { name: 'auth-proxy', port: 8443 },
        canary: { name: 'canary-gateway', port: 9090 },
      }),
      initial: { stable: 95, canary: 5 },
      steps: ALL,
      defaultRule: false,
    },
    {
      fixture: 'gateway-api/same-name-ports.yaml',
      route: route('gateway-api', 'gateway-api/same-name-ports.yaml', {
        stable: { name: 'inventory', port: 8080, namespace: 'stock' },
        canary: { name: 'inventory', port: 8081, namespace: 'stock' },
      }),
      initial: { stable: 70, canary: 30 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'gateway-api/grpc.yaml',
      route: route('gateway-api', 'gateway-api/grpc.yaml', { stable: { name: 'ledger-stable', port: 50051 }, canary: { name: 'ledger-canary', port: 50051 } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: false,
    },
    {
      fixture: 'gateway-api/third-backend.yaml',
      route: route('gateway-api', 'gateway-api/third-backend.yaml', { stable: { name: 'foo-v1' }, canary: { name: 'foo-v2' } }),
      initial: { stable: 70, canary: 0 },
      steps: [0, 10, 20, 50, 70],
      defaultRule: true,
    },
    {
      fixture: 'gateway-api/canary-absent.yaml',
      route: route('gateway-api', 'gateway-api/canary-absent.yaml', { stable: { name: 'store-stable' }, canary: { name: 'store-canary' } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'gateway-api/two-services.yaml',
      route: route('gateway-api', 'gateway-api/two-services.yaml', { stable: { name: 'cart-v1' }, canary: { name: 'cart-v2' } }),
      initial: { stable: 90, canary: 10 },
      steps: ALL,
      defaultRule: false,
    },
    {
      fixture: 'gateway-api/two-services.yaml',
      route: route('gateway-api', 'gateway-api/two-services.yaml', { stable: { name: 'search-v1', port: 80 }, canary: { name: 'search-v2', port: 80 } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: false,
    },
    {
      fixture: 'gateway-api/two-services.yaml',
      route: route('gateway-api', 'gateway-api/two-services.yaml', { stable: { name: 'accounts-v1' }, canary: { name: 'accounts-v2' } }),
      initial: { stable: 100, canary: 0 },
      steps: ALL,
      defaultRule: true,
    },
    {
      fixture: 'gateway-api/crlf.yaml',
      route: route('gateway-api', 'gateway-api/crlf.yaml', { stable: { name: 'bar-svc' }, canary: { name: 'bar-svc-canary' } }),
      initial: { stable: 95, canary: 5 },
      steps: ALL,
      defaultRule: true,
    },
  ],
};
