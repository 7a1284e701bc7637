/**
 * The labelled scenarios of issue 11's acceptance: each one's data, its
 * `analysis:` as a user writes it, the minutes it ticks at and the EXACT
 * decision sequence the spec (PRODUCT.md "Analysis", "Lifecycle") implies.
 * README.md in this folder explains every label and sequence.
 *
 * Time: every series starts at T0; the first tick (minute 2) starts the
 * rollout, and with `interval: 1m` each later minute judges one step.
 */
import { HEALTHY } from './healthy.ts';
import { HOLDS } from './holds.ts';
import type { Scenario } from './kit.ts';
import { REGRESSIONS } from './regressions.ts';

export type { Ask, Scenario, Source } from './kit.ts';

/** Every scenario, by id. */
export const SCENARIOS: Scenario[] = [...HEALTHY, ...REGRESSIONS, ...HOLDS].sort((a, b) => a.id.localeCompare(b.id));
