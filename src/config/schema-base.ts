/**
 * Schema pieces shared by schema.ts and the schemas of its parts
 * (analysis-schema.ts), kept apart so neither imports the other in a cycle.
 */
import * as z from 'zod';
import { DURATION_EXAMPLES, DURATION_PATTERN, tryParseDuration } from './duration.ts';
import { repoPathProblem } from './paths.ts';

/** A schema-level message that leaves "required key is missing" to the default formatter. */
export const unlessMissing = (message: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? undefined : message;

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const Duration = z
  .string({ error: unlessMissing(`expected a duration such as ${DURATION_EXAMPLES}`) })
  .regex(DURATION_PATTERN, {
    error: (iss) => `invalid duration ${JSON.stringify(iss.input)}: write e.g. ${DURATION_EXAMPLES}`,
  })
  .refine((s) => !DURATION_PATTERN.test(s) || tryParseDuration(s) !== undefined, { error: 'duration is too long' })
  .transform((s) => tryParseDuration(s)!);
/** A duration as written (`5m`); parsed, it is a number of milliseconds. */
export type Duration = z.output<typeof Duration>;


export const SourceName = z
  .string({ error: unlessMissing('expected the name of a metrics source') })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { error: 'metrics source names are letters, digits, "_", "." and "-"' });

export const RepoPath = z
  .string({ error: unlessMissing('expected a repository path such as apps/checkout/deployment.yaml') })
  .superRefine((path, ctx) => {
    const problem = repoPathProblem(path);
    if (problem) ctx.addIssue({ code: 'custom', message: `path ${problem}` });
  })
  .describe('A file path relative to the repository root, such as apps/checkout/deployment.yaml.');

export const KubeName = z
  .string({ error: unlessMissing('expected a Kubernetes object name') })
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: 'must be a Kubernetes object name (lowercase letters, digits, "-", ".")' });

/**
 * The schemas of a registry's plug-ins as a tuple, each keeping its own type
 * (`map()` alone would widen them to one union array), for z.discriminatedUnion.
 */
export function schemasOf<T extends readonly { schema: unknown }[]>(plugins: T): SchemasOf<T> {
  return plugins.map((p) => p.schema) as SchemasOf<T>;
}

type SchemasOf<T extends readonly unknown[]> = { -readonly [K in keyof T]: T[K] extends { schema: infer S } ? S : never };
