/** `git-canary log`: rollouts reconstructed from production's commit trailers and analysis notes. */
import type { CheckLimits } from '../audit/events.ts';
import { keepHistory, type KeptHistory, keptHistory } from '../runner/log-history.ts';
import { buildRolloutLogFrom, formatRolloutLog, ROLLOUT_OUTCOMES, revertsIn, type RolloutOutcome } from '../audit/log.ts';
import { renderRolloutsMarkdown } from '../audit/markdown.ts';
import { parseNote } from '../audit/notes.ts';
import { canaryCommits } from '../audit/state.ts';
import type { GitCanaryConfig } from '../config/index.ts';
import { tryParseDuration } from '../config/duration.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { CanaryError, ConfigError, UsageError } from '../errors.ts';
import type { CommitInfo, GitRepo, Identity } from '../git/types.ts';
import { NOTES_REF, noteText } from '../runner/observe.ts';
import { CONFIG_FILE, openSession } from '../runner/session.ts';

export interface LogOptions {
  service?: string;
  /** A duration before now (`1h`, `30m`, `2d`, `1h30m`) or an ISO date. */
  since?: string;
  /** Outcomes to keep: repeated and/or comma-separated values. */
  outcome?: string | string[];
  /** `text` (default) or `markdown`; `--json` wins over both. */
  format?: string;
}

const FORMATS = ['text', 'markdown'] as const;
const ISO_DATE = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)?)?$/i;

/**
 * The start of `--since`: `now` minus a duration, or an ISO date (a date alone
 * is midnight UTC; a time without a zone is UTC). Anything else is a usage error.
 */
export function parseSince(text: string, now: Date): Date {
  const ms = tryParseDuration(text.trim());
  if (ms !== undefined) return new Date(now.getTime() - ms);
  const iso = text.trim().replace(' ', 'T');
  const m = ISO_DATE.exec(iso);
  const date = m ? new Date(m[1] || !iso.includes(':') ? iso : `${iso}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since ${text} is neither a duration nor a date`, {
      hint: 'write a duration before now (1h, 30m, 2d, 1h30m) or an ISO date (2026-01-31, 2026-01-31T12:00:00Z)',
    });
  }
  return date;
}

/** The outcomes of `--outcome promoted,rolled-back --outcome paused`. */
export function parseOutcomes(values: string | readonly string[]): RolloutOutcome[] {
  const list = (typeof values === 'string' ? [values] : values).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknown = list.filter((v) => !(ROLLOUT_OUTCOMES as readonly string[]).includes(v));
  if (unknown.length > 0 || list.length === 0) {
    throw new UsageError(`--outcome ${unknown.join(',') || '(empty)'} is not an outcome`, { hint: `use ${ROLLOUT_OUTCOMES.join(', ')} (repeat it or separate with commas)` });
  }
  return [...new Set(list)] as RolloutOutcome[];
}

/** Each service's check bounds, from the config on production. */
export function limitsOf(config: GitCanaryConfig): CheckLimits {
  return Object.fromEntries(
    Object.entries(config.services).map(([name, s]) => [
      name,
      Object.fromEntries((s.analysis?.checks ?? []).map((c) => [c.name, { ...(c.min !== undefined ? { min: c.min } : {}), ...(c.max !== undefined ? { max: c.max } : {}) }])),
    ]),
  );
}

/**
 * Production's first-parent history from `tip` as log needs it: `author`'s
 * records (a merged pull request's commits or a person's commit with Canary-*
 * trailers are not records), people's reverts, and how many commits there
 * are. What an earlier run read below a tip it kept is taken from the cache
 * (log-history.ts): the walk stops there.
 */
