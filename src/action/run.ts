/**
 * The GitHub Action: inputs → the command the CLI would run (same table, same
 * functions), its text on stdout, then outputs and a job summary. Every secret
 * (the token, each value git-canary.yaml expands from ${ENV}, every credential
 * the run registers in src/secrets.ts, in each of its encodings) is masked
 * before anything could print it, and scrubbed from stdout, stderr, the
 * outputs and the job summary.
 *
 * GitHub API work (commit statuses, deployments, pull requests) belongs to the
 * commands, not here: they get the runner's environment (GITHUB_REPOSITORY,
 * GITHUB_API_URL, …) unchanged in `ctx.env`, with the token as GIT_CANARY_TOKEN.
 */
import { join } from 'node:path';
import * as core from '@actions/core';
import type { RolloutLogEntry } from '../audit/log.ts';
import type { CheckLimits } from '../audit/markdown.ts';
import { commands } from '../commands/index.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { clockFrom, errorLine, installOutputScrubbing, reportError } from '../entry.ts';
import { createLogger, redactSecrets } from '../log.ts';
import { flushMemos } from '../memo.ts';
import { onSecret, registerToken, scrub, scrubDeep } from '../secrets.ts';
import { type Env, type Invocation, readInputs, resolveInvocation, defaultRepo, getInput } from './inputs.ts';
import { actionOutputs, type ServiceStanding, standingsOf, writeOutputs } from './outputs.ts';
import { appendSummary, commitUrlFor, limitsOf, renderSummary, rolloutsToShow, servicesCommitted } from './summary.ts';

/** Values registered with the runner's masker, once each; also what the logger redacts. */
class Masker {
  readonly values: string[] = [];
  add(value: string | undefined): void {
    if (!value || this.values.includes(value)) return;
    this.values.push(value);
    core.setSecret(value);
    // The runner masks line by line: a multi-line secret is also masked per line.
    for (const line of value.split(/\r?\n/)) if (line.trim().length >= 4 && line !== value) this.add(line);
  }
}

const ensureNewline = (s: string) => (s === '' || s.endsWith('\n') ? s : `${s}\n`);

/** The `error:` lines of a result that failed (exit 1): its errors, else the `error:` lines of its text. */
function failureLines(result: CommandResult, command: string): string[] {
  if (result.errors && result.errors.length > 0) return result.errors;
  const fromText = result.text
    .split('\n')
    .filter((l) => l.startsWith('error: '))
    .map((l) => l.slice('error: '.length));
  return fromText.length > 0 ? fromText : [`git-canary ${command} exited with ${result.exitCode}`];
}

function commandNamed(name: string) {
  return commands.find((c) => c.name === name)!;
}

/**
 * Run the Action. `env` holds the inputs (`INPUT_*`) and is the environment the
 * command runs with; the runner's files ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY)
 * and workflow commands go through @actions/core, which reads process.env.
 * Returns the exit code: 0 done, 1 a problem a person must fix, 2 usage.
 */
