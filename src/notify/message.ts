/**
 * The neutral notification: what happened to one service, in plain data,
 * before any sender shapes it for Slack, Teams or a webhook. Built from the
 * same result `tick --json` prints, so a message never says more or other than
 * the tick did.
 */
import type { NotifyEventKind } from './schema.ts';

/** One check as judged this tick. */
export interface NotifyCheck {
  name: string;
  value: number | null;
  outcome: string;
}

/** The fields of a tick's (or a manual command's) result a message is made of (a `ServiceTickResult` fits). */
export interface DecisionSummary {
  service: string;
  decision: string;
  weight: number | null;
  /** `2/3`, or null when the rollout is not progressing. */
  step: string | null;
  commit: string | null;
  reason: string;
  checks: readonly NotifyCheck[];
  rollout: string | null;
}

export interface NotifyMessage {
  event: NotifyEventKind;
  service: string;
  /** The canary's weight after the decision (0 after promotion or rollback); null when unknown. */
  weight: number | null;
  step: { index: number; total: number } | null;
  /** The checks of the judgment this decision made; empty when none was made. */
  checks: NotifyCheck[];
  reason: string;
  rollout: string | null;
  /** The commit the decision made on production (none for a hold that records nothing). */
  commit: { sha: string; short: string; url?: string } | null;
  /** Who decided, for a person's decision. */
  actor?: string;
  /** When the decision was made (the tick's clock), ISO 8601. */
  at: string;
}

/** The event a tick's decision is, if it is one (`none` and `error` say nothing happened to the rollout). */
export function eventOf(decision: string): NotifyEventKind | undefined {
  switch (decision) {
    case 'start':
    case 'step':
    case 'promote':
    case 'rollback':
    case 'pause':
    case 'hold':
      return decision;
    default:
      return undefined;
  }
}

function parseStep(step: string | null): NotifyMessage['step'] {
  const m = step ? /^(\d+)\/(\d+)$/.exec(step) : null;
  return m ? { index: Number(m[1]), total: Number(m[2]) } : null;
}

export function buildMessage(
  summary: DecisionSummary,
  o: { event: NotifyEventKind; at: Date; commitUrl?: (sha: string) => string; actor?: string },
): NotifyMessage {
  const sha = summary.commit;
  return {
    event: o.event,
    service: summary.service,
    weight: summary.weight,
    step: parseStep(summary.step),
    checks: summary.checks.map((c) => ({ name: c.name, value: c.value, outcome: c.outcome })),
    reason: summary.reason,
    rollout: summary.rollout,
    commit: sha ? { sha, short: sha.slice(0, 7), ...(o.commitUrl ? { url: o.commitUrl(sha) } : {}) } : null,
    ...(o.actor ? { actor: o.actor } : {}),
    at: o.at.toISOString(),
  };
}

const VERB: Record<NotifyEventKind, string> = {
  start: 'canary started',
  step: 'canary',
  promote: 'promoted',
  rollback: 'rolled back',
  pause: 'paused',
  resume: 'resumed',
  hold: 'holding',
};

/** `25% (step 2/3)`, or `0%` at the end of a rollout; empty when the weight is unknown. */
export function weightText(m: Pick<NotifyMessage, 'weight' | 'step'>): string {
  if (m.weight === null) return '';
  return `${m.weight}%${m.step ? ` (step ${m.step.index}/${m.step.total})` : ''}`;
}

/**
 * One line naming the service, the decision and the weight:
 * `checkout: canary 25% (step 2/3)`. `markup` escapes the service name
 * only (the rest is git-canary's own text), for targets with markup.
 */
export function headline(m: NotifyMessage, markup: (text: string) => string = (t) => t): string {
  const weight = weightText(m);
  const service = markup(m.service);
  if (m.event === 'promote' || m.event === 'rollback') return `${service}: ${VERB[m.event]} — 100% stable`;
  const at = m.event === 'step' ? ` ${weight}` : weight ? ` at ${weight}` : '';
  return `${service}: ${VERB[m.event]}${at}`;
}

/** A check's value as the commit body writes it: up to 4 decimals, `no value` for null. */
export function checkValue(value: number | null): string {
  if (value === null) return 'no value';
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(4)));
}
