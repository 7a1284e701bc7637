/**
 * The JSON Schema of git-canary.yaml, generated from the zod schema (the one
 * source of truth). It describes what a person writes (zod's input side), so
 * keys with defaults are optional. `npm run schema` writes it to
 * schema/git-canary.schema.json; a test fails when that file drifts.
 *
 * Only this file uses zod's JSON Schema export, and nothing a command loads
 * imports it (config/index.ts does not re-export it): only `npm run schema` and its test.
 */
import { toJSONSchema } from 'zod';
import { GitCanaryConfig } from './schema.ts';
import { SCHEMA_URL } from './schema-url.ts';

export { SCHEMA_URL };

export function configJsonSchema(): Record<string, unknown> {
  const schema = toJSONSchema(GitCanaryConfig, { io: 'input', target: 'draft-2020-12', unrepresentable: 'throw' });
  const { $schema, ...rest } = schema;
  return { $schema, $id: SCHEMA_URL, title: 'git-canary.yaml', ...rest };
}

/** The file's exact text: two-space JSON and a final newline. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
