import type { RouteConfig, Weights } from '../../src/routers/types.ts';

/** A real-looking route file, the route config that manages it and the weights it holds. */
export interface RouterCase {
  fixture: string;
  route: RouteConfig;
  initial: Weights;
  /** Managed rules: how many weight pairs a plan touches at most. */
  managedRules: number;
}

const route = (type: string, file: string, r: Omit<RouteConfig, 'type' | 'file'>): RouteConfig => ({ type, file, ...r });

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
      managedRules: 2,
    },
    {
      fixture: 'istio/reviews.yaml',
      route: route('istio', 'istio/reviews.yaml', { stable: { name: 'reviews', subset: 'v1' }, canary: { name: 'reviews', subset: 'v2' } }),
      initial: { stable: 75, canary: 25 },
      managedRules: 2,
    },
    {
      fixture: 'istio/no-weight.yaml',
      route: route('istio', 'istio/no-weight.yaml', { stable: { name: 'payments-stable' }, canary: { name: 'payments-canary' } }),
      initial: { stable: 100, canary: 0 },
      managedRules: 1,
    },
  ],
  'gateway-api': [
    {
      fixture: 'gateway-api/checkout.yaml',
      route: route('gateway-api', 'gateway-api/checkout.yaml', { stable: { name: 'checkout-stable' }, canary: { name: 'checkout-canary' } }),
      initial: { stable: 90, canary: 10 },
      managedRules: 2,
    },
    {
      fixture: 'gateway-api/custom-backends.yaml',
      route: route('gateway-api', 'gateway-api/custom-backends.yaml', {
        stable: { name: 'auth-proxy', port: 8443 },
        canary: { name: 'canary-gateway', port: 9090 },
      }),
      initial: { stable: 95, canary: 5 },
      managedRules: 1,
    },
    {
      fixture: 'gateway-api/no-weights.yaml',
      route: route('gateway-api', 'gateway-api/no-weights.yaml', { stable: { name: 'search-stable' }, canary: { name: 'search-canary' } }),
      initial: { stable: 50, canary: 50 },
      managedRules: 1,
    },
    {
      fixture: 'gateway-api/same-name-ports.yaml',
      route: route('gateway-api', 'gateway-api/same-name-ports.yaml', {
        stable: { name: 'inventory', port: 8080, namespace: 'stock' },
        canary: { name: 'inventory', port: 8081, namespace: 'stock' },
      }),
      initial: { stable: 70, canary: 30 },
      managedRules: 1,
    },
    {
      fixture: 'gateway-api/grpc.yaml',
      route: route('gateway-api', 'gateway-api/grpc.yaml', { stable: { name: 'ledger-stable', port: 50051 }, canary: { name: 'ledger-canary', port: 50051 } }),
      initial: { stable: 100, canary: 0 },
      managedRules: 2,
    },
  ],
};
