/**
 * PromQL as text: escaping a value for a label matcher, rendering a window,
 * and finding what is wrong with a query before any rollout depends on it.
 * Parsing uses Prometheus' own lezer grammar (@prometheus-io/lezer-promql, the
 * one its web UI uses), plus the checks the grammar leaves to Prometheus' Go
 * lexer and parser: string escapes (promql/parser/lex.go `lexEscape`, then
 * strconv.Unquote), ranges without a unit, and range functions given an instant
 * vector. Pure.
 */
import { createRequire } from 'node:module';
import type { SyntaxNode } from '@lezer/common';
import { formatDuration } from '../config/duration.ts';

/**
 * The PromQL grammar, loaded when a query is first parsed: building its parse
 * tables costs ~10 ms, which a command that parses no query does not pay.
 * Synchronous (validation is): in the bundle esbuild inlines the `require`;
 * from the sources (ESM) createRequire loads it.
 */
function promqlParser(): PromqlGrammar['parser'] {
  const grammar: PromqlGrammar =
    typeof require === 'function' ? require('@prometheus-io/lezer-promql') : createRequire(import.meta.url)('@prometheus-io/lezer-promql');
  return grammar.parser;
}
type PromqlGrammar = typeof import('@prometheus-io/lezer-promql');

/** What is wrong with a query: a message naming the text near it, and the 1-based column. */
export interface PromqlProblem {
  message: string;
  column: number;
}

