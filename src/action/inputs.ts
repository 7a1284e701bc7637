/**
 * `action.yml`'s inputs → which command of the shared table runs, with which
 * options: the same options the CLI would parse from its own flags.
 */
import { Command, CommanderError } from 'commander';
import type { CommandSpec } from '../commands/index.ts';
import { UsageError } from '../errors.ts';

/** The inputs `action.yml` declares. */
export const INPUT_NAMES = ['command', 'repo', 'token', 'service', 'shard', 'image', 'source', 'reason', 'dry-run', 'args'] as const;
export type InputName = (typeof INPUT_NAMES)[number];

export type Env = Record<string, string | undefined>;

/**
 * An input as the runner passes it and `@actions/core`'s getInput reads it:
 * `INPUT_<NAME>` with spaces as `_`, upper-cased, hyphens kept (`INPUT_DRY-RUN`),
 * trimmed. Read from `env` rather than process.env so a run can be given its own.
 */
export function getInput(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** A boolean input the way getBooleanInput reads one (YAML 1.2 core schema), empty meaning false. */
function booleanInput(env: Env, name: string): boolean {
  const value = getInput(env, name);
  if (value === '' || ['false', 'False', 'FALSE'].includes(value)) return false;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  throw new UsageError(`input ${name} is ${JSON.stringify(value)}, not a boolean`, { hint: 'write true or false' });
}

export interface ActionInputs {
  command: string;
  /** '' when not given: see defaultRepo. */
  repo: string;
  token: string;
  service: string;
  /** `tick --shard i/n` (watch too): '' when not given. */
  shard: string;
  image: string;
  source: string;
  reason: string;
  dryRun: boolean;
  /** `args`, split like a shell would (see splitArgs). */
  args: string[];
}

/** Every input from `env`. Throws a UsageError for a `dry-run` that is not a boolean or `args` that do not split. */
export function readInputs(env: Env): ActionInputs {
  return {
    command: getInput(env, 'command') || 'tick',
    repo: getInput(env, 'repo'),
    token: getInput(env, 'token'),
    service: getInput(env, 'service'),
    shard: getInput(env, 'shard'),
    image: getInput(env, 'image'),
    source: getInput(env, 'source'),
    reason: getInput(env, 'reason'),
    dryRun: booleanInput(env, 'dry-run'),
    args: splitArgs(getInput(env, 'args')),
  };
}

/**
 * The workflow's own repository over HTTPS (`$GITHUB_SERVER_URL/$GITHUB_REPOSITORY.git`),
 * which action.yml also gives as the `repo` default; outside Actions the current directory.
 */
export function defaultRepo(env: Env): string {
  const server = env.GITHUB_SERVER_URL?.replace(/\/+$/, '');
  const repository = env.GITHUB_REPOSITORY;
  return server && repository ? `${server}/${repository}.git` : '.';
}

/**
 * Split `args` into words like a POSIX shell, without evaluating anything:
 * whitespace (newlines too) separates words; '…' is literal; "…" is literal but
 * for \" \\ \$ \`; a backslash outside quotes takes the next character as is.
 * No variables, globs, command substitution or comments.
 */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < text.length && '"\\$`'.includes(text[i + 1]!)) word += text[++i];
      else word += ch;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (ch === "'" || ch === '"') quote = ch;
      else if (ch === '\\') {
        if (i + 1 < text.length) word += text[++i];
      } else word += ch;
    }
  }
  if (quote) throw new UsageError(`input args has an unterminated ${quote} quote`, { hint: 'quote words like a shell would' });
  if (inWord) words.push(word);
  return words;
}

/** Global CLI options `args` may carry; `--repo` is the `repo` input. */
export interface ActionGlobals {
  json: boolean;
  debug: boolean;
  production?: string;
  cacheDir?: string;
}

export interface Invocation {
  spec: CommandSpec;
  /** The options for `spec.run`, as the CLI would parse them. */
  opts: Record<string, unknown>;
  globals: ActionGlobals;
}

/** Inputs that stand for one of a command's own flags. */
const FLAG_INPUTS = [
  ['service', '--service'],
  ['shard', '--shard'],
  ['image', '--image'],
  ['source', '--source'],
  ['reason', '--reason'],
] as const;

const longFlag = (flags: string) => /--[a-z][a-z0-9-]*/i.exec(flags)?.[0];

/**
 * The command and its options. The inputs become flags, `args` is appended, and
 * the lot is parsed by commander against the command's option list (the CLI's),
 * so an unknown flag or an input the command does not take is a usage error.
 */
export function resolveInvocation(inputs: ActionInputs, table: readonly CommandSpec[]): Invocation {
  const spec = table.find((c) => c.name === inputs.command);
  if (!spec) {
    throw new UsageError(`input command is ${JSON.stringify(inputs.command)}, not a git-canary command`, {
      hint: `one of ${table.map((c) => c.name).join(', ')}`,
    });
  }
  const takes = new Set(spec.options.map((o) => longFlag(o.flags)));
  const refuse = (input: string) =>
    new UsageError(`input ${input} does not apply to git-canary ${spec.name}`, {
      hint: `${spec.name} takes ${[...takes].join(', ') || 'no options of its own'}`,
    });
  const argv: string[] = [];
  for (const [input, flag] of FLAG_INPUTS) {
    if (inputs[input] === '') continue;
    if (!takes.has(flag)) throw refuse(input);
    argv.push(flag, inputs[input]);
  }
  if (inputs.dryRun) {
    if (!takes.has('--dry-run')) throw refuse('dry-run');
    argv.push('--dry-run');
  }
  argv.push(...inputs.args);

  const cmd = new Command(spec.name)
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .option('--json', 'print one JSON document instead of text')
    .option('--debug', 'verbose logs and stack traces')
    .option('--production <branch>', 'branch git-canary.yaml is read from')
    .option('--cache-dir <dir>', 'where remote repositories are fetched to');
  for (const o of spec.options) cmd.option(o.flags, o.description, o.default as string | boolean | undefined);
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    throw new UsageError(`git-canary ${spec.name}: ${e.message.replace(/^error: /, '')}`, {
      hint: `the inputs and args become: ${spec.name} ${argv.join(' ')}`.trimEnd(),
    });
  }
  const { json, debug, production, cacheDir, ...opts } = cmd.opts<Record<string, unknown>>();
  return {
    spec,
    opts,
    globals: {
      json: Boolean(json),
      debug: Boolean(debug),
      ...(typeof production === 'string' ? { production } : {}),
      ...(typeof cacheDir === 'string' ? { cacheDir } : {}),
    },
  };
}
