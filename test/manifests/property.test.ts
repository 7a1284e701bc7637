/**
 * Property tests: random block-YAML documents (nested maps and sequences,
 * comments, quoted and block scalars) and random set/delete ops on existing
 * paths. The edit must read back as intended, leave every other value alone
 * and leave every line outside the edited node byte-identical.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type EditOp, editDocument, parseManifestFile } from '../../src/manifests/index.ts';

type J = null | boolean | number | string | J[] | { [k: string]: J };
type Path = readonly (string | number)[];

const scalarArb: fc.Arbitrary<J> = fc.oneof(
  fc.integer({ min: -5, max: 1000 }),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(0.5, 1.25, 1e21),
  fc.constantFrom('yes', 'on', 'off', 'y', '010', '1.0', 'null', 'a: b', 'x #y', '', 'plain', 'with space', "it's", '"q"', '- dash', 'ü', '*star'),
  fc.constantFrom('multi\nline', 'two\nlines here', 'keep\n', ' lead\nx'),
  fc.string({ maxLength: 6 }),
);
const keyArb = fc.constantFrom('a', 'b', 'c', 'name', 'app.kubernetes.io/name', 'x y', 'on', '010');
const { value: valueArb } = fc.letrec<{ value: J; map: J; seq: J }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, scalarArb, tie('map'), tie('seq')),
  map: fc.dictionary(keyArb, tie('value'), { maxKeys: 4 }),
  seq: fc.array(tie('value'), { maxLength: 3 }),
}));
// fc.dictionary makes null-prototype objects; the documents are compared as plain JSON.
const rootArb = fc.dictionary(keyArb, valueArb, { minKeys: 1, maxKeys: 5 }).map((r) => JSON.parse(JSON.stringify(r)) as Record<string, J>);
const newValueArb: fc.Arbitrary<J> = fc.oneof(scalarArb, fc.dictionary(keyArb, scalarArb, { maxKeys: 2 }), fc.array(scalarArb, { maxLength: 2 }));

const isColl = (v: J): v is J[] | { [k: string]: J } => typeof v === 'object' && v !== null;
const nonEmpty = (v: J) => isColl(v) && Object.keys(v).length > 0;
const RESERVED = /^(y|n|yes|no|on|off|true|false|null)$/i;
const BLOCKABLE = /^[a-z][a-z ]*(\n[a-z][a-z ]*)+$/;

/** An independent block-YAML writer that records each entry's line span. */
function render(root: Record<string, J>, bits: boolean[], indentSeq: boolean, eol = '\n'): { text: string; spans: Map<string, [number, number]> } {
  const out: string[] = [];
  const spans = new Map<string, [number, number]>();
  let b = 0;
  const flip = () => bits[b++ % bits.length]!;
  const scalar = (v: J): string => {
    if (Array.isArray(v)) return '[]';
    if (isColl(v)) return '{}';
    if (typeof v === 'string') return /^[a-z][a-z0-9 ]*$/.test(v) && !/ $/.test(v) && !RESERVED.test(v) ? v : JSON.stringify(v);
    return String(v);
  };
  const key = (k: string) => (/^[a-z][a-z0-9./]*$/.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k));
  /** A collection of scalars on one line, `{a: 1, b: x}` / `[1, x]`; its children share its line. */
  const flowColl = (v: J, path: Path, line: number): string => {
    const kids = Object.entries(v as object) as [string, J][];
    for (const [k] of kids) spans.set(JSON.stringify([...path, Array.isArray(v) ? Number(k) : k]), [line, line]);
    const parts = kids.map(([k, x]) => (Array.isArray(v) ? scalar(x) : `${key(k)}: ${scalar(x)}`));
    return Array.isArray(v) ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
  };
  const value = (v: J, head: string, contentIndent: number, path: Path) => {
    if (nonEmpty(v) && Object.values(v as object).every((x) => !nonEmpty(x)) && flip()) {
      out.push(`${head} ${flowColl(v, path, out.length)}`);
    } else if (typeof v === 'string' && BLOCKABLE.test(v)) {
      out.push(`${head} |-`);
      for (const l of v.split('\n')) out.push(' '.repeat(contentIndent) + l);
    } else if (!nonEmpty(v)) {
      out.push(`${head} ${scalar(v)}${flip() ? ' # t' : ''}`);
    } else if (Array.isArray(v)) {
      out.push(head);
      items(v, contentIndent - 2 + (indentSeq ? 2 : 0), path);
    } else {
      out.push(head + (flip() ? ' # m' : ''));
      entries(v as Record<string, J>, contentIndent, path, null);
    }
  };
  const entries = (obj: Record<string, J>, indent: number, path: Path, inline: string | null) => {
    Object.entries(obj).forEach(([k, v], i) => {
      const first = i === 0 && inline !== null;
      if (!first && flip()) out.push(`${' '.repeat(indent)}# note`);
      const start = out.length;
      value(v, `${first ? inline : ' '.repeat(indent)}${key(k)}:`, indent + 2, [...path, k]);
      spans.set(JSON.stringify([...path, k]), [start, out.length - 1]);
    });
  };
  const items = (arr: J[], indent: number, path: Path) => {
    arr.forEach((item, i) => {
      const dash = `${' '.repeat(indent)}- `;
      const start = out.length;
      if (nonEmpty(item) && !Array.isArray(item)) entries(item as Record<string, J>, indent + 2, [...path, i], dash);
      else if (nonEmpty(item)) {
        out.push(dash.trimEnd());
        items(item as J[], indent + 2, [...path, i]);
      } else value(item, dash.trimEnd(), indent + 2, [...path, i]);
      spans.set(JSON.stringify([...path, i]), [start, out.length - 1]);
    });
  };
  entries(root, 0, [], null);
  return { text: `${out.join(eol)}${eol}`, spans };
}

