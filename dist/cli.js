import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  Command,
  CommanderError,
  Option,
  clockFrom,
  commands,
  quietOnClosedPipes,
  reportError
} from "./chunks/chunk-4OOFXHAR.js";
import {
  LOG_LEVELS,
  logLevelFrom
} from "./chunks/chunk-5U23UV77.js";
import {
  flushMemos,
  setBuildId
} from "./chunks/chunk-DQCITK7L.js";
import {
  installOutputScrubbing
} from "./chunks/chunk-SZWPCBNB.js";
import "./chunks/chunk-O7LDPSYS.js";

// git-canary:cli
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";

// src/cli.ts
var EXIT_CODES = [
  { code: 0, meaning: "done, including a hold (the rollout neither advanced nor reverted)" },
  { code: 1, meaning: "a problem a person must fix: bad config, an unreadable manifest, authentication, a service that errored" },
  { code: 2, meaning: "usage error: an unknown command or option, a bad option value or environment variable" }
];
var ENVIRONMENT = [
  { name: "GIT_CANARY_REPO", description: "the repository when --repo is not given (before the search from the current directory)" },
  { name: "GIT_CANARY_CACHE", description: "where remote repositories are fetched to when --cache-dir is not given (default ~/.cache/git-canary)" },
  { name: "GIT_CANARY_TOKEN", description: "token for https remotes and the GitHub API, sent as HTTP Basic with user x-access-token; credentials in the URL win" },
  { name: "GITHUB_TOKEN", description: "used when GIT_CANARY_TOKEN is not set" },
  { name: "GIT_CANARY_NOW", description: "an ISO date that pins the clock (commit dates and query times), for demos, tests and replays" },
  { name: "GIT_CANARY_LOG_LEVEL", description: `JSON logs on stderr at this level (default warn; --debug means debug): ${LOG_LEVELS.join(", ")}` },
  { name: "GIT_CANARY_ACTOR", description: "who made a person's decision (the Canary-Actor trailer); else GITHUB_ACTOR, else USER" },
  { name: "GIT_CEILING_DIRECTORIES", description: "directories the search for the repository containing the current directory never goes up into, as for git" }
];
var EPILOG = `
Every command takes --repo <url|path> (default: $GIT_CANARY_REPO, else the git repository
containing the current directory) and prints human text, or one JSON document with --json.

Environment: ${ENVIRONMENT.map((e) => e.name).join(", ")}.
Exit codes: 0 done (including a hold), 1 a problem a person must fix, 2 usage error.
Docs: man git-canary (git canary --help), README.md, and git-canary.yaml's JSON Schema in schema/git-canary.schema.json.`;
function buildProgram(run) {
  const program = new Command("git-canary").description("GitOps canaries: every traffic step is a commit on your production branch").version(VERSION).addOption(
    new Option("--repo <url|path>", "manifests repository: http(s) URL or local path (default: the repository containing the current directory)").env(
      "GIT_CANARY_REPO"
    )
  ).option("--json", "print one JSON document instead of text").option("--debug", "verbose logs and stack traces").addOption(new Option("--cache-dir <dir>", "where remote repositories are fetched to").env("GIT_CANARY_CACHE")).option("--production <branch>", "branch git-canary.yaml is read from", "production").addHelpText("after", EPILOG).configureHelp({ showGlobalOptions: true }).configureOutput({ outputError: oneLineUsageError("git-canary --help") }).exitOverride();
  for (const spec of commands) {
    const cmd = program.command(spec.name).description(spec.summary).configureOutput({ outputError: oneLineUsageError(`git-canary ${spec.name} --help`) }).exitOverride();
    for (const o of spec.options) cmd.option(o.flags, o.description, o.default);
    cmd.action(async (opts, command) => {
      const g = command.optsWithGlobals();
      const level = logLevelFrom(process.env);
      const options = {
        // '' (no --repo, no $GIT_CANARY_REPO): the repository containing the working directory (session.ts).
        repo: g.repo ?? "",
        json: Boolean(g.json),
        debug: Boolean(g.debug),
        cacheDir: g.cacheDir,
        production: g.production ?? "production"
      };
      const now = clockFrom(process.env);
      const { createLogger } = await import("./chunks/log-3SSQGKK6.js");
      const ctx = {
        options,
        env: process.env,
        now,
        log: createLogger({ level: options.debug ? "debug" : level }),
        cwd: process.cwd()
      };
      process.exitCode = await run(ctx, spec.name, opts);
    });
  }
  return program;
}
var VERSION = "0.1.0";
function helpInvocations() {
  const forms = [["--help"], ["-h"], ["help"], ["--version"], ["-V"]];
  for (const spec of commands) forms.push([spec.name, "--help"], [spec.name, "-h"], ["help", spec.name]);
  return forms;
}
function oneLineUsageError(help) {
  return (str, write) => {
    const message = str.trim().split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join(" ");
    write(`${message} — run \`${help}\` for usage
`);
  };
}
async function runCommand(ctx, name, opts) {
  const spec = commands.find((c) => c.name === name);
  try {
    const result = await spec.run(ctx, opts).finally(flushMemos);
    for (const line of result.errors ?? []) process.stderr.write(`error: ${line}
`);
    if (ctx.options.json) {
      if (result.json !== void 0) process.stdout.write(`${JSON.stringify(result.json, null, 2)}
`);
    } else {
      process.stdout.write(ensureNewline(result.text));
    }
    return result.exitCode;
  } catch (e) {
    return reportError(e, ctx.options);
  }
}
function ensureNewline(s) {
  return s === "" || s.endsWith("\n") ? s : `${s}
`;
}
async function main(argv) {
  installOutputScrubbing(process.env);
  quietOnClosedPipes();
  const program = buildProgram(runCommand);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    return reportError(e, { json: argv.includes("--json"), debug: argv.includes("--debug") });
  }
}
var invokedDirectly = process.argv[1] !== void 0 && /src[\\/]cli\.ts$/.test(process.argv[1]);
if (invokedDirectly) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}

// git-canary:cli
setBuildId("42794d16ced46e7b");
var isProgram = false;
try {
  isProgram = process.argv[1] !== void 0 && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
} catch {
}
if (isProgram) process.exitCode = await main(process.argv);
export {
  ENVIRONMENT,
  EXIT_CODES,
  buildProgram,
  clockFrom,
  helpInvocations,
  main,
  reportError
};
