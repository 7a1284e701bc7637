/**
 * The rollout engine's vocabulary. Everything here is plain data: the state is
 * rebuilt from production's history (trailers + notes), decisions are made by the
 * pure `decide()`, and the I/O edges (commands/) turn decisions into commits.
 */
import type { CheckResult, Judgment } from '../analysis/types.ts';
import type { FileTexts } from './release.ts';

/** Values of the `Canary-Phase` trailer. */
export type Phase = 'progressing' | 'promoted' | 'rolled-back' | 'paused' | 'resumed';

/** The `Canary-*` trailers of one git-canary commit. */
export interface CanaryTrailers {
  service: string;
  /** `<service>-<7 hex of the candidate sha>`, constant over one rollout. */
  rollout: string;
  /** Full sha of the candidate commit this rollout tests. */
  candidate: string;
  phase: Phase;
  /** `Canary-Step: 2/3`, progressing commits only. */
  step?: { index: number; total: number };
  /** The canary's weight after this commit; 0 after promotion or rollback. */
  weight: number;
  /**
   * The rest makes each commit a self-contained record, so a service's state is
   * read from its newest record alone (PRODUCT.md, "State is never forgotten").
   * `Canary-Base`: production's commit before the rollout's first start (its canary file is the pristine one).
   */
  base?: string;
  /** `Canary-Release`: digest of the release the rollout tests (see engine/release.ts). */
  release?: string;
  /** `Canary-Step-Since`: when the clock of the current step started (its weight was set, or a resume). */
  stepSince?: Date;
  /** `Canary-Failed-Checks`: failed judgments counted over the rollout, this one included. */
  failedChecks?: number;
  /**
   * `Canary-Judgment: fail|inconclusive|error`: a judgment that held the rollout (a failed one below
   * threshold, or one without a verdict). It changes no file; its details are in the commit's note.
   */
  judgment?: JudgmentRecordKind;
  /** `Canary-Inconclusive: 3`: inconclusive judgments in a row, this one included (absent: 0). */
  inconclusive?: number;
  /** `Canary-Errors: 2`: errored judgments in a row, this one included (absent: 0). */
  errors?: number;
  /** `Canary-Started`: when the rollout first started (a restart on a new candidate starts anew); on every record of it. */
  started?: Date;
  /** `Canary-Reference: latency=0.21, errors=0.5`: first values of the checks that compare with their own start. */
  references?: Record<string, number>;
  /** `Canary-Rollout-Step: 2/3`: the step of a paused or resumed rollout (Canary-Step is for progressing commits). */
  rolloutStep?: { index: number; total: number };
  /** `Canary-Idle-Replicas: Deployment/checkout-canary=2`: replicas the canary had before it rested. */
  idleReplicas?: Record<string, number>;
  /** `Canary-Actor`: who made a manual decision. */
  actor?: string;
  /** `Canary-Reason`: why (`--reason`). */
  reason?: string;
  /** `Canary-Pull-Request`: the promotion pull request of a gated rollout (`gate: pull-request`), on every record of it. */
  pullRequest?: number;
}

/** The judgments that hold a rollout and are recorded as such (`Canary-Judgment`). */
export type JudgmentRecordKind = 'fail' | 'inconclusive' | 'error';

/**
 * One check as recorded (a note, a commit body's checks line): its value and
 * outcome, and what explains it when known (limits, reference, statistics).
 */
export interface RecordedCheck extends Pick<CheckResult, 'name' | 'value' | 'outcome'> {
  min?: number;
  max?: number;
  /** A critical check (its failure rolls back at once). */
  critical?: boolean;
  /** The reference it was compared with, and where it came from. */
  reference?: number;
  from?: 'baseline' | 'first-value';
  /** mann-whitney: the two-sided p-value and the effect size (canary mean / reference mean). */
  pValue?: number;
  effectSize?: number | null;
  /** Why, in a few words (`prometheus answered 401 Unauthorized`). */
  reason?: string;
}

