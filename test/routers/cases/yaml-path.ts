/** Conformance fixtures of the yaml-path router (test/fixtures/routers/yaml-path/): a number at a path of any YAML. */
import type { RouteConfig } from '../../../src/routers/types.ts';
import { ALL, type RouterCase } from '../case-types.ts';

const route = (file: string, path: string, stablePath?: string) =>
  ({ type: 'yaml-path', file, path, ...(stablePath === undefined ? {} : { stablePath }) }) as RouteConfig;

export const cases: RouterCase[] = [
  {
    fixture: 'yaml-path/values.yaml',
    route: route('yaml-path/values.yaml', 'canary.weight', 'stable.weight'),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    broken: [
      { route: route('yaml-path/values.yaml', 'canary.wieght'), missing: 'canary.wieght' },
      { route: route('yaml-path/values.yaml', 'canary.weight', 'primary.weight'), missing: 'primary.weight' },
    ],
  },
  {
    fixture: 'yaml-path/values.yaml',
    route: route('yaml-path/values.yaml', '/canary/weight'),
    initial: { stable: 90, canary: 10 },
    steps: ALL,
    broken: [{ route: route('yaml-path/values.yaml', '/canary/resources/limits/weight'), missing: '/canary/resources/limits/weight' }],
  },
  {
    // A list indexed by a JSON pointer; the third entry never moves.
    fixture: 'yaml-path/traffic-list.yaml',
    route: route('yaml-path/traffic-list.yaml', '/traffic/1/weight', '/traffic/0/weight'),
    initial: { stable: 100, canary: 0 },
    steps: ALL,
    broken: [{ route: route('yaml-path/traffic-list.yaml', '/traffic/3/weight'), missing: '/traffic/3/weight' }],
  },
  {
    fixture: 'yaml-path/multi-doc.yaml',
    route: route('yaml-path/multi-doc.yaml', 'rollout.canary.weight', 'rollout.stable.weight'),
    initial: { stable: 75, canary: 25 },
    steps: ALL,
    broken: [{ route: route('yaml-path/multi-doc.yaml', 'rollout.baseline.weight'), missing: 'rollout.baseline.weight' }],
  },
  {
    fixture: 'yaml-path/crlf.yaml',
    route: route('yaml-path/crlf.yaml', '/splits/ledger.v2/weight'),
    initial: { stable: 95, canary: 5 },
    steps: ALL,
    broken: [{ route: route('yaml-path/crlf.yaml', 'splits.ledger.v2.weight'), missing: 'splits.ledger.v2.weight' }],
  },
];
