/**
 * Small templates and what Go's text/template prints for them: builtin syntax
 * only, so the same table can be run through a real Go engine (see the
 * differential test in go-template.test.ts) as well as through ours.
 */
export interface GoTemplateCase {
  name: string;
  template: string;
  data: unknown;
  expected: string;
  /** Helm executes with missingkey=zero (a missing key is nil); a plain Go engine errors on it. */
  missingKey?: true;
}

export const GO_TEMPLATE_CASES: readonly GoTemplateCase[] = [
  { name: 'a field', template: 'image: {{ .image.tag }}', data: { image: { tag: 'v2' } }, expected: 'image: v2' },
  { name: 'left trim eats the newline and indent before', template: 'a:\n  {{- .x }}\n', data: { x: 'b' }, expected: 'a:b\n' },
  { name: 'right trim eats the newline after', template: '{{ .x -}}\n\n  y', data: { x: 1 }, expected: '1y' },
  { name: 'a dash without a space is not a trim marker', template: '{{ -3 }} {{ 3 }}', data: {}, expected: '-3 3' },
  { name: 'a trimmed comment prints nothing', template: 'a\n{{- /* why */ -}}\nb', data: {}, expected: 'ab' },
  { name: 'if/else if/else', template: '{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}', data: { a: false, b: true }, expected: 'B' },
  { name: 'empty things are false', template: '{{ if .s }}s{{ end }}{{ if .l }}l{{ end }}{{ if .m }}m{{ end }}{{ if .z }}z{{ end }}', data: { s: '', l: [], m: {}, z: 0 }, expected: '' },
  { name: 'a missing key is false', template: '{{ if .nope }}yes{{ else }}no{{ end }}', data: {}, expected: 'no', missingKey: true },
  { name: 'with sets dot, $ stays the root', template: '{{ with .a }}{{ .b }}/{{ $.top }}{{ end }}', data: { a: { b: 'in' }, top: 'root' }, expected: 'in/root' },
  { name: 'with else runs on an empty value', template: '{{ with .a }}x{{ else }}none{{ end }}', data: { a: '' }, expected: 'none' },
  { name: 'range over a list', template: '{{ range .l }}[{{ . }}]{{ end }}', data: { l: ['a', 'b'] }, expected: '[a][b]' },
  { name: 'range with index and element', template: '{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}', data: { l: ['a', 'b'] }, expected: '0=a;1=b;' },
  { name: 'range over a map visits keys in order', template: '{{ range $k, $v := .m }}{{ $k }}:{{ $v }} {{ end }}', data: { m: { b: 2, a: 1 } }, expected: 'a:1 b:2 ' },
  { name: 'range else on an empty list', template: '{{ range .l }}x{{ else }}empty{{ end }}', data: { l: [] }, expected: 'empty' },
  { name: 'a variable lives until its end', template: '{{ $x := "out" }}{{ if true }}{{ $x := "in" }}{{ $x }}{{ end }}{{ $x }}', data: {}, expected: 'inout' },
  { name: 'assignment changes the outer variable', template: '{{ $x := "a" }}{{ if true }}{{ $x = "b" }}{{ end }}{{ $x }}', data: {}, expected: 'b' },
  { name: 'define and template with a context', template: '{{ define "t" }}<{{ .n }}>{{ end }}{{ template "t" .inner }}', data: { inner: { n: 1 } }, expected: '<1>' },
  { name: 'a pipeline passes the value last', template: '{{ "x" | printf "%s-%s" "a" }}', data: {}, expected: 'a-x' },
  { name: 'parentheses', template: '{{ printf "%s" (printf "%s!" .a) }}', data: { a: 'hi' }, expected: 'hi!' },
  { name: 'raw strings keep backslashes', template: '{{ `a\\n` }}', data: {}, expected: 'a\\n' },
  { name: 'string escapes', template: '{{ "a\\tb\\"c" }}', data: {}, expected: 'a\tb"c' },
];
