/**
 * What a promotion pull request says (`gate: pull-request`): its title and
 * body (the release diff, the rollout plan, the candidate commits it brings),
 * the one progress comment updated in place, and the words it is closed with.
 * Pure: data in, Markdown out.
 */
import { unifiedDiff } from '../manifests/line-diff.ts';

/** Marks the one progress comment git-canary keeps on a pull request, so it is found and edited, never duplicated. */
export const PROGRESS_MARKER = '<!-- git-canary:progress -->';
/** GitHub refuses bodies over 65,536 characters; keep well under. */
const MAX_BODY = 60_000;

export interface PlanCheck {
  name: string;
  query: string;
  min?: number;
  max?: number;
}

export interface PullRequestTextInput {
  service: string;
  candidateSha: string;
  branches: { production: string; candidate: string };
  /** The release files as production has them and as the promotion would write them. */
  diffs: { path: string; before: string | undefined; after: string | undefined }[];
  plan: { steps: readonly number[]; interval: string; threshold?: number; checks: readonly PlanCheck[] };
  /** Candidate commits this release brings, newest first. */
  commits: readonly { sha: string; title: string }[];
  /** Link to a commit on the forge, when known. */
  commitUrl?: (sha: string) => string;
}

export function pullRequestTitle(service: string, candidateSha: string): string {
  return `${service}: roll out candidate ${candidateSha.slice(0, 7)}`;
}

export function pullRequestBody(input: PullRequestTextInput): string {
  const { service, candidateSha, branches, plan } = input;
  const link = (sha: string) => (input.commitUrl ? `[${sha.slice(0, 7)}](${input.commitUrl(sha)})` : `\`${sha.slice(0, 7)}\``);
  const steps = plan.steps.map((s) => `${s}%`).join(' → ');
  const lines = [
    `git-canary will roll out **${cell(service)}** from \`${cell(branches.candidate)}\` ${link(candidateSha)} to \`${cell(branches.production)}\` once this pull request is **approved on its current head**.`,
    '',
    'Approving starts the canary; a review requesting changes holds it. A new candidate moves this branch forward and needs a new approval. On promotion this pull request ends merged; on rollback it is closed with the analysis. Closing it yourself stops the rollout.',
    '',
    '### Rollout plan',
    '',
    `- steps: ${steps} → promote`,
    `- at least ${plan.interval} at each step before it is judged`,
  ];
  if (plan.checks.length > 0) {
    lines.push(`- rollback after ${plan.threshold ?? 1} failed judgment(s)`, '', '| check | limit | query |', '|---|---|---|');
    for (const c of plan.checks) lines.push(`| ${cell(c.name)} | ${limits(c)} | \`${cell(c.query)}\` |`);
  } else {
    lines.push('- no analysis: steps advance on the interval alone');
  }
  if (input.commits.length > 0) {
    lines.push('', '### Candidate commits', '');
    for (const c of input.commits) lines.push(`- ${link(c.sha)} ${cell(c.title)}`);
  }
  lines.push('', '### Release diff', '');
  const diff = input.diffs.map((d) => unifiedDiff(d.path, d.before, d.after)).join('');
  const fence = '```';
  const shown = diff.length > MAX_BODY / 2 ? `${diff.slice(0, MAX_BODY / 2)}\n… (truncated; see Files changed)\n` : diff;
  lines.push(`${fence}diff`, shown.replace(/```/g, '`\u200b``').trimEnd(), fence);
  return clamp(lines.join('\n'));
}

export interface ProgressInput {
  service: string;
  /** What just happened, e.g. "canary 25% (step 2/3)". */
  status: string;
  reason: string;
  checks: readonly { name: string; value: number | null; outcome: string }[];
  /** This rollout's commits on production so far, oldest first. */
  history: readonly { sha: string; title: string }[];
  commitUrl?: (sha: string) => string;
}

/** The body of the one progress comment. */
export function progressComment(p: ProgressInput): string {
  const link = (sha: string) => (p.commitUrl ? `[${sha.slice(0, 7)}](${p.commitUrl(sha)})` : `\`${sha.slice(0, 7)}\``);
  const lines = [PROGRESS_MARKER, `**git-canary: ${cell(p.service)} — ${cell(p.status)}**`, '', cell(p.reason)];
  if (p.checks.length > 0) {
    lines.push('', '| check | value | outcome |', '|---|---|---|');
    for (const c of p.checks) lines.push(`| ${cell(c.name)} | ${c.value ?? 'no data'} | ${cell(c.outcome)} |`);
  }
  if (p.history.length > 0) {
    lines.push('', 'Commits on production:', '');
    for (const h of p.history) lines.push(`- ${link(h.sha)} ${cell(h.title)}`);
  }
  return clamp(lines.join('\n'));
}

/** One table cell or inline text: no line breaks, pipes escaped, no HTML. */
export function cell(text: string): string {
  return text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

function limits(c: PlanCheck): string {
  const parts = [c.min !== undefined ? `≥ ${c.min}` : '', c.max !== undefined ? `≤ ${c.max}` : ''].filter(Boolean);
  return parts.join(', ') || '—';
}

function clamp(text: string): string {
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}\n\n… (truncated)` : text;
}