/** One analysis judgment recorded in git notes (one JSON line each) because it changed no file. */
export interface JudgmentNote {
  service: string;
  rollout: string;
  /** ISO time the judgment was made. */
  at: string;
  outcome: Judgment['outcome'];
  checks: RecordedCheck[];
  /** Critical checks that failed (the judgment rolled back at once). */
  critical?: string[];
  /** `analysis.minRequests`: the canary's requests and the floor. */
  requests?: { value: number | null; min: number };
}

/** A git-canary commit of one service, as read back from history. */
export interface RolloutCommit {
  sha: string;
  /** Committer date. */
  at: Date;
  trailers: CanaryTrailers;
  /** The commit message body between title and trailers (check values). */
  body: string;
  title: string;
}

/** The last finished rollout of a service, from its promoted / rolled-back record. */
export interface FinishedRollout {
  rollout: string;
  candidate: string;
  outcome: 'promoted' | 'rolled-back';
  commit: string;
  at: Date;
  /** Digest of the release it rolled out (`Canary-Release`). */
  release?: string;
  /** Replicas the canary had before it rested (`canary.idle`), by document. */
  idleReplicas?: Record<string, number>;
}

/** Fields of a rollout in progress (or paused), all from its newest record. */
export interface ActiveRollout {
  rollout: string;
  candidate: string;
  step: number;
  total: number;
  /** The canary weight the newest record set or found (it agrees with the route file at that commit). */
  weight: number;
  /** Production's commit before the rollout first started: its canary file is the pristine canary. */
  base: string;
  /** Digest of the release under test. */
  release: string;
  /** Failed judgments counted over the whole rollout. */
  failedChecks: number;
  /** The newest git-canary record of this service (baseline for detecting a person's edits). */
  lastCommit: string;
  /** The promotion pull request of a gated rollout. */
  pullRequest?: number;
  /** Inconclusive and errored judgments in a row (a pass or fail judgment, a step, a restart or a resume resets both). */
  inconclusive: number;
  errors: number;
  /**
   * When the rollout first started (`Canary-Started`); for a record of an older
   * git-canary without it, that record's own time (`startedFrom: 'record'`).
   */
  started: Date;
  startedFrom: 'trailer' | 'record';
  /** First values of the checks that compare with their own start (`Canary-Reference`), by check name. */
  references: Record<string, number>;
}

/** Where a service stands, from its newest record on production. */
export type RolloutState =
  | { phase: 'idle'; last?: FinishedRollout }
  | (ActiveRollout & {
      phase: 'progressing';
      /** When the current step's clock started (its weight was set, or a resume). */
      stepStartedAt: Date;
      /** The newest judgment at this step, when the newest record is a judgment record (fail, inconclusive, error). */
      lastJudgedAt?: Date;
    })
  | (ActiveRollout & { phase: 'paused'; pausedAt: Date; reason: string });

/** What the I/O layer observed this tick; every field is a fact, not a decision. */
export interface Observations {
  /** Candidate tip sha. */
  candidateSha: string;
  /** Candidate's release equals production's (byte for byte). */
  candidateEqualsProduction: boolean;
  /** Candidate's release equals the one the current/last rollout tested. */
  candidateMatchesRollout: boolean;
  /** This service's rules or files on production differ from its newest record (a person edited them). */
  managedFilesEditedBy?: { files: string[]; commit?: string };
  /** The newest record expects judgment notes that are gone: why. */
  notesVanished?: string;
  /** A gated rollout's pull request was closed without merging (by a person): roll back. */
  pullRequestClosed?: { number: number; by?: string };
  /**
   * The candidate branch does not exist (never created, or deleted): its name.
   * The candidate facts above then say nothing (no release to compare).
   */
  candidateMissing?: string;
  /**
   * After a promotion, production's release is no longer the promoted one while
   * candidate still holds it: a person reverted (or edited) it on production.
   * The commit that did it, its author, and whether it is a `git revert` of the promotion.
   */
  releaseReverted?: { commit: string; author: string; revert: boolean };
  /**
   * With `applied:` (Argo CD or Flux), whether production's newest record is
   * applied and healthy (src/applied). Undefined: not configured, or not asked
   * (the rollout is not progressing at a weight above 0).
   */
  applied?: AppliedObservation;
}

