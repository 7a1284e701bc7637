/**
 * In-process hot paths of a tick, each against a naive way of doing the same
 * thing, timed in this process (so machine speed cancels out in the ratio):
 *
 * - minimal-diff weight edit  vs  yaml parse + re-dump (what a naive editor does)
 * - canary derivation         vs  fast-json-patch compare + applyPatch on plain objects
 * - trailer parse             vs  String.split of the same message
 */
import jsonPatch from 'fast-json-patch';
import YAML from 'yaml';
import { formatCommitMessage, parseCommitMessage } from '../src/audit/trailers.ts';
import { deriveCanary } from '../src/engine/derive.ts';
import { planWeight } from '../src/engine/plan.ts';
import { CHECKOUT_VS, deployment } from '../test/helpers/scenario.ts';

export interface MicroResult {
  name: string;
  oursUs: number;
  baseline: string;
  baselineUs: number;
}

/** Mean µs per call over at least `minMs` after a warm-up. */
function time(fn: () => void, minMs: number): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < minMs) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
  }
  return ((performance.now() - start) / n) * 1000;
}

export function runMicro(minMs = 300): MicroResult[] {
  const service = {
    files: ['d.yaml'],
    canary: { file: 'c.yaml', from: 'd.yaml' },
    route: { type: 'istio' as const, file: 'vs.yaml', stable: { name: 'checkout-stable' }, canary: { name: 'checkout-canary' } },
  };
  const canary = deployment('checkout', 'img:1', 'canary');
  const before = deployment('checkout', 'img:1', 'stable');
  const after = deployment('checkout', 'img:2', 'stable');
  const message = formatCommitMessage({
    title: 'checkout: canary 25% (step 2/3)',
    body: 'success-rate 99.7 (min 99) pass',
    trailers: { service: 'checkout', rollout: 'checkout-3f2a9c1', candidate: '3f2a9c1e'.padEnd(40, '0'), phase: 'progressing', step: { index: 2, total: 3 }, weight: 25 },
  });
  const rows: [string, () => void, string, () => void][] = [
    ['weight edit (minimal diff)', () => planWeight(service, CHECKOUT_VS, 25), 'yaml parse+dump', () => String(YAML.parseDocument(CHECKOUT_VS))],
    [
      'canary derivation',
      () => deriveCanary({ canaryPath: 'c.yaml', canaryText: canary, fromPath: 'd.yaml', productionFrom: before, candidateFrom: after }),
      'json-patch on objects',
      () => {
        const ops = jsonPatch.compare(YAML.parse(before), YAML.parse(after));
        jsonPatch.applyPatch(YAML.parse(canary), ops);
      },
    ],
    ['trailer parse', () => parseCommitMessage(message), 'string split', () => message.split('\n').filter((l) => l.includes(': '))],
  ];
  return rows.map(([name, ours, baseline, base]) => ({ name, oursUs: time(ours, minMs), baseline, baselineUs: time(base, minMs) }));
}
