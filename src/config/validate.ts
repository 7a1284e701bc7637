/**
 * From the text of git-canary.yaml to a typed config, or to every problem in it
 * with file and line. Pure: the text and the environment come in as arguments.
 *
 * Order: YAML (syntax, duplicate keys, one document) → ${ENV} expansion in
 * string values → shape (schema.ts) → cross-field rules (rules.ts). A stage
 * runs only when the one before gave it something it can read.
 */
import { ConfigError } from '../errors.ts';
import { type Env, expandEnvInDocument } from './env.ts';
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

/** Validate `text` as git-canary.yaml. Never throws on bad input. */
export function parseConfig(text: string, options: ParseConfigOptions): ParseConfigResult {
  const src = parseSource(text, options.file);
  if (!src.doc) return { errors: byLine(src.errors), warnings: byLine(src.warnings), secrets: [] };

  const env = expandEnvInDocument(src.doc, { file: options.file, env: options.env, lines: src.lines });
  const errors = [...env.errors];
  const warnings = [...src.warnings];
  const finish = (config?: GitCanaryConfig): ParseConfigResult => {
    const redact = redactor(env.secrets);
    const clean = (list: ConfigIssue[]) => byLine(list.map((i) => ({ ...i, message: redact(i.message) })));
    return {
      ...(config && errors.length === 0 ? { config } : {}),
      errors: clean(errors),
      warnings: clean(warnings),
      secrets: env.secrets,
    };
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
