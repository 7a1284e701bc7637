/**
 * Notifications (`notify:` in git-canary.yaml, PRODUCT.md "Notifications"):
 * the senders git-canary knows, by `type`. One file per sender; adding one is
 * that file plus one line in SENDERS. The config's union is composed from this
 * list, so a type is declared once.
 *
 * A notification is said after the decision is published, never before, and
 * never changes it: every failure (down, slow, refused) is a logged warning.
 */
import * as z from 'zod';
import { schemasOf } from '../config/schema-base.ts';
import type { Logger } from '../log.ts';
import { registerSecret, registerUrlSecrets, scrubDeep } from '../secrets.ts';
import { buildMessage, type DecisionSummary, eventOf, type NotifyMessage } from './message.ts';
import type { NotifyEventKind } from './schema.ts';
import { post, redactUrl } from './send.ts';
import { slack } from './slack.ts';
import { teams } from './teams.ts';
import { webhook } from './webhook.ts';

export { DEFAULT_EVENTS, NOTIFY_EVENTS, type NotifyEventKind } from './schema.ts';
export type { DecisionSummary, NotifyMessage } from './message.ts';

/** Every sender, in the order the JSON Schema lists them. */
const SENDERS = [slack, teams, webhook] as const;

export const NotifyTarget = z
  .discriminatedUnion('type', schemasOf(SENDERS))
  .describe(`One place to tell about rollouts. \`type\` selects the kind: ${SENDERS.map((s) => s.type).join(', ')}.`);
export type NotifyTarget = z.output<typeof NotifyTarget>;
export type NotifyType = NotifyTarget['type'];

/** The whole `notify:` list (the root config adds it as `notify: NotifyConfig.optional()`). */
export const NotifyConfig = z
  .array(NotifyTarget)
  .describe('Where to tell about rollouts: Slack, Microsoft Teams or any webhook. Sent after each decision is pushed; a failure never affects the rollout.');
export type NotifyConfig = z.output<typeof NotifyConfig>;

export const notifyTypes: readonly NotifyType[] = SENDERS.map((s) => s.type);

/**
 * The URLs and secrets of `targets` are secrets of the run: every output
 * (stdout, stderr, logs, errors, the Action's outputs) scrubs them. The URL's
 * path and query too: that is where Slack and Teams put the credential, and a
 * message may quote it without the host.
 */
export function registerNotifySecrets(targets: readonly NotifyTarget[]): void {
  for (const t of targets) {
    registerSecret(t.url);
    registerUrlSecrets(t.url);
    try {
      const u = new URL(t.url);
      const rest = `${u.pathname}${u.search}`;
      if (rest.length > 1) registerSecret(rest);
    } catch {
      // The schema accepted only URLs; nothing else to register.
    }
    if (t.type === 'webhook') registerSecret(t.secret);
  }
}

/** What one delivery came to, for tests and logs. */
export interface DeliveryReport {
  type: NotifyType;
  to: string;
  event: NotifyEventKind;
  ok: boolean;
  reason?: string;
}

export interface Notifier {
  /**
   * Tell every target that wants it about a published decision (`event`
   * defaults to the decision's own; `none` and `error` say nothing). Resolves
   * once every target answered or timed out, all at once; never rejects.
   */
  notifyDecision(summary: DecisionSummary, o: { at: Date; event?: NotifyEventKind; actor?: string }): Promise<DeliveryReport[]>;
}

export interface NotifierOptions {
  targets: readonly NotifyTarget[];
  log: Logger;
  /** A commit's page, when the repository is on GitHub. */
  commitUrl?: (sha: string) => string;
}

function build(target: NotifyTarget, message: NotifyMessage) {
  const sender = SENDERS.find((s) => s.type === target.type)!;
  // The target was parsed by this sender's own schema (the union's discriminator picked it).
  return (sender.build as (m: NotifyMessage, t: NotifyTarget) => ReturnType<typeof sender.build>)(message, target);
}

async function deliver(target: NotifyTarget, message: NotifyMessage, log: Logger): Promise<DeliveryReport> {
  const to = redactUrl(target.url);
  const report = { type: target.type, to, event: message.event };
  try {
    const request = build(target, message);
    const outcome = await post({ url: target.url, body: request.body, headers: request.headers, timeoutMs: target.timeout });
    if (outcome.ok) {
      log.info({ notify: target.type, to, event: message.event, service: message.service, status: outcome.status }, `notified ${target.type} of ${message.service}: ${message.event}`);
      return { ...report, ok: true };
    }
    log.warn(
      { notify: target.type, to, event: message.event, service: message.service },
      `notification to ${target.type} (${to}) failed: ${outcome.reason} — the rollout is not affected`,
    );
    return { ...report, ok: false, reason: outcome.reason };
  } catch (e) {
    // A bug in a sender is still only a notification that did not go out.
    const reason = e instanceof Error ? e.message : String(e);
    log.warn({ notify: target.type, to, event: message.event, service: message.service }, `notification to ${target.type} (${to}) failed: ${reason}`);
    return { ...report, ok: false, reason };
  }
}

export function createNotifier(o: NotifierOptions): Notifier {
  return {
    async notifyDecision(summary, d) {
      const event = d.event ?? eventOf(summary.decision);
      if (!event) return [];
      const wanting = o.targets.filter((t) => t.events.includes(event));
      if (wanting.length === 0) return [];
      // No secret of the run ever goes out in a message: every string is scrubbed first.
      const message = scrubDeep(buildMessage(summary, { event, at: d.at, ...(o.commitUrl ? { commitUrl: o.commitUrl } : {}), ...(d.actor ? { actor: d.actor } : {}) }));
      return Promise.all(wanting.map((t) => deliver(t, message, o.log)));
    },
  };
}

/** Says nothing: for runs that never notify (dry runs, read-only commands). */
export const silentNotifier: Notifier = { notifyDecision: async () => [] };
