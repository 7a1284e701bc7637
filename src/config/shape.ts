/**
 * Which keys the schema allows at a path of the data, for "did you mean"
 * suggestions. Walks zod's schema definitions (`_zod.def`), following the data
 * through unions so `metrics.prom` offers the keys of its own `type`.
 */
import type { z } from 'zod';
import type { PathSegment } from './issues.ts';

type Schema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  valueType?: Schema;
  element?: Schema;
  options?: Schema[];
  discriminator?: string;
}

const def = (s: Schema) => s._zod.def as unknown as Def;

/** Strip wrappers (optional, default, pipe/transform input…) down to the schema that checks the value. */
function unwrap(s: Schema): Schema {
  for (;;) {
    const d = def(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

/** The object branches of `s` that could describe `data`. */
function objects(s: Schema, data: unknown): Schema[] {
  const u = unwrap(s);
  const d = def(u);
  if (d.type === 'object') return [u];
  if (d.type !== 'union' || !d.options) return [];
  let options = d.options;
  if (d.discriminator && data && typeof data === 'object') {
    const tag = (data as Record<string, unknown>)[d.discriminator];
    const matching = options.filter((o) => objectValues(o, d.discriminator!).includes(tag));
    if (matching.length > 0) options = matching;
  }
  return options.flatMap((o) => objects(o, data));
}

function objectValues(s: Schema, key: string): unknown[] {
  const field = def(unwrap(s)).shape?.[key];
  const values = field ? (field._zod as { values?: Set<unknown> }).values : undefined;
  return values ? [...values] : [];
}

function child(s: Schema, seg: PathSegment, data: unknown): Schema | undefined {
  const u = unwrap(s);
  const d = def(u);
  if (d.type === 'array' && typeof seg === 'number') return d.element;
  if (d.type === 'record') return d.valueType;
  for (const o of objects(u, data)) {
    const field = def(o).shape?.[String(seg)];
    if (field) return field;
  }
  return undefined;
}

/** Keys allowed in the object at `path` of `data` (in schema order), or [] when it is not an object. */
export function allowedKeysAt(root: Schema, path: readonly PathSegment[], data: unknown): string[] {
  let s: Schema | undefined = root;
  let value: unknown = data;
  for (const seg of path) {
    if (!s) return [];
    s = child(s, seg, value);
    value = value && typeof value === 'object' ? (value as Record<string, unknown>)[seg as string] : undefined;
  }
  if (!s) return [];
  return [...new Set(objects(s, value).flatMap((o) => Object.keys(def(o).shape ?? {})))];
}
