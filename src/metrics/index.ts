/**
 * The metric sources git-canary knows, by `type` in git-canary.yaml
 * (`metrics.<name>.type`). One file per source, exporting its schema next to
 * its `query`; adding a source is that file plus one line in SOURCES. The
 * config's `metrics.<name>` schema is composed from this list, so a source's
 * fields are declared once, where they are used.
 */
import * as z from 'zod';
import { schemasOf } from '../config/schema-base.ts';
import { ConfigError } from '../errors.ts';
import { keptn } from './keptn.ts';
import { prometheus } from './prometheus.ts';
import type { MetricSource } from './types.ts';
import { web } from './web.ts';

/** Every source, in the order `--help`, errors and the JSON Schema list them. */
const SOURCES = [prometheus, web, keptn] as const;

export type MetricSourceType = (typeof SOURCES)[number]['type'];

/** Every source, keyed by its `type`. */
export const metricSources = Object.fromEntries(SOURCES.map((s) => [s.type, s])) as Record<MetricSourceType, MetricSource<never>>;

export const metricSourceTypes = SOURCES.map((s) => s.type) as MetricSourceType[];

/**
 * One named metrics source as written, parsed by its type's own schema;
 * `timeout` becomes `timeoutMs` (every source has one).
 */
export const MetricsSourceConfig = z
  .discriminatedUnion('type', schemasOf(SOURCES))
  .transform(({ timeout, ...rest }) => ({ ...rest, timeoutMs: timeout }))
  .describe('A metrics server that checks query. `type` selects the kind.');

export type MetricsSourceConfig = z.output<typeof MetricsSourceConfig>;

export function isMetricSourceType(type: string): type is MetricSourceType {
  return Object.hasOwn(metricSources, type);
}

/**
 * The source for `type`; an unknown type is a ConfigError, never a fallback to
 * a default source. Its config is whatever that type's schema parsed.
 */
export function getMetricSource(type: string): MetricSource {
  if (!isMetricSourceType(type)) {
    throw new ConfigError(`unknown metrics source type "${type}"`, {
      hint: `use one of: ${metricSourceTypes.join(', ')}`,
      data: { type, known: metricSourceTypes },
    });
  }
  // Sound by construction: the config of a `type` was parsed by that type's schema.
  return metricSources[type] as unknown as MetricSource;
}