async function productionHistory(repo: GitRepo, tip: string, author: Identity): Promise<KeptHistory> {
  const kept = keptHistory(author);
  if (kept?.tip === tip) return kept;
  const commits: CommitInfo[] = [];
  const others: CommitInfo[] = [];
  let below: KeptHistory | undefined;
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (c.sha === kept?.tip) {
      below = kept;
      break;
    }
    if (c.author.name === author.name && c.author.email === author.email && c.committer.email === author.email) commits.push(c);
    else others.push(c);
  }
  // Newest first, as a whole walk would list them: the commits read, then those kept below them.
  const reverts = revertsIn(others);
  for (const [sha, revert] of below?.reverts ?? []) if (!reverts.has(sha)) reverts.set(sha, revert);
  const history: KeptHistory = {
    tip,
    read: commits.length + others.length + (below?.read ?? 0),
    records: [...canaryCommits(commits), ...(below?.records ?? [])],
    reverts,
  };
  await keepHistory(history, author);
  return history;
}

export async function log(ctx: CommandContext, opts: LogOptions): Promise<CommandResult> {
  const format = opts.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`--format ${format} is not a format`, { hint: `use ${FORMATS.join(' or ')}, or --json` });
  }
  const since = opts.since === undefined ? undefined : parseSince(opts.since, ctx.now());
  const outcomes = opts.outcome === undefined ? undefined : parseOutcomes(opts.outcome);

  const session = await openSession(ctx, { write: false, metrics: false });
  const { repo, author, config } = session;
  const tip = (await repo.resolve(session.production))!;
  const history = await productionHistory(repo, tip, author);
  const records = history.records;
  if (opts.service !== undefined && !(opts.service in config.services) && !records.some((c) => c.trailers.service === opts.service)) {
    const known = Object.keys(config.services);
    throw new ConfigError(`no service named ${opts.service} in ${CONFIG_FILE} or in production's records`, {
      where: { file: CONFIG_FILE, branch: session.production },
      hint: `services: ${known.join(', ') || '(none)'}`,
      data: { services: known },
    });
  }

  const notesSha = await repo.resolve(NOTES_REF);
  const notes = new Map<string, string>();
  if (notesSha) {
    for (const c of records) {
      try {
        const n = await noteText(repo, notesSha, c.sha);
        if (n) notes.set(c.sha, n.text);
      } catch (e) {
        // An unreadable note costs its details, never the log.
        if (!(e instanceof CanaryError)) throw e;
        ctx.log.warn({ commit: c.sha }, `note of ${c.sha.slice(0, 7)} cannot be read: ${e.message}`);
      }
    }
  }
  // A judgment dated after now was not made by a worker with a sane clock (or was written by hand): its
  // values are not shown as a judgment, and the log says so once per note.
  const now = ctx.now();
  const judgments = new Map(
    [...notes].map(([sha, text]) => [
      sha,
      parseNote(text).filter((n) => {
        if (Date.parse(n.at) <= now.getTime() + 60_000) return true;
        ctx.log.warn({ commit: sha, at: n.at }, `a judgment note of ${sha.slice(0, 7)} is dated ${n.at}, in the future: ignored`);
        return false;
      }),
    ]),
  );
  const rollouts = buildRolloutLogFrom(records, (sha) => judgments.get(sha) ?? [], {
    ...(opts.service !== undefined ? { service: opts.service } : {}),
    ...(since ? { since } : {}),
    ...(outcomes ? { outcomes } : {}),
    limits: limitsOf(config),
    reverts: history.reverts,
  });
  // Never a window: the whole first-parent history was read (or kept from an earlier run), and the output says how much that was.
  const read = history.read;
  const extent = `${read.toLocaleString('en-US')} commit${read === 1 ? '' : 's'} of ${session.production} read: its whole history`;
  return {
    exitCode: 0,
    // Written only when printed: --json never needs it (a long log takes tens of ms to format).
    get text() {
      return format === 'markdown' ? `${renderRolloutsMarkdown(rollouts)}\n_${extent}._\n` : `${formatRolloutLog(rollouts, { now })}${extent}\n`;
    },
    json: { rollouts, history: { branch: session.production, tip, commits: read, complete: true } },
  };
}
