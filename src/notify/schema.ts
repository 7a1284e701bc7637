/**
 * What every `notify:` entry has, whatever its `type`: where to POST, which
 * events to say, and how long one delivery may take. Each sender (slack.ts,
 * teams.ts, webhook.ts) extends `targetFields` with its own keys; the union of
 * them is composed in index.ts.
 */
import * as z from 'zod';
import { Duration, unlessMissing } from '../config/schema-base.ts';

/**
 * The lifecycle moments a notification is sent for: the decisions of `tick`
 * (PRODUCT.md "CLI contract") that say something happened, and a person's
 * `resume` (a decision only the manual command makes; it is `none` in `tick --json`).
 */
export const NOTIFY_EVENTS = ['start', 'step', 'promote', 'rollback', 'pause', 'resume', 'hold'] as const;
export type NotifyEventKind = (typeof NOTIFY_EVENTS)[number];

/** All but `step` and `hold`: the moments a person acts on; steps and holds come every few minutes. */
export const DEFAULT_EVENTS: readonly NotifyEventKind[] = NOTIFY_EVENTS.filter((e) => e !== 'step' && e !== 'hold');

/** Longer than this, one slow receiver would hold every tick up; a notification is never worth that. */
export const MAX_TIMEOUT_MS = 30_000;

export const NotifyEvent = z.enum(NOTIFY_EVENTS, {
  error: (iss) => `unknown event ${JSON.stringify(iss.input)}; allowed: ${NOTIFY_EVENTS.join(', ')}`,
});

const TargetUrl = z
  .url({
    protocol: /^https?$/,
    error: unlessMissing('must be an http(s) URL, e.g. https://hooks.slack.com/services/…'),
  })
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
  .describe('Where to POST. A secret (the URL alone authorises a post): write it as ${ENV}; it is never logged or printed.');

/** The keys every sender shares. */
export const targetFields = {
  url: TargetUrl,
  events: z
    .array(NotifyEvent)
    .min(1, { error: 'must list at least one event (remove the notifier to say nothing)' })
    .default([...DEFAULT_EVENTS])
    .describe(`Which decisions to send: ${NOTIFY_EVENTS.join(', ')}. Default: all but step and hold.`),
  timeout: Duration.refine((ms) => ms > 0, { error: 'must be longer than 0s' })
    .refine((ms) => ms <= MAX_TIMEOUT_MS, { error: 'must be at most 30s: a notification never holds a rollout up longer' })
    .prefault('5s')
    .describe('How long one delivery may take, e.g. 5s (at most 30s); a slower receiver is logged and skipped. Parsed as milliseconds.'),
};

/**
 * `secret` on a sender that cannot sign: refused rather than ignored (a
 * setting that is accepted acts). Slack and Teams webhooks are authorised by
 * their URL alone.
 */
export const noSecret = (type: string) =>
  z
    .never({ error: `${type} cannot sign its requests: only type: webhook takes a secret (the ${type} URL itself is the credential)` })
    .optional()
    .describe('Not allowed: only type: webhook signs its requests.');
