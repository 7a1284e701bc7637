/**
 * Helm's `toYaml`: sigs.k8s.io/yaml's Marshal (JSON, then go-yaml v2), minus the
 * final newline. Block style, two-space indent, sequences flush with their key,
 * keys sorted as go-yaml sorts them, strings that would read as another type
 * double-quoted, others plain or single-quoted as libyaml chooses. What this
 * does not reproduce exactly (multi-line or long strings, keys whose order
 * depends on go-yaml's digit-aware sort, numbers Go prints in %e form) throws.
 */
import { UnsupportedTemplate } from './go-template.ts';

/** Helm's toYaml of `value` (already Helm's data: plain objects, arrays, strings, numbers, booleans, null). */
export function helmToYaml(value: unknown): string {
  // encoding/json first: nil maps and missing values become null, key order is go-yaml's below.
  const json = value === undefined ? null : JSON.parse(JSON.stringify(value));
  return emit(json, 0).replace(/\n$/, '');
}

function emit(v: unknown, indent: number): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]\n';
    return v.map((item) => `${pad}- ${emitNested(item, indent + 2).replace(/^ +/, '')}`).join('');
  }
  if (v !== null && typeof v === 'object') {
    const keys = sortKeys(Object.keys(v));
    if (keys.length === 0) return '{}\n';
    return keys
      .map((k) => {
        const child = (v as Record<string, unknown>)[k];
        const key = scalar(k);
        if (isCollection(child)) {
          // go-yaml v2 writes a sequence under a key at the key's own indentation.
          return `${pad}${key}:\n${emit(child, Array.isArray(child) ? indent : indent + 2)}`;
        }
        return `${pad}${key}: ${emitNested(child, indent + 2)}`;
      })
      .join('');
  }
  return `${scalar(v)}\n`;
}

/** A value after `key: ` or `- `: collections start on this line for list items, scalars always do. */
function emitNested(v: unknown, indent: number): string {
  if (!isCollection(v)) return `${scalar(v)}\n`;
  return emit(v, indent);
}

function isCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return v !== null && typeof v === 'object' && Object.keys(v).length > 0;
}

function scalar(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (typeof v === 'object' && Object.keys(v).length === 0) return '{}';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
    const abs = Math.abs(v);
    if (abs >= 1e-4 && abs < 1e6) return String(v);
    throw new UnsupportedTemplate(`toYaml: the number ${v} (go-yaml's float form is not implemented)`);
  }
  if (typeof v !== 'string') throw new UnsupportedTemplate(`toYaml: a value of type ${typeof v}`);
  if (v.includes('\n')) throw new UnsupportedTemplate('toYaml: a multi-line string (go-yaml writes it as a literal block)');
  if (v.length > 80) throw new UnsupportedTemplate('toYaml: a string over 80 characters (go-yaml may fold it)');
  if (/[^\x20-\x7e]/.test(v)) throw new UnsupportedTemplate(`toYaml: a string with characters outside printable ASCII: ${JSON.stringify(v)}`);
  if (resolvesToNonString(v)) {
    if (/["\\]/.test(v)) throw new UnsupportedTemplate(`toYaml: ${JSON.stringify(v)} needs go-yaml's escaping`);
    return `"${v}"`;
  }
  if (plainAllowed(v)) return v;
  return `'${v.replace(/'/g, "''")}'`;
}

/** go-yaml v2's resolve(): YAML 1.1 booleans, nulls, numbers, timestamps and base-60 numbers. */
function resolvesToNonString(s: string): boolean {
  if (s === '' || s === '~' || /^(null|Null|NULL)$/.test(s)) return true;
  if (/^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/.test(s)) return true;
  if (s === '<<' || /^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$/.test(s)) return true;
  if (/^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*)$/.test(s)) return true;
  if (/^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(s)) return true;
  if (/^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$/.test(s)) return true;
  return /^\d{4}-\d\d?-\d\d?([Tt ]|$)/.test(s);
}

/** libyaml's analysis for a plain scalar in block context. */
function plainAllowed(s: string): boolean {
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^[-?:][^ ]/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (/^\s|\s$/.test(s)) return false;
  return !/: |:$| #/.test(s);
}

/**
 * go-yaml v2 sorts map keys letter by letter, a letter after any other
 * character, and runs of digits by their number. Bytewise order agrees unless
 * the first difference involves a digit or one of `[\]^_` and `` ` `` (between
 * the two cases of letters); those throw rather than guess.
 */
function sortKeys(keys: string[]): string[] {
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    let j = 0;
    while (j < a.length && j < b.length && a[j] === b[j]) j++;
    const ca = a[j] ?? '';
    const cb = b[j] ?? '';
    const risky = (c: string) => /[0-9[\\\]^_`{|}~]/.test(c) || (c !== '' && c > '~');
    if (risky(ca) || risky(cb)) throw new UnsupportedTemplate(`toYaml: go-yaml's order of keys ${JSON.stringify(a)} and ${JSON.stringify(b)} is not implemented`);
  }
  return sorted;
}
