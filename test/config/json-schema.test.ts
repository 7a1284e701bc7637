import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { configJsonSchema, configJsonSchemaText } from '../../src/config/json-schema.ts';

const FILE = new URL('../../schema/git-canary.schema.json', import.meta.url);

type Json = { [k: string]: unknown };

/** Every `properties` entry in the schema, with its path. */
function properties(node: unknown, path = ''): [string, Json][] {
  if (!node || typeof node !== 'object') return [];
  const out: [string, Json][] = [];
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === 'properties' && v && typeof v === 'object') {
      for (const [name, prop] of Object.entries(v as Json)) {
        out.push([`${path}.${name}`, prop as Json], ...properties(prop, `${path}.${name}`));
      }
    } else {
      out.push(...properties(v, path));
    }
  }
  return out;
}

describe('JSON Schema', () => {
  it('the committed schema/git-canary.schema.json matches the zod schema (run `npm run schema`)', () => {
    assert.equal(readFileSync(FILE, 'utf8'), configJsonSchemaText());
  });

  it('describes every key', () => {
    const props = properties(configJsonSchema());
    assert.ok(props.length > 30, `only ${props.length} properties found`);
    const undescribed = props.filter(([, p]) => typeof p.description !== 'string').map(([path]) => path);
    assert.deepEqual(undescribed, []);
  });

  it('is strict and keeps defaults optional (input side)', () => {
    const schema = configJsonSchema() as Json & { properties: Json; required: string[] };
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.required, ['version', 'services']);
    const service = ((schema.properties.services as Json).additionalProperties as Json & { required: string[]; properties: Json });
    // files and canary are required by route type (a Knative route is its own release and canary): config rules say so.
    assert.deepEqual(service.required, ['route', 'steps']);
    assert.equal((service.properties.interval as Json).default, '5m');
    assert.equal((service.properties.gate as Json).default, 'auto');
  });
});
