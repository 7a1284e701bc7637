/**
 * The pull-request gate's I/O (`gate: pull-request`, PRODUCT.md "Promotion
 * pull requests"): keeps branch `git-canary/<service>` holding the promotion
 * (production plus the candidate's release files), one pull request from it
 * to production, and asks `gateVerdict` whether the rollout may start.
 *
 * - The branch only moves forward: a new candidate's promotion is a commit whose
 *   first parent is production's tip (its tree) and whose second parent is the
 *   old head, so the push is a fast-forward and the old approval goes stale.
 * - The promotion merges that head (see `mergeHeadFor`), so GitHub marks the pull
 *   request merged; a rollback closes it; a person closing it stops the rollout.
 * - GitHub being down holds the gate (a start needs a yes) and never fails the tick.
 */
import { resolveAnalysis } from '../analysis/resolve.ts';
import { formatDuration, type ServiceConfig } from '../config/index.ts';
import { promoteRelease } from '../engine/release.ts';
import { promotionPreview, revisionsOf } from '../engine/revision-rollout.ts';
import type { ServiceObservations } from '../engine/types.ts';
import { CanaryError } from '../errors.ts';
import { gateVerdict } from '../github/gate.ts';
import { PROGRESS_MARKER, progressComment, pullRequestBody, pullRequestTitle } from '../github/pull-request-text.ts';
import type { GitHubApi, PullRequest } from '../github/types.ts';
import type { FileChange, GitRepo, Identity } from '../git/types.ts';
import type { Logger } from '../log.ts';

export interface GateDeps {
  api: GitHubApi;
  repo: GitRepo;
  author: Identity;
  branches: { production: string; candidate: string };
  dryRun: boolean;
  log: Logger;
  commitUrl?: (sha: string) => string;
}

export type GateOutcome = { ok: true; pullRequest: number; reason: string } | { ok: false; reason: string };

export const gateBranch = (service: string): string => `git-canary/${service}`;

const RELEASE_TRAILER = 'Canary-Gate-Release';
/** Candidate commits listed in a pull request body. */
const MAX_LISTED = 20;

/** Before a start: the promotion branch and pull request for the candidate's release, and whether it is approved. */
export async function gateBeforeStart(d: GateDeps, name: string, service: ServiceConfig, obs: ServiceObservations, now: Date): Promise<GateOutcome> {
  try {
    const branch = gateBranch(name);
    // The promotion the branch holds and the pull request's diff shows: computed once.
    const revisions = revisionsOf(service.route);
    const changes = revisions
      ? promotionPreview(revisions, service, obs, d.branches)
      : promoteRelease(service, obs.production, obs.candidate, d.branches.candidate);
    const head = await promotionHead(d, name, changes, obs, now);
    if (!head) return { ok: false, reason: `dry run: would push ${branch} and open a pull request to ${d.branches.production}` };
    const prs = await d.api.pullRequestsFor(branch, d.branches.production);
    let pr = prs.find((p) => p.state === 'open');
    const last = prs[0];
    if (!pr && last && !last.merged && last.headSha === head) {
      // A person closed the pull request of this very release: it does not start.
      const verdict = gateVerdict(last, []);
      return { ok: false, reason: `${verdict.reason}: this release does not start; commit a new change to ${d.branches.candidate} to propose again` };
    }
    const body = pullRequestBody(await textInput(d, name, service, obs, changes));
    const title = pullRequestTitle(name, obs.candidateSha);
    if (!pr) {
      if (d.dryRun) return { ok: false, reason: `dry run: would open a pull request from ${branch}` };
      pr = await d.api.createPullRequest({ head: branch, base: d.branches.production, title, body });
      d.log.info({ service: name, pullRequest: pr.number }, 'opened the promotion pull request');
    } else if ((pr.body !== body || pr.title !== title) && !d.dryRun) {
      pr = await d.api.updatePullRequest(pr.number, { title, body });
    }
    if (pr.headSha !== head) {
      // GitHub has not seen the push yet (or someone pushed to the branch): only the head we built counts.
      return { ok: false, reason: `pull request #${pr.number} shows head ${pr.headSha.slice(0, 7)}, not ${head.slice(0, 7)}; waiting for GitHub to catch up` };
    }
    const verdict = gateVerdict(pr, await d.api.listReviews(pr.number));
    return verdict.kind === 'approved' ? { ok: true, pullRequest: pr.number, reason: verdict.reason } : { ok: false, reason: verdict.reason };
  } catch (e) {
    if (!(e instanceof CanaryError) || e.code !== 'GITHUB') throw e;
    d.log.warn({ service: name, err: e.message }, 'GitHub call failed; holding the gate');
    return { ok: false, reason: `holding: ${e.message}` };
  }
}

/**
 * The branch head holding this release's promotion: the existing head when it
 * already holds this release, else a new commit pushed fast-forward (none in a dry run).
 */
