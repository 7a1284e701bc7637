/** Conformance fixtures of the contour router (test/fixtures/routers/contour/). */
import { ALL, type RouterCase, split } from '../case-types.ts';

export const cases: RouterCase[] = [
  {
    fixture: 'contour/checkout.yaml',
    route: split('contour', 'contour/checkout.yaml', { stable: { name: 'checkout-stable' }, canary: { name: 'checkout-canary', port: 8080 } }),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'contour/grpc-and-tcp.yaml',
    route: split('contour', 'contour/grpc-and-tcp.yaml', { stable: { name: 'ledger-stable' }, canary: { name: 'ledger-canary' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'contour/grpc-and-tcp.yaml',
    route: split('contour', 'contour/grpc-and-tcp.yaml', { stable: { name: 'ledger-db-primary', port: 5432 }, canary: { name: 'ledger-db-next' } }),
    initial: { stable: 80, canary: 0 },
    steps: [0, 10, 25, 50, 80],
    defaultRule: true,
  },
  {
    fixture: 'contour/crlf.yaml',
    route: split('contour', 'contour/crlf.yaml', { stable: { name: 's1' }, canary: { name: 's2' } }),
    initial: { stable: 95, canary: 5 },
    steps: ALL,
    defaultRule: true,
  },
];
