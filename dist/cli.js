import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  Command,
  CommanderError,
  Option,
  clockFrom,
  commands,
  createLogger,
  reportError
} from "./chunks/chunk-OVM32KUF.js";
import "./chunks/chunk-R6SSZTZP.js";

// git-canary:cli
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";

// src/cli.ts
var EPILOG = `
Every command takes --repo <url|path> (default: the current directory, or $GIT_CANARY_REPO)
and prints human text, or one JSON document with --json.

Exit codes: 0 done (including a hold), 1 a problem a person must fix, 2 usage error.
Docs: README.md, and git-canary.yaml's JSON Schema in schema/git-canary.schema.json.`;
function buildProgram(run) {
  const program = new Command("git-canary").description("GitOps canaries: every traffic step is a commit on your production branch").version(VERSION).addOption(new Option("--repo <url|path>", "manifests repository: http(s) URL or local path").env("GIT_CANARY_REPO").default(".")).option("--json", "print one JSON document instead of text").option("--debug", "verbose logs and stack traces").addOption(new Option("--cache-dir <dir>", "where remote repositories are fetched to").env("GIT_CANARY_CACHE")).option("--production <branch>", "branch git-canary.yaml is read from", "production").addHelpText("after", EPILOG).configureOutput({ outputError: oneLineUsageError("git-canary --help") }).exitOverride();
  for (const spec of commands) {
    const cmd = program.command(spec.name).description(spec.summary).configureOutput({ outputError: oneLineUsageError(`git-canary ${spec.name} --help`) }).exitOverride();
    for (const o of spec.options) cmd.option(o.flags, o.description, o.default);
    cmd.action(async (opts, command) => {
      const g = command.optsWithGlobals();
      const options = {
        repo: g.repo,
        json: Boolean(g.json),
        debug: Boolean(g.debug),
        cacheDir: g.cacheDir,
        production: g.production
      };
      const ctx = {
        options,
        env: process.env,
        now: clockFrom(process.env),
        log: createLogger({ level: options.debug ? "debug" : process.env.GIT_CANARY_LOG_LEVEL ?? "warn" }),
        cwd: process.cwd()
      };
      process.exitCode = await run(ctx, spec.name, opts);
    });
  }
  return program;
}
var VERSION = "0.1.0";
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
    const result = await spec.run(ctx, opts);
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
var isProgram = false;
try {
  isProgram = process.argv[1] !== void 0 && pathToFileURL(realpathSync(process.argv[1])).href === import.meta.url;
} catch {
}
if (isProgram) process.exitCode = await main(process.argv);
export {
  buildProgram,
  clockFrom,
  main,
  reportError
};
