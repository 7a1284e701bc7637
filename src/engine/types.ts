/**
 * The rollout engine's vocabulary. Everything here is plain data: the state is
 * rebuilt from production's history (trailers + notes), decisions are made by the
 * pure `decide()`, and the I/O edges (commands/) turn decisions into commits.
 */
import type { CheckResult, Judgment } from '../analysis/types.ts';

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
}

/** One analysis judgment recorded in git notes (one JSON line each) because it changed no file. */
export interface JudgmentNote {
  service: string;
  rollout: string;
  /** ISO time the judgment was made. */
  at: string;
  outcome: Judgment['outcome'];
  checks: Pick<CheckResult, 'name' | 'value' | 'outcome'>[];
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

/** Where a service stands, rebuilt from history. */
export type RolloutState =
  | {
      phase: 'idle';
      /** The most recent finished rollout, if any. */
      last?: { rollout: string; candidate: string; outcome: 'promoted' | 'rolled-back'; commit: string; at: Date };
    }
  | {
      phase: 'progressing';
      rollout: string;
      candidate: string;
      step: number;
      total: number;
      weight: number;
      /** The commit that started this rollout (its parent holds the pre-rollout files). */
      startCommit: string;
      /** The commit that set the current weight (or the resume commit after it). */
      stepCommit: string;
      stepStartedAt: Date;
      /** Newest judgment recorded in notes for this step, if any. */
      lastJudgedAt?: Date;
      /** Failed judgments counted over the whole rollout. */
      failedChecks: number;
      /** The newest git-canary commit of this service (baseline for detecting a person's edits). */
      lastCommit: string;
    }
  | {
      phase: 'paused';
      rollout: string;
      candidate: string;
      step: number;
      total: number;
      weight: number;
      startCommit: string;
      failedChecks: number;
      pausedAt: Date;
      reason: string;
      lastCommit: string;
    };

/** What the I/O layer observed this tick; every field is a fact, not a decision. */
export interface Observations {
  /** Candidate tip sha. */
  candidateSha: string;
  /** Candidate's release files equal production's (byte for byte). */
  candidateEqualsProduction: boolean;
  /** Candidate's release files equal those of the candidate the current/last rollout tested. */
  candidateMatchesRollout: boolean;
  /** A managed file on production differs from the newest git-canary commit of this service (a person edited it). */
  managedFilesEditedBy?: { files: string[]; commit?: string };
}

export interface DecideInput {
  service: string;
  steps: readonly number[];
  intervalMs: number;
  /** Failed judgments that trigger rollback. */
  threshold: number;
  /** False when the service has no analysis: steps advance on interval alone. */
  hasAnalysis: boolean;
  state: RolloutState;
  observed: Observations;
  /** Present only when decide() asked for it (decision `analyze`) and the checks ran. */
  judgment?: Judgment;
  now: Date;
}

/** The output vocabulary of `tick` (PRODUCT.md); `analyze` is internal: run checks, then decide again. */
export type DecisionKind = 'start' | 'step' | 'promote' | 'rollback' | 'hold' | 'pause' | 'none';

export type Decision =
  | { kind: 'none'; reason: string }
  | { kind: 'analyze'; reason: string }
  | { kind: 'start'; reason: string; step: 1; total: number; weight: number; restart: boolean }
  | { kind: 'step'; reason: string; step: number; total: number; weight: number; judgment?: Judgment }
  | { kind: 'promote'; reason: string; judgment?: Judgment }
  | { kind: 'rollback'; reason: string; judgment?: Judgment; failedChecks: number }
  /** No file changes. `recordFailure` means a failed judgment below threshold: write it to notes. */
  | { kind: 'hold'; reason: string; judgment?: Judgment; recordFailure: boolean; failedChecks: number }
  | { kind: 'pause'; reason: string; files: string[] }
  /** Only from `git-canary resume` (a person's decision); decide() never returns it. */
  | { kind: 'resume'; reason: string };
