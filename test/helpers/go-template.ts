/**
 * Go's text/template, the part Helm charts are written in, for tests that render
 * a chart without a helm binary. It implements text, `{{- -}}` trimming,
 * comments, pipelines, fields, variables (`$`, `:=`, `=`), `if`/`else if`/`else`,
 * `with`/`else`, `range` (lists and maps, with `$i, $v :=`), `define` and
 * `template`. Everything else (`block`, `break`, methods, `(x).field`, char
 * literals…) throws UnsupportedTemplate: a chart that needs more fails loudly
 * instead of rendering wrong. Functions come from the caller (helm-render.ts).
 */

import { type Arg, type ControlNode, type Node, type Pipe, parseTemplate, TemplateError, UnsupportedTemplate } from './go-template-parse.ts';

export { TemplateError, UnsupportedTemplate } from './go-template-parse.ts';

/** A Go struct (Helm's .Release, .Chart): a missing field is an error, unlike a map's missing key. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, unknown>>,
  ) {}
}

export type TemplateFunc = (...args: unknown[]) => unknown;

/** A set of named templates sharing one function table, as Helm parses every file of a chart into one. */
export class TemplateSet {
  private readonly trees = new Map<string, Node[]>();
  private depth = 0;
  private readonly funcs: Readonly<Record<string, TemplateFunc>>;

  /** `funcs` may be built from the set itself (Helm's `include` executes templates of the set). */
  constructor(funcs: Readonly<Record<string, TemplateFunc>> | ((set: TemplateSet) => Readonly<Record<string, TemplateFunc>>)) {
    this.funcs = typeof funcs === 'function' ? funcs(this) : funcs;
  }

  /** Parse `src` as template `name`; its `define`s become templates of the set too. */
  add(name: string, src: string): void {
    for (const [n, tree] of parseTemplate(name, src)) this.trees.set(n, tree);
  }

  has(name: string): boolean {
    return this.trees.has(name);
  }

  /** Execute template `name` with `data` as dot and `$`. */
  execute(name: string, data: unknown): string {
    const tree = this.trees.get(name);
    if (!tree) throw new TemplateError(`no such template "${name}"`);
    if (++this.depth > 100) throw new TemplateError(`exceeded maximum template depth (100) in "${name}"`);
    try {
      const out: string[] = [];
      this.run(tree, data, [{ name: '$', value: data }], out);
      return out.join('');
    } finally {
      this.depth--;
    }
  }

  private run(nodes: Node[], dot: unknown, vars: { name: string; value: unknown }[], out: string[]): void {
    for (const n of nodes) {
      if (n.k === 'text') out.push(n.text);
      else if (n.k === 'action') {
        const v = this.pipe(n.pipe, dot, vars, n.at);
        if (n.pipe.decl.length === 0) out.push(printValue(v, n.at));
      } else if (n.k === 'template') out.push(this.execute(n.name, n.pipe ? this.pipe(n.pipe, dot, vars, n.at) : null));
      else {
        const mark = vars.length;
        if (n.k === 'range') this.range(n, dot, vars, out);
        else {
          const v = this.pipe(n.pipe, dot, vars, n.at);
          if (isTrue(v)) this.run(n.body, n.k === 'with' ? v : dot, vars, out);
          else this.run(n.alt, dot, vars, out);
        }
        vars.length = mark;
      }
    }
  }

  private range(n: ControlNode, dot: unknown, vars: { name: string; value: unknown }[], out: string[]): void {
    const { decl, cmds } = n.pipe;
    const v = this.pipe({ decl: [], assign: false, cmds }, dot, vars, n.at);
    let entries: [unknown, unknown][];
    if (v === null || v === undefined) entries = [];
    else if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
    else if (isMap(v)) entries = Object.keys(v).sort().map((k) => [k, v[k]]);
    else throw new UnsupportedTemplate(`${n.at}: range over ${goType(v)} is not implemented`);
    if (entries.length === 0) {
      this.run(n.alt, dot, vars, out);
      return;
    }
    const mark = vars.length;
    for (const [key, elem] of entries) {
      vars.length = mark;
      if (decl.length === 1) vars.push({ name: decl[0]!, value: elem });
      if (decl.length === 2) vars.push({ name: decl[0]!, value: key }, { name: decl[1]!, value: elem });
      this.run(n.body, elem, vars, out);
    }
  }

