/**
 * `git-canary report --service S [--rollout ID] --out F.html`: one rollout as a
 * self-contained HTML page (src/audit/report-html.ts renders it).
 *
 * The data is the `log` command's own: this calls `log()` and takes its
 * `rollouts` (the `log --json` document, `events` included), so the page
 * shows exactly what `log --json` says, and an unknown service is refused
 * with log's own error.
 */
import { stat, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { RolloutLogEntry } from '../audit/log.ts';
import { renderReportHtml } from '../audit/report-html.ts';
import type { GitCanaryConfig } from '../config/index.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { UsageError } from '../errors.ts';
import { commitUrl, resolveGitHubRepository } from '../github/repository.ts';
import { limitsOf, log } from './log.ts';

export interface ReportOptions {
  service?: string;
  rollout?: string;
  out?: string;
}

/** A problem a person must fix that is no failure of git-canary's: exit 1, one `error:` line. */
function refuse(message: string, hint: string, data: Record<string, unknown> = {}): CommandResult {
  return { exitCode: 1, text: '', json: { error: { message, hint }, ...data }, errors: [`${message} — ${hint}`] };
}

/** Why `file` cannot be written, or undefined when its directory exists. */
async function outProblem(file: string): Promise<string | undefined> {
  const dir = dirname(file);
  const info = await stat(dir).catch(() => undefined);
  if (!info) return `directory ${dir} does not exist`;
  if (!info.isDirectory()) return `${dir} is not a directory`;
  if ((await stat(file).catch(() => undefined))?.isDirectory()) return `${file} is a directory`;
  return undefined;
}

export async function report(ctx: CommandContext, opts: ReportOptions): Promise<CommandResult> {
  const example = 'e.g. git-canary report --service checkout --out report.html';
  if (!opts.service) throw new UsageError('report needs --service <name>', { hint: example });
  if (!opts.out) throw new UsageError('report needs --out <file>', { hint: example });
  const out = resolve(ctx.cwd, opts.out);
  const problem = await outProblem(out);
  if (problem) return refuse(`cannot write --out ${opts.out}: ${problem}`, 'create the directory first, or write the report elsewhere');

  // The config log loaded from production: for the GitHub repository and the check limits.
  let config: GitCanaryConfig | undefined;
  const onSession: CommandContext['onSession'] = (s) => {
    config = s.config;
    ctx.onSession?.(s);
  };
  const service = opts.service;
  const logged = await log({ ...ctx, onSession }, { service });
  const rollouts = (logged.json as { rollouts: RolloutLogEntry[] }).rollouts;
  if (rollouts.length === 0) return refuse(`service ${service} has no rollouts on production yet`, 'a rollout starts when candidate changes its release files');
  const entry = opts.rollout === undefined ? rollouts[0]! : rollouts.find((r) => r.rollout === opts.rollout);
  if (!entry) {
    const ids = rollouts.map((r) => `${r.rollout} (${r.outcome}, started ${r.startedAt})`);
    return refuse(`service ${service} has no rollout ${opts.rollout}`, `its rollouts, newest first: ${ids.join(', ')}`, {
      rollouts: rollouts.map((r) => r.rollout),
    });
  }

  const repository = resolveGitHubRepository({ configured: config?.github?.repository, env: ctx.env, repoSpec: ctx.options.repo });
  const html = renderReportHtml({
    rollout: entry,
    events: entry.events,
    limits: config ? (limitsOf(config)[service] ?? {}) : {},
    generatedAt: ctx.now().toISOString(),
    ...(repository ? { commitUrl: (sha: string) => commitUrl(ctx.env, repository, sha) } : {}),
  });
  await writeFile(out, html);
  return {
    exitCode: 0,
    text: `wrote ${opts.out}: ${entry.rollout} (${entry.outcome}), ${entry.events.length} events\n`,
    json: { file: out, service, rollout: entry.rollout, outcome: entry.outcome, events: entry.events.length },
    ...(logged.errors ? { errors: logged.errors } : {}),
  };
}
