/**
 * `git-canary validate`: checks git-canary.yaml on production and every file it
 * names, on production and candidate. `--config FILE` checks a config file from
 * disk instead, against the same branches, before it is committed.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.ts';
import { formatRepoIssue, validateRepository } from '../runner/validate-repo.ts';
import { CONFIG_FILE, openRepository } from '../runner/session.ts';
import type { CommandContext, CommandResult } from '../context.ts';

export interface ValidateCommandOptions {
  online?: boolean;
  /** A git-canary.yaml on disk (relative to the working directory) to check instead of production's. */
  config?: string;
}

/** The --config file's text and the name its messages use (the path as given, relative to the working directory). */
async function configFromDisk(ctx: CommandContext, path: string): Promise<{ text: string; file: string }> {
  const full = isAbsolute(path) ? path : resolve(ctx.cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? String(e)})`;
    throw new UsageError(`--config ${path}: ${why}`, {
      hint: `name a ${CONFIG_FILE} on disk, e.g. --config ${CONFIG_FILE} in your checkout of the production branch`,
    });
  }
  const rel = relative(ctx.cwd, full);
  return { text, file: isAbsolute(path) || rel.startsWith('..') ? full : rel };
}

export async function validate(ctx: CommandContext, opts: ValidateCommandOptions): Promise<CommandResult> {
  const config = opts.config !== undefined ? await configFromDisk(ctx, opts.config) : undefined;
  const repo = await openRepository(ctx, { write: false });
  const report = await validateRepository(repo, {
    production: ctx.options.production,
    env: ctx.env,
    online: opts.online ? { now: ctx.now() } : undefined,
    config,
  });
  const lines = [
    ...report.errors.map((i) => `error: ${formatRepoIssue(i)}`),
    ...report.warnings.map((i) => `warning: ${formatRepoIssue(i)}`),
    ...(report.online ?? []).map((c) => `${c.service}: ${c.name} ${c.outcome}${c.value === null ? '' : ` (${c.value})`}`),
  ];
  const e = report.errors.length;
  const subject = config ? `${config.file} (checked against ${ctx.options.production})` : `${CONFIG_FILE} on ${ctx.options.production}`;
  lines.push(
    report.valid
      ? `${subject} is valid: ${report.services.length} service(s), ${report.files.length} file(s) checked`
      : `${e} error${e === 1 ? '' : 's'} in ${config ? config.file : CONFIG_FILE} or the files it names`,
  );
  return { exitCode: report.valid ? 0 : 1, text: `${lines.join('\n')}\n`, json: report };
}
