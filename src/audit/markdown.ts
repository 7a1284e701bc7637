/**
 * Rollouts and tick results as GitHub-flavoured Markdown: the GitHub Action's
 * job summary and `git-canary log --format markdown`. Pure: data in, text out.
 *
 * Each rollout gets its events table (time, event, step, weight, checks
 * against limits, commit, actor and reason: see src/audit/events.ts) and a
 * mermaid `xychart-beta` line of the traffic the new release received over
 * time (each weight the rollout set or found, then 100 on promotion or 0 on
 * rollback). A line chart rather than a flowchart: the question a reader asks
 * is "how far did it get, and when".
 */
import type { CheckValue } from './checks.ts';
import type { CheckLimit, CheckLimits, EventCheck, RolloutEvent } from './events.ts';
import { type RolloutLogEntry, checkText as eventCheckText, eventDetail, explanation, shortIso, span } from './log.ts';

export type { CheckLimit, CheckLimits } from './events.ts';

export interface MarkdownOptions {
  /** The web page of a commit (e.g. on GitHub); without it commits are plain short shas. */
  commitUrl?: (sha: string) => string;
  /** Bounds of each service's checks, shown beside the values. */
  limits?: CheckLimits;
  /** Heading level of each rollout (default 2: `## checkout …`). */
  level?: number;
}

/** One entry of `tick --json`'s `services`, as far as the summary shows it. */
export interface TickSummaryService {
  service: string;
  decision: string;
  weight: number | null;
  step: string | null;
  commit: string | null;
  reason: string;
  checks: readonly CheckValue[];
  /** Files the decision changes; with a dry run, tells "would commit" from "nothing to commit". */
  files?: readonly string[];
}

export interface TickSummaryOptions extends MarkdownOptions {
  /** The command that ran (default `tick`), for the heading. */
  command?: string;
  /** Nothing was pushed. */
  dryRun?: boolean;
}

/**
 * Text safe inside one table cell: `|` escaped, `&` and `<` as entities (no HTML
 * from a commit body or a reason), line breaks as `<br>`.
 */
export function escapeCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\|/g, '\\|')
    .replace(/\r?\n|\r/g, '<br>');
}

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function commitCell(sha: string, options: MarkdownOptions): string {
  const short = `\`${sha.slice(0, 7)}\``;
  return options.commitUrl ? `[${short}](${options.commitUrl(sha)})` : short;
}

/** `min 99`, `max 0.5`, `min 1, max 2`: the bounds as commit bodies write them; '' when unknown. */
export function formatLimit(limit: CheckLimit | undefined): string {
  if (!limit) return '';
  return [limit.min !== undefined ? `min ${limit.min}` : '', limit.max !== undefined ? `max ${limit.max}` : ''].filter(Boolean).join(', ');
}

/** A check of an event: the bounds it carries, else those of `options.limits`. */
function eventCheck(service: string, c: EventCheck, options: MarkdownOptions): string {
  const known = c.min !== undefined || c.max !== undefined ? {} : (options.limits?.[service]?.[c.name] ?? {});
  return eventCheckText({ ...known, ...c });
}

/** Points of the weight chart: every event that sets or finds a weight (not judgments); 100 on promotion, 0 on rollback. */
function chartPoints(e: RolloutLogEntry): { at: string; weight: number }[] {
  const points: { at: string; weight: number }[] = [];
  for (const x of e.events) {
    if (x.kind === 'judgment') continue;
    const weight = x.kind === 'promote' ? 100 : x.weight;
    const previous = points[points.length - 1];
    // Two events at the same time: the later weight is the one that held.
    if (previous && previous.at === x.at) points.pop();
    points.push({ at: x.at, weight });
  }
  return points;
}

/** UTC labels as short as keeps them apart: `HH:MM`, else `HH:MM:SS`; with the day when the rollout spans days. */
function timeLabels(isos: readonly string[]): string[] {
  const dates = isos.map((s) => new Date(s).toISOString());
  const days = new Set(dates.map((d) => d.slice(0, 10)));
  const day = (d: string) => (days.size > 1 ? `${d.slice(5, 10)} ` : '');
  const minutes = dates.map((d) => `${day(d)}${d.slice(11, 16)}`);
  if (new Set(minutes).size === minutes.length) return minutes;
  return dates.map((d) => `${day(d)}${d.slice(11, 19)}`);
}

const quoted = (s: string) => `"${s.replace(/"/g, "'")}"`;

/** A mermaid xychart of the traffic the rollout's release got over time; '' for a rollout without events. */
export function renderWeightChart(e: RolloutLogEntry): string {
  const points = chartPoints(e);
  if (points.length === 0) return '';
  return [
    '```mermaid',
    'xychart-beta',
    `  title ${quoted(`${e.rollout}: traffic to the new release`)}`,
    `  x-axis [${timeLabels(points.map((p) => p.at)).map(quoted).join(', ')}]`,
    '  y-axis "percent" 0 --> 100',
    `  line [${points.map((p) => p.weight).join(', ')}]`,
    '```',
  ].join('\n');
}

/** The event column: `judgment: fail`, `pause`, … */
function eventName(x: RolloutEvent): string {
  return x.kind === 'judgment' ? `judgment: ${x.outcome}` : x.kind;
}

