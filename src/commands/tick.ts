/** `git-canary tick`: one decision per service; commits and pushes what is due (`--dry-run`: shows the diff instead). */
import { tryParseDuration } from '../config/duration.ts';
import { UsageError } from '../errors.ts';
import { gitHubSession } from '../runner/github-session.ts';
import { openSession } from '../runner/session.ts';
import type { ServiceTickResult } from '../runner/tick-service.ts';
import { tickServices } from '../runner/tick-services.ts';
import { type Shard, shardOf, shardOption } from '../runner/shard.ts';
import type { CommandContext, CommandResult } from '../context.ts';

export interface TickOptions {
  dryRun?: boolean;
  service?: string;
  /**
   * `--deadline 2m`: the whole tick's budget. When it passes, metric queries in
   * flight are abandoned and every service not decided yet holds (exit 0); a
   * commit being pushed finishes. Default: none (each source's own `timeout`
   * bounds each query).
   */
  deadline?: string;
  /**
   * `--shard 2/3`: tick only the services of shard 2 of 3, so several workers
   * (a CI matrix, CronJobs) share one repository; git's compare-and-swap is
   * their only coordination. A service's shard depends on its name alone.
   */
  shard?: string;
}

/** `--deadline`'s milliseconds; a usage error (exit 2) when it is not a duration. */
export function parseDeadline(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = tryParseDuration(text);
  if (ms === undefined || ms <= 0) {
    throw new UsageError(`--deadline ${text} is not a duration`, { hint: 'write it like 30s, 2m or 1m30s (longer than 0s)' });
  }
  return ms;
}

export async function tick(ctx: CommandContext, opts: TickOptions): Promise<CommandResult> {
  const deadlineMs = parseDeadline(opts.deadline);
  const shard = shardOption(opts.shard, opts.service);
  // The clock starts before anything else: opening the repository (a fetch) counts too.
  const controller = new AbortController();
  const timer = deadlineMs === undefined ? undefined : setTimeout(() => controller.abort(), deadlineMs);
  timer?.unref();
  try {
    return await tickWithin(ctx, opts, shard, deadlineMs === undefined ? undefined : { signal: controller.signal, label: opts.deadline! });
  } finally {
    if (timer) clearTimeout(timer);
  }
}

async function tickWithin(
  ctx: CommandContext,
  opts: TickOptions,
  shard: Shard | undefined,
  deadline: { signal: AbortSignal; label: string } | undefined,
): Promise<CommandResult> {
  const session = await openSession(ctx, { write: !opts.dryRun, notify: !opts.dryRun });
  const names = Object.keys(session.config.services);
  if (opts.service !== undefined && !names.includes(opts.service)) {
    throw new UsageError(`no service named ${opts.service} in git-canary.yaml`, {
      hint: `services: ${names.join(', ') || '(none)'}`,
    });
  }
  const selected = shard ? names.filter((n) => shardOf(n, shard.count) === shard.index) : names.filter((n) => opts.service === undefined || n === opts.service);
  const github = gitHubSession(ctx, session);
  const services = await tickServices({
    repo: session.repo,
    config: session.config,
    names: selected,
    author: session.author,
    now: ctx.now,
    dryRun: Boolean(opts.dryRun),
    log: ctx.log,
    secrets: session.secrets,
    github,
    ...(deadline ? { deadline } : {}),
    ...(session.notifier ? { notifier: session.notifier } : {}),
  });
  // Every service ticked; a person must fix the ones that errored (exit 1).
  const errors = services.filter((s) => s.decision === 'error').map((s) => `${s.service}: ${s.reason}`);
  return {
    exitCode: errors.length > 0 ? 1 : 0,
    text: formatTick(services, Boolean(opts.dryRun), shard),
    json: { services, ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}) },
    errors,
  };
}

export function formatTick(services: ServiceTickResult[], dryRun: boolean, shard?: Shard): string {
  if (services.length === 0) return shard ? `no services in shard ${shard.index}/${shard.count}\n` : 'no services in git-canary.yaml\n';
  const lines = services.map((s) => {
    const where =
      s.decision === 'promote' || s.decision === 'rollback'
        ? ' → 100% stable'
        : s.weight !== null && s.decision !== 'none' && s.decision !== 'hold' && s.decision !== 'pause'
          ? ` → ${s.weight}%${s.step ? ` (step ${s.step})` : ''}`
          : '';
    const commit = s.commit ? ` ${s.commit.slice(0, 7)}` : dryRun && s.files.length > 0 ? ' (dry run: not committed)' : '';
    const line = `${s.service}: ${s.decision}${where}${commit} — ${s.reason}`;
    // A dry run shows what it would commit: the unified diff of each file, under its service.
    return s.diff ? `${line}\n${s.diff.replace(/\n$/, '')}` : line;
  });
  return `${lines.join('\n')}\n`;
}
