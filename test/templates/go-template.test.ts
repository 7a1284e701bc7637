/**
 * The template renderer the chart tests stand on (test/helpers/go-template.ts,
 * helm-render.ts, helm-yaml.ts): small cases whose Go and Helm output is known,
 * the same cases through a real Go text/template engine when one is installed
 * (the npm package @evertdespiegeleer/go-template: Go's text/template compiled
 * to WebAssembly), properties of trimming and toYaml, and a loud refusal of
 * everything outside the subset.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { GoStruct, TemplateError, TemplateSet, UnsupportedTemplate } from '../helpers/go-template.ts';
import { helmFunctions } from '../helpers/helm-render.ts';
import { helmToYaml } from '../helpers/helm-yaml.ts';
import { GO_TEMPLATE_CASES } from './go-template-cases.ts';

const GO_ENGINE = '@evertdespiegeleer/go-template';

/** Go's own text/template (compiled to WebAssembly), if installed: $GO_TEMPLATE_ENGINE or the npm package. */
async function realGoEngine(): Promise<{ parse(template: string, data: unknown): Promise<string> } | undefined> {
  try {
    return await import(process.env.GO_TEMPLATE_ENGINE ?? GO_ENGINE);
  } catch {
    return undefined;
  }
}

/** Templates of the builtin subset: text with whitespace, trim markers, fields, variables, control structures. */
const randomTemplate = fc.letrec((tie) => {
  const space = fc.constantFrom('', ' ', '\n', '  \n', '\n  ', '\t');
  const open = fc.constantFrom('{{', '{{- ', '{{ ');
  const close = fc.constantFrom('}}', ' -}}', ' }}');
  const value = fc.constantFrom('.a', '.b', '$.a', '.n.deep', '"lit"', '(printf "%s-%s" .a "z")', '.a | printf "<%s>"');
  const cond = fc.constantFrom('.a', '.b', '.l', '.m', '.n');
  const action = fc.tuple(open, value, close).map(([o, v, c]) => `${o}${v}${c}`);
  const body = fc.array(tie('node'), { maxLength: 3 }).map((parts) => parts.join(''));
  const control = fc
    .tuple(open, fc.constantFrom('if', 'with', 'range', 'range $i, $v :='), cond, close, body, fc.option(body), open, close)
    .map(([o, kw, c, cl, b, alt, o2, c2]) => `${o}${kw} ${c}${cl}${b}${alt === null ? '' : `${o2}else${c2}${alt}`}${o2}end${c2}`);
  const rangeVar = fc.tuple(space, fc.constantFrom('{{ $i }}', '{{ $v }}', '{{ . }}')).map(([s, v]) => s + v);
  return {
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, space, fc.constantFrom('text', 'a: b', '- x'), action, control, rangeVar),
  };
}).node;

/** Render `template` as a chart file would be, with `defines` as a _helpers.tpl beside it. */
function render(template: string, data: unknown = {}, defines = ''): string {
  const set = new TemplateSet(helmFunctions);
  if (defines) set.add('chart/templates/_helpers.tpl', defines);
  set.add('chart/templates/t.yaml', template);
  return set.execute('chart/templates/t.yaml', data);
}

describe('Go text/template semantics', () => {
  for (const c of GO_TEMPLATE_CASES) {
    test(c.name, () => assert.equal(render(c.template, c.data), c.expected));
  }

  test('the same cases, and random templates, through a real Go engine (when installed)', async (t) => {
    const engine = await realGoEngine();
    if (!engine) {
      t.skip(`${GO_ENGINE} is not installed (or set GO_TEMPLATE_ENGINE to its dist/main.js)`);
      return;
    }
    for (const c of GO_TEMPLATE_CASES) {
      // That engine runs with missingkey=error; Helm (and ours) with missingkey=zero.
      if (c.missingKey) continue;
      assert.equal(await engine.parse(c.template, c.data), c.expected, c.name);
    }
    await fc.assert(
      fc.asyncProperty(randomTemplate, async (template) => {
        const data = { a: 'A', b: '', l: ['x', 'y'], m: { k: 'v', j: 'w' }, n: { deep: 'D' } };
        const theirs = await engine.parse(template, data).catch((e: Error) => `error: ${e.message}`);
        if (theirs.startsWith('error:')) return true; // a template Go refuses says nothing about ours
        let ours: string;
        try {
          ours = render(template, data);
        } catch (e) {
          if (e instanceof UnsupportedTemplate) return true; // refused loudly (printing a map…), never rendered wrong
          throw e;
        }
        assert.equal(ours, theirs, template);
        return true;
      }),
      { numRuns: 300 },
    );
  });

  test('text without delimiters is printed as it is', () => {
    fc.assert(fc.property(fc.string().filter((s) => !s.includes('{{')), (s) => render(s) === s));
  });

  test('{{- and -}} remove exactly the whitespace next to them', () => {
    const ws = fc.stringMatching(/^[ \t\r\n]*$/);
    const word = fc.stringMatching(/^[a-z:]{0,6}$/);
    fc.assert(
      fc.property(word, ws, ws, word, (before, left, right, after) => {
        return render(`${before}${left}{{- "x" -}}${right}${after}`) === `${before}x${after}` && render(`${before}${left}{{ "x" }}${right}${after}`) === `${before}${left}x${right}${after}`;
      }),
    );
  });
});

