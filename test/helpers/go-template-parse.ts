/**
 * The parser half of go-template.ts: Go's text/template lexer (text, actions,
 * `{{- -}}` trim markers, comments) and parser (pipelines, control structures,
 * `define`) for the subset that file executes. Unknown syntax throws
 * UnsupportedTemplate; what Go itself rejects throws TemplateError.
 */
/** A construct this renderer does not implement (never rendered approximately). */
export class UnsupportedTemplate extends Error {}
/** What Go's text/template reports as a parse or execution error. */
export class TemplateError extends Error {}

export type Arg =
  | { k: 'field'; base: 'dot' | `$${string}`; path: string[] }
  | { k: 'lit'; value: unknown }
  | { k: 'ident'; name: string }
  | { k: 'pipe'; pipe: Pipe };
export interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Arg[][];
}
export interface ControlNode {
  k: 'if' | 'with' | 'range';
  pipe: Pipe;
  body: Node[];
  alt: Node[];
  at: string;
}
export type Node =
  | { k: 'text'; text: string }
  | { k: 'action'; pipe: Pipe; at: string }
  | ControlNode
  | { k: 'template'; name: string; pipe: Pipe | undefined; at: string };

const SPACE = /[ \t\r\n]/;
const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);

interface Tok {
  t: 'str' | 'num' | 'field' | 'var' | 'ident' | '|' | '(' | ')' | ':=' | '=' | ',';
  v: string;
  /** Follows the previous token with no space between: `(x).f` is a field of x, `(x) .f` an argument. */
  glued: boolean;
}
interface Item {
  text?: string;
  toks?: Tok[];
  at: string;
}

/** Split a template into text and actions, applying the trim markers. */
function lex(src: string, file: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let trimNext = false;
  const lineAt = (i: number) => `${file}:${src.slice(0, i).split('\n').length}`;
  while (pos <= src.length) {
    const open = src.indexOf('{{', pos);
    let text = src.slice(pos, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) items.push({ text, at: lineAt(pos) });
      break;
    }
    let i = open + 2;
    if (src[i] === '-' && SPACE.test(src[i + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      i += 2;
    }
    if (text) items.push({ text, at: lineAt(pos) });
    const at = lineAt(open);
    // As Go: a comment starts right after the delimiter (or its trim marker) and ends right before one.
    if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new TemplateError(`${at}: unclosed comment`);
      i = end + 2;
      const close = /^(?:[ \t\r\n](-))?\}\}/.exec(src.slice(i));
      if (!close) throw new TemplateError(`${at}: comment ends before closing delimiter`);
      trimNext = close[1] === '-';
      pos = i + close[0].length;
      continue;
    }
    const toks: Tok[] = [];
    for (;;) {
      if (i >= src.length) throw new TemplateError(`${at}: unclosed action`);
      if (src.startsWith('}}', i)) {
        pos = i + 2;
        break;
      }
      if (SPACE.test(src[i]!) && src.startsWith('-}}', i + 1)) {
        trimNext = true;
        pos = i + 4;
        break;
      }
      if (SPACE.test(src[i]!)) {
        i++;
        continue;
      }
      const rest = src.slice(i);
      const rule = TOKEN_RULES.find(([re]) => re.test(rest));
      if (!rule) throw new UnsupportedTemplate(`${at}: unsupported syntax at ${JSON.stringify(rest.slice(0, 12))}`);
      const m = rule[0].exec(rest)!;
      toks.push({ t: rule[1], v: rule[1] === 'str' ? unquote(m[0], at) : m[0], glued: toks.length > 0 && !SPACE.test(src[i - 1]!) });
      i += m[0].length;
    }
    items.push({ toks, at });
  }
  return items;
}

/** Go's lexer, for the tokens this renderer implements (first match wins). */
const TOKEN_RULES: [RegExp, Tok['t']][] = [
  [/^"(?:[^"\\\n]|\\.)*"/, 'str'],
  [/^`[^`]*`/, 'str'],
  [/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![\w.])/, 'num'],
  [/^(?:\.[A-Za-z_]\w*)+|^\.(?!\w)/, 'field'],
  [/^\$\w*(?:\.[A-Za-z_]\w*)*/, 'var'],
  [/^[A-Za-z_]\w*/, 'ident'],
  [/^:=/, ':='],
  [/^\|/, '|'],
  [/^\(/, '('],
  [/^\)/, ')'],
  [/^=/, '='],
  [/^,/, ','],
];

function unquote(lit: string, at: string): string {
  if (lit.startsWith('`')) return lit.slice(1, -1);
  return lit.slice(1, -1).replace(/\\(.)/g, (_, c: string) => {
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
    if (simple[c] === undefined) throw new UnsupportedTemplate(`${at}: unsupported escape \\${c}`);
    return simple[c];
  });
}

