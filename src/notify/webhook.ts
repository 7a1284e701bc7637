/**
 * A generic webhook: the neutral message as one JSON document (the shape
 * below is public: fields may be added, never renamed). With `secret`, the
 * request carries `X-Git-Canary-Signature: sha256=<hex HMAC-SHA256 of the raw
 * body>`, computed as GitHub signs its webhooks (X-Hub-Signature-256), so
 * the receiver can check it with the same few lines.
 */
import { createHmac } from 'node:crypto';
import * as z from 'zod';
import type { NotifyMessage } from './message.ts';
import { type Sender, JSON_HEADERS } from './sender.ts';
import { targetFields } from './schema.ts';

export const SIGNATURE_HEADER = 'x-git-canary-signature';
export const EVENT_HEADER = 'x-git-canary-event';

export const WebhookTarget = z
  .strictObject({
    type: z.literal('webhook').describe('Any HTTP endpoint; the message is a JSON document.'),
    ...targetFields,
    secret: z
      .string()
      .min(16, { error: 'must be at least 16 characters: a short secret is guessed' })
      .optional()
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
      .describe('Signs each request: X-Git-Canary-Signature: sha256=<hex HMAC-SHA256 of the body>. Write it as ${ENV}; it is never logged.'),
  })
  .describe('A generic JSON webhook, optionally signed with HMAC-SHA256.');
export type WebhookTarget = z.output<typeof WebhookTarget>;

/** The JSON document a webhook receives. */
export interface WebhookDocument {
  /** Version of this document's shape. */
  version: 1;
  event: NotifyMessage['event'];
  service: string;
  weight: number | null;
  /** `2/3`, as `tick --json` writes it. */
  step: string | null;
  checks: NotifyMessage['checks'];
  reason: string;
  rollout: string | null;
  commit: string | null;
  commitUrl: string | null;
  actor: string | null;
  at: string;
}

export function webhookDocument(m: NotifyMessage): WebhookDocument {
  return {
    version: 1,
    event: m.event,
    service: m.service,
    weight: m.weight,
    step: m.step ? `${m.step.index}/${m.step.total}` : null,
    checks: m.checks,
    reason: m.reason,
    rollout: m.rollout,
    commit: m.commit?.sha ?? null,
    commitUrl: m.commit?.url ?? null,
    actor: m.actor ?? null,
    at: m.at,
  };
}

/** `sha256=<hex>` of `body` under `secret`: GitHub's X-Hub-Signature-256 scheme. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export const webhook = {
  type: 'webhook',
  schema: WebhookTarget,
  build(m, target) {
    const body = JSON.stringify(webhookDocument(m));
    const headers: Record<string, string> = { ...JSON_HEADERS, [EVENT_HEADER]: m.event };
    if (target.secret !== undefined) headers[SIGNATURE_HEADER] = signature(target.secret, body);
    return { body, headers };
  },
} satisfies Sender<'webhook', typeof WebhookTarget>;
