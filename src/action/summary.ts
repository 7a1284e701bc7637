/**
 * The job summary every run appends to $GITHUB_STEP_SUMMARY: what the command
 * did (a table for tick, the command's text otherwise) and the rollouts in
 * progress or just ended, charted (src/audit/markdown.ts renders them).
 */
import { appendFile } from 'node:fs/promises';
import type { RolloutLogEntry } from '../audit/log.ts';
import { type CheckLimits, renderRolloutsMarkdown, renderTickSummary, type TickSummaryService } from '../audit/markdown.ts';
import type { GitCanaryConfig } from '../config/index.ts';
import type { Env } from './inputs.ts';
import { servicesOf } from './outputs.ts';

/** Each service's check bounds, for showing values against limits. */
export function limitsOf(config: GitCanaryConfig): CheckLimits {
  return Object.fromEntries(
    Object.entries(config.services).map(([name, s]) => [
      name,
      Object.fromEntries(
        (s.analysis?.checks ?? []).map((c) => [c.name, { ...(c.min !== undefined ? { min: c.min } : {}), ...(c.max !== undefined ? { max: c.max } : {}) }]),
      ),
    ]),
  );
}

/**
 * The commit page when `repo` is a repository on the workflow's GitHub server
 * (`$GITHUB_SERVER_URL/<owner>/<name>/commit/<sha>`); undefined for another
 * host or a local path, whose commits GitHub does not have.
 */
export function commitUrlFor(repo: string, env: Env): ((sha: string) => string) | undefined {
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  let url: URL;
  let serverOrigin: string;
  try {
    url = new URL(repo);
    serverOrigin = new URL(server).origin;
  } catch {
    return undefined;
  }
  if (!/^https?:$/.test(url.protocol) || url.origin !== serverOrigin) return undefined;
  const path = decodeURIComponent(url.pathname).replace(/^\/+|\/+$/g, '').replace(/\.git$/, '');
  if (!/^[\w.-]+\/[\w.-]+$/.test(path)) return undefined;
  return (sha) => `${server}/${path}/commit/${sha}`;
}

/**
 * The rollouts worth a chart: each service's newest rollout (the log lists
 * newest first) when it is still going (progressing, paused) or when this run
 * committed for that service (it just started, stepped or ended).
 */
export function rolloutsToShow(rollouts: readonly RolloutLogEntry[], committedFor: ReadonlySet<string>): RolloutLogEntry[] {
  const seen = new Set<string>();
  return rollouts.filter((r) => {
    if (seen.has(r.service)) return false;
    seen.add(r.service);
    return r.outcome === 'progressing' || r.outcome === 'paused' || committedFor.has(r.service);
  });
}

/** Services a result committed for: tick's entries with a commit, or a manual decision's own. */
export function servicesCommitted(json: unknown): Set<string> {
  const services = servicesOf(json);
  const entries = services.length > 0 ? services : typeof json === 'object' && json !== null ? [json as Record<string, unknown>] : [];
  return new Set(entries.filter((s) => typeof s.commit === 'string' && typeof s.service === 'string').map((s) => s.service as string));
}

/** A job summary holds at most 1 MiB; a command's text gets a share of it. */
const MAX_TEXT = 64 * 1024;

/** Text in a fenced block whose fence no line of it can close; cut (saying so) when very long. */
function fenced(text: string): string {
  const body = text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}\n… (cut: the whole text is in the log)` : text;
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${body.replace(/\n+$/, '')}\n${fence}`;
}

export interface SummaryInput {
  command: string;
  /** The command's result JSON (undefined when it failed or streamed its output). */
  json: unknown;
  /** Its human text. */
  text: string;
  /** The `error:` lines of a failure. */
  errors: readonly string[];
  rollouts: readonly RolloutLogEntry[];
  limits?: CheckLimits;
  commitUrl?: (sha: string) => string;
  dryRun: boolean;
}

/** The Markdown of one run. */
export function renderSummary(s: SummaryInput): string {
  const options = { limits: s.limits, commitUrl: s.commitUrl };
  if (s.command === 'tick' && s.json !== undefined) {
    // A service that errored is a row of the table (decision error, and why).
    return renderTickSummary(servicesOf(s.json) as unknown as TickSummaryService[], s.rollouts, { ...options, dryRun: s.dryRun });
  }
  const parts = [`## git-canary ${s.command}`];
  if (s.dryRun) parts.push('Dry run: nothing was committed or pushed.');
  if (s.errors.length > 0) parts.push(`**Failed:**\n\n${s.errors.map((e) => `- ${e.replace(/&/g, '&amp;').replace(/</g, '&lt;')}`).join('\n')}`);
  if (s.text.trim() !== '') parts.push(fenced(s.text));
  if (s.rollouts.length > 0) parts.push('### Rollouts', renderRolloutsMarkdown(s.rollouts, { ...options, level: 4 }).trimEnd());
  return `${parts.join('\n\n')}\n`;
}

/**
 * Append to the job summary file, $GITHUB_STEP_SUMMARY (read from process.env
 * at each call, like @actions/core's file commands; core.summary would keep the
 * first path it saw). Outside Actions there is none.
 */
export async function appendSummary(markdown: string): Promise<void> {
  const file = process.env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  await appendFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`, 'utf8');
}
