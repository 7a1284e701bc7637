/**
 * The figures of a reliability run (workers, rollouts, kill points, inputs
 * tried, setups…), written where docs/reliability.md is generated from
 * (`npm run test:reliability -- --report`), so the document states numbers
 * measured by a run, never hopes.
 *
 * Counts are reduced by default (CI's time budget) and full with
 * GIT_CANARY_RELIABILITY=full.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FULL = process.env.GIT_CANARY_RELIABILITY === 'full';

/** `reduced` in a normal run, `full` when GIT_CANARY_RELIABILITY=full. */
export function scale(reduced: number, full: number): number {
  return FULL ? full : reduced;
}

const dir = fileURLToPath(new URL('../../test-artifacts/reliability/', import.meta.url));

/**
 * Merge `figures` into test-artifacts/reliability/<topic>.json. Call it once
 * per promise with what was actually run, e.g.
 * `recordFigures('races', { 'workers per race': 5, 'rollouts': 6 })`.
 */
export function recordFigures(topic: string, figures: Record<string, number | string>): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${topic}.json`);
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // first figures of this topic in this run
  }
  writeFileSync(file, `${JSON.stringify({ ...current, ...figures, mode: FULL ? 'full' : 'reduced' }, null, 2)}\n`);
}
