/** `git-canary validate`: checks git-canary.yaml on production and every file it names. */
import { formatRepoIssue, validateRepository } from '../runner/validate-repo.ts';
import { openRepository } from '../runner/session.ts';
import type { CommandContext, CommandResult } from '../context.ts';

export async function validate(ctx: CommandContext, opts: { online?: boolean }): Promise<CommandResult> {
  const repo = await openRepository(ctx, { write: false });
  const report = await validateRepository(repo, {
    production: ctx.options.production,
    env: ctx.env,
    online: opts.online ? { now: ctx.now() } : undefined,
  });
  const lines = [
    ...report.errors.map((i) => `error: ${formatRepoIssue(i)}`),
    ...report.warnings.map((i) => `warning: ${formatRepoIssue(i)}`),
    ...(report.online ?? []).map((c) => `${c.service}: ${c.name} ${c.outcome}${c.value === null ? '' : ` (${c.value})`}`),
  ];
  const e = report.errors.length;
  lines.push(
    report.valid
      ? `git-canary.yaml on ${ctx.options.production} is valid: ${report.services.length} service(s), ${report.files.length} file(s) checked`
      : `${e} error${e === 1 ? '' : 's'} in git-canary.yaml or the files it names`,
  );
  return { exitCode: report.valid ? 0 : 1, text: `${lines.join('\n')}\n`, json: report };
}