export async function run(env: Env = process.env): Promise<number> {
  const masker = new Masker();
  // First of all: nothing below may print the token before the runner knows it.
  const token = getInput(env, 'token');
  masker.add(token);
  if (token) masker.add(Buffer.from(`x-access-token:${token}`).toString('base64'));
  // Every form of every secret the run learns (remote credentials, metrics headers…) is masked too,
  // and scrubbed from what this process writes (the runner's masking is the second line).
  registerToken(token || undefined);
  installOutputScrubbing(env);
  onSecret((form) => masker.add(form));

  let invocation: Invocation;
  let repo: string;
  let now: () => Date;
  let command = getInput(env, 'command') || 'tick';
  let dryRun = false;
  try {
    const inputs = readInputs(env);
    command = inputs.command;
    dryRun = inputs.dryRun;
    invocation = resolveInvocation(inputs, commands);
    repo = inputs.repo || defaultRepo(env);
    now = clockFrom(env);
  } catch (e) {
    return fail(e, command, dryRun, masker);
  }

  const { spec, opts, globals } = invocation;
  const debug = globals.debug || env.RUNNER_DEBUG === '1';
  let limits: CheckLimits | undefined;
  let serviceNames: string[] | undefined;
  const ctx: CommandContext = {
    options: {
      repo,
      // Internally always JSON, so the structured result exists; watch prints per tick by this flag, so it gets the user's.
      json: spec.name === 'watch' ? globals.json : true,
      debug,
      cacheDir: globals.cacheDir ?? (env.GIT_CANARY_CACHE || (env.RUNNER_TEMP ? join(env.RUNNER_TEMP, 'git-canary') : undefined)),
      production: globals.production ?? 'production',
    },
    env: token ? { ...env, GIT_CANARY_TOKEN: token } : env,
    now,
    log: createLogger({ level: debug ? 'debug' : (env.GIT_CANARY_LOG_LEVEL ?? 'warn'), secrets: masker.values }),
    cwd: env.GITHUB_WORKSPACE || process.cwd(),
    onSession: ({ config, secrets }) => {
      for (const s of secrets) masker.add(s);
      limits = limitsOf(config);
      serviceNames = Object.keys(config.services);
    },
  };

  let result: CommandResult | undefined;
  let exitCode: number;
  let errors: string[] = [];
  try {
    // What the run learnt is kept in the cache directory (worth keeping between jobs with actions/cache).
    result = await spec.run(ctx, opts).finally(flushMemos);
    for (const line of result.errors ?? []) process.stderr.write(`error: ${line}\n`);
    if (globals.json) {
      if (result.json !== undefined) process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    } else {
      process.stdout.write(ensureNewline(result.text));
    }
    exitCode = result.exitCode;
    if (exitCode !== 0) errors = failureLines(result, spec.name);
  } catch (e) {
    exitCode = reportError(e, { json: globals.json, debug });
    errors = [errorLine(e)];
  }

  // What the run left behind, read back from production: only once a session opened (the repository and config are readable).
  const service = typeof opts.service === 'string' ? opts.service : undefined;
  let rollouts: RolloutLogEntry[] = [];
  let standings: ServiceStanding[] = standingsOf(result?.json);
  if (serviceNames !== undefined) {
    const logOf = (json: unknown) => (json as { rollouts?: RolloutLogEntry[] }).rollouts ?? [];
    rollouts = spec.name === 'log' && result ? logOf(result.json) : await readBack(ctx, 'log', { service }, logOf, []);
    const target = service || (serviceNames.length === 1 ? serviceNames[0] : undefined);
    if (target && !standings.some((s) => s.service === target)) {
      standings = await readBack(ctx, 'status', { service: target }, standingsOf, []);
    }
  }

  const secrets = masker.values;
  writeOutputs(
    scrubDeep(redactSecrets(actionOutputs({ command: spec.name, json: result?.json, service, services: serviceNames, standings }), secrets)),
  );
  const markdown = renderSummary({
    command: spec.name,
    json: result?.json,
    text: result?.text ?? '',
    errors,
    rollouts: rolloutsToShow(rollouts, servicesCommitted(result?.json)),
    limits,
    commitUrl: commitUrlFor(repo, env),
    dryRun: opts.dryRun === true,
  });
  await appendSummaryQuietly(redactSecrets(markdown, secrets));
  if (exitCode !== 0) core.setFailed(scrub(redactSecrets(errors.join('\n'), secrets)));
  return exitCode;
}

/** Another command's JSON for the summary and outputs; a failure only costs that part (logged with --debug). */
async function readBack<T>(ctx: CommandContext, name: string, opts: Record<string, unknown>, pick: (json: unknown) => T, fallback: T): Promise<T> {
  try {
    const r = await commandNamed(name).run(ctx, opts);
    return r.json === undefined ? fallback : pick(r.json);
  } catch (e) {
    core.debug(`git-canary ${name} for the summary failed: ${errorLine(e)}`);
    return fallback;
  }
}

async function appendSummaryQuietly(markdown: string): Promise<void> {
  try {
    await appendSummary(scrub(markdown));
  } catch (e) {
    core.warning(`cannot write the job summary: ${errorLine(e)}`);
  }
}

/** Inputs that cannot run (a usage error): one `error:` line, a summary saying so, the step failed. */
async function fail(e: unknown, command: string, dryRun: boolean, masker: Masker): Promise<number> {
  const code = reportError(e, { json: false, debug: false });
  const line = scrub(redactSecrets(errorLine(e), masker.values));
  // The heading names the command only when it is one; the input is anyone's text.
  const heading = commands.some((c) => c.name === command) ? command : 'action';
  await appendSummaryQuietly(
    redactSecrets(renderSummary({ command: heading, json: undefined, text: '', errors: [line], rollouts: [], dryRun }), masker.values),
  );
  core.setFailed(line);
  return code;
}
