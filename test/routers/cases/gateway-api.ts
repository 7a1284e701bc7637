/** Conformance fixtures of the gateway-api router (test/fixtures/routers/gateway-api/). */
import type { SplitRoute } from '../../../src/routers/types.ts';
import { ALL, type RouterCase, split } from '../case-types.ts';

export const cases: RouterCase<SplitRoute>[] = [
  {
    fixture: 'gateway-api/checkout.yaml',
    route: split('gateway-api', 'gateway-api/checkout.yaml', { stable: { name: 'checkout-stable' }, canary: { name: 'checkout-canary' } }),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    defaultRule: false,
  },
  {
    fixture: 'gateway-api/custom-backends.yaml',
    route: split('gateway-api', 'gateway-api/custom-backends.yaml', {
      stable: { name: 'auth-proxy', port: 8443 },
      canary: { name: 'canary-gateway', port: 9090 },
    }),
    initial: { stable: 95, canary: 5 },
    steps: ALL,
    defaultRule: false,
  },
  {
    fixture: 'gateway-api/same-name-ports.yaml',
    route: split('gateway-api', 'gateway-api/same-name-ports.yaml', {
      stable: { name: 'inventory', port: 8080, namespace: 'stock' },
      canary: { name: 'inventory', port: 8081, namespace: 'stock' },
    }),
    initial: { stable: 70, canary: 30 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'gateway-api/grpc.yaml',
    route: split('gateway-api', 'gateway-api/grpc.yaml', { stable: { name: 'ledger-stable', port: 50051 }, canary: { name: 'ledger-canary', port: 50051 } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: false,
  },
  {
    fixture: 'gateway-api/third-backend.yaml',
    route: split('gateway-api', 'gateway-api/third-backend.yaml', { stable: { name: 'foo-v1' }, canary: { name: 'foo-v2' } }),
    initial: { stable: 70, canary: 0 },
    steps: [0, 10, 20, 50, 70],
    defaultRule: true,
  },
  {
    fixture: 'gateway-api/canary-absent.yaml',
    route: split('gateway-api', 'gateway-api/canary-absent.yaml', { stable: { name: 'store-stable' }, canary: { name: 'store-canary' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'gateway-api/two-services.yaml',
    route: split('gateway-api', 'gateway-api/two-services.yaml', { stable: { name: 'cart-v1' }, canary: { name: 'cart-v2' } }),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    defaultRule: false,
  },
  {
    fixture: 'gateway-api/two-services.yaml',
    route: split('gateway-api', 'gateway-api/two-services.yaml', { stable: { name: 'search-v1', port: 80 }, canary: { name: 'search-v2', port: 80 } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: false,
  },
  {
    fixture: 'gateway-api/two-services.yaml',
    route: split('gateway-api', 'gateway-api/two-services.yaml', { stable: { name: 'accounts-v1' }, canary: { name: 'accounts-v2' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'gateway-api/crlf.yaml',
    route: split('gateway-api', 'gateway-api/crlf.yaml', { stable: { name: 'bar-svc' }, canary: { name: 'bar-svc-canary' } }),
    initial: { stable: 95, canary: 5 },
    steps: ALL,
    defaultRule: true,
  },
];
