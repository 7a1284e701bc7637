/**
 * `helm template` for tests, without helm: loads a chart directory, merges
 * values files over values.yaml as Helm coalesces them, validates the result
 * against values.schema.json (as Helm does before rendering), renders every
 * template with go-template.ts and the Helm functions below, and splits the
 * output into objects. Functions: include, toYaml, nindent, indent, quote,
 * default, required, trunc, trimSuffix, printf. Any other function or construct
 * throws UnsupportedTemplate, so a chart that uses more fails its test loudly.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { formatValue, GoStruct, goType, isMap, isTrue, type TemplateFunc, TemplateError, TemplateSet, UnsupportedTemplate } from './go-template.ts';
import { helmToYaml } from './helm-yaml.ts';

export { TemplateError, UnsupportedTemplate } from './go-template.ts';

export interface RenderOptions {
  /** Values files' contents, later ones win (`helm template -f a.yaml -f b.yaml`). */
  valuesFiles?: string[];
  release?: { name: string; namespace: string };
}

export interface RenderedChart {
  /** Each rendered template by its path in the chart (`templates/cronjob.yaml`), partials excluded. */
  files: Map<string, string>;
  /** templates/NOTES.txt rendered, as `helm install` prints it ('' without one). */
  notes: string;
  /** Every non-empty YAML document of every rendered manifest, parsed. */
  objects: Record<string, unknown>[];
  /** The values the templates saw. */
  values: Record<string, unknown>;
}

/** Thrown when the merged values do not match values.schema.json (helm's "values don't meet the specifications of the schema"). */
export class ValuesSchemaError extends Error {}

/** Render the chart in `dir` as `helm template <release> <dir> -n <namespace> -f …` does. */
export function renderChart(dir: string, options: RenderOptions = {}): RenderedChart {
  const chart = parseYamlFile(join(dir, 'Chart.yaml'));
  if (chart.apiVersion !== 'v2') throw new Error(`${dir}/Chart.yaml: apiVersion must be v2`);
  let values = parseYamlFile(join(dir, 'values.yaml'));
  for (const file of options.valuesFiles ?? []) values = coalesce(parseYamlText(file, 'values file'), values);
  validateValues(dir, values);

  const release = options.release ?? { name: 'release-name', namespace: 'default' };
  const data = {
    Values: values,
    Release: new GoStruct('*release.Release', { Name: release.name, Namespace: release.namespace, Service: 'Helm' }),
    Chart: new GoStruct('*chart.Metadata', { Name: chart.name, Version: chart.version, AppVersion: chart.appVersion }),
  };
  const templates = new TemplateSet(helmFunctions);
  const names = listTemplates(join(dir, 'templates'));
  const chartName = String(chart.name);
  for (const name of names) templates.add(`${chartName}/templates/${name}`, readFileSync(join(dir, 'templates', name), 'utf8'));

  const files = new Map<string, string>();
  let notes = '';
  for (const name of names) {
    if (name.startsWith('_')) continue;
    const out = templates.execute(`${chartName}/templates/${name}`, data);
    if (name === 'NOTES.txt') notes = out;
    else files.set(`templates/${name}`, out);
  }
  const objects: Record<string, unknown>[] = [];
  for (const [name, text] of files) {
    for (const doc of parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true })) {
      if (doc.errors.length > 0) throw new Error(`${name}: rendered YAML does not parse: ${doc.errors[0]!.message}\n${text}`);
      const obj = doc.toJS();
      if (obj === null || obj === undefined) continue;
      if (!isMap(obj)) throw new Error(`${name}: a rendered document is not a mapping`);
      objects.push(obj);
    }
  }
  return { files, notes, objects, values };
}