  private pipe(p: Pipe, dot: unknown, vars: { name: string; value: unknown }[], at: string): unknown {
    let value: unknown;
    let first = true;
    for (const cmd of p.cmds) {
      value = this.command(cmd, dot, vars, at, first ? [] : [value]);
      first = false;
    }
    if (p.assign) {
      const v = [...vars].reverse().find((x) => x.name === p.decl[0]);
      if (!v) throw new TemplateError(`${at}: undefined variable: ${p.decl[0]}`);
      v.value = value;
    } else for (const name of p.decl) vars.push({ name, value });
    return value;
  }

  private command(cmd: Arg[], dot: unknown, vars: { name: string; value: unknown }[], at: string, piped: unknown[]): unknown {
    const [head, ...rest] = cmd;
    if (head!.k === 'ident') {
      const fn = this.funcs[head!.name];
      if (!fn) throw new UnsupportedTemplate(`${at}: function "${head!.name}" not defined`);
      const args = [...rest.map((a) => this.arg(a, dot, vars, at)), ...piped];
      try {
        return fn(...args);
      } catch (e) {
        if (e instanceof UnsupportedTemplate || e instanceof TemplateError) throw e;
        throw new TemplateError(`${at}: error calling ${head!.name}: ${(e as Error).message}`);
      }
    }
    if (rest.length > 0 || piped.length > 0) throw new TemplateError(`${at}: can't give argument to non-function`);
    return this.arg(head!, dot, vars, at);
  }

  private arg(a: Arg, dot: unknown, vars: { name: string; value: unknown }[], at: string): unknown {
    if (a.k === 'lit') return a.value;
    if (a.k === 'pipe') return this.pipe(a.pipe, dot, vars, at);
    if (a.k === 'ident') {
      // A niladic function as an argument is Go's call syntax too; none of ours is niladic.
      throw new UnsupportedTemplate(`${at}: function "${a.name}" used as a value (write it in parentheses)`);
    }
    let v: unknown = dot;
    if (a.base !== 'dot') {
      const found = [...vars].reverse().find((x) => x.name === a.base);
      if (!found) throw new TemplateError(`${at}: undefined variable: ${a.base}`);
      v = found.value;
    }
    for (const key of a.path) v = field(v, key, at);
    return v;
  }
}

function field(v: unknown, key: string, at: string): unknown {
  if (v instanceof GoStruct) {
    if (!(key in v.fields)) throw new UnsupportedTemplate(`${at}: can't evaluate field ${key} in type ${v.typeName}`);
    return v.fields[key];
  }
  if (v === null || v === undefined) throw new TemplateError(`${at}: nil pointer evaluating interface {}.${key}`);
  if (isMap(v)) return Object.hasOwn(v, key) ? v[key] : undefined;
  throw new TemplateError(`${at}: can't evaluate field ${key} in type ${goType(v)}`);
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof GoStruct);
}

/** Go's truth: false, 0, nil, "" and empty lists and maps are false. */
export function isTrue(v: unknown): boolean {
  if (v === null || v === undefined) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

export function goType(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return '[]interface {}';
  if (isMap(v)) return 'map[string]interface {}';
  if (v instanceof GoStruct) return v.typeName;
  return typeof v === 'number' ? 'float64' : typeof v === 'boolean' ? 'bool' : 'string';
}

/**
 * fmt's %v for the values a chart prints. Helm values' numbers are float64,
 * which Go prints in %g form (1e+06); outside the range where that equals the
 * plain decimal, this refuses rather than guess.
 */
export function formatValue(v: unknown, at = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    const abs = Math.abs(v);
    if (abs === 0 || (abs >= 1e-4 && abs < 1e6)) return String(v);
    throw new UnsupportedTemplate(`${at}: printing the number ${v} (Go prints it in %g form); quote it in values`);
  }
  throw new UnsupportedTemplate(`${at}: printing a ${goType(v)} is not implemented (use toYaml)`);
}

/** What an action prints: Helm turns Go's "<no value>" for a missing key into "". */
function printValue(v: unknown, at: string): string {
  return v === null || v === undefined ? '' : formatValue(v, at);
}
