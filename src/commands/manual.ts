/** `promote` / `rollback` / `pause` / `resume --service S`: a person's decision as a commit. */
import { UsageError } from '../errors.ts';
import { runManual, type ManualAction } from '../runner/manual.ts';
import { openSession } from '../runner/session.ts';
import type { CommandContext, CommandResult } from './context.ts';

export function manualCommand(action: ManualAction) {
  return async (ctx: CommandContext, opts: { service?: string }): Promise<CommandResult> => {
    if (!opts.service) throw new UsageError(`${action} needs --service <name>`);
    const session = await openSession(ctx, { write: true, metrics: false });
    const who = ctx.env.GITHUB_ACTOR || ctx.env.USER || 'a person';
    const r = await runManual(session, opts.service, action, { now: ctx.now, who });
    const text = `${r.service}: ${action}${r.weight !== null ? ` (canary ${r.weight}%)` : ''}${r.commit ? ` ${r.commit.slice(0, 7)}` : ''}\n`;
    return { exitCode: 0, text, json: r };
  };
}
