import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RouterError } from '../../src/errors.ts';
import { parseManifestFile } from '../../src/manifests/index.ts';
import type { ManifestFile } from '../../src/manifests/types.ts';

const FIXTURES = new URL('../fixtures/routers/', import.meta.url);

/** Text of `test/fixtures/routers/<rel>`. */
export function fixture(rel: string): string {
  return readFileSync(new URL(rel, FIXTURES), 'utf8');
}

/** A ManifestFile parsed by src/manifests, as the engine would. */
export function parse(path: string, text: string): ManifestFile {
  return parseManifestFile(path, text);
}

/** Asserts that `call` throws a RouterError (code ROUTER) whose message matches `message` and hint matches `hint`; returns it. */
export function routerError(call: () => unknown, message: RegExp, hint?: RegExp): RouterError {
  try {
    call();
  } catch (e) {
    assert.ok(e instanceof RouterError, `expected a RouterError, got ${String(e)}`);
    assert.equal(e.code, 'ROUTER');
    assert.match(e.message, message);
    if (hint) assert.match(e.hint ?? '', hint);
    return e;
  }
  assert.fail(`expected a RouterError matching ${message}`);
}
