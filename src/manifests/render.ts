/**
 * Rendering JSON values as YAML text for splicing: scalars (keeping the old
 * quoting style where asked), flow collections, block collections at a given
 * column, and block scalars. Everything rendered must read back as the same
 * value under YAML 1.2 (what we parse) and YAML 1.1 (what Kubernetes parses).
 */
import { parse } from 'yaml';

/** How new block text is laid out: indent step, `- ` under its key or indented, line break. */
export interface Layout {
  indent: number;
  indentSeq: boolean;
  eol: string;
}

/** The quoting style of a scalar being replaced. */
export type QuoteStyle = 'PLAIN' | 'QUOTE_DOUBLE' | 'QUOTE_SINGLE';

type Scalarish = string | number | boolean | bigint | null;

/** Strings, numbers, booleans and null: the values that render on one line. */
export function isScalarValue(v: unknown): v is Scalarish {
  return v === null || ['string', 'number', 'boolean', 'bigint'].includes(typeof v);
}

/** A non-empty array or object: needs block (or flow) collection syntax. */
export function isNonEmptyCollection(v: unknown): v is object {
  return typeof v === 'object' && v !== null && (Array.isArray(v) ? v.length > 0 : entries(v).length > 0);
}

/** Own enumerable entries, skipping `undefined` like JSON does. */
export function entries(v: object): [string, unknown][] {
  return Object.entries(v).filter(([, x]) => x !== undefined);
}

/** Escape what JSON leaves raw but YAML does not count as printable. */
function doubleQuoted(s: string): string {
  return JSON.stringify(s).replace(/[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function singleQuotable(s: string): boolean {
  return !/[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/.test(s);
}

const readsAs = (s: string, version: '1.1' | '1.2'): unknown => {
  try {
    return parse(s, { version, logLevel: 'silent' });
  } catch {
    return undefined;
  }
};

/**
 * True when `s` can be written without quotes and still read back as this
 * string: not `010`, `yes`, `on`, `1.0`, `null`, `2024-01-01`, and no `: `, ` #`
 * or leading indicator. Checked against both YAML versions because Kubernetes'
 * parser reads `on` as true where ours reads a string.
 */
export function plainSafe(s: string, flow: boolean, key = false): boolean {
  if (s === '' || s !== s.trim() || /[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^[-?:]/.test(s) && (s.length === 1 || /[\s,[\]{}]/.test(s[1]!))) return false;
  if (/: |:$| #/.test(s) || /^(---|\.\.\.)(\s|$)/.test(s)) return false;
  if (flow && /[,[\]{}:]/.test(s)) return false;
  if (key && s === '<<') return false;
  return readsAs(s, '1.2') === s && readsAs(s, '1.1') === s;
}

/** A number, boolean or null as a plain scalar. */
function plainNonString(v: number | boolean | bigint | null): string {
  if (v === null) return 'null';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  }
  return String(v);
}

/**
 * One scalar. Strings keep `style` when it can hold them (`"v1"` → `"v2"`,
 * `'a'` → `'b'`) and are plain only when plain reads back as the same string.
 */
export function renderScalar(v: Scalarish, flow: boolean, style: QuoteStyle = 'PLAIN'): string {
  if (typeof v !== 'string') return plainNonString(v);
  if (style === 'QUOTE_SINGLE' && singleQuotable(v)) return `'${v.replace(/'/g, "''")}'`;
  if (style === 'PLAIN' && plainSafe(v, flow)) return v;
  return doubleQuoted(v);
}

/** A mapping key. */
export function renderKey(k: string, flow: boolean): string {
  return plainSafe(k, flow, true) ? k : doubleQuoted(k);
}

/** Any value on one line: scalars, `{}`/`[]`, or flow collections `{a: 1, b: [x]}`. */
export function renderFlow(v: unknown): string {
  if (isScalarValue(v)) return renderScalar(v, true);
  if (Array.isArray(v)) return `[${v.map((x) => renderFlow(x ?? null)).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${entries(v)
      .map(([k, x]) => `${renderKey(k, true)}: ${renderFlow(x)}`)
      .join(', ')}}`;
  }
  throw new TypeError(`cannot write a ${typeof v} into YAML`);
}

/** A block scalar: header (`|-`, `>`, `|2`) and content lines, or null when `s` cannot be one. */
export interface BlockScalarText {
  header: string;
  lines: string[];
}

/**
 * `s` as a literal (or folded, when every line can be folded back) block scalar
 * whose content sits at `contentCol`; `parentIndent` is the column the
 * indentation indicator counts from. Null when `s` has characters a block
 * scalar cannot hold or is empty.
 */
export function renderBlockScalar(s: string, folded: boolean, contentCol: number, parentIndent: number): BlockScalarText | null {
  if (s.replace(/\n+$/, '') === '' || /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff]/.test(s)) return null;
  let body = s;
  let trailing = 0;
  while (body.endsWith('\n')) {
    body = body.slice(0, -1);
    trailing++;
  }
  const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
  let lines = body.split('\n');
  // Folding turns single breaks into spaces, so each break is written as a blank
  // line; lines that are empty or start with whitespace are not folded at all,
  // so those strings go literal instead.
  const canFold = folded && lines.every((l) => l !== '' && !/^[ \t]/.test(l));
  if (canFold) lines = lines.flatMap((l, i) => (i === 0 ? [l] : ['', l]));
  // Content indentation is auto-detected from the first non-empty line, so only
  // a leading space there needs an explicit indicator.
  const needsIndicator = /^[ \t]/.test(lines.find((l) => l !== '') ?? '');
  const indicator = contentCol - parentIndent;
  if (needsIndicator && (indicator < 1 || indicator > 9)) return null;
  const pad = ' '.repeat(contentCol);
  const out = lines.map((l) => (l === '' ? '' : pad + l));
  for (let i = 1; i < trailing; i++) out.push('');
  return { header: `${canFold ? '>' : '|'}${needsIndicator ? indicator : ''}${chomp}`, lines: out };
}

/** The text after `key:` / `-` for a leaf value: inline text, or a block scalar header plus lines. */
function leaf(v: unknown, contentCol: number, parentIndent: number): { head: string; tail: string[] } {
  if (typeof v === 'string' && v.includes('\n')) {
    const block = renderBlockScalar(v, false, contentCol, parentIndent);
    if (block) return { head: block.header, tail: block.lines };
  }
  return { head: isScalarValue(v) ? renderScalar(v, false) : renderFlow(v), tail: [] };
}

/**
 * Block lines (with their indentation) for a non-empty object or array whose
 * entries start at column `col`. Nested collections follow `layout`.
 */
export function blockLines(value: object, col: number, layout: Layout): string[] {
  const pad = ' '.repeat(col);
  const out: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isNonEmptyCollection(item)) {
        const inner = blockLines(item, col + 2, layout);
        out.push(`${pad}- ${inner[0]!.slice(col + 2)}`, ...inner.slice(1));
      } else {
        const { head, tail } = leaf(item, col + 2, col);
        out.push(`${pad}- ${head}`, ...tail);
      }
    }
    return out;
  }
  for (const [k, v] of entries(value)) {
    const key = `${pad}${renderKey(k, false)}:`;
    if (isNonEmptyCollection(v)) {
      const childCol = col + (Array.isArray(v) && !layout.indentSeq ? 0 : layout.indent);
      out.push(key, ...blockLines(v, childCol, layout));
    } else {
      const { head, tail } = leaf(v, col + layout.indent, col);
      out.push(`${key} ${head}`, ...tail);
    }
  }
  return out;
}
