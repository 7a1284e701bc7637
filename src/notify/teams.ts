/**
 * Microsoft Teams: a Workflows webhook ("Post to a channel when a webhook
 * request is received") gets a message whose one attachment is an Adaptive
 * Card (version 1.5): a heading naming service, decision and weight, the
 * reason, a FactSet of weight, commit and checks, and a button to the commit
 * when the repository is on GitHub. Workflows accept Adaptive Cards only (not
 * the retired connectors' MessageCard). Person-written text is escaped for
 * TextBlock markdown.
 */
import * as z from 'zod';
import { checkValue, headline, type NotifyMessage, weightText } from './message.ts';
import { type Sender, JSON_HEADERS } from './sender.ts';
import { noSecret, targetFields } from './schema.ts';
import { clip, escapeTeamsMarkdown } from './text.ts';

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
export const ADAPTIVE_CARD_VERSION = '1.5';
/** Teams shows about this much of a card's text; longer reasons are cut rather than refused. */
const MAX_TEXT = 2000;
/** Teams refuses messages over 28 KB: a card lists this many checks, then says how many more. */
const MAX_CHECK_FACTS = 20;

export const TeamsTarget = z
  .strictObject({
    type: z.literal('teams').describe('A Microsoft Teams Workflows webhook; the message is an Adaptive Card.'),
    ...targetFields,
    secret: noSecret('teams'),
  })
  .describe('Microsoft Teams Workflows webhook (Adaptive Card message).');
export type TeamsTarget = z.output<typeof TeamsTarget>;

interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  weight?: 'bolder';
  size?: 'medium';
  style?: 'heading';
  isSubtle?: boolean;
}
interface FactSet {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}
interface OpenUrl {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}
export interface AdaptiveCard {
  $schema: string;
  type: 'AdaptiveCard';
  version: string;
  body: (TextBlock | FactSet)[];
  actions?: OpenUrl[];
}

const md = (text: string) => clip(escapeTeamsMarkdown(text), MAX_TEXT);

export function adaptiveCard(m: NotifyMessage): AdaptiveCard {
  const facts = [
    { title: 'Service', value: md(m.service) },
    { title: 'Decision', value: m.event },
    ...(m.weight !== null ? [{ title: 'Weight', value: weightText(m) }] : []),
    { title: 'Commit', value: m.commit ? m.commit.short : 'none (nothing was recorded)' },
    ...(m.rollout ? [{ title: 'Rollout', value: md(m.rollout) }] : []),
    ...(m.actor ? [{ title: 'By', value: md(m.actor) }] : []),
    ...m.checks.slice(0, MAX_CHECK_FACTS).map((c) => ({ title: md(c.name), value: `${checkValue(c.value)} — ${md(c.outcome)}` })),
    ...(m.checks.length > MAX_CHECK_FACTS ? [{ title: 'More checks', value: `${m.checks.length - MAX_CHECK_FACTS} more (see git-canary status)` }] : []),
  ];
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    body: [
      { type: 'TextBlock', text: clip(headline(m, escapeTeamsMarkdown), MAX_TEXT), wrap: true, weight: 'bolder', size: 'medium', style: 'heading' },
      { type: 'TextBlock', text: md(m.reason), wrap: true },
      { type: 'FactSet', facts },
    ],
    ...(m.commit?.url ? { actions: [{ type: 'Action.OpenUrl', title: `View commit ${m.commit.short}`, url: m.commit.url }] } : {}),
  };
}

export const teams = {
  type: 'teams',
  schema: TeamsTarget,
  build(m) {
    const message = { type: 'message', attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, contentUrl: null, content: adaptiveCard(m) }] };
    return { body: JSON.stringify(message), headers: { ...JSON_HEADERS } };
  },
} satisfies Sender<'teams', typeof TeamsTarget>;