/** What Argo CD or Flux report about the commit under judgment. */
export type AppliedObservation =
  | { state: 'applied'; since: Date; revision: string; detail: string }
  | { state: 'pending'; reason: string }
  | { state: 'degraded'; reason: string }
  | { state: 'error'; reason: string };

export interface DecideInput {
  service: string;
  steps: readonly number[];
  intervalMs: number;
  /** Failed judgments that trigger rollback. */
  threshold: number;
  /** False when the service has no analysis: steps advance on interval alone. */
  hasAnalysis: boolean;
  /** Inconclusive / errored judgments in a row that pause the rollout (`analysis.inconclusiveLimit`, `errorLimit`). */
  inconclusiveLimit: number;
  errorLimit: number;
  /** `analysis.progressDeadline`: a rollout not promoted this long after it started rolls back. */
  progressDeadlineMs?: number;
  /** `applied.initialDelay`: added to the time the step was applied before its clock starts. */
  initialDelayMs?: number;
  state: RolloutState;
  observed: Observations;
  /** Present only when decide() asked for it (decision `analyze`) and the checks ran. */
  judgment?: Judgment;
  now: Date;
}

/** The output vocabulary of `tick` (PRODUCT.md); `analyze` is internal: run checks, then decide again. */
export type DecisionKind = 'start' | 'step' | 'promote' | 'rollback' | 'hold' | 'pause' | 'none' | 'error';

export type Decision =
  | { kind: 'none'; reason: string }
  /** Run the checks over [windowStart, now] (the step's clock start), then decide again. */
  | { kind: 'analyze'; reason: string; windowStart: Date }
  | { kind: 'start'; reason: string; step: 1; total: number; weight: number; restart: boolean }
  | { kind: 'step'; reason: string; step: number; total: number; weight: number; judgment?: Judgment }
  | { kind: 'promote'; reason: string; judgment?: Judgment }
  | { kind: 'rollback'; reason: string; judgment?: Judgment; failedChecks: number }
  /**
   * No file changes. With `record`, a judgment held the rollout (a failed one
   * below threshold, an inconclusive or errored one): a record that changes no
   * file, details in notes, with the counts after it. Without, nothing is written.
   */
  | { kind: 'hold'; reason: string; judgment?: Judgment; record?: JudgmentRecordKind; failedChecks: number; inconclusive?: number; errors?: number }
  /** A record that changes no file. `judgment` (and the counts) when a limit of judgments in a row paused it. */
  | { kind: 'pause'; reason: string; files: string[]; judgment?: Judgment; inconclusive?: number; errors?: number }
  /** Only from `git-canary resume` (a person's decision); decide() never returns it. */
  | { kind: 'resume'; reason: string };

/**
 * Every fact one service's decision and its edits need, read once by the
 * observe step (runner/observe.ts) as plain data: decide() and plan() run pure on it.
 */
export interface ServiceObservations {
  service: string;
  productionSha: string;
  candidateSha: string;
  notesSha: string | undefined;
  /** The service's managed files (release, canary, route) at production's tip. */
  production: FileTexts;
  /** The release files and canary.from at candidate's tip. */
  candidate: FileTexts;
  /** Digests of the release on each branch (`Canary-Release`). */
  releaseDigest: { production: string; candidate: string };
  /** The newest trusted record of the service, if any. */
  record?: RolloutCommit;
  state: RolloutState;
  observed: Observations;
  /** The canary weight production's route holds now; undefined when the route cannot be read. */
  routeWeight: number | undefined;
  /** The canary file before the rollout (at `Canary-Base`), for restarts and rollbacks; for a revision rollout (Knative), the route file. */
  pristineCanary?: string | undefined;
  /** The release files at the rollout's candidate commit, when candidate has moved since (manual promote). */
  tested?: FileTexts;
  /** Things worth saying that change no decision (a note that could not be read). */
  warnings: string[];
  /** Production's first-parent commits from its tip down to the newest record, newest first (what Argo CD or Flux may have applied). */
  history: string[];
}