describe('Helm functions', () => {
  const labels = '{{- define "labels" -}}\napp: shop\ntier: web\n{{- end }}';

  test('include with a context, piped into nindent: the common label block', () => {
    assert.equal(render('metadata:\n  labels:\n    {{- include "labels" . | nindent 4 }}\n', {}, labels), 'metadata:\n  labels:\n    app: shop\n    tier: web\n');
    const inner = '{{- define "name" -}}{{ .n }}{{- end }}';
    assert.equal(render('{{ include "name" .inner }}', { inner: { n: 'svc' } }, inner), 'svc');
  });

  test('indent and nindent indent every line, nindent after a newline', () => {
    assert.equal(render('{{ "a\\nb" | indent 2 }}'), '  a\n  b');
    assert.equal(render('x:{{ "a\\nb" | nindent 2 }}'), 'x:\n  a\n  b');
  });

  test('toYaml: sorted keys, sequences flush with their key, no final newline', () => {
    const values = {
      resources: { requests: { memory: '128Mi', cpu: '50m' }, limits: { memory: '512Mi' } },
      env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    };
    assert.equal(render('{{ toYaml .resources }}', values), 'limits:\n  memory: 512Mi\nrequests:\n  cpu: 50m\n  memory: 128Mi');
    assert.equal(render('{{ toYaml .env }}', values), '- name: A\n  valueFrom:\n    secretKeyRef:\n      key: k\n      name: s');
    assert.equal(helmToYaml({ a: { b: [{ c: [1, 2] }] } }), 'a:\n  b:\n  - c:\n    - 1\n    - 2');
  });

  test('toYaml quotes what YAML 1.1 would read as another type, keys too (go-yaml writes "n" for the key n)', () => {
    const v = { a: 'true', b: '', c: '*/5 * * * *', d: 'yes', e: '0755', f: 1.5, g: null, h: 'plain', i: [], j: {}, k: '1', l: 'key: value', m: '2024-01-01', n: 'on' };
    assert.equal(helmToYaml(v), `a: "true"\nb: ""\nc: '*/5 * * * *'\nd: "yes"\ne: "0755"\nf: 1.5\ng: null\nh: plain\ni: []\nj: {}\nk: "1"\nl: 'key: value'\nm: "2024-01-01"\n"n": "on"`);
  });

  test('toYaml output reads back as the same data, in YAML 1.1 (go-yaml, Kubernetes) and 1.2', () => {
    const key = fc.stringMatching(/^[a-zA-Z][a-zA-Z./-]{0,12}$/);
    const scalar = fc.oneof(
      fc.constantFrom('true', 'no', 'on', 'off', 'y', '', '~', 'null', '0755', '1e3', '12:30', '2024-01-01', '-', '- a', 'a: b', '#x', 'a #b', "it's", '*/5 * * * *', '50m'),
      // Not strings like ".", "e0" or "1.2.3": the yaml package's YAML 1.1 float patterns (its own, below) read them as
      // numbers, where go-yaml (strconv.ParseFloat) and so Kubernetes read strings; this test's 1.1 reader is the yaml package.
      fc.stringMatching(/^[ -~]{0,20}$/).filter(
        (s) => !/["\\]/.test(s) && !/^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/.test(s) && !/^[-+]?(?:[0-9][0-9_]*)?\.[0-9_.]*$/.test(s),
      ),
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.boolean(),
      fc.constant(null),
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('node'), { maxLength: 3 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
    })).node;
    fc.assert(
      fc.property(tree, (v) => {
        const text = helmToYaml(v);
        const expected = JSON.parse(JSON.stringify(v));
        assert.deepEqual(parse(text, { version: '1.1' }), expected, text);
        assert.deepEqual(parse(text), expected, text);
        return true;
      }),
      { numRuns: 1000 },
    );
  });

  test('quote, default, required, trunc, trimSuffix, printf', () => {
    assert.equal(render('{{ quote "a\\"b" }} {{ .n | quote }} [{{ .missing | quote }}]', { n: 3 }), '"a\\"b" "3" []');
    assert.equal(render('{{ "" | default "x" }} {{ .missing | default "x" }} {{ "y" | default "x" }} {{ 0 | default 5 }} {{ false | default true }}'), 'x x y 5 true');
    assert.equal(render('{{ required "set it" .v }}', { v: 'ok' }), 'ok');
    assert.throws(() => render('{{ required "v is required" .v }}', { v: '' }), (e: unknown) => e instanceof TemplateError && /v is required/.test(e.message));
    assert.equal(render('{{ "abcdef-" | trunc 7 | trimSuffix "-" }} {{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }} {{ trunc 9 "ab" }}'), 'abcdef abc ef ab');
    assert.equal(render('{{ printf "%s-%d-%v%%" "a" 7 true }}'), 'a-7-true%');
  });

  test('a missing value prints as nothing (Helm replaces Go\'s "<no value>")', () => {
    assert.equal(render('[{{ .a }}]', {}), '[]');
  });
});

