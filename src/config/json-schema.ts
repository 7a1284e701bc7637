/**
 * The JSON Schema of git-canary.yaml, generated from the zod schema (the one
 * source of truth). It describes what a person writes (zod's input side), so
 * keys with defaults are optional. `npm run schema` writes it to
 * schema/git-canary.schema.json; a test fails when that file drifts.
 */
import { z } from 'zod';
import { GitCanaryConfig } from './schema.ts';

/** Where the published schema can be fetched (the npm package ships `schema/`). */
export const SCHEMA_URL = 'https://unpkg.com/git-canary/schema/git-canary.schema.json';

export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(GitCanaryConfig, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' });
  const { $schema, ...rest } = schema;
  return { $schema, $id: SCHEMA_URL, title: 'git-canary.yaml', ...rest };
}

/** The file's exact text: two-space JSON and a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
