/**
 * The I/O around one judgment of a tick: whether Argo CD or Flux applied the
 * step (`applied:`), the checks run over the step's window, and the note a
 * judgment record carries. decide() stays pure: these are its observations
 * and what its decisions record.
 */
import type { Judgment } from '../analysis/types.ts';
import { resolveAnalysis } from '../analysis/resolve.ts';
import { observeApplied } from '../applied/index.ts';
import type { GitCanaryConfig, ServiceConfig } from '../config/index.ts';
import type { AppliedObservation, JudgmentNote, RecordedCheck, ServiceObservations } from '../engine/types.ts';
import { runAnalysis } from '../metrics/run-checks.ts';

/**
 * What Argo CD or Flux say of the rollout's newest record, when the service
 * waits for them and the step has traffic to judge; undefined otherwise.
 */
export async function appliedState(
  config: Pick<GitCanaryConfig, 'kubernetes'>,
  service: Pick<ServiceConfig, 'applied'>,
  obs: ServiceObservations,
  signal?: AbortSignal,
): Promise<AppliedObservation | undefined> {
  const s = obs.state;
  if (!service.applied || s.phase !== 'progressing' || s.weight === 0) return undefined;
  return observeApplied({
    applied: service.applied,
    kubernetes: config.kubernetes,
    commit: s.lastCommit,
    production: obs.history,
    ...(signal ? { signal } : {}),
  });
}

export interface JudgmentContext {
  /** The judgment's time (instant queries). */
  time: Date;
  /** The start of the step's window (range queries of mann-whitney). */
  windowStart: Date;
  /** First values of checks compared with their own start, recorded so far. */
  references: Record<string, number>;
  signal?: AbortSignal;
}

/** Runs the service's checks (built-in ones resolved against production's files) once, and judges them. */
export function judgeStep(config: GitCanaryConfig, name: string, service: ServiceConfig, obs: ServiceObservations, ctx: JudgmentContext): Promise<Judgment> {
  return runAnalysis(config.metrics, resolveAnalysis(service, obs.production, { service: name }), ctx);
}

/** A check as a note or a tick result records it: value and outcome, and what explains them. */
export function recordedCheck(c: Judgment['checks'][number]): RecordedCheck {
  const cmp = c.comparison;
  return {
    name: c.name,
    value: c.value !== null && Number.isFinite(c.value) ? c.value : null,
    outcome: c.outcome,
    ...(c.min !== undefined ? { min: c.min } : {}),
    ...(c.max !== undefined ? { max: c.max } : {}),
    ...(c.critical ? { critical: true } : {}),
    ...(cmp && Number.isFinite(cmp.reference) ? { reference: cmp.reference, from: cmp.from } : {}),
    ...(cmp?.pValue !== undefined && Number.isFinite(cmp.pValue) ? { pValue: cmp.pValue } : {}),
    ...(cmp?.effectSize !== undefined && (cmp.effectSize === null || Number.isFinite(cmp.effectSize)) ? { effectSize: cmp.effectSize } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
  };
}

/** The note of a judgment record: outcome, every check, the critical ones that failed, the request floor. */
export function judgmentNote(j: Judgment): Omit<JudgmentNote, 'service' | 'rollout' | 'at'> {
  return {
    outcome: j.outcome,
    checks: j.checks.map(recordedCheck),
    ...(j.critical.length > 0 ? { critical: [...j.critical] } : {}),
    ...(j.requests ? { requests: { value: j.requests.value, min: j.requests.min } } : {}),
  };
}