async function promotionHead(d: GateDeps, name: string, changes: FileChange[], obs: ServiceObservations, now: Date): Promise<string | undefined> {
  const branch = gateBranch(name);
  const current = await d.repo.resolve(branch);
  const digest = obs.releaseDigest.candidate;
  if (current && (await headTrailer(d.repo, current, RELEASE_TRAILER)) === digest) return current;
  if (d.dryRun) return current;
  const message = [
    `${name}: promote candidate ${obs.candidateSha.slice(0, 7)}`,
    '',
    `${d.branches.production} with the candidate's release files of ${name}. Approving its pull request starts the canary; git-canary merges it on promotion.`,
    '',
    `Canary-Gate-Service: ${name}`,
    `Canary-Gate-Candidate: ${obs.candidateSha}`,
    `${RELEASE_TRAILER}: ${digest}`,
    '',
  ].join('\n');
  const commit = await d.repo.createCommit({
    parent: obs.productionSha,
    ...(current ? { extraParents: [current] } : {}),
    changes,
    message,
    author: d.author,
    date: now,
  });
  await d.repo.updateRef(branch, commit, current);
  d.log.info({ service: name, branch, commit }, 'pushed the promotion branch');
  return commit;
}

/**
 * The head to merge on promotion: the branch head when it holds the promotion
 * of this rollout's candidate (a head of another release is not merged).
 */
export async function mergeHeadFor(repo: GitRepo, name: string, candidate: string): Promise<string | undefined> {
  const head = await repo.resolve(gateBranch(name));
  if (!head) return undefined;
  return (await headTrailer(repo, head, 'Canary-Gate-Candidate')) === candidate ? head : undefined;
}

/** Mid-rollout: whether a person closed the rollout's pull request without merging. */
export async function closedPullRequest(d: Pick<GateDeps, 'api' | 'log'>, name: string, number: number): Promise<{ number: number; by?: string } | undefined> {
  try {
    const pr = await d.api.getPullRequest(number);
    return pr.state === 'closed' && !pr.merged ? { number, ...(pr.closedBy ? { by: pr.closedBy } : {}) } : undefined;
  } catch (e) {
    if (!(e instanceof CanaryError) || e.code !== 'GITHUB') throw e;
    d.log.warn({ service: name, err: e.message }, 'GitHub call failed; the rollout goes on');
    return undefined;
  }
}

/** After a commit of a gated rollout: the progress comment, and on rollback the pull request closed. */
export async function gateAfterCommit(
  d: GateDeps,
  name: string,
  number: number,
  done: { phase: string; status: string; reason: string; checks: { name: string; value: number | null; outcome: string }[]; history: { sha: string; title: string }[] },
): Promise<void> {
  try {
    const body = progressComment({ service: name, status: done.status, reason: done.reason, checks: done.checks, history: done.history, commitUrl: d.commitUrl });
    const mine = (await d.api.listComments(number)).find((c) => c.body.startsWith(PROGRESS_MARKER));
    if (mine) await d.api.updateComment(mine.id, body);
    else await d.api.createComment(number, body);
    if (done.phase === 'rolled-back') {
      const pr: PullRequest = await d.api.getPullRequest(number);
      if (pr.state === 'open') await d.api.updatePullRequest(number, { state: 'closed' });
    }
  } catch (e) {
    if (!(e instanceof CanaryError) || e.code !== 'GITHUB') throw e;
    d.log.warn({ service: name, err: e.message }, 'could not update the promotion pull request; the rollout goes on');
  }
}

async function textInput(d: GateDeps, name: string, service: ServiceConfig, obs: ServiceObservations, changes: FileChange[]) {
  const commits: { sha: string; title: string }[] = [];
  // The candidate commits since the last rollout's candidate, or since candidate branched off production's recent history.
  const stop = new Set<string>();
  const last = obs.state.phase === 'idle' ? obs.state.last?.candidate : obs.state.candidate;
  if (last) stop.add(last);
  for await (const c of d.repo.walk(obs.productionSha, { firstParent: true })) {
    if (stop.size >= MAX_LISTED * 10) break;
    stop.add(c.sha);
  }
  for await (const c of d.repo.walk(obs.candidateSha, { firstParent: true })) {
    if (stop.has(c.sha) || commits.length >= MAX_LISTED) break;
    commits.push({ sha: c.sha, title: c.message.split('\n')[0] ?? '' });
  }
  return {
    service: name,
    candidateSha: obs.candidateSha,
    branches: d.branches,
    diffs: changes.map((c) => ({ path: c.path, before: obs.production[c.path], after: c.content ?? undefined })),
    plan: {
      steps: service.steps,
      interval: formatDuration(service.interval),
      threshold: service.analysis?.threshold,
      // Built-in templates are listed with the query they run (resolved against production's files).
      checks: service.analysis ? resolveAnalysis(service, obs.production, { service: name }).checks : [],
    },
    commits,
    commitUrl: d.commitUrl,
  };
}

/** A gate trailer of the commit `sha` (the branch head), or undefined. */
async function headTrailer(repo: GitRepo, sha: string, key: string): Promise<string | undefined> {
  const [info] = await repo.log(sha, { depth: 1 });
  return info ? new RegExp(`^${key}:\\s*(\\S+)\\s*$`, 'mi').exec(info.message)?.[1] : undefined;
}
