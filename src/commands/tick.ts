/** `git-canary tick`: one decision per service; commits and pushes what is due (`--dry-run`: shows the diff instead). */
import { UsageError } from '../errors.ts';
import { gitHubSession } from '../runner/github-session.ts';
import { openSession } from '../runner/session.ts';
import { tickService, type ServiceTickResult } from '../runner/tick-service.ts';
import type { CommandContext, CommandResult } from '../context.ts';

export interface TickOptions {
  dryRun?: boolean;
  service?: string;
}

export async function tick(ctx: CommandContext, opts: TickOptions): Promise<CommandResult> {
  const session = await openSession(ctx, { write: !opts.dryRun });
  const names = Object.keys(session.config.services);
  if (opts.service !== undefined && !names.includes(opts.service)) {
    throw new UsageError(`no service named ${opts.service} in git-canary.yaml`, {
      hint: `services: ${names.join(', ') || '(none)'}`,
    });
  }
  const github = gitHubSession(ctx, session);
  const services: ServiceTickResult[] = [];
  for (const name of names) {
    if (opts.service !== undefined && name !== opts.service) continue;
    services.push(
      await tickService({
        repo: session.repo,
        config: session.config,
        name,
        author: session.author,
        now: ctx.now,
        dryRun: Boolean(opts.dryRun),
        log: ctx.log,
        github,
      }),
    );
  }
  // Every service ticked; a person must fix the ones that errored (exit 1).
  const errors = services.filter((s) => s.decision === 'error').map((s) => `${s.service}: ${s.reason}`);
  return { exitCode: errors.length > 0 ? 1 : 0, text: formatTick(services, Boolean(opts.dryRun)), json: { services }, errors };
}

export function formatTick(services: ServiceTickResult[], dryRun: boolean): string {
  if (services.length === 0) return 'no services in git-canary.yaml\n';
  const lines = services.map((s) => {
    const where =
      s.decision === 'promote' || s.decision === 'rollback'
        ? ' → 100% stable'
        : s.weight !== null && s.decision !== 'none' && s.decision !== 'hold'
          ? ` → ${s.weight}%${s.step ? ` (step ${s.step})` : ''}`
          : '';
    const commit = s.commit ? ` ${s.commit.slice(0, 7)}` : dryRun && s.files.length > 0 ? ' (dry run: not committed)' : '';
    const line = `${s.service}: ${s.decision}${where}${commit} — ${s.reason}`;
    // A dry run shows what it would commit: the unified diff of each file, under its service.
    return s.diff ? `${line}\n${s.diff.replace(/\n$/, '')}` : line;
  });
  return `${lines.join('\n')}\n`;
}
