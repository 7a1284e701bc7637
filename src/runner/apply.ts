/**
 * Turns one decision into at most one published change: a commit on production
 * (start, step, promote, rollback, pause, resume) or a judgment appended to the
 * notes (a failed check below threshold). Both are compare-and-swap ref updates,
 * so a crash leaves production before or after one whole commit.
 */
import { formatNoteLine, appendNote } from '../audit/notes.ts';
import { formatCommitMessage, rolloutId, titleFor } from '../audit/trailers.ts';
import { GitError } from '../errors.ts';
import { currentCanaryWeight, deriveCanary, normaliseChanges, planRelease, planWeights, weightsFor, type PlanService } from '../engine/plan.ts';
import type { CanaryTrailers, Decision, JudgmentNote } from '../engine/types.ts';
import type { FileChange, GitRepo, Identity } from '../git/types.ts';
import { NOTES_REF, type ServiceSnapshot } from './snapshot.ts';

export interface ApplyOptions {
  repo: GitRepo;
  serviceName: string;
  service: PlanService;
  snapshot: ServiceSnapshot;
  productionBranch: string;
  author: Identity;
  now: Date;
  dryRun: boolean;
}

export interface Applied {
  /** The production commit made (or that would be made, undefined in a dry run). */
  commit?: string;
  /** Files the commit changes. */
  files: string[];
  weight?: number;
  step?: string;
}

/** Production file text before the rollout began: the parent of its first commit. */
async function pristine(opts: ApplyOptions, path: string): Promise<string | undefined> {
  const { state, commits } = opts.snapshot;
  if (state.phase === 'idle') return opts.snapshot.production[path];
  const start = commits.find((c) => c.sha === state.startCommit);
  const parent = start?.parents[0];
  if (!parent) {
    throw new GitError(`cannot find the commit before rollout ${state.rollout} began`, {
      where: { branch: opts.productionBranch, detail: `start commit ${state.startCommit.slice(0, 7)}` },
      hint: 'the history is shallower than the rollout; fetch more history (--cache-dir on a fresh directory)',
    });
  }
  return opts.repo.readFile(parent, path);
}

async function changesFor(decision: Decision, opts: ApplyOptions): Promise<FileChange[]> {
  const { service, snapshot } = opts;
  const route = snapshot.production[service.route.file];
  if (route === undefined) throw new GitError(`route file ${service.route.file} is missing on production`);
  switch (decision.kind) {
    case 'start': {
      const base = decision.restart ? await pristine(opts, service.canary.file) : snapshot.production[service.canary.file];
      const from = snapshot.production[service.canary.from];
      const to = snapshot.candidate[service.canary.from];
      if (base === undefined || from === undefined || to === undefined) {
        const missing = base === undefined ? service.canary.file : service.canary.from;
        throw new GitError(`${missing} is missing`, { where: { file: missing }, hint: 'run git-canary validate' });
      }
      const canary = deriveCanary(service, base, from, to);
      return normaliseChanges(
        [{ path: service.canary.file, content: canary }, planWeights(service, route, weightsFor(decision.weight))],
        snapshot.production,
      );
    }
    case 'step':
      return normaliseChanges([planWeights(service, route, weightsFor(decision.weight))], snapshot.production);
    case 'promote':
      return normaliseChanges(
        [...planRelease(service, snapshot.production, snapshot.candidate), planWeights(service, route, weightsFor(0))],
        snapshot.production,
      );
    case 'rollback': {
      const canary = await pristine(opts, service.canary.file);
      return normaliseChanges(
        [
          planWeights(service, route, weightsFor(0)),
          { path: service.canary.file, content: canary ?? null },
        ],
        snapshot.production,
      );
    }
    default:
      return [];
  }
}

const PHASE_OF = {
  step: 'progressing',
  promote: 'promoted',
  rollback: 'rolled-back',
  pause: 'paused',
  resume: 'resumed',
} as const;

