/** `promote` / `rollback` / `pause` / `resume --service S [--reason TEXT]`: a person's decision as a commit. */
import type { CommandContext, CommandResult } from '../context.ts';
import { UsageError } from '../errors.ts';
import { runManual, type ManualAction } from '../runner/manual.ts';
import { openSession } from '../runner/session.ts';

/** Who decides: GIT_CANARY_ACTOR, else GITHUB_ACTOR, else USER; one line, as a trailer value must be. */
export function actorFrom(env: Record<string, string | undefined>): string {
  const raw = env.GIT_CANARY_ACTOR || env.GITHUB_ACTOR || env.USER || 'a person';
  const clean = raw.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return clean || 'a person';
}

export function manualCommand(action: ManualAction) {
  return async (ctx: CommandContext, opts: { service?: string; reason?: string }): Promise<CommandResult> => {
    if (!opts.service) throw new UsageError(`${action} needs --service <name>`);
    const reason = opts.reason?.trim();
    if (reason !== undefined && (reason === '' || /[\u0000-\u001f\u007f]/.test(reason))) {
      throw new UsageError('--reason must be one non-empty line of text', { hint: 'it is recorded as the Canary-Reason trailer' });
    }
    const session = await openSession(ctx, { write: true, metrics: false, notify: true });
    const r = await runManual(session, opts.service, action, { now: ctx.now, actor: actorFrom(ctx.env), reason });
    const text = `${r.service}: ${action}${r.weight !== null ? ` (canary ${r.weight}%)` : ''}${r.commit ? ` ${r.commit.slice(0, 7)}` : ''}\n`;
    return { exitCode: 0, text, json: r };
  };
}
