#!/usr/bin/env node
/**
 * The `git-canary` command line: commander wiring only. Parse, run a command from
 * the shared table, print its text or JSON, map errors to exit codes:
 * 0 done (a hold included), 1 a problem a person must fix, 2 usage.
 *
 * It starts quickly: `--help` and `--version` load commander and this file's
 * few imports only; the logger (pino) and each command's code load when a
 * command runs (src/commands/index.ts, test/startup/).
 */
import { Command, CommanderError, Option } from 'commander';
import { commands } from './commands/index.ts';
import type { CommandContext, GlobalOptions } from './context.ts';
import { clockFrom, installOutputScrubbing, quietOnClosedPipes, reportError } from './entry.ts';
import { LOG_LEVELS, logLevelFrom } from './log-levels.ts';
import { flushMemos } from './memo.ts';

export { clockFrom, reportError } from './entry.ts';

/** What each exit code means (the help's epilog and the man page). */
export const EXIT_CODES: readonly { code: number; meaning: string }[] = [
  { code: 0, meaning: 'done, including a hold (the rollout neither advanced nor reverted)' },
  { code: 1, meaning: 'a problem a person must fix: bad config, an unreadable manifest, authentication, a service that errored' },
  { code: 2, meaning: 'usage error: an unknown command or option, a bad option value or environment variable' },
];

/** The environment variables git-canary reads (the help's epilog and the man page). */
export const ENVIRONMENT: readonly { name: string; description: string }[] = [
  { name: 'GIT_CANARY_REPO', description: 'the repository when --repo is not given (before the search from the current directory)' },
  { name: 'GIT_CANARY_CACHE', description: 'where remote repositories are fetched to when --cache-dir is not given (default ~/.cache/git-canary)' },
  { name: 'GIT_CANARY_TOKEN', description: 'token for https remotes and the GitHub API, sent as HTTP Basic with user x-access-token; credentials in the URL win' },
  { name: 'GITHUB_TOKEN', description: 'used when GIT_CANARY_TOKEN is not set' },
  { name: 'GIT_CANARY_NOW', description: 'an ISO date that pins the clock (commit dates and query times), for demos, tests and replays' },
  { name: 'GIT_CANARY_LOG_LEVEL', description: `JSON logs on stderr at this level (default warn; --debug means debug): ${LOG_LEVELS.join(', ')}` },
  { name: 'GIT_CANARY_ACTOR', description: "who made a person's decision (the Canary-Actor trailer); else GITHUB_ACTOR, else USER" },
  { name: 'GIT_CEILING_DIRECTORIES', description: 'directories the search for the repository containing the current directory never goes up into, as for git' },
];

const EPILOG = `
Every command takes --repo <url|path> (default: $GIT_CANARY_REPO, else the git repository
containing the current directory) and prints human text, or one JSON document with --json.

Environment: ${ENVIRONMENT.map((e) => e.name).join(', ')}.
Exit codes: 0 done (including a hold), 1 a problem a person must fix, 2 usage error.
Docs: man git-canary (git canary --help), README.md, and git-canary.yaml's JSON Schema in schema/git-canary.schema.json.`;

export function buildProgram(run: (ctx: CommandContext, name: string, opts: Record<string, unknown>) => Promise<number>) {
  const program = new Command('git-canary')
    .description('GitOps canaries: every traffic step is a commit on your production branch')
    .version(VERSION)
    .addOption(
      new Option('--repo <url|path>', 'manifests repository: http(s) URL or local path (default: the repository containing the current directory)').env(
        'GIT_CANARY_REPO',
      ),
    )
    .option('--json', 'print one JSON document instead of text')
    .option('--debug', 'verbose logs and stack traces')
    .addOption(new Option('--cache-dir <dir>', 'where remote repositories are fetched to').env('GIT_CANARY_CACHE'))
    .option('--production <branch>', 'branch git-canary.yaml is read from', 'production')
    .addHelpText('after', EPILOG)
    // Subcommands inherit this: each one's --help lists the global options it takes too.
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({ outputError: oneLineUsageError('git-canary --help') })
    .exitOverride();

  for (const spec of commands) {
    const cmd = program
      .command(spec.name)
      .description(spec.summary)
      .configureOutput({ outputError: oneLineUsageError(`git-canary ${spec.name} --help`) })
      .exitOverride();
    for (const o of spec.options) cmd.option(o.flags, o.description, o.default as string | boolean | undefined);
    cmd.action(async (opts: Record<string, unknown>, command: Command) => {
      const g = command.optsWithGlobals() as Partial<GlobalOptions> & Record<string, unknown>;
      // Before anything else: a bad environment is a usage error, not a failure halfway through.
      const level = logLevelFrom(process.env);
      const options: GlobalOptions = {
        // '' (no --repo, no $GIT_CANARY_REPO): the repository containing the working directory (session.ts).
        repo: g.repo ?? '',
        json: Boolean(g.json),
        debug: Boolean(g.debug),
        cacheDir: g.cacheDir,
        production: g.production ?? 'production',
      };
      const now = clockFrom(process.env);
      const { createLogger } = await import('./log.ts');
      const ctx: CommandContext = {
        options,
        env: process.env,
        now,
        log: createLogger({ level: options.debug ? 'debug' : level }),
        cwd: process.cwd(),
      };
      process.exitCode = await run(ctx, spec.name, opts);
    });
  }
  return program;
}

const VERSION = '0.1.0';

/**
 * Every argv (after `node git-canary`) that only prints help or the version:
 * the build renders each through the real CLI into dist/help.json, and
 * bin/git-canary.js prints that text without loading the bundle (`--help`
 * then costs about what `node -e 0` does). Test: test/startup/help-prerendered.test.ts.
 */
export function helpInvocations(): string[][] {
  const forms: string[][] = [['--help'], ['-h'], ['help'], ['--version'], ['-V']];
  for (const spec of commands) forms.push([spec.name, '--help'], [spec.name, '-h'], ['help', spec.name]);
  return forms;
}

/**
 * Commander's parse errors as one line, like every other error: its message
 * (with any "Did you mean …?" on the same line) and where to find the usage.
 */
function oneLineUsageError(help: string): (str: string, write: (str: string) => void) => void {
  return (str, write) => {
    const message = str
      .trim()
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .join(' ');
    write(`${message} — run \`${help}\` for usage\n`);
  };
}

async function runCommand(ctx: CommandContext, name: string, opts: Record<string, unknown>): Promise<number> {
  const spec = commands.find((c) => c.name === name)!;
  try {
    const result = await spec.run(ctx, opts).finally(flushMemos);
    for (const line of result.errors ?? []) process.stderr.write(`error: ${line}\n`);
    if (ctx.options.json) {
      if (result.json !== undefined) process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`);
    } else {
      process.stdout.write(ensureNewline(result.text));
    }
    return result.exitCode;
  } catch (e) {
    return reportError(e, ctx.options);
  }
}

function ensureNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

export async function main(argv: string[]): Promise<number> {
  // Before anything is printed: every form of every secret is scrubbed from stdout and stderr.
  installOutputScrubbing(process.env);
  quietOnClosedPipes();
  const program = buildProgram(runCommand);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0; every other parse problem is a usage error.
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(e, { json: argv.includes('--json'), debug: argv.includes('--debug') });
  }
}

// `tsx src/cli.ts …` runs it directly; bin/git-canary.js and the bundle call main() themselves.
const invokedDirectly = process.argv[1] !== undefined && /src[\\/]cli\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
