/**
 * Checks HTTP traffic against GitHub's published REST description (the subset
 * in test/fixtures/github/openapi-subset.json): which operation a method and
 * path are, whether path/query parameters and the JSON body are allowed, and
 * whether a response body matches what the description promises for its status.
 * Used by the fake GitHub on every request it answers, in both directions.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export arrives as `.default`.
const addFormats = addFormatsModule.default;

const DOC_ID = 'github-rest';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Schema {
  [k: string]: Json;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: Schema;
  /** GitHub's marker for a path parameter that may contain `/` (a sha or ref). */
  'x-multi-segment'?: boolean;
}
interface Response {
  content?: { 'application/json'?: { schema: Schema } };
}
interface Operation {
  operationId: string;
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { required?: boolean; content: { 'application/json'?: { schema: Schema } } };
  responses: Record<string, Response | { $ref: string }>;
  externalDocs?: { url: string };
}
interface Description {
  paths: Record<string, Record<string, Operation | (Parameter | { $ref: string })[]>>;
  components: Record<string, Record<string, Json>>;
}

/** One operation of the description, matched against a request. */
export interface MatchedOperation {
  method: string;
  template: string;
  operationId: string;
  /** Raw (decoded) path parameters. */
  params: Record<string, string>;
  operation: Operation;
  /** Path-item and operation parameters, `$ref`s resolved. */
  parameters: Parameter[];
}

/** Validates requests and responses against one OpenAPI 3.0 description. */
export interface OpenApiValidator {
  /** The operation for `method path`, or undefined when the description has none. */
  match(method: string, pathname: string): MatchedOperation | undefined;
  /**
   * Violations of the request: `rejected` ones GitHub answers with an error (bad parameter values,
   * bodies), `ignored` ones GitHub lets pass silently (unknown query parameters) — still client bugs.
   */
  checkRequest(op: MatchedOperation, query: URLSearchParams, body: unknown): { rejected: string[]; ignored: string[] };
  /** Violations of a response body for `status`; empty when it matches. */
  checkResponse(op: MatchedOperation | undefined, status: number, body: unknown): string[];
  /** The operation's documentation URL, as GitHub puts in `documentation_url`. */
  docsUrl(op: MatchedOperation | undefined): string;
}

/** Load the subset description and build its validator. */
export function loadGitHubDescription(path = new URL('../fixtures/github/openapi-subset.json', import.meta.url)): OpenApiValidator {
  return createOpenApiValidator(JSON.parse(readFileSync(path, 'utf8')) as Description);
}

