/** Conformance fixtures of the smi router (test/fixtures/routers/smi/). */
import { ALL, type RouterCase, split } from '../case-types.ts';

export const cases: RouterCase[] = [
  {
    fixture: 'smi/linkerd.yaml',
    route: split('smi', 'smi/linkerd.yaml', { stable: { name: 'web-primary' }, canary: { name: 'web-canary' } }),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'smi/linkerd.yaml',
    route: split('smi', 'smi/linkerd.yaml', { stable: { name: 'api-v1' }, canary: { name: 'api-v2' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'smi/osm.yaml',
    route: split('smi', 'smi/osm.yaml', { stable: { name: 'bookstore-v1' }, canary: { name: 'bookstore-v2' } }),
    initial: { stable: 70, canary: 0 },
    steps: [0, 10, 25, 50, 70],
    defaultRule: true,
  },
  {
    fixture: 'smi/canary-absent.yaml',
    route: split('smi', 'smi/canary-absent.yaml', { stable: { name: 'cart-stable' }, canary: { name: 'cart-canary' } }),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    defaultRule: true,
  },
  {
    fixture: 'smi/crlf.yaml',
    route: split('smi', 'smi/crlf.yaml', { stable: { name: 'podinfo-primary' }, canary: { name: 'podinfo-canary' } }),
    initial: { stable: 95, canary: 5 },
    steps: ALL,
    defaultRule: true,
  },
];