describe('what the renderer refuses', () => {
  const refused: [string, string, unknown][] = [
    ['lookup (talks to a cluster)', '{{ lookup "v1" "Secret" "ns" "name" }}', {}],
    ['tpl', '{{ tpl "x" . }}', {}],
    ['fail and other sprig functions', '{{ fail "no" }}', {}],
    ['block', '{{ block "b" . }}x{{ end }}', {}],
    ['break', '{{ range .l }}{{ break }}{{ end }}', { l: [1] }],
    ['else with', '{{ with .a }}{{ else with .b }}{{ end }}', { b: 1 }],
    ['a field of a parenthesized pipeline', '{{ (.a).b }}', { a: { b: 1 } }],
    ['a char literal', "{{ 'c' }}", {}],
    ['printing a map', '{{ .m }}', { m: { a: 1 } }],
    ['printing a number Go prints as 1e+06', '{{ .n }}', { n: 1_000_000 }],
    ['toYaml of a multi-line string', '{{ toYaml .s }}', { s: 'a\nb' }],
    ['toYaml with keys go-yaml orders by number', '{{ toYaml .m }}', { m: { a10: 1, a9: 2 } }],
    ['range over a string', '{{ range .s }}{{ end }}', { s: 'abc' }],
    ['.Release fields Helm has but the subset does not name', '{{ .Release.Revision }}', { Release: new GoStruct('*release.Release', { Name: 'r', Namespace: 'n' }) }],
  ];
  for (const [what, template, data] of refused) {
    test(what, () => assert.throws(() => render(template, data), UnsupportedTemplate));
  }

  test('Go errors: nil field, unclosed action, missing end, unknown template', () => {
    assert.throws(() => render('{{ .a.b }}', {}), (e: unknown) => e instanceof TemplateError && /nil pointer evaluating interface \{\}\.b/.test(e.message));
    assert.throws(() => render('{{ .a '), (e: unknown) => e instanceof TemplateError && /unclosed action/.test(e.message));
    assert.throws(() => render('{{ if .a }}x'), (e: unknown) => e instanceof TemplateError && /missing/.test(e.message));
    assert.throws(() => render('{{ include "nope" . }}'), (e: unknown) => e instanceof TemplateError && /no such template "nope"/.test(e.message));
    assert.throws(() => render('{{ .s.x }}', { s: 'str' }), (e: unknown) => e instanceof TemplateError && /can't evaluate field x in type string/.test(e.message));
  });
});