/** Build a validator: `$ref`s are resolved by adding the whole document to Ajv under one id. */
export function createOpenApiValidator(doc: Description): OpenApiValidator {
  const ajv = makeAjv(false);
  // Parameters arrive as strings: coerce "12" to 12 before checking `type: integer`.
  const coercing = makeAjv(true);
  ajv.addSchema(doc as unknown as Schema, DOC_ID);
  coercing.addSchema(doc as unknown as Schema, DOC_ID);
  const cache = new Map<string, ValidateFunction>();
  const compile = (key: string, schema: Schema, coerce = false): ValidateFunction => {
    const hit = cache.get(key);
    if (hit) return hit;
    const v = (coerce ? coercing : ajv).compile(rebase(schema));
    cache.set(key, v);
    return v;
  };
  const resolve = <T>(x: T | { $ref: string }): T => {
    if (x && typeof x === 'object' && '$ref' in x && typeof x.$ref === 'string') {
      const [, , kind, name] = x.$ref.split('/');
      return resolve(doc.components[kind ?? '']?.[name ?? ''] as T | { $ref: string });
    }
    return x as T;
  };
  // More literal segments first, so /issues/comments/{id} wins over /issues/{n}/comments.
  const templates = Object.keys(doc.paths)
    .map((template) => ({ template, literal: template.split('/').filter((s) => s && !s.startsWith('{')).length }))
    .sort((a, b) => b.literal - a.literal);

  const matcher = (template: string, multi: Set<string>) => {
    const names: string[] = [];
    const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_m, name: string) => {
      names.push(name);
      return multi.has(name) ? '(.+)' : '([^/]+)';
    });
    return { re: new RegExp(`^${source}$`), names };
  };

  return {
    match(method, pathname) {
      const m = method.toLowerCase();
      for (const { template } of templates) {
        const item = doc.paths[template]!;
        const op = item[m];
        if (!op || Array.isArray(op)) continue;
        const shared = Array.isArray(item.parameters) ? item.parameters : [];
        const parameters = [...shared, ...(op.parameters ?? [])].map((p) => resolve<Parameter>(p));
        const multi = new Set(parameters.filter((p) => p['x-multi-segment'] === true).map((p) => p.name));
        const { re, names } = matcher(template, multi);
        const hit = re.exec(pathname);
        if (!hit) continue;
        const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(hit[i + 1] ?? '')]));
        return { method: m, template, operationId: op.operationId, params, operation: op, parameters };
      }
      return undefined;
    },

    checkRequest(op, query, body) {
      const where = `${op.method.toUpperCase()} ${op.template}`;
      const out: string[] = [];
      const ignored: string[] = [];
      for (const p of op.parameters) {
        if (p.in !== 'path' && p.in !== 'query') continue;
        const raw = p.in === 'path' ? op.params[p.name] : (query.get(p.name) ?? undefined);
        if (raw === undefined) {
          if (p.required) out.push(`${where}: missing required ${p.in} parameter ${p.name}`);
          continue;
        }
        const v = compile(`${op.operationId}:${p.in}:${p.name}`, { type: 'object', properties: { value: p.schema } }, true);
        if (!v({ value: raw })) out.push(`${where}: ${p.in} parameter ${p.name}=${JSON.stringify(raw)}: ${errorsText(v, 'value', '/value')}`);
      }
      const known = new Set(op.parameters.filter((p) => p.in === 'query').map((p) => p.name));
      for (const name of new Set(query.keys())) if (!known.has(name)) ignored.push(`${where}: unknown query parameter ${name}`);
      const requestBody = op.operation.requestBody;
      const schema = requestBody?.content['application/json']?.schema;
      if (body === undefined) {
        if (requestBody?.required) out.push(`${where}: request body is required`);
      } else if (!schema) {
        out.push(`${where}: takes no JSON request body`);
      } else {
        const v = compile(`${op.operationId}:body`, schema);
        if (!v(body)) out.push(`${where}: request body: ${errorsText(v, 'body')}`);
      }
      return { rejected: out, ignored };
    },

    checkResponse(op, status, body) {
      const where = op ? `${op.method.toUpperCase()} ${op.template} → ${status}` : `(no operation) → ${status}`;
      const declared = op ? (op.operation.responses[String(status)] ?? op.operation.responses.default) : undefined;
      if (!declared) {
        // GitHub answers any call with 401/403/5xx errors the description does not list; they are all basic-error.
        if (status < 400) return [`${where}: status ${status} is not in the description`];
        const v = compile('basic-error', { $ref: '#/components/schemas/basic-error' });
        return v(body) ? [] : [`${where}: error body: ${errorsText(v, 'body')}`];
      }
      const schema = resolve<Response>(declared).content?.['application/json']?.schema;
      if (!schema) return [];
      const v = compile(`${op?.operationId}:${status}`, schema);
      return v(body) ? [] : [`${where}: response body: ${errorsText(v, 'body')}`];
    },

    docsUrl(op) {
      return op?.operation.externalDocs?.url ?? 'https://docs.github.com/rest';
    },
  };
}

function makeAjv(coerceTypes: boolean): Ajv {
  // strict: false because the description carries OpenAPI keywords (example, x-*, discriminator) Ajv does not know.
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes, logger: false });
  addFormats(ajv);
  // GitHub's own format name for `owner/repo`.
  ajv.addFormat('repo.nwo', /^[^/\s]+\/[^/\s]+$/);
  // The description says `format: uri` for target_url, log_url and environment_url, yet documents "" as
  // their default and GitHub returns "" when none was given: accept "" as well as an absolute URI.
  ajv.addFormat('uri', (s: string) => s === '' || /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s));
  return ajv;
}

/** Point document-relative `$ref`s (`#/components/...`) at the document added under DOC_ID. */
function rebase(schema: Schema): Schema {
  return JSON.parse(JSON.stringify(schema), (key, value: Json) =>
    key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${DOC_ID}${value}` : value,
  ) as Schema;
}

/** Ajv's errors as one line; `strip` removes a wrapper's prefix from each instance path. */
function errorsText(v: ValidateFunction, dataVar: string, strip = ''): string {
  return (v.errors ?? [])
    .map((e) => `${dataVar}${e.instancePath.startsWith(strip) ? e.instancePath.slice(strip.length) : e.instancePath} ${e.message ?? e.keyword}${e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''}`)
    .join('; ');
}
