/** Conformance fixtures of the traefik router (test/fixtures/routers/traefik/). */
import { ALL, type RouterCase, split } from '../case-types.ts';

export const cases: RouterCase[] = [
  {
    fixture: 'traefik/checkout.yaml',
    route: split('traefik', 'traefik/checkout.yaml', { stable: { name: 'checkout-stable', port: 80 }, canary: { name: 'checkout-canary', port: 80 } }),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'traefik/legacy-group.yaml',
    route: split('traefik', 'traefik/legacy-group.yaml', { stable: { name: 'search-v1', namespace: 'catalog' }, canary: { name: 'search-v2' } }),
    initial: { stable: 80, canary: 0 },
    steps: [0, 10, 20, 50, 80],
    defaultRule: true,
  },
  {
    fixture: 'traefik/two-services.yaml',
    route: split('traefik', 'traefik/two-services.yaml', { stable: { name: 'cart-v1' }, canary: { name: 'cart-v2' } }),
    initial: { stable: 75, canary: 25 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'traefik/two-services.yaml',
    route: split('traefik', 'traefik/two-services.yaml', { stable: { name: 'accounts' }, canary: { name: 'accounts-canary' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'traefik/crlf.yaml',
    route: split('traefik', 'traefik/crlf.yaml', { stable: { name: 'whoami-stable' }, canary: { name: 'whoami-canary' } }),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    defaultRule: true,
  },
];
