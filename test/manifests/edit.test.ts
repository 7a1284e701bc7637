/** Focused splice edits: each case states the exact text before and after. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type EditOp, editDocument, parseManifestFile } from '../../src/manifests/index.ts';
import { yaml } from './helpers.ts';

const edit = (text: string, ops: EditOp[], doc = 0) => editDocument(parseManifestFile('t.yaml', text), doc, ops);
const set = (path: (string | number)[], value: unknown): EditOp => ({ op: 'set', path, value });
const del = (path: (string | number)[]): EditOp => ({ op: 'delete', path });

describe('set on an existing scalar', () => {
  it('replaces only the scalar bytes and keeps a trailing comment', () => {
    assert.equal(edit('a: 1 # keep me\nb: 2\n', [set(['a'], 2)]), 'a: 2 # keep me\nb: 2\n');
  });

  it('keeps double and single quotes for strings', () => {
    assert.equal(edit('v: "v1"\n', [set(['v'], 'v2')]), 'v: "v2"\n');
    assert.equal(edit("v: 'v1'\n", [set(['v'], 'v2')]), "v: 'v2'\n");
    assert.equal(edit("v: 'v1'\n", [set(['v'], "it's")]), "v: 'it''s'\n");
    assert.equal(edit("v: 'v1'\n", [set(['v'], 'two\nlines')]), 'v: "two\\nlines"\n');
  });

  it('keeps plain strings plain unless they would read as something else', () => {
    assert.equal(edit('v: a\n', [set(['v'], 'b-c')]), 'v: b-c\n');
    for (const tricky of ['010', 'yes', 'on', 'off', 'y', 'No', '1.0', '1e3', '0x1F', 'null', '~', 'true', '2024-01-01', 'a: b', 'a #b', '- x', '[x]', '*x', '&x', '!x', '', ' pad', 'x:']) {
      const out = edit('v: a\n', [set(['v'], tricky)]);
      assert.equal(out, `v: ${JSON.stringify(tricky)}\n`, tricky);
    }
  });

  it('writes numbers, booleans and null plain, whatever the old style', () => {
    assert.equal(edit('port: "80"\n', [set(['port'], 81)]), 'port: 81\n');
    assert.equal(edit("on: 'x'\n", [set(['on'], true)]), 'on: true\n');
    assert.equal(edit('x: 1\n', [set(['x'], null)]), 'x: null\n');
    assert.equal(edit('x: 1\n', [set(['x'], 0.25)]), 'x: 0.25\n');
  });

  it('fills an empty value', () => {
    assert.equal(edit('a:\nb: 2\n', [set(['a'], 'x')]), 'a: x\nb: 2\n');
    assert.equal(edit('- \n- b\n', [set([0], 'x')]), '- x\n- b\n');
  });

  it('keeps a tag in front of the value', () => {
    assert.equal(edit('v: !!str 5\n', [set(['v'], '6')]), 'v: !!str "6"\n');
  });

  it('is a no-op when the value is already there', () => {
    const text = 'a: "1"   # odd spacing\nb: yes\n';
    assert.equal(edit(text, [set(['a'], '1'), set(['b'], 'yes')]), text);
  });
});

describe('set of a new key', () => {
  it('adds a line after the last entry, before comments and blank lines that follow', () => {
    const text = yaml`
      a:
        x: 1
        # about b

      b: 2
    `;
    assert.equal(edit(text, [set(['a', 'w'], 2)]), 'a:\n  x: 1\n  w: 2\n  # about b\n\nb: 2\n');
  });

  it('uses the mapping indentation, also for a mapping that starts on a `- ` line', () => {
    const text = 'items:\n    - name: a\n      port: 1\n';
    assert.equal(edit(text, [set(['items', 0, 'weight'], 5)]), 'items:\n    - name: a\n      port: 1\n      weight: 5\n');
  });

  it('renders objects and arrays as block YAML with the document’s indentation', () => {
    const text = 'spec:\n    replicas: 1\nlist:\n- a\n';
    assert.equal(
      edit(text, [set(['spec', 'selector'], { matchLabels: { app: 'web' }, ports: [80, { name: 'x' }], empty: {} })]),
      'spec:\n    replicas: 1\n    selector:\n        matchLabels:\n            app: web\n        ports:\n        - 80\n        - name: x\n        empty: {}\nlist:\n- a\n',
    );
  });

  it('quotes keys that need it', () => {
    assert.equal(edit('a: 1\n', [set(['x: y'], 1), set(['<<'], 2)]), 'a: 1\n"x: y": 1\n"<<": 2\n');
  });

  it('inserts `, key: value` into a flow mapping', () => {
    assert.equal(edit('m: {a: 1}\n', [set(['m', 'b'], 'two words')]), 'm: {a: 1, b: two words}\n');
    assert.equal(edit('m: {}\n', [set(['m', 'b'], [1, 'yes'])]), 'm: {b: [1, "yes"]}\n');
    assert.equal(edit('m: {a: 1}\n', [set(['m', 'b'], { c: 'x,y' })]), 'm: {a: 1, b: {c: "x,y"}}\n');
  });

  it('creates missing parents like mkdir -p', () => {
    assert.equal(edit('metadata:\n  name: x\n', [set(['metadata', 'labels', 'app'], 'web')]), 'metadata:\n  name: x\n  labels:\n    app: web\n');
    assert.equal(edit('metadata:\n', [set(['metadata', 'labels', 'app'], 'web')]), 'metadata:\n  labels:\n    app: web\n');
    assert.equal(edit('metadata: ~ # none yet\n', [set(['metadata', 'name'], 'x')]), 'metadata: # none yet\n  name: x\n');
    assert.equal(edit('a: 1\n', [set(['b', 'c', 0, 'd'], true)]), 'a: 1\nb:\n  c:\n    - d: true\n');
  });

  it('appends when the index equals the length', () => {
    assert.equal(edit('l:\n  - a\n  - b\nz: 1\n', [set(['l', 2], 'c')]), 'l:\n  - a\n  - b\n  - c\nz: 1\n');
    assert.equal(edit('l: [a]\n', [set(['l', 1], 'c')]), 'l: [a, c]\n');
    assert.equal(edit('l: []\n', [set(['l', 0], { k: 1 })]), 'l: [{k: 1}]\n');
    assert.equal(edit('l:\n- a\n', [set(['l', 1], { k: 1, j: [2] })]), 'l:\n- a\n- k: 1\n  j:\n  - 2\n');
  });

  it('adds a key at the end of a file without a final line break', () => {
    assert.equal(edit('a: 1', [set(['b'], 2)]), 'a: 1\nb: 2');
  });
});

describe('set replacing collections', () => {
  it('replaces a block collection by another in place', () => {
    const text = 'a:\n  # old\n  x: 1\n  y: 2\nb: 3\n';
    assert.equal(edit(text, [set(['a'], { z: 9 })]), 'a:\n  # old\n  z: 9\nb: 3\n');
    assert.equal(edit('a:\n- 1\n- 2\nb: 3\n', [set(['a'], [7])]), 'a:\n- 7\nb: 3\n');
  });

  it('turns a scalar into a block below its key, keeping the comment on the key line', () => {
    assert.equal(edit('a: x # note\nb: 1\n', [set(['a'], { k: 'v' })]), 'a: # note\n  k: v\nb: 1\n');
    assert.equal(edit('- x # note\n- y\n', [set([0], { k: 'v', j: 1 })]), '- k: v # note\n  j: 1\n- y\n');
  });

  it('collapses a block collection to a scalar or an empty collection', () => {
    assert.equal(edit('a:\n  x: 1\n  y: 2\nb: 3\n', [set(['a'], 'flat')]), 'a: flat\nb: 3\n');
    assert.equal(edit('a:\n  - 1\nb: 3\n', [set(['a'], {})]), 'a: {}\nb: 3\n');
  });

  it('keeps flow collections flow', () => {
    assert.equal(edit('args: [--a, --b]\n', [set(['args'], ['--a', '--b', '--c=1'])]), 'args: [--a, --b, --c=1]\n');
    assert.equal(edit('m: {a: {b: 1}}\n', [set(['m', 'a'], { c: [1, 2] })]), 'm: {a: {c: [1, 2]}}\n');
  });
});

describe('delete', () => {
  it('removes a map entry with its block value, keeping comments on other lines', () => {
    const text = yaml`
      a: 1
      # about b
      b:
        c: 2
        d: [3]
      # about e
      e: 4
    `;
    assert.equal(edit(text, [del(['b'])]), 'a: 1\n# about b\n# about e\ne: 4\n');
  });

  it('removes sequence items', () => {
    assert.equal(edit('l:\n  - a\n  - b # two\n  - c\n', [del(['l', 1])]), 'l:\n  - a\n  - c\n');
    assert.equal(edit('l:\n  - name: a\n    port: 1\n  - name: b\n', [del(['l', 0])]), 'l:\n  - name: b\n');
  });

  it('moves the next key up when the first key shares the `- ` line', () => {
    assert.equal(edit('l:\n  - name: a\n    image: b\n', [del(['l', 0, 'name'])]), 'l:\n  - image: b\n');
  });

  it('leaves {} or [] when the last entry goes', () => {
    assert.equal(edit('a:\n  only: 1\nb: 2\n', [del(['a', 'only'])]), 'a: {}\nb: 2\n');
    assert.equal(edit('a:\n  - 1\nb: 2\n', [del(['a', 0])]), 'a: []\nb: 2\n');
  });

  it('removes a flow item and one comma', () => {
    assert.equal(edit('l: [a, b, c]\n', [del(['l', 0])]), 'l: [b, c]\n');
    assert.equal(edit('l: [a, b, c]\n', [del(['l', 1])]), 'l: [a, c]\n');
    assert.equal(edit('l: [a, b, c]\n', [del(['l', 2])]), 'l: [a, b]\n');
    assert.equal(edit('m: {a: 1}\n', [del(['m', 'a'])]), 'm: {}\n');
  });

  it('removes the last line of a file without a final line break', () => {
    assert.equal(edit('a: 1\nb: 2', [del(['b'])]), 'a: 1');
  });

  it('is a no-op for a path that does not exist', () => {
    assert.equal(edit('a: 1\n', [del(['b']), del(['a', 'x'])]), 'a: 1\n');
  });
});

describe('block scalars', () => {
  it('replaces a literal block with the same style and indentation', () => {
    const text = 'data:\n  script: |\n      echo one\n      echo two\n  next: 1\n';
    assert.equal(edit(text, [set(['data', 'script'], 'echo three\n')]), 'data:\n  script: |\n      echo three\n  next: 1\n');
  });

  it('keeps folded style and picks the chomping indicator from the value', () => {
    assert.equal(edit('m: >-\n  a b\nz: 1\n', [set(['m'], 'c d')]), 'm: >-\n  c d\nz: 1\n');
    assert.equal(edit('m: >-\n  a b\nz: 1\n', [set(['m'], 'c\nd\n')]), 'm: >\n  c\n\n  d\nz: 1\n');
    assert.equal(edit('m: |\n  a\nz: 1\n', [set(['m'], 'a\n\n')]), 'm: |+\n  a\n\nz: 1\n');
  });

  it('adds an indentation indicator when the content starts with a space', () => {
    assert.equal(edit('k:\n  s: |\n    x\n', [set(['k', 's'], '  indented\nnot\n')]), 'k:\n  s: |2\n      indented\n    not\n');
  });

  it('replaces a block scalar by a plain value', () => {
    assert.equal(edit('m: |\n  a\n  b\nz: 1\n', [set(['m'], 3)]), 'm: 3\nz: 1\n');
  });

  it('writes new multi-line strings as literal blocks', () => {
    assert.equal(edit('a: 1\n', [set(['s'], 'x\ny')]), 'a: 1\ns: |-\n  x\n  y\n');
  });
});

describe('CRLF and BOM', () => {
  it('uses CRLF for inserted lines and keeps the BOM', () => {
    const text = '\uFEFFa:\r\n  b: 1\r\nl:\r\n  - x\r\n';
    assert.equal(edit(text, [set(['a', 'c'], { d: 'e' }), set(['l', 1], 'w')]), '\uFEFFa:\r\n  b: 1\r\n  c:\r\n    d: e\r\nl:\r\n  - x\r\n  - w\r\n');
    assert.equal(edit(text, [set(['a', 'b'], 'two\nlines\n')]), '\uFEFFa:\r\n  b: "two\\nlines\\n"\r\nl:\r\n  - x\r\n');
    assert.equal(edit(text, [del(['a', 'b'])]), '\uFEFFa: {}\r\nl:\r\n  - x\r\n');
  });

  it('replaces a CRLF block scalar with CRLF lines', () => {
    assert.equal(edit('s: |\r\n  a\r\nz: 1\r\n', [set(['s'], 'b\nc\n')]), 's: |\r\n  b\r\n  c\r\nz: 1\r\n');
  });
});

describe('multi-document files', () => {
  const text = '# head\n---\na: 1\n---\n# b doc\nb: 2 # two\n---\n';
  it('edits one document and leaves the others byte-identical', () => {
    assert.equal(edit(text, [set(['b'], 3)], 1), '# head\n---\na: 1\n---\n# b doc\nb: 3 # two\n---\n');
  });

  it('fills an empty document', () => {
    assert.equal(edit(text, [set(['c'], { d: 1 })], 2), '# head\n---\na: 1\n---\n# b doc\nb: 2 # two\n---\nc:\n  d: 1\n');
  });
});

describe('anchors, aliases and merge keys', () => {
  const text = yaml`
    base: &base
      image: web:1
      res: {cpu: 1}
    shared: &shared x
    free: &free y
    prod:
      <<: *base
      replicas: 3
    copy: *shared
  `;

  it('edits an anchored value that no alias uses', () => {
    assert.equal(edit(text, [set(['free'], 'z')]), text.replace('&free y', '&free z'));
  });

  it('overrides a merged key locally instead of touching the anchor', () => {
    assert.equal(edit(text, [set(['prod', 'image'], 'web:2')]), text.replace('  replicas: 3\n', '  replicas: 3\n  image: web:2\n'));
  });

  it('edits local keys next to a merge', () => {
    assert.equal(edit(text, [set(['prod', 'replicas'], 4)]), text.replace('replicas: 3', 'replicas: 4'));
  });
});

describe('less common shapes', () => {
  it('replaces a whole document', () => {
    assert.equal(edit('a: 1\nb: 2\n', [set([], { z: [1] })]), 'z:\n  - 1\n');
    assert.equal(edit('a: 1\n---\nb: 2\n', [set([], 'scalar')]), 'scalar\n---\nb: 2\n');
  });

  it('accepts "-" as the append index, as in JSON pointers', () => {
    assert.equal(edit('l: [a]\n', [set(['l', '-'], 'b')]), 'l: [a, b]\n');
  });

  it('edits compact nested sequences', () => {
    assert.equal(edit('- - a\n  - b\n- c\n', [del([0, 0])]), '- - b\n- c\n');
    assert.equal(edit('- - a\n  - b\n- c\n', [set([0, 0], { k: 1, j: 2 })]), '- - k: 1\n    j: 2\n  - b\n- c\n');
  });

  it('handles explicit keys, trailing commas and multi-line flow collections', () => {
    assert.equal(edit('? complex\n: 1\nb: 2\n', [del(['complex'])]), 'b: 2\n');
    assert.equal(edit('a: {x: 1, y: 2,}\n', [set(['a', 'z'], 3)]), 'a: {x: 1, y: 2, z: 3,}\n');
    assert.equal(edit('a: [\n  1,\n  2\n]\n', [set(['a', 2], 3), del(['a', 0])]), 'a: [\n  2, 3\n]\n');
  });

  it('takes deeper comments that trailed a deleted entry with it, so they cannot join a block scalar', () => {
    const text = 'a: |-\n  text\nb:\n  c: 1\n  # about c\n\n# about d\nd: 2\n';
    assert.equal(edit(text, [del(['b'])]), 'a: |-\n  text\n\n# about d\nd: 2\n');
  });

  it('refuses, rather than writes, an edit that would not read back (keep-chomped block scalar)', () => {
    // Deleting `b` would make the blank line part of `a`'s `|+` value.
    assert.throws(() => edit('a: |+\n  x\nb: 1\n\nc: 2\n', [del(['b'])]), { code: 'MANIFEST', message: /did not read back as intended at a/ });
  });
});