/** Trailers of the commit a decision makes (undefined for none/hold/analyze). */
export function trailersFor(
  decision: Decision,
  serviceName: string,
  snapshot: ServiceSnapshot,
  /** For pause/resume: the weight the route file holds now (a person may have changed it). */
  routeWeight?: number,
): CanaryTrailers | undefined {
  const state = snapshot.state;
  const current =
    state.phase === 'idle'
      ? undefined
      : { rollout: state.rollout, candidate: state.candidate, weight: state.weight, step: state.step, total: state.total };
  switch (decision.kind) {
    case 'start':
      return {
        service: serviceName,
        rollout: rolloutId(serviceName, snapshot.candidateSha),
        candidate: snapshot.candidateSha,
        phase: 'progressing',
        step: { index: 1, total: decision.total },
        weight: decision.weight,
      };
    case 'step':
    case 'promote':
    case 'rollback':
    case 'pause':
    case 'resume':
      if (!current) return undefined;
      return {
        service: serviceName,
        rollout: current.rollout,
        candidate: current.candidate,
        phase: PHASE_OF[decision.kind],
        step: decision.kind === 'step' ? { index: decision.step, total: decision.total } : undefined,
        weight: decision.kind === 'step' ? decision.weight : decision.kind === 'promote' || decision.kind === 'rollback' ? 0 : (routeWeight ?? current.weight),
      };
    default:
      return undefined;
  }
}

function bodyFor(decision: Decision): string {
  const summary = 'judgment' in decision && decision.judgment ? decision.judgment.summary : undefined;
  return [summary, decision.reason].filter((s): s is string => Boolean(s)).join('\n\n');
}

/** Make and publish the decision's commit or note. */
export async function applyDecision(decision: Decision, opts: ApplyOptions): Promise<Applied> {
  const { repo, snapshot } = opts;
  if (decision.kind === 'hold' && decision.recordFailure && decision.judgment && snapshot.state.phase === 'progressing') {
    return recordJudgment(decision, opts);
  }
  const routeWeight =
    decision.kind === 'pause' || decision.kind === 'resume'
      ? currentCanaryWeight(opts.service, snapshot.production[opts.service.route.file])
      : undefined;
  const trailers = trailersFor(decision, opts.serviceName, snapshot, routeWeight);
  if (!trailers) return { files: [] };
  const changes = await changesFor(decision, opts);
  const message = formatCommitMessage({ title: titleFor(trailers), body: bodyFor(decision), trailers });
  const applied: Applied = {
    files: changes.map((c) => c.path),
    weight: trailers.weight,
    step: trailers.step ? `${trailers.step.index}/${trailers.step.total}` : undefined,
  };
  if (opts.dryRun) return applied;
  const commit = await repo.createCommit({
    parent: snapshot.productionSha,
    changes,
    message,
    author: opts.author,
    date: opts.now,
  });
  await repo.updateRef(opts.productionBranch, commit, snapshot.productionSha);
  return { ...applied, commit };
}

/** Append a failed judgment to the notes of the rollout's newest commit; no file on production changes. */
async function recordJudgment(decision: Extract<Decision, { kind: 'hold' }>, opts: ApplyOptions): Promise<Applied> {
  const { snapshot, repo } = opts;
  const state = snapshot.state;
  if (state.phase !== 'progressing' || !decision.judgment) return { files: [] };
  const note: JudgmentNote = {
    service: opts.serviceName,
    rollout: state.rollout,
    at: opts.now.toISOString(),
    outcome: decision.judgment.outcome,
    checks: decision.judgment.checks.map((c) => ({ name: c.name, value: c.value, outcome: c.outcome })),
  };
  const existing = snapshot.rawNotes.get(state.lastCommit);
  const path = existing?.path ?? state.lastCommit;
  if (opts.dryRun) return { files: [] };
  const notesCommit = await repo.createCommit({
    parent: snapshot.notesSha,
    changes: [{ path, content: appendNote(existing?.text, note) }],
    message: `Notes added by 'git-canary': ${formatNoteLine(note).slice(0, 60)}\n`,
    author: opts.author,
    date: opts.now,
  });
  await repo.updateRef(NOTES_REF, notesCommit, snapshot.notesSha);
  return { files: [] };
}
