/**
 * From the text of git-canary.yaml to a typed config, or to every problem in it
 * with file and line. Pure: the text and the environment come in as arguments.
 *
 * Order: YAML (syntax, duplicate keys, one document) → ${ENV} expansion in
 * string values → shape (schema.ts) → cross-field rules (rules.ts). A stage
 * runs only when the one before gave it something it can read.
 */
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../errors.ts';
import { TextMemo } from '../memo.ts';
import { type Env, expandEnvInData, expandEnvInDocument, registerDataCredentials } from './env.ts';
import {
  type ConfigIssue,
  defaultMessage,
  formatPath,
  fromZodIssues,
  type PathIssue,
} from './issues.ts';
import { checkRules } from './rules.ts';
import { GitCanaryConfig } from './schema.ts';
import { allowedKeysAt } from './shape.ts';
import { CONFIG_LIMITS, type ConfigSource, lineAt, parseSource } from './source.ts';

export interface ParseConfigOptions {
  /** Name used in messages, e.g. `git-canary.yaml` or `production:git-canary.yaml`. */
  file: string;
  /** The environment `${NAME}` is expanded from. */
  env: Env;
}

export interface ParseConfigResult {
  /** Present only when there are no errors. */
  config?: GitCanaryConfig;
  /** Sorted by line. */
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
  /** Every value substituted from the environment: hand these to the logger's redaction. */
  secrets: string[];
}

/**
 * Config texts that loaded before, as their data before ${ENV} expansion and
 * the YAML warnings: parsing 2,000 lines of YAML is most of what loading the
 * config of 200 services costs, and the text rarely changes. Kept on disk with
 * the other memos (memo.ts): the unexpanded data says what the file says, which
 * the cache holds anyway; an expanded value (a secret) is never kept, and
 * neither is a digest of one. Two texts are kept (production's, and the one
 * before it), in memory and on disk.
 */
const loadedBefore = new TextMemo<string | undefined>(2, 'config-data', 2);

/**
 * What a kept text (loadedBefore's) that names no ${VAR} validated to, as JSON:
 * with nothing to expand, the schema's and the rules' answer is a function of
 * the text alone (and the build, which names the memo file), so it is reused
 * instead of validating 200 services again. Kept only when the rules said
 * nothing and JSON gives the config back exactly; '' when it does not. Holds
 * nothing the file does not say: a config with ${VAR} is validated every time.
 */
const validatedBefore = new TextMemo<string>(2, 'config-valid', 2);

/** How parseConfig answered so far: by parsing the YAML, or from a text it kept; how often that kept text was validated again (for tests). */
export const configLoads = { parsed: 0, fromKept: 0, validated: 0 };

/** Validate `text` as git-canary.yaml. Never throws on bad input. */
export function parseConfig(text: string, options: ParseConfigOptions): ParseConfigResult {
  let fresh: ParseConfigResult | undefined;
  const kept = loadedBefore.get(`${options.file}\n${text}`, () => {
    const full = parseFully(text, options);
    fresh = full.result;
    return full.keep;
  });
  if (fresh) return fresh;
  const quick = kept === undefined ? undefined : fromKeptData(kept, options);
  if (quick) {
    configLoads.fromKept++;
    return quick;
  }
  return parseFully(text, options).result;
}

/** parseConfig without the kept texts: always parses the YAML (the result is the same). */
export function parseConfigFully(text: string, options: ParseConfigOptions): ParseConfigResult {
  return parseFully(text, options).result;
}

/**
 * What a text kept by parseConfig gives with `options.env`: the data expanded
 * and validated, without parsing the YAML again. Undefined whenever the answer
 * would need the document's lines (a variable unset, a shape error, a rule's
 * error or warning): then the text is parsed in full, as the first time.
 */
function fromKeptData(kept: string, options: ParseConfigOptions): ParseConfigResult | undefined {
  let saved: { data: unknown; warnings: ConfigIssue[] };
  try {
    saved = JSON.parse(kept) as typeof saved;
  } catch {
    return undefined;
  }
  if (!Array.isArray(saved?.warnings)) return undefined;
  // A text that names no ${VAR} expands to itself.
  const plain = !kept.includes('${');
  const expanded = plain ? { data: saved.data, secrets: [] } : expandEnvInData(saved.data, options.env);
  if (!expanded) return undefined;
  registerDataCredentials(expanded.data);
  const config = validatedData(kept, plain, expanded.data);
  if (!config) return undefined;
  const redact = redactor(expanded.secrets);
  return {
    config,
    errors: [],
    warnings: byLine(saved.warnings.map((i) => ({ ...i, message: redact(i.message) }))),
    secrets: expanded.secrets,
  };
}

/** The schema's and the rules' answer on `data` (expanded from `kept`; `plain`: it names no ${VAR}), or undefined when either found a problem or a warning. */
function validatedData(kept: string, plain: boolean, data: unknown): GitCanaryConfig | undefined {
  const known = plain ? validatedBefore.known(kept) : { found: false as const };
  if (known.found && known.value) return JSON.parse(known.value) as GitCanaryConfig;
  configLoads.validated++;
  const parsed = GitCanaryConfig.safeParse(data, { error: defaultMessage });
  if (!parsed.success) return undefined;
  const rules = checkRules(parsed.data);
  if (rules.errors.length > 0 || rules.warnings.length > 0) return undefined;
  if (plain && !known.found) {
    const json = JSON.stringify(parsed.data);
    validatedBefore.remember(kept, isDeepStrictEqual(JSON.parse(json), parsed.data) ? json : '');
  }
  return parsed.data;
}