/** The Helm (sprig) functions of the subset, with sprig's semantics. */
export function helmFunctions(set: TemplateSet): Record<string, TemplateFunc> {
  const str = (v: unknown): string => (v === null || v === undefined ? '' : formatValue(v));
  const expectString = (fn: string, v: unknown): string => {
    if (typeof v !== 'string') throw new UnsupportedTemplate(`${fn}: a ${goType(v)} argument (sprig converts it; not implemented)`);
    return v;
  };
  const arity = (fn: string, args: unknown[], n: number) => {
    if (args.length !== n) throw new TemplateError(`wrong number of args for ${fn}: want ${n} got ${args.length}`);
  };
  return {
    include: (...args) => {
      arity('include', args, 2);
      return set.execute(expectString('include', args[0]), args[1]);
    },
    toYaml: (...args) => {
      arity('toYaml', args, 1);
      return helmToYaml(args[0]);
    },
    indent: (...args) => {
      arity('indent', args, 2);
      const pad = ' '.repeat(intArg('indent', args[0]));
      return pad + str(args[1]).replaceAll('\n', `\n${pad}`);
    },
    nindent: (...args) => {
      arity('nindent', args, 2);
      const pad = ' '.repeat(intArg('nindent', args[0]));
      return `\n${pad}${str(args[1]).replaceAll('\n', `\n${pad}`)}`;
    },
    quote: (...args) =>
      args
        .filter((a) => a !== null && a !== undefined)
        .map((a) => goQuote(str(a)))
        .join(' '),
    default: (...args) => {
      if (args.length < 1 || args.length > 2) throw new TemplateError(`wrong number of args for default: want 1 or 2 got ${args.length}`);
      return args.length === 2 && isTrue(args[1]) ? args[1] : args[0];
    },
    required: (...args) => {
      arity('required', args, 2);
      const v = args[1];
      if (v === null || v === undefined || v === '') throw new TemplateError(expectString('required', args[0]));
      return v;
    },
    trunc: (...args) => {
      arity('trunc', args, 2);
      const n = intArg('trunc', args[0]);
      const s = asciiArg('trunc', args[1]);
      if (n < 0 && s.length + n > 0) return s.slice(s.length + n);
      return n >= 0 && s.length > n ? s.slice(0, n) : s;
    },
    trimSuffix: (...args) => {
      arity('trimSuffix', args, 2);
      const suffix = expectString('trimSuffix', args[0]);
      const s = expectString('trimSuffix', args[1]);
      return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
    },
    printf: (...args) => {
      const [format, ...rest] = args;
      let k = 0;
      return expectString('printf', format).replace(/%(.)/g, (_, verb: string) => {
        if (verb === '%') return '%';
        if (k >= rest.length) return `%!${verb}(MISSING)`;
        const v = rest[k++];
        if (verb === 's' || verb === 'v') return str(v);
        if (verb === 'd' && Number.isInteger(v)) return String(v);
        if (verb === 'q') return goQuote(str(v));
        throw new UnsupportedTemplate(`printf: %${verb} of a ${goType(v)} is not implemented`);
      });
    },
  };
}

function intArg(fn: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new UnsupportedTemplate(`${fn}: a ${goType(v)} count (sprig converts it; not implemented)`);
  return v;
}

function asciiArg(fn: string, v: unknown): string {
  if (typeof v !== 'string') throw new UnsupportedTemplate(`${fn}: a ${goType(v)} argument`);
  // sprig cuts bytes; for ASCII, bytes and UTF-16 units are the same.
  if (/[^\x00-\x7f]/.test(v)) throw new UnsupportedTemplate(`${fn}: a non-ASCII string (sprig cuts bytes)`);
  return v;
}

/** Go's %q for the printable ASCII strings a chart quotes; anything else throws rather than guess Go's escapes. */
function goQuote(s: string): string {
  if (/[^\x20-\x7e]/.test(s)) throw new UnsupportedTemplate(`quote: ${JSON.stringify(s)} has characters Go escapes (not implemented)`);
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Helm's coalesce: a user map merges into the chart's, a user null deletes the key, anything else replaces. */
export function coalesce(user: Record<string, unknown>, chart: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...chart };
  for (const [k, v] of Object.entries(user)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = coalesce(v, out[k] as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}

function validateValues(dir: string, values: Record<string, unknown>): void {
  let schemaText: string;
  try {
    schemaText = readFileSync(join(dir, 'values.schema.json'), 'utf8');
  } catch {
    return;
  }
  const ajv = new Ajv({ allErrors: true, strict: true });
  const validate = ajv.compile(JSON.parse(schemaText));
  if (!validate(values)) {
    const lines = (validate.errors ?? []).map((e) => `- ${e.instancePath || '(root)'}: ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    throw new ValuesSchemaError(`values don't meet the specifications of the schema(s):\n${lines.join('\n')}`);
  }
}

function listTemplates(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => {
      if (statSync(join(dir, name)).isDirectory()) throw new UnsupportedTemplate(`${dir}/${name}: templates in subdirectories are not implemented`);
      return true;
    })
    .sort();
}

function parseYamlFile(path: string): Record<string, unknown> {
  return parseYamlText(readFileSync(path, 'utf8'), path);
}

function parseYamlText(text: string, where: string): Record<string, unknown> {
  const v = parse(text, { uniqueKeys: true }) ?? {};
  if (!isMap(v)) throw new Error(`${where}: not a YAML mapping`);
  return v;
}
