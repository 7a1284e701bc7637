/**
 * What every command gets from the entry point (CLI or Action): the options
 * common to all commands, the environment and the clock. Commands never read
 * process.env or the clock themselves, so tests can pin both.
 */
import type { GitCanaryConfig } from './config/index.ts';
import type { Logger } from './log.ts';

export interface GlobalOptions {
  /** http(s) URL or local repository path. */
  repo: string;
  json: boolean;
  debug: boolean;
  cacheDir?: string;
  /** Branch the config is read from, before the config can say otherwise. */
  production: string;
}

export interface CommandContext {
  options: GlobalOptions;
  env: Record<string, string | undefined>;
  now: () => Date;
  log: Logger;
  /** Working directory, for resolving a relative --repo. */
  cwd: string;
  /**
   * Called as soon as a command has loaded git-canary.yaml from production, before
   * it prints or commits anything: the config and the values its ${ENV} expansion
   * produced (secrets). The Action masks those and reads check limits from the
   * config; the CLI leaves it unset.
   */
  onSession?: (session: { config: GitCanaryConfig; secrets: readonly string[] }) => void;
}

/** What a command hands back to the entry point to print. */
export interface CommandResult {
  /** 0 done (including a hold), 1 a problem a person must fix. */
  exitCode: 0 | 1;
  /** Human text for stdout. */
  text: string;
  /** The one JSON document printed with --json; undefined when the command streamed its own output (watch). */
  json: unknown;
  /** Problems a person must fix that did not stop the command (a service that errored): one `error:` line each on stderr. */
  errors?: string[];
}
