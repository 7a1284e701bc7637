/**
 * `${NAME}` expansion in git-canary.yaml. Only string values are expanded, never
 * keys or comments, after YAML parsing (so an expanded value cannot inject YAML).
 * `$${` writes a literal `${`. The environment comes in as an argument: this
 * module reads no process state. Expanded values are secrets: they are returned
 * for redaction and never put into a message.
 *
 * The credentials of the config, expanded or written literally (metrics header
 * values, a password or a credential-named query parameter in a metrics
 * address), are registered with the run's secrets (src/secrets.ts) as the
 * document is expanded, so every output of the run scrubs them in every encoding.
 */
import { type Document, isScalar, type LineCounter, type Node } from 'yaml';
import { registerHeaderValue, registerToken, registerUrlSecrets } from '../secrets.ts';
import type { ConfigIssue, PathSegment } from './issues.ts';
import { formatPath } from './issues.ts';
import { walk } from './source.ts';

export type Env = Record<string, string | undefined>;

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\{/g;

export interface StringExpansion {
  value: string;
  /** Names of variables substituted. */
  used: string[];
  /** Names of variables referenced but not set. */
  unset: string[];
  /** True when a `${` starts no valid reference (e.g. `${1X}`, `${X`). */
  malformed: boolean;
}

/** Expand one string. Unset variables are left as written and reported in `unset`. */
export function expandString(text: string, env: Env): StringExpansion {
  const used: string[] = [];
  const unset: string[] = [];
  let malformed = false;
  const value = text.replace(REFERENCE, (match, name: string | undefined) => {
    if (match === '$${') return '${';
    if (name === undefined) {
      malformed = true;
      return match;
    }
    const v = env[name];
    if (v === undefined) {
      unset.push(name);
      return match;
    }
    used.push(name);
    return v;
  });
  return { value, used, unset, malformed };
}

export interface DocumentExpansion {
  /** One issue per unset variable or malformed reference, with the line of the value. */
  errors: ConfigIssue[];
  /** Paths (as formatted) whose value could not be expanded; schema issues there are noise. */
  failedPaths: string[];
  /** Paths (as formatted) whose value came, at least in part, from the environment. */
  expandedPaths: string[];
  /** Every non-empty value substituted, for log redaction. */
  secrets: string[];
}

/** Expand `${NAME}` in every string value of `doc`, in place. */
export function expandEnvInDocument(
  doc: Document,
  options: { file: string; env: Env; lines: LineCounter },
): DocumentExpansion {
  const out: DocumentExpansion = { errors: [], failedPaths: [], expandedPaths: [], secrets: [] };
  const secrets = new Set<string>();
  walk(doc.contents, [], (node: Node, path: PathSegment[]) => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
    const r = expandString(node.value, options.env);
    const where = formatPath(path);
    const line = node.range ? options.lines.linePos(node.range[0]).line : 1;
    for (const name of new Set(r.unset)) {
      out.errors.push({
        file: options.file,
        line,
        path: where,
        message: `environment variable ${name} is not set`,
      });
    }
    if (r.malformed) {
      out.errors.push({
        file: options.file,
        line,
        path: where,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${NAME} syntax of the config file
        message: 'malformed ${...}: write ${NAME} with NAME made of letters, digits and "_", or $${ for a literal ${',
      });
    }
    if (r.unset.length > 0 || r.malformed) {
      out.failedPaths.push(where);
      return;
    }
    node.value = r.value;
    if (r.used.length > 0) out.expandedPaths.push(where);
    for (const name of r.used) {
      const v = options.env[name];
      if (v) secrets.add(v);
    }
  });
  out.secrets = [...secrets];
  registerConfigCredentials(doc);
  return out;
}

/**
 * Metrics header values, credentials in an address or a web source's url, and
 * a keptn source's token: secrets of the run, whether from ${ENV} or literal.
 */
function registerConfigCredentials(doc: Document): void {
  walk(doc.contents, [], (node: Node, path: PathSegment[]) => {
    if (isScalar(node) && typeof node.value === 'string') registerCredentialAt(path, node.value);
  });
}

/** Register `value` with the run's secrets when `path` is where the config holds a credential. */
function registerCredentialAt(path: readonly PathSegment[], value: string): void {
  if (path[0] !== 'metrics') return;
  if (path.length === 4 && path[2] === 'headers') registerHeaderValue(value);
  else if (path.length === 3 && (path[2] === 'address' || path[2] === 'url')) registerUrlSecrets(value);
  else if (path.length === 3 && path[2] === 'token') registerToken(value);
}

/**
 * The credentials of config data (what the document's toJS gives, expanded):
 * registered as registerConfigCredentials does for the document, and also
 * where the document reaches a value through an alias.
 */
export function registerDataCredentials(data: unknown): void {
  // Only `metrics:` holds credentials (registerCredentialAt): the services, often hundreds, are not walked.
  const metrics = data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>).metrics : undefined;
  walkData(metrics, ['metrics'], (value, path) => registerCredentialAt(path, value));
}

/** Visit every string value (not keys) of JSON-like `data` with its path. */
function walkData(data: unknown, path: PathSegment[], visit: (value: string, path: PathSegment[]) => void): void {
  if (typeof data === 'string') visit(data, path);
  else if (Array.isArray(data)) {
    for (const [i, item] of data.entries()) walkData(item, [...path, i], visit);
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) walkData(v, [...path, k], visit);
  }
}

/**
 * `${NAME}` expanded in every string value of config data (the document's
 * toJS before expansion: aliases are copies there, each expanded alike), as
 * expandEnvInDocument expands the document's scalars. Undefined when a
 * variable is unset or a reference malformed: that takes the document, whose
 * lines the errors name. The data is copied, never changed.
 */
export function expandEnvInData(data: unknown, env: Env): { data: unknown; secrets: string[] } | undefined {
  const secrets = new Set<string>();
  let failed = false;
  const expand = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (!v.includes('${')) return v;
      const r = expandString(v, env);
      if (r.unset.length > 0 || r.malformed) failed = true;
      for (const name of r.used) if (env[name]) secrets.add(env[name]);
      return r.value;
    }
    if (Array.isArray(v)) return v.map(expand);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
    return v;
  };
  const out = expand(data);
  return failed ? undefined : { data: out, secrets: [...secrets] };
}
