/**
 * RFC 6902 JSON patches (what fast-json-patch `compare()` produces) mapped onto
 * the same splice edits as `editDocument`, so comments and layout survive.
 */
import type { Operation } from 'fast-json-patch';
import { ManifestError } from '../errors.ts';
import { applyEditsTo } from './edit.ts';
import { lineOf } from './find.ts';
import { seqIndex } from './locate.ts';
import { parsePointer } from './paths.ts';
import type { ManifestFile, YamlPath } from './types.ts';
import { applyToValue, clone, deepEqual, getAt, type InternalOp } from './value.ts';

/** Apply `patch` to document `docIndex`; returns the new text. `test` ops are checked, `move`/`copy` become delete+set. */
export function applyPatch(file: ManifestFile, docIndex: number, patch: readonly Operation[]): string {
  return applyEditsTo(file, [{ docIndex, ops: patchOps(file, docIndex, patch) }]);
}

/** Translate JSON pointers against the document as each op leaves it, as RFC 6902 requires. */
function patchOps(file: ManifestFile, docIndex: number, patch: readonly Operation[]): InternalOp[] {
  const doc = file.docs[docIndex];
  if (!doc) {
    throw new ManifestError(`${file.path} has no document ${docIndex}`, { where: { file: file.path }, hint: 'document indexes are 0-based' });
  }
  let value = clone(doc.value);
  const out: InternalOp[] = [];
  for (const [n, op] of patch.entries()) {
    const fail = (why: string, at: YamlPath = []): never => {
      throw new ManifestError(`JSON patch op ${n} (${op.op} ${JSON.stringify(op.path)}) cannot apply to ${file.path}: ${why}`, {
        where: { file: file.path, line: lineOf(file, docIndex, at) },
        hint: 'compute the patch against this same document (fast-json-patch compare(before, after))',
        data: { docIndex, op: n },
      });
    };
    const emit = (o: InternalOp) => {
      out.push(o);
      value = applyToValue(value, o);
    };
    /** Pointer segments with sequence indexes as numbers (`-` is the length). */
    const toPath = (pointer: string): YamlPath => {
      const segs = parsePointer(pointer, file.path);
      const path: (string | number)[] = [];
      let cur: unknown = value;
      for (const seg of segs) {
        if (Array.isArray(cur)) {
          const i = seqIndex(seg, cur.length);
          if (i === undefined) fail(`${JSON.stringify(seg)} is not a sequence index`, path);
          path.push(i!);
        } else path.push(seg);
        cur = getAt(cur, [path.at(-1)!]);
      }
      return path;
    };
    const exists = (path: YamlPath) => path.length === 0 || getAt(value, path) !== undefined;
    const add = (path: YamlPath, v: unknown): void => {
      const parent = path.length === 0 ? {} : getAt(value, path.slice(0, -1));
      if (parent === null || typeof parent !== 'object') fail('its parent does not exist', path.slice(0, -1));
      let kind: 'set' | 'insert' = 'set';
      if (Array.isArray(parent)) {
        const i = path.at(-1) as number;
        if (i > parent.length) fail(`index ${i} is past the end (${parent.length} items)`, path.slice(0, -1));
        if (i < parent.length) kind = 'insert';
      }
      emit({ op: kind, path, value: v });
    };
    const from = (): { path: YamlPath; value: unknown } => {
      const p = toPath((op as { from: string }).from);
      if (!exists(p)) fail(`"from" ${JSON.stringify((op as { from: string }).from)} does not exist`);
      return { path: p, value: clone(getAt(value, p)) };
    };
    switch (op.op) {
      case 'add':
        add(toPath(op.path), op.value);
        break;
      case 'replace':
      case 'remove': {
        const path = toPath(op.path);
        if (!exists(path) || (op.op === 'remove' && path.length === 0)) fail('the target does not exist', path);
        emit(op.op === 'remove' ? { op: 'delete', path } : { op: 'set', path, value: op.value });
        break;
      }
      case 'move': {
        const src = from();
        if (op.path === op.from) break;
        if (op.path.startsWith(`${op.from}/`)) fail('cannot move a value into itself');
        emit({ op: 'delete', path: src.path });
        add(toPath(op.path), src.value);
        break;
      }
      case 'copy':
        add(toPath(op.path), from().value);
        break;
      case 'test': {
        const path = toPath(op.path);
        if (!deepEqual(getAt(value, path), op.value)) fail(`test failed: the value is ${JSON.stringify(getAt(value, path))}`, path);
        break;
      }
      default:
        fail(`unsupported op ${JSON.stringify((op as { op: string }).op)}`);
    }
  }
  return out;
}
