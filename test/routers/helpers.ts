import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isCollection, type Node, parseAllDocuments } from 'yaml';
import { RouterError } from '../../src/errors.ts';
import { editDocument, parseManifestFile } from '../../src/manifests/index.ts';
import type { DocEdits, ManifestFile, YamlPath } from '../../src/manifests/types.ts';
import { DEFAULT_WEIGHT, type WeightForm } from './case-types.ts';

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

/** The value at `path` of plain data, `undefined` when a segment is missing. */
export function valueAt(root: unknown, path: YamlPath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/** Where the deepest existing collection on `path` is written: from the start of its first line to the end of its last. */
function spanOf(text: string, docIndex: number, path: YamlPath): [number, number] {
  const doc = parseAllDocuments(text)[docIndex];
  assert.ok(doc && !Array.isArray(doc) && 'getIn' in doc);
  for (let n = path.length - 1; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as Node | undefined;
    if (!isCollection(node) || !node.range) continue;
    const start = text.lastIndexOf('\n', node.range[0] - 1) + 1;
    let end = node.range[2];
    if (text[end - 1] !== '\n') end = text.includes('\n', end) ? text.indexOf('\n', end) + 1 : text.length;
    return [start, end];
  }
  return [0, text.length];
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Applies `edits` one op at a time and checks each touches only its own span:
 * a weight value replaced by digits (quoted for a string weight such as an
 * annotation), or text inserted (a weight pair, a new entry, a key of a new entry) inside the collection the op edits, every other
 * byte identical. Ops only set weights or build entries that did not exist.
 * Returns the final text (equal to applying all edits at once).
 */
export function assertLocalEdits(file: ManifestFile, edits: DocEdits[], context: string, weight: WeightForm = DEFAULT_WEIGHT): string {
  const value = weight.form === 'number' ? /^\d*$/ : /^["']?\d*["']?$/;
  const pairText = new RegExp(`^[\\s,]*(${escapeRegex(weight.key)}: ${weight.form === 'number' ? '\\d+' : '["\']\\d+["\']'})?[\\s,]*$`);
  let text = file.text;
  for (const { docIndex, ops } of edits) {
    const original = file.docs[docIndex]?.value;
    for (const op of ops) {
      const ctx = `${context}: ${op.op} ${op.path.join('.')}`;
      assert.equal(op.op, 'set', ctx);
      const firstNew = op.path.findIndex((_, i) => valueAt(original, op.path.slice(0, i + 1)) === undefined);
      const isWeight = op.path.at(-1) === weight.key;
      const newItem = firstNew >= 0 && typeof op.path[firstNew] === 'number';
      assert.ok(isWeight || newItem, `${ctx}: only weights and new entries may be written`);
      const before = text;
      const current = parseManifestFile(file.path, before);
      text = editDocument(current, docIndex, [op]);
      let a = 0;
      while (a < before.length && a < text.length && before[a] === text[a]) a++;
      let b = 0;
      while (b < before.length - a && b < text.length - a && before[before.length - 1 - b] === text[text.length - 1 - b]) b++;
      const removed = before.slice(a, before.length - b);
      const inserted = text.slice(a, text.length - b);
      const existingWeight = isWeight && valueAt(current.docs[docIndex]?.value, op.path) !== undefined;
      if (existingWeight) assert.ok(value.test(removed) && value.test(inserted), `${ctx}: ${JSON.stringify(removed)} → ${JSON.stringify(inserted)} is more than a weight value`);
      else assert.equal(removed, '', `${ctx}: removed ${JSON.stringify(removed)}`);
      if (isWeight && !newItem && !existingWeight) assert.ok(pairText.test(inserted), `${ctx}: inserted ${JSON.stringify(inserted)}`);
      const [start, end] = spanOf(before, docIndex, op.path);
      // An insertion is ambiguous where it repeats its neighbours; take its leftmost place.
      let to = before.length - b;
      for (let ins = inserted; !removed && a > 0 && ins && before[a - 1] === ins.at(-1); a--, to--) ins = before[a - 1] + ins.slice(0, -1);
      assert.ok(a >= start && to <= end, `${ctx}: changed bytes ${a}..${to} outside ${start}..${end}`);
    }
  }
  return text;
}
