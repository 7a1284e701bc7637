/**
 * The metric sources git-canary knows, by `type` in git-canary.yaml
 * (`metrics.<name>.type`). One file per source; adding a source is that file
 * plus one line here. A declared type without an implementation does not compile.
 */
import { ConfigError } from '../errors.ts';
import { prometheus } from './prometheus.ts';
import type { MetricSource } from './types.ts';

export type MetricSourceType = 'prometheus';

export const metricSources = { prometheus } satisfies Record<MetricSourceType, MetricSource>;

export const metricSourceTypes = Object.keys(metricSources) as MetricSourceType[];

export function isMetricSourceType(type: string): type is MetricSourceType {
  return Object.hasOwn(metricSources, type);
}

/** The source for `type`; an unknown type is a ConfigError, never a fallback to a default source. */
export function getMetricSource(type: string): MetricSource {
  if (!isMetricSourceType(type)) {
    throw new ConfigError(`unknown metrics source type "${type}"`, {
      hint: `use one of: ${metricSourceTypes.join(', ')}`,
      data: { type, known: metricSourceTypes },
    });
  }
  return metricSources[type];
}