/** Who and why: a person's actor and reason; the engine's reason otherwise. */
function whyCell(x: RolloutEvent): string {
  if (x.kind === 'judgment') {
    if (x.failedChecks !== undefined) return `${x.failedChecks} failed ${x.failedChecks === 1 ? 'check' : 'checks'} counted`;
    if (x.outcome === 'inconclusive' && x.inconclusive) return `${x.inconclusive} inconclusive in a row`;
    if (x.outcome === 'error' && x.errors) return `${x.errors} errored in a row`;
    return '';
  }
  if (x.actor) return `${x.actor}${x.reason ? `: ${x.reason}` : ''}`;
  return eventDetail(x);
}

/** What explains a check beyond value and limit: `critical; reference 0.2 (baseline); p 0.001; effect 1.5`, and why it had no verdict. */
function whyOfCheck(c: CheckValue): string {
  const why = c.reason !== undefined && c.outcome !== 'pass' && c.outcome !== 'fail' ? c.reason : '';
  return [explanation(c).replace(/^ \[|\]$/g, ''), why].filter(Boolean).join('; ');
}

/** One rollout: heading, dates, its events table and the weight chart. */
function renderRollout(e: RolloutLogEntry, options: MarkdownOptions): string {
  const hashes = '#'.repeat(Math.min(6, Math.max(1, options.level ?? 2)));
  const outcome = e.supersededBy ? `${e.outcome}, superseded by ${e.supersededBy}` : e.outcome;
  const parts = [
    `${hashes} ${e.service}: ${e.rollout} (${outcome})`,
    `Candidate \`${e.candidate.slice(0, 7)}\`, started ${e.startedAt}, ${e.endedAt ? `ended ${e.endedAt} (after ${span(e.startedAt, e.endedAt)})` : 'not ended'}.`,
  ];
  if (e.events.length > 0) {
    const rows = e.events.map((x) => [
      `${shortIso(x.at)} (+${span(e.startedAt, x.at)})`.replace('+-', '-'),
      eventName(x),
      x.total > 0 ? `${x.step}/${x.total}` : '–',
      `${x.weight}%`,
      x.kind === 'judgment' ? x.checks.map((c) => escapeCell(eventCheck(e.service, c, options))).join('<br>') || '–' : '–',
      commitCell(x.commit, options),
      escapeCell(whyCell(x)) || '–',
    ]);
    parts.push(table(['time', 'event', 'step', 'canary weight', 'checks', 'commit', 'actor / reason'], rows));
    parts.push(renderWeightChart(e));
  }
  return parts.join('\n\n');
}

/** Every rollout, newest first as given: the `log --format markdown` view. */
export function renderRolloutsMarkdown(rollouts: readonly RolloutLogEntry[], options: MarkdownOptions = {}): string {
  if (rollouts.length === 0) return 'No rollouts.\n';
  return `${rollouts.map((e) => renderRollout(e, options)).join('\n\n')}\n`;
}

/**
 * A tick's job summary: a table of the services (decision, canary weight,
 * step, commit, reason), a table of the checks judged with their limits, and
 * the rollouts in progress or just ended (see renderRolloutsMarkdown).
 */
export function renderTickSummary(
  results: readonly TickSummaryService[],
  rollouts: readonly RolloutLogEntry[],
  options: TickSummaryOptions = {},
): string {
  const parts = [`## git-canary ${options.command ?? 'tick'}`];
  if (options.dryRun) parts.push('Dry run: nothing was committed or pushed.');
  if (results.length === 0) {
    parts.push('No services in git-canary.yaml.');
  } else {
    const rows = results.map((s) => [
      escapeCell(s.service),
      escapeCell(s.decision),
      s.weight === null ? '–' : `${s.weight}%`,
      s.step === null ? '–' : escapeCell(s.step),
      s.commit ? commitCell(s.commit, options) : options.dryRun && (s.files?.length ?? 0) > 0 ? 'not committed (dry run)' : '–',
      escapeCell(s.reason),
    ]);
    parts.push(table(['service', 'decision', 'canary weight', 'step', 'commit', 'reason'], rows));
    // Reference, p-value and effect size get a column when a check recorded any (a baseline comparison).
    const explained = results.some((s) => s.checks.some((c) => explanation(c) !== '' || (c.reason !== undefined && c.outcome !== 'pass' && c.outcome !== 'fail')));
    const checks = results.flatMap((s) =>
      s.checks.map((c) => [
        escapeCell(s.service),
        escapeCell(c.name),
        c.value === null ? '–' : String(c.value),
        escapeCell(formatLimit(c.min !== undefined || c.max !== undefined ? c : options.limits?.[s.service]?.[c.name])) || '–',
        escapeCell(c.outcome),
        ...(explained ? [escapeCell(whyOfCheck(c)) || '–'] : []),
      ]),
    );
    const head = ['service', 'check', 'value', 'limit', 'outcome', ...(explained ? ['reference, p-value, effect size, why'] : [])];
    if (checks.length > 0) parts.push('### Checks', table(head, checks));
  }
  if (rollouts.length > 0) {
    parts.push('### Rollouts', renderRolloutsMarkdown(rollouts, { ...options, level: 4 }).trimEnd());
  }
  return `${parts.join('\n\n')}\n`;
}
