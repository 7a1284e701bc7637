/** Refusals: each error has its code, names the file, and points at the line. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CanaryError, printable } from '../../src/errors.ts';
import { editDocument, findDocument, type ManifestLimits, parseManifestFile, safeRepoPath } from '../../src/manifests/index.ts';
import { yaml } from './helpers.ts';

const FILE = 'apps/checkout/deployment.yaml';

/** Run `fn`, expect a CanaryError with `code`, the file in message and where, and `line` when given. */
function refused(fn: () => unknown, code: string, line?: number, message?: RegExp): CanaryError {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof CanaryError, `expected a CanaryError, got ${String(err)}`);
  assert.equal(err.code, code);
  assert.ok(err.hint && err.hint.length > 10, 'has a hint a person can act on');
  if (code === 'MANIFEST') {
    assert.equal(err.where?.file, FILE);
    assert.match(err.message, /apps\/checkout\/deployment\.yaml/);
  }
  if (line !== undefined) {
    assert.equal(err.where?.line, line);
    assert.match(err.oneLine(), new RegExp(`deployment\\.yaml:${line}\\)`));
  }
  if (message) assert.match(err.message, message);
  return err;
}

const parse = (text: string, limits?: Partial<ManifestLimits>) => parseManifestFile(FILE, text, limits);

describe('parse refusals', () => {
  it('a control character (a binary file, a stray NUL) is refused at its line', () => {
    refused(() => parse('a: 1\nb: 2\u0000\n'), 'MANIFEST', 2, /control character U\+0000/);
    refused(() => parse('kind: x\n\u001b[2Kname: y\n'), 'MANIFEST', 2, /control character U\+001B/);
    assert.equal(parse('a: 1\r\nb:\t2\n').docs.length, 1, 'CR, LF and tab are text');
  });
  it('an error carrying a user value with a newline or an ANSI escape prints on one line', () => {
    const e = new CanaryError('MANIFEST', 'no destination "a\nb\u001b[31m"', { where: { file: 'x\ny.yaml', line: 3 }, hint: 'fix\r\nit' });
    assert.equal(e.oneLine(), 'no destination "a\\nb\\u001b[31m" (x\\ny.yaml:3) — fix\\r\\nit');
  });
  it('bad YAML names the line of the error', () => {
    refused(() => parse('a: 1\nb: [1, 2\nc: 3\n'), 'MANIFEST', 3, /invalid YAML/);
    refused(() => parse('a:\n  b: 1\n c: 2\n'), 'MANIFEST', 3, /invalid YAML/);
    refused(() => parse('---\nok: 1\n---\nx: "unterminated\n'), 'MANIFEST', 4);
  });

  it('duplicate keys name the key and the line of the second one', () => {
    const text = yaml`
      apiVersion: apps/v1
      kind: Deployment
      spec:
        replicas: 2
        template: {}
        replicas: 3
    `;
    refused(() => parse(text), 'MANIFEST', 6, /duplicate key "replicas"/);
  });

  it('a billion-laughs alias bomb is refused before it expands', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [i, c] of [...'bcdefghi'].entries()) lines.push(`${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`);
    const err = refused(() => parse(`${lines.join('\n')}\n`), 'MANIFEST', undefined, /alias/);
    assert.match(err.hint!, /YAML bomb/);
    // a (9 strings) → b (9 aliases) → c (90 expansions): the first *c on line 4 crosses 100.
    assert.equal(err.where!.line, 4);
  });

  it('counts plain aliases against maxAliasCount too', () => {
    const text = `x: &x 1\nl: [${Array(5).fill('*x').join(', ')}]\n`;
    assert.equal(parse(text, { maxAliasCount: 10 }).docs.length, 1);
    refused(() => parse(text, { maxAliasCount: 4 }), 'MANIFEST', 2, /alias/);
  });

  it('dangling and recursive aliases are refused', () => {
    refused(() => parse('a: 1\nb: *nope\n'), 'MANIFEST', 2, /\*nope/);
    refused(() => parse('a: &a\n  - *a\n'), 'MANIFEST', 2, /contains it/);
  });

  it('oversize files and too many documents are refused', () => {
    const text = [...'abcdefghij'].map((k) => `${k}: ü\n`).join('');
    const err = refused(() => parse(text, { maxBytes: 59 }), 'MANIFEST', undefined, /60 bytes, over the 59-byte limit/);
    assert.match(err.hint!, /split the manifest/);
    assert.equal(parse(text, { maxBytes: 60 }).docs.length, 1);
    refused(() => parse('a: 1\n---\nb: 2\n---\nc: 3\n', { maxDocuments: 2 }), 'MANIFEST', 4, /3 YAML documents/);
  });

  it('unknown and non-JSON tags are refused; standard ones are fine', () => {
    refused(() => parse('a: 1\nb: !!python/object:os.system ls\n'), 'MANIFEST', 2, /unknown tag !!python\/object/);
    refused(() => parse('a: !vault |\n  abc\n'), 'MANIFEST', 1, /unknown tag !vault/);
    refused(() => parse('a: 1\nb: !!binary aGVsbG8=\n'), 'MANIFEST', 2, /!!binary/);
    refused(() => parse('when: !!timestamp 2024-01-01\n'), 'MANIFEST', 1, /!!timestamp/);
    const ok = parse('a: !!str 010\nb: !!int "7"\nc: !!float 1.5\nd: !!bool true\ne: !!null ""\nf: !!map {}\ng: !!seq []\n');
    assert.deepEqual(ok.docs[0]!.value, { a: '010', b: 7, c: 1.5, d: true, e: null, f: {}, g: [] });
  });
});