function allPaths(v: J, path: Path = []): Path[] {
  if (!isColl(v)) return [];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...path, k], ...allPaths((v as Record<string | number, J>)[k]!, [...path, k])]);
}

function get(v: J | undefined, path: Path): J | undefined {
  return path.reduce<J | undefined>((cur, k) => (isColl(cur ?? null) ? (cur as Record<string | number, J>)[k] : undefined), v);
}

/** The oracle: what the value must be after the op, computed on plain data. */
function apply(root: J, op: EditOp): J {
  const copy = structuredClone(root);
  const parent = get(copy, op.path.slice(0, -1)) as unknown as Record<string | number, J>;
  const last = op.path.at(-1)!;
  if (op.op === 'set') parent[last] = structuredClone(op.value as J);
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

const lines = (t: string) => t.split('\n');

const docArb = fc.record({
  root: rootArb,
  bits: fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
  indentSeq: fc.boolean(),
  eol: fc.constantFrom('\n', '\r\n'),
});

describe('edit properties', () => {
  it('the generator writes YAML that reads back as the generated value', () => {
    fc.assert(
      fc.property(docArb, ({ root, bits, indentSeq, eol }) => {
        const { text } = render(root, bits, indentSeq, eol);
        assert.deepEqual(parseManifestFile('p.yaml', text).docs[0]!.value, root);
      }),
      { numRuns: 200 },
    );
  });

  it('one set/delete: reads back, other values unchanged, lines outside the node identical', () => {
    fc.assert(
      fc.property(docArb, fc.nat(), fc.boolean(), newValueArb, ({ root, bits, indentSeq, eol }, pick, isSet, newValue) => {
        const { text, spans } = render(root, bits, indentSeq, eol);
        const paths = allPaths(root);
        const path = paths[pick % paths.length]!;
        const op: EditOp = isSet ? { op: 'set', path, value: newValue } : { op: 'delete', path };
        const out = editDocument(parseManifestFile('p.yaml', text), 0, [op]);

        // (1) + (2): the whole value is the oracle's, so the target changed and nothing else did.
        assert.deepEqual(parseManifestFile('p.yaml', out).docs[0]!.value, apply(root, op));

        if (eol === '\r\n') assert.ok(!/(^|[^\r])\n/.test(out), 'inserted lines follow CRLF');

        // (3): lines before and after the edited node's span are untouched.
        const parentPath = path.slice(0, -1);
        const siblings = Object.keys(get(root, parentPath) as object).length;
        let [s, e] = spans.get(JSON.stringify(path))!;
        if (op.op === 'delete' && siblings === 1) {
          // The last entry leaves `{}`/`[]` on the parent's line.
          [s, e] = parentPath.length ? spans.get(JSON.stringify(parentPath))! : [0, lines(text).length - 1];
        } else if (op.op === 'delete') {
          // A first key sharing its `- ` line pulls the next key up onto that line.
          const parent = get(root, parentPath);
          const keys = Array.isArray(parent) ? [] : Object.keys(parent as object);
          const next = keys[1];
          if (keys[0] === path.at(-1) && next !== undefined && /^\s*- /.test(lines(text)[s]!)) {
            e = spans.get(JSON.stringify([...parentPath, next]))![0];
          }
        }
        const a = lines(text);
        const b = lines(out);
        assert.deepEqual(b.slice(0, s), a.slice(0, s), 'prefix');
        const tail = a.length - e - 1;
        assert.deepEqual(tail === 0 ? [] : b.slice(-tail), a.slice(e + 1), 'suffix');
      }),
      { numRuns: 200 },
    );
  });

  it('a sequence of ops matches the plain-data oracle and re-applying is byte-identical', () => {
    fc.assert(
      fc.property(docArb, fc.array(fc.tuple(fc.nat(), fc.boolean(), newValueArb), { minLength: 1, maxLength: 4 }), ({ root, bits, indentSeq, eol }, picks) => {
        const { text } = render(root, bits, indentSeq, eol);
        let want: J = root;
        const ops: EditOp[] = [];
        for (const [pick, isSet, value] of picks) {
          const paths = allPaths(want);
          if (paths.length === 0) break;
          const path = paths[pick % paths.length]!;
          const op: EditOp = isSet ? { op: 'set', path, value } : { op: 'delete', path };
          ops.push(op);
          want = apply(want, op);
        }
        const out = editDocument(parseManifestFile('p.yaml', text), 0, ops);
        const reread = parseManifestFile('p.yaml', out);
        assert.deepEqual(reread.docs[0]!.value, want);
        // Sets whose value survived the later ops are already in place: applying them again changes nothing.
        const stable = ops.filter((o) => o.op === 'set' && JSON.stringify(get(want, o.path)) === JSON.stringify(o.value));
        assert.equal(editDocument(reread, 0, stable), out);
      }),
      {
        numRuns: 200,
        examples: [
          // Found by this property: a comment left at the end of a.a by deleting c became the content
          // of the block scalar that replaced a (the comment sat inside the old collection: it goes with it).
          [{ root: { a: { a: { '010': [false], a: null, c: '' } } }, bits: [true, false, false], indentSeq: false, eol: '\n' }, [[11, false, false], [0, true, { a: 'multi\nline' }]]],
        ],
      },
    );
  });
});