/**
 * parseConfig from the text, and what loadedBefore may keep of it: the data
 * before expansion and the YAML warnings, only when the text loaded and the
 * kept form (read back through JSON) gives exactly this result.
 */
function parseFully(text: string, options: ParseConfigOptions): { result: ParseConfigResult; keep?: string } {
  configLoads.parsed++;
  const src = parseSource(text, options.file);
  if (!src.doc) return { result: { errors: byLine(src.errors), warnings: byLine(src.warnings), secrets: [] } };

  // Before expansion, which changes the document in place.
  let unexpanded: unknown;
  try {
    unexpanded = src.doc.toJS({ maxAliasCount: CONFIG_LIMITS.maxAliasCount });
  } catch {
    // Reported below, from the expanded document.
  }
  const env = expandEnvInDocument(src.doc, { file: options.file, env: options.env, lines: src.lines });
  const errors = [...env.errors];
  const warnings = [...src.warnings];
  const finish = (config?: GitCanaryConfig): { result: ParseConfigResult; keep?: string } => {
    const redact = redactor(env.secrets);
    const clean = (list: ConfigIssue[]) => byLine(list.map((i) => ({ ...i, message: redact(i.message) })));
    const result = {
      ...(config && errors.length === 0 ? { config } : {}),
      errors: clean(errors),
      warnings: clean(warnings),
      secrets: env.secrets,
    };
    if (!result.config || unexpanded === undefined) return { result };
    const keep = JSON.stringify({ data: unexpanded, warnings: src.warnings });
    const again = fromKeptData(keep, options);
    const same = again !== undefined && isDeepStrictEqual(again.config, result.config) && isDeepStrictEqual(again.warnings, result.warnings)
      && isDeepStrictEqual([...again.secrets].sort(), [...result.secrets].sort());
    return same ? { result, keep } : { result };
  };

  let data: unknown;
  try {
    data = src.doc.toJS({ maxAliasCount: CONFIG_LIMITS.maxAliasCount });
  } catch (e) {
    errors.push({ file: options.file, line: 1, path: '(root)', message: `cannot read YAML: ${(e as Error).message}` });
    return finish();
  }

  const parsed = GitCanaryConfig.safeParse(data, { error: defaultMessage });
  if (!parsed.success) {
    const failed = env.failedPaths;
    const shaped = fromZodIssues(parsed.error.issues, (path) => allowedKeysAt(GitCanaryConfig, path, data));
    for (const issue of place(src, shaped)) {
      // A value whose ${VAR} is unset was left as written; its shape errors are noise.
      if (!failed.some((p) => issue.path === p || issue.path.startsWith(`${p}.`) || issue.path.startsWith(`${p}[`))) {
        errors.push(issue);
      }
    }
    return finish();
  }
  // Also what the document reaches through an alias (registerDataCredentials), as the kept path does.
  registerDataCredentials(data);
  const rules = checkRules(parsed.data);
  errors.push(...place(src, rules.errors));
  warnings.push(...place(src, rules.warnings));
  return finish(parsed.data);
}

/**
 * Like parseConfig, but returns the config or throws a ConfigError (code
 * CONFIG) for the first error, with `where` = its file and line and every
 * error in `data.issues`. Warnings are in `data.warnings` only on failure.
 */
export function loadConfig(
  text: string,
  options: ParseConfigOptions,
): { config: GitCanaryConfig; warnings: ConfigIssue[]; secrets: string[] } {
  const r = parseConfig(text, options);
  if (r.config) return { config: r.config, warnings: r.warnings, secrets: r.secrets };
  const first = r.errors[0] ?? { file: options.file, line: 1, path: '(root)', message: 'invalid configuration' };
  const more = r.errors.length - 1;
  throw new ConfigError(`${first.path}: ${first.message}`, {
    where: { file: first.file, line: first.line },
    hint:
      more > 0
        ? `${more} more problem${more === 1 ? '' : 's'} in ${options.file}; \`git-canary validate\` lists them all`
        : hintFor(first),
    data: { issues: r.errors, warnings: r.warnings },
  });
}

function hintFor(issue: ConfigIssue): string {
  if (issue.message.startsWith('environment variable')) {
    return 'set it in the environment git-canary runs in, or write $${ for a literal ${';
  }
  return 'the JSON Schema in schema/git-canary.schema.json describes every key';
}

function place(src: ConfigSource, issues: PathIssue[]): ConfigIssue[] {
  return issues.map((i) => ({ file: src.file, line: lineAt(src, i.path), path: formatPath(i.path), message: i.message }));
}

function byLine(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.map((issue, order) => ({ issue, order })).sort((a, b) => a.issue.line - b.issue.line || a.order - b.order).map((x) => x.issue);
}

/** Replace every secret in a message by `***`, longest first so one secret inside another cannot leak. */
function redactor(secrets: string[]): (s: string) => string {
  const sorted = [...secrets].sort((a, b) => b.length - a.length);
  return (s) => sorted.reduce((acc, secret) => acc.split(secret).join('***'), s);
}