describe('edit refusals', () => {
  const text = yaml`
    defaults: &defaults
      image: web:1
      replicas: 2
    canary: *defaults
    stable:
      <<: *defaults
      replicas: 4
    alone: &alone x
  `;
  const file = parse(text);

  it('editing an alias names the alias and its line', () => {
    const err = refused(() => editDocument(file, 0, [{ op: 'set', path: ['canary'], value: {} }]), 'MANIFEST', 4, /\*defaults/);
    assert.match(err.hint!, /&defaults/);
    refused(() => editDocument(file, 0, [{ op: 'set', path: ['canary', 'image'], value: 'web:2' }]), 'MANIFEST', 4, /alias \*defaults/);
  });

  it('editing an anchored node that aliases use is refused, inside it too', () => {
    refused(() => editDocument(file, 0, [{ op: 'set', path: ['defaults', 'image'], value: 'web:2' }]), 'MANIFEST', 2, /&defaults is also used/);
    refused(() => editDocument(file, 0, [{ op: 'delete', path: ['defaults'] }]), 'MANIFEST', 2, /&defaults/);
    refused(() => editDocument(file, 0, [{ op: 'set', path: ['defaults', 'new'], value: 1 }]), 'MANIFEST', 2, /&defaults/);
  });

  it('deleting a key that a merge would bring back is refused', () => {
    refused(() => editDocument(file, 0, [{ op: 'delete', path: ['stable', 'image'] }]), 'MANIFEST', undefined, /merge/);
    refused(() => editDocument(file, 0, [{ op: 'delete', path: ['stable', 'replicas'] }]), 'MANIFEST', 7, /merge/);
  });

  it('bad paths and values are refused with the line of the deepest node', () => {
    refused(() => editDocument(file, 0, [{ op: 'set', path: ['alone', 'x'], value: 1 }]), 'MANIFEST', 8, /descend into the scalar "x"/);
    const list = parse('l:\n  - a\n');
    refused(() => editDocument(list, 0, [{ op: 'set', path: ['l', 5], value: 1 }]), 'MANIFEST', 2, /not an index/);
    refused(() => editDocument(list, 0, [{ op: 'set', path: ['l'], value: undefined }]), 'MANIFEST', undefined, /JSON data/);
    refused(() => editDocument(list, 0, [{ op: 'set', path: ['l'], value: new Date() }]), 'MANIFEST', undefined, /JSON data/);
    refused(() => editDocument(list, 3, []), 'MANIFEST', undefined, /no document 3/);
  });
});

describe('findDocument refusals', () => {
  const file = parse('kind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: b}\n');
  it('names what the file holds when nothing matches', () => {
    const err = refused(() => findDocument(file, { kind: 'Deployment' }), 'MANIFEST', undefined, /has no Deployment/);
    assert.match(err.hint!, /Service\/a, Service\/b/);
    refused(() => findDocument(file, { kind: 'Service', name: 'c' }), 'MANIFEST', undefined, /no Service named "c"/);
  });

  it('asks for a name when several match', () => {
    refused(() => findDocument(file, { kind: 'Service' }), 'MANIFEST', 4, /2 documents matching a Service/);
  });
});

describe('safeRepoPath refusals', () => {
  for (const bad of ['../x', 'apps/../../x', '/etc/passwd', 'C:/x', 'apps\\web.yaml', 'a\0b', '', '  ', 'a//b', 'dir/', '.', 'a/..']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      const err = refused(() => safeRepoPath(bad), 'PATH');
      // where.file is printed as is: its control characters are escaped (one line, nothing raw on a terminal)
      assert.equal(err.where?.file, printable(bad));
      assert.ok(err.message.includes(JSON.stringify(bad)));
    });
  }
});
