/**
 * Config problems speak in places: `file:line: path: message`. This module
 * names paths and turns zod issues into ConfigIssues (without lines; the
 * caller knows the YAML source). Messages never quote a whole config value
 * that could hold a secret; parseConfig also redacts expanded ${ENV} values.
 */
import type { z } from 'zod';
import { printable } from '../errors.ts';
import { suggest } from './suggest.ts';

/** One problem in a config file. `line` is 1-based. */
export interface ConfigIssue {
  file: string;
  line: number;
  /** Dotted path of the key, e.g. `services.checkout.steps[1]`; `(root)` for the whole file, `(yaml)` for a syntax error. */
  path: string;
  message: string;
}

export type PathSegment = string | number;

/** A problem at a path, before its line is known. */
export interface PathIssue {
  path: PathSegment[];
  message: string;
}

/** `file:line: path: message`, the one format every config problem is shown in. */
export function formatIssue(issue: ConfigIssue): string {
  return printable(`${issue.file}:${issue.line}: ${issue.path}: ${issue.message}`);
}

/** `['services', 'checkout', 'steps', 1]` → `services.checkout.steps[1]`; odd keys are quoted. */
export function formatPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

const KIND: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
  null: 'nothing',
};

/** What kind of value `v` is, without quoting it. */
function kindOf(v: unknown): string {
  if (v === null) return 'nothing (null)';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number' && !Number.isInteger(v)) return 'a fractional number';
  return KIND[typeof v] ?? typeof v;
}

const plural = (n: number | bigint, word: string) => `${n} ${word}${n === 1 || n === 1n ? '' : 's'}`;

/**
 * Default messages for zod issues, passed as `safeParse(data, { error })`.
 * Schema-level messages (schema.ts) take precedence.
 */
export function defaultMessage(iss: z.core.$ZodRawIssue): string | undefined {
  if ((iss.code === 'invalid_type' || iss.code === 'invalid_value') && iss.input === undefined) {
    return 'required key is missing';
  }
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${KIND[iss.expected] ?? iss.expected}, got ${kindOf(iss.input)}`;
    case 'too_small':
      if (iss.origin === 'array') return `must list at least ${plural(iss.minimum, 'item')}`;
      if (iss.origin === 'string') return iss.minimum === 1 ? 'must not be empty' : `must be at least ${plural(iss.minimum, 'character')}`;
      return `must be ${iss.inclusive ? 'at least' : 'greater than'} ${iss.minimum}`;
    case 'too_big':
      if (iss.origin === 'array') return `must list at most ${plural(iss.maximum, 'item')}`;
      if (iss.origin === 'string') return `must be at most ${plural(iss.maximum, 'character')}`;
      return `must be ${iss.inclusive ? 'at most' : 'less than'} ${iss.maximum}`;
    case 'invalid_value': {
      const allowed = iss.values.map((v) => String(v)).join(', ');
      const last = iss.path?.[iss.path.length - 1];
      if (last === 'type') return `unknown type ${JSON.stringify(iss.input)}; allowed: ${allowed}`;
      return `must be one of: ${allowed}`;
    }
    case 'invalid_union': {
      if (!('discriminator' in iss) || typeof iss.discriminator !== 'string') return 'does not match any allowed form';
      const options = (iss as { options?: unknown[] }).options ?? [];
      const allowed = options.map((v) => String(v)).join(', ');
      const input = iss.input as Record<string, unknown> | undefined;
      const given = input?.[iss.discriminator];
      if (given === undefined) return `required key is missing; allowed: ${allowed}`;
      return `unknown type ${JSON.stringify(given)}; allowed: ${allowed}`;
    }
    case 'invalid_format':
      if (iss.format === 'url') return 'must be a URL';
      return 'pattern' in iss && iss.pattern ? `must match ${iss.pattern}` : `must be a valid ${iss.format}`;
    default:
      return undefined;
  }
}

/**
 * Flatten zod issues into path issues: one per unknown key (with a suggestion
 * from `allowedKeys(path)`), union failures reduced to the branch that was
 * meant, record key failures to their own message.
 */
export function fromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  allowedKeys: (path: PathSegment[]) => readonly string[],
  base: PathSegment[] = [],
): PathIssue[] {
  const out: PathIssue[] = [];
  for (const issue of issues) {
    const path = [...base, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(path);
      for (const key of issue.keys) out.push({ path: [...path, key], message: unknownKeyMessage(key, allowed) });
    } else if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      // A branch that got past "wrong type" is the one the writer meant: report its problems.
      const meant = issue.errors.filter((branch) => !branch.every((i) => i.code === 'invalid_type' && i.path.length === 0));
      if (meant.length === 1) out.push(...fromZodIssues(meant[0]!, allowedKeys, path));
      else out.push({ path, message: issue.message });
    } else if (issue.code === 'invalid_key') {
      out.push({ path, message: issue.issues[0]?.message ?? issue.message });
    } else {
      out.push({ path, message: issue.message });
    }
  }
  return out;
}

/** `unknown key "intervl" — did you mean "interval"?`, or the allowed keys when nothing is close. */
export function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const close = suggest(key, allowed);
  if (close) return `unknown key ${JSON.stringify(key)} — did you mean ${JSON.stringify(close)}?`;
  return allowed.length > 0
    ? `unknown key ${JSON.stringify(key)}; allowed keys: ${allowed.join(', ')}`
    : `unknown key ${JSON.stringify(key)}`;
}