/** Parse the tokens of one action into a pipeline. */
function parsePipe(toks: Tok[], at: string): Pipe {
  let i = 0;
  const pipe: Pipe = { decl: [], assign: false, cmds: [] };
  const declEnd = toks.findIndex((t) => t.t === ':=' || t.t === '=');
  if (declEnd > 0 && toks.slice(0, declEnd).every((t) => t.t === 'var' || t.t === ',')) {
    pipe.decl = toks.slice(0, declEnd).filter((t) => t.t === 'var').map((t) => t.v);
    if (pipe.decl.some((v) => v.includes('.'))) throw new TemplateError(`${at}: cannot declare a field`);
    pipe.assign = toks[declEnd]!.t === '=';
    i = declEnd + 1;
  }
  const parseArgs = (stopAtParen: boolean): Arg[][] => {
    const cmds: Arg[][] = [[]];
    while (i < toks.length) {
      const t = toks[i++]!;
      const cmd = cmds[cmds.length - 1]!;
      if (t.t === '|') {
        if (cmd.length === 0) throw new TemplateError(`${at}: missing command before |`);
        cmds.push([]);
      } else if (t.t === ')') {
        if (!stopAtParen) throw new TemplateError(`${at}: unexpected )`);
        if (toks[i]?.t === 'field' && toks[i]?.glued) throw new UnsupportedTemplate(`${at}: a field of a parenthesized pipeline`);
        return cmds;
      } else if (t.t === '(') {
        cmd.push({ k: 'pipe', pipe: { decl: [], assign: false, cmds: parseArgs(true) } });
      } else if (t.t === 'str') cmd.push({ k: 'lit', value: t.v });
      else if (t.t === 'num') cmd.push({ k: 'lit', value: Number(t.v) });
      else if (t.t === 'field') cmd.push({ k: 'field', base: 'dot', path: t.v === '.' ? [] : t.v.slice(1).split('.') });
      else if (t.t === 'var') {
        const [name, ...path] = t.v.split('.');
        cmd.push({ k: 'field', base: name as `$${string}`, path });
      } else if (t.t === 'ident') {
        if (t.v === 'true' || t.v === 'false') cmd.push({ k: 'lit', value: t.v === 'true' });
        else if (t.v === 'nil') cmd.push({ k: 'lit', value: null });
        else if (KEYWORDS.has(t.v)) throw new TemplateError(`${at}: unexpected keyword ${t.v}`);
        else cmd.push({ k: 'ident', name: t.v });
      } else throw new TemplateError(`${at}: unexpected ${t.v}`);
    }
    if (stopAtParen) throw new TemplateError(`${at}: unclosed (`);
    return cmds;
  };
  pipe.cmds = parseArgs(false);
  if (pipe.cmds.some((c) => c.length === 0)) throw new TemplateError(`${at}: missing value for command`);
  return pipe;
}

/** Parse `src` as template `name`: its tree and the trees of the templates it `define`s. */
export function parseTemplate(name: string, src: string): Map<string, Node[]> {
  const trees = new Map<string, Node[]>();
  const items = lex(src, name);
  let i = 0;
  const block = (top: boolean): { nodes: Node[]; end: 'end' | 'else' | 'eof'; elseToks?: Tok[] } => {
    const nodes: Node[] = [];
    while (i < items.length) {
      const item = items[i++]!;
      if (item.text !== undefined) {
        nodes.push({ k: 'text', text: item.text });
        continue;
      }
      const toks = item.toks!;
      const at = item.at;
      if (toks.length === 0) throw new TemplateError(`${at}: missing value for command`);
      const head = toks[0]!.t === 'ident' ? toks[0]!.v : '';
      if (head === 'end' || head === 'else') {
        if (top) throw new TemplateError(`${at}: unexpected {{${head}}}`);
        if (head === 'end' && toks.length > 1) throw new TemplateError(`${at}: unexpected ${toks[1]!.v} in end`);
        return { nodes, end: head, elseToks: toks.slice(1) };
      }
      if (head === 'if' || head === 'with' || head === 'range') nodes.push(control(head, toks.slice(1), at));
      else if (head === 'define') {
        if (!top || toks[1]?.t !== 'str' || toks.length !== 2) throw new TemplateError(`${at}: define must be {{define "name"}} at the top level`);
        const body = block(false);
        if (body.end !== 'end') throw new TemplateError(`${at}: define without end`);
        trees.set(toks[1].v, body.nodes);
      } else if (head === 'template') {
        if (toks[1]?.t !== 'str') throw new TemplateError(`${at}: template needs a quoted name`);
        nodes.push({ k: 'template', name: toks[1].v, pipe: toks.length > 2 ? parsePipe(toks.slice(2), at) : undefined, at });
      } else if (KEYWORDS.has(head)) throw new UnsupportedTemplate(`${at}: {{${head}}} is not implemented`);
      else nodes.push({ k: 'action', pipe: parsePipe(toks, at), at });
    }
    if (!top) throw new TemplateError(`${name}: unexpected EOF (an {{end}} is missing)`);
    return { nodes, end: 'eof' };
  };
  const control = (k: ControlNode['k'], toks: Tok[], at: string): ControlNode => {
    const pipe = parsePipe(toks, at);
    if (k !== 'range' && pipe.decl.length > 1) throw new TemplateError(`${at}: too many declarations in ${k}`);
    const body = block(false);
    const node: ControlNode = { k, pipe, body: body.nodes, alt: [], at };
    if (body.end === 'else') {
      const rest = body.elseToks ?? [];
      if (rest.length > 0) {
        // `else if x` is `else` + `if x … end`, sharing the outer `end`.
        if (k !== 'if' || rest[0]?.v !== 'if') throw new UnsupportedTemplate(`${at}: {{else ${rest[0]?.v}}} is not implemented`);
        node.alt = [control('if', rest.slice(1), at)];
        return node;
      }
      const alt = block(false);
      if (alt.end !== 'end') throw new TemplateError(`${at}: expected end after else`);
      node.alt = alt.nodes;
    }
    return node;
  };
  const top = block(true);
  trees.set(name, top.nodes);
  return trees;
}