/** One label matcher of a selector, with its value decoded as Prometheus decodes it. */
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `s` as the inside of a double-quoted PromQL string: backslash and quote
 * escaped, and every control or invisible character (newline, C0/C1, DEL, the
 * Unicode line separators and bidi overrides) written as an escape, so the
 * query stays on one line and reads as it runs. Prometheus decodes the result
 * back to exactly `s` (Go's strconv.Unquote rules). Throws a RangeError when
 * `s` holds a lone UTF-16 surrogate: no PromQL string can carry it.
 */
export function escapeLabelValue(s: string): string {
  if (LONE_SURROGATE.test(s)) throw new RangeError(`${JSON.stringify(s)} holds a lone UTF-16 surrogate: it cannot be a PromQL label value`);
  return s.replace(/[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => {
    return SIMPLE_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** `"value"`: a double-quoted PromQL string holding exactly `value`. */
export function quoteLabelValue(value: string): string {
  return `"${escapeLabelValue(value)}"`;
}

const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/** `s` as an RE2 regular expression matching exactly `s` (Go's regexp.QuoteMeta). */
export function quoteRegex(s: string): string {
  return s.replace(RE2_META, (c) => `\\${c}`);
}

/**
 * A range such as `5m` or `1m30s` for `ms` milliseconds (a whole, positive
 * number), so a window always comes from a number and never from text.
 */
export function promqlDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new RangeError(`a PromQL range needs a whole, positive number of milliseconds, got ${ms}`);
  return formatDuration(ms);
}

/** What is wrong with `q`, or undefined when Prometheus would accept it. */
export function promqlProblem(q: string): PromqlProblem | undefined {
  if (q.trim() === '') return { message: 'the query is empty', column: 1 };
  const unbalanced = bracketProblem(q);
  if (unbalanced) return unbalanced;
  const tree = promqlParser().parse(q);
  let found: PromqlProblem | undefined;
  tree.iterate({
    enter(ref) {
      if (found) return false;
      const node = ref.node;
      if (node.type.isError) {
        found = syntaxProblem(q, node.from, node.to);
        return false;
      }
      found = nodeProblem(q, node);
      return found === undefined;
    },
  });
  return found;
}

/**
 * Where a problem is, for messages: `column 12`, or `line 2, column 5` of a
 * query written over several lines (a YAML block scalar).
 */
export function problemPosition(q: string, column: number): string {
  const before = q.slice(0, column - 1).split('\n');
  return before.length === 1 ? `column ${column}` : `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/** Every label matcher of every selector in `q`, in order; throws when `q` does not parse. */
export function labelMatchers(q: string): LabelMatcher[] {
  const problem = promqlProblem(q);
  if (problem) throw new SyntaxError(`${problem.message} (column ${problem.column})`);
  const out: LabelMatcher[] = [];
  promqlParser().parse(q).iterate({
    enter(ref) {
      if (ref.name !== 'UnquotedLabelMatcher') return;
      const name = ref.node.getChild('LabelName');
      const op = ref.node.getChild('MatchOp');
      const literal = ref.node.getChild('StringLiteral');
      if (!name || !op || !literal) return;
      const decoded = unquote(q.slice(literal.from, literal.to));
      if ('value' in decoded) {
        out.push({ label: q.slice(name.from, name.to), op: q.slice(op.from, op.to) as LabelMatcher['op'], value: decoded.value });
      }
    },
  });
  return out;
}

/** Functions whose argument must be a range vector (`x[5m]` or a subquery). */
const RANGE_FUNCTIONS = new Set([
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'changes', 'resets', 'predict_linear', 'holt_winters',
  'double_exponential_smoothing', 'absent_over_time', 'present_over_time', 'avg_over_time', 'min_over_time', 'max_over_time',
  'sum_over_time', 'count_over_time', 'quantile_over_time', 'stddev_over_time', 'stdvar_over_time', 'last_over_time', 'mad_over_time',
]);

function nodeProblem(q: string, node: SyntaxNode): PromqlProblem | undefined {
  if (node.name === 'StringLiteral') {
    const decoded = unquote(q.slice(node.from, node.to));
    return 'error' in decoded ? { message: `${decoded.error} in the string ${near(q, node.from, node.to)}`, column: node.from + 1 } : undefined;
  }
  if (node.name === 'NumberDurationLiteralInDurationContext') {
    const text = q.slice(node.from, node.to);
    // lezer-promql accepts Prometheus 3's unit-less ranges; Prometheus 2 refuses them, and `[5]` is almost always a missing unit.
    if (/^[0-9.]+$/.test(text)) {
      const what = node.parent?.parent?.name === 'MatrixSelector' ? `the range [${text}]` : `the duration ${text}`;
      return { message: `${what} has no unit: write e.g. ${text}m or ${text}s`, column: node.from + 1 };
    }
    return undefined;
  }
  if (node.name === 'VectorSelector' && !node.getChild('Identifier') && matchesEverything(q, node)) {
    return { message: `the selector ${near(q, node.from, node.to)} needs a metric name or a matcher that does not match the empty string`, column: node.from + 1 };
  }
  if (node.name === 'FunctionCall') {
    const id = node.getChild('FunctionIdentifier');
    const body = node.getChild('FunctionCallBody');
    const fn = id ? q.slice(id.from, id.to) : '';
    if (!RANGE_FUNCTIONS.has(fn) || !body) return undefined;
    const args = argumentsOf(body);
    // predict_linear(v range-vector, t scalar), quantile_over_time(s scalar, v range-vector)
    const range = fn === 'quantile_over_time' ? args[1] : args[0];
    if (range && !isRangeVector(range)) {
      return { message: `${fn}() needs a range vector such as x[5m], got ${near(q, range.from, range.to)}`, column: range.from + 1 };
    }
  }
  return undefined;
}

/** No matcher of a selector without a metric name rules out the empty value: Prometheus refuses to select every series. */
function matchesEverything(q: string, selector: SyntaxNode): boolean {
  const matchers: SyntaxNode[] = [];
  for (let c = selector.getChild('LabelMatchers')?.firstChild ?? null; c; c = c.nextSibling) matchers.push(c);
  // Quoted names (Prometheus 3's {"metric.name"}) and anything else unusual: left to Prometheus.
  if (matchers.some((m) => m.name !== 'UnquotedLabelMatcher' && m.name !== '{' && m.name !== '}' && m.name !== ',')) return false;
  return matchers.filter((m) => m.name === 'UnquotedLabelMatcher').every((m) => {
    const op = m.getChild('MatchOp');
    const literal = m.getChild('StringLiteral');
    const decoded = literal ? unquote(q.slice(literal.from, literal.to)) : { value: '' };
    if (!op || !('value' in decoded)) return false;
    const o = q.slice(op.from, op.to);
    if (o === '=') return decoded.value === '';
    if (o === '!=') return decoded.value !== '';
    // A regular expression is not evaluated here; only the two spellings of "anything" are caught.
    return o === '=~' && (decoded.value === '.*' || decoded.value === '');
  });
}

function argumentsOf(body: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = body.firstChild; c; c = c.nextSibling) if (!c.type.isError && c.name !== '(' && c.name !== ')' && c.name !== ',') out.push(c);
  return out;
}

function isRangeVector(n: SyntaxNode): boolean {
  let node: SyntaxNode | null = n;
  while (node && node.name === 'ParenExpr') node = node.firstChild?.nextSibling ?? null;
  return node !== null && (node.name === 'MatrixSelector' || node.name === 'SubqueryExpr');
}

function syntaxProblem(q: string, from: number, to: number): PromqlProblem {
  if (from >= q.trimEnd().length) {
    return { message: `the query ends too early after ${near(q, Math.max(0, from - 20), from)}: something is missing at its end`, column: from + 1 };
  }
  const fn = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(q.slice(0, from));
  if (q[from] === '(' && fn) return { message: `unknown function ${JSON.stringify(fn[1])}`, column: from - fn[0].length + 1 };
  const token = to > from ? q.slice(from, to) : (/^\S+/.exec(q.slice(from))?.[0] ?? q.slice(from, from + 1));
  return { message: `syntax error at ${JSON.stringify(token.slice(0, 30))} in ${near(q, Math.max(0, from - 20), Math.min(q.length, from + 20))}`, column: from + 1 };
}

const OPEN: Record<string, string> = { '(': ')', '{': '}', '[': ']' };
const CLOSE: Record<string, string> = { ')': '(', '}': '{', ']': '[' };

/** Brackets that do not pair up, outside strings and comments: the most common broken query, worth its own message. */
function bracketProblem(q: string): PromqlProblem | undefined {
  const stack: { c: string; at: number }[] = [];
  for (let i = 0; i < q.length; i++) {
    const c = q[i]!;
    if (c === '"' || c === "'" || c === '`') {
      const end = stringEnd(q, i);
      if (end < 0) return { message: `the string starting at ${near(q, i, Math.min(q.length, i + 20))} is not closed`, column: i + 1 };
      i = end;
    } else if (c === '#') {
      while (i < q.length && q[i] !== '\n') i++;
    } else if (OPEN[c]) {
      stack.push({ c, at: i });
    } else if (CLOSE[c]) {
      const open = stack.pop();
      if (!open) return { message: `${JSON.stringify(c)} closes nothing in ${near(q, Math.max(0, i - 20), i + 1)}`, column: i + 1 };
      if (open.c !== CLOSE[c]) {
        return { message: `${JSON.stringify(c)} does not close the ${JSON.stringify(open.c)} at column ${open.at + 1} (expected ${JSON.stringify(OPEN[open.c])})`, column: i + 1 };
      }
    }
  }
  const open = stack.pop();
  if (open) return { message: `the ${JSON.stringify(open.c)} at column ${open.at + 1} is never closed (expected ${JSON.stringify(OPEN[open.c])})`, column: open.at + 1 };
  return undefined;
}

/** Index of the quote closing the string opened at `start`, or -1. */
function stringEnd(q: string, start: number): number {
  const quote = q[start]!;
  for (let i = start + 1; i < q.length; i++) {
    const c = q[i]!;
    if (quote !== '`' && c === '\\') i++;
    else if (c === quote) return i;
    else if (quote !== '`' && c === '\n') return -1;
  }
  return -1;
}

/** Up to 40 characters of the query around a place, quoted and on one line. */
function near(q: string, from: number, to: number): string {
  const text = q.slice(from, to).replace(/\s+/g, ' ');
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);
}

/**
 * A PromQL string literal decoded as Prometheus does: `"…"` and `'…'` with Go
 * escapes (\a \b \f \n \r \t \v \\ the quote, octal \NNN, \xNN, \uNNNN,
 * \UNNNNNNNN; anything else is an error), `` `…` `` raw.
 */
export function unquote(literal: string): { value: string } | { error: string } {
  const quote = literal[0];
  if (literal.length < 2 || literal[literal.length - 1] !== quote) return { error: 'unterminated string' };
  const body = literal.slice(1, -1);
  if (quote === '`') return { value: body };
  if (quote !== '"' && quote !== "'") return { error: 'not a string' };
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\n') return { error: 'a line break' };
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) return { error: 'an unfinished escape sequence' };
    const simple = GO_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    if (e === quote) {
      out += e;
      continue;
    }
    const form = NUMERIC_ESCAPES[e];
    if (!form) return { error: `an unknown escape sequence \\${e}` };
    const start = e >= '0' && e <= '7' ? i : i + 1;
    const digits = body.slice(start, start + form.digits);
    if (digits.length < form.digits || !form.pattern.test(digits)) return { error: `a malformed escape sequence \\${body.slice(i, start + form.digits)}` };
    const code = Number.parseInt(digits, form.base);
    if (code > form.max || (code >= 0xd800 && code < 0xe000)) return { error: `an escape sequence \\${body.slice(i, start + form.digits)} that is no Unicode code point` };
    // Octal and \x escapes are bytes in Go; Prometheus sends them as UTF-8, so only ASCII bytes stand for themselves.
    if (form.base === 8 || e === 'x') {
      if (code > 0x7f) return { error: `a byte escape \\${body.slice(i, start + form.digits)} outside ASCII` };
    }
    out += String.fromCodePoint(code);
    i = start + form.digits - 1;
  }
  return { value: out };
}

const GO_ESCAPES: Record<string, string> = { a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
const OCTAL = { digits: 3, base: 8, max: 255, pattern: /^[0-7]{3}$/ };
const NUMERIC_ESCAPES: Record<string, { digits: number; base: number; max: number; pattern: RegExp }> = {
  ...Object.fromEntries([...'01234567'].map((d) => [d, OCTAL])),
  x: { digits: 2, base: 16, max: 255, pattern: /^[0-9a-fA-F]{2}$/ },
  u: { digits: 4, base: 16, max: 0x10ffff, pattern: /^[0-9a-fA-F]{4}$/ },
  U: { digits: 8, base: 16, max: 0x10ffff, pattern: /^[0-9a-fA-F]{8}$/ },
};
