/**
 * Writes schema/git-canary.schema.json from the zod schema in src/config/.
 * Run `npm run schema` after changing the config shape; test/config/json-schema.test.ts
 * fails while the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { configJsonSchemaText } from '../src/config/json-schema.ts';

const target = new URL('../schema/git-canary.schema.json', import.meta.url);
writeFileSync(target, configJsonSchemaText());
console.log(`wrote ${target.pathname}`);
