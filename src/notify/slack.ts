/**
 * Slack: an incoming webhook (https://hooks.slack.com/services/…) gets a Block
 * Kit message: a header naming service, decision and weight, the reason, the
 * checks judged, and the commit (a link when the repository is on GitHub).
 * `text` is the fallback Slack shows in notifications. Person-written text is
 * mrkdwn-escaped and every text is clipped to Block Kit's limits.
 */
import type { ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import * as z from 'zod';
import { checkValue, headline, type NotifyMessage, weightText } from './message.ts';
import { type Sender, JSON_HEADERS } from './sender.ts';
import { noSecret, targetFields } from './schema.ts';
import { clip, escapeMrkdwn } from './text.ts';

/** Block Kit limits (docs.slack.dev, "Blocks"): header plain_text, section text, context elements. */
export const SLACK_LIMITS = { header: 150, section: 3000, context: 10, fallback: 3000 } as const;

export const SlackTarget = z
  .strictObject({
    type: z.literal('slack').describe('A Slack incoming webhook; the message is Block Kit.'),
    ...targetFields,
    secret: noSecret('slack'),
  })
  .describe('Slack incoming webhook (Block Kit message).');
export type SlackTarget = z.output<typeof SlackTarget>;

const OUTCOME_MARK: Record<string, string> = { pass: '✅', fail: '❌', inconclusive: '⚪', 'no-data': '⚪', error: '⚠️' };

function checksText(m: NotifyMessage): string {
  return m.checks
    .map((c) => `${OUTCOME_MARK[c.outcome] ?? '•'} \`${escapeMrkdwn(c.name)}\` ${checkValue(c.value)} — ${escapeMrkdwn(c.outcome)}`)
    .join('\n');
}

function commitText(m: NotifyMessage): string {
  if (!m.commit) return 'no commit (nothing was recorded)';
  return m.commit.url ? `commit <${m.commit.url}|${m.commit.short}>` : `commit \`${m.commit.short}\``;
}

/** The Block Kit blocks of one message. */
export function slackBlocks(m: NotifyMessage): KnownBlock[] {
  const weight = weightText(m);
  const summary = [`*${escapeMrkdwn(m.service)}*`, `decision *${m.event}*`, ...(weight ? [`weight *${weight}*`] : [])].join(' · ');
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline(m), SLACK_LIMITS.header), emoji: false } } satisfies HeaderBlock,
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${summary}\n${escapeMrkdwn(m.reason)}`, SLACK_LIMITS.section) } } satisfies SectionBlock,
  ];
  if (m.checks.length > 0) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(checksText(m), SLACK_LIMITS.section) } } satisfies SectionBlock);
  }
  const context = [commitText(m), ...(m.rollout ? [`rollout \`${escapeMrkdwn(m.rollout)}\``] : []), ...(m.actor ? [`by ${escapeMrkdwn(m.actor)}`] : [])];
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(context.join(' · '), SLACK_LIMITS.section) }] } satisfies ContextBlock);
  return blocks;
}

export const slack = {
  type: 'slack',
  schema: SlackTarget,
  build(m) {
    const text = clip(`${headline(m, escapeMrkdwn)}: ${escapeMrkdwn(m.reason)}`, SLACK_LIMITS.fallback);
    return { body: JSON.stringify({ text, blocks: slackBlocks(m) }), headers: { ...JSON_HEADERS } };
  },
} satisfies Sender<'slack', typeof SlackTarget>;
