/**
 * A local stand-in for Slack's incoming webhooks, a Teams Workflows webhook
 * and a generic webhook receiver: one HTTP server that records every request
 * and checks its payload against the vendor's published shape, answering as
 * the vendor would (Slack `200 ok` or `400 invalid_blocks`, Teams `202`).
 *
 * - `/slack/…`: Block Kit, checked structurally as docs.slack.dev documents
 *   each block git-canary sends (header, section, context): required fields,
 *   closed field lists, text limits (header 150, section 3000, context 10
 *   elements), and that mrkdwn is escaped (`&`, `<`, `>` only as entities or
 *   in a `<https://…|label>` link).
 * - `/teams/…`: the message and its Adaptive Card validated with ajv against
 *   test/fixtures/notify/adaptive-card-1.5.excerpt.schema.json.
 * - `/webhook/…`: the JSON document's fields, and with `secret` the
 *   X-Git-Canary-Signature checked with node:crypto, independently of src/.
 *
 * `mode` makes it misbehave: `fail` answers 500, `slow` never answers (the
 * request is held until the server closes), `redirect` answers 307 to another
 * path of this server (a client that follows it shows up as a second request). `onRequest` runs when a request has
 * arrived, before it is answered (the e2e test looks at the repository then).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

export type NotifyKind = 'slack' | 'teams' | 'webhook';
export type ServerMode = 'ok' | 'fail' | 'slow' | 'redirect';

export interface RecordedRequest {
  kind: NotifyKind | 'unknown';
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as received. */
  body: string;
  json: unknown;
  /** What does not match the published shape; empty when valid. */
  problems: string[];
}

export interface NotifyServer {
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  /** A URL of `kind` with a secret-looking path, like the ones vendors hand out. */
  url(kind: NotifyKind, secretPath?: string): string;
  requests: RecordedRequest[];
  mode: ServerMode;
  /** Called for each request before it is answered. */
  onRequest?: (r: RecordedRequest) => void;
  close(): Promise<void>;
}

const AC_SCHEMA = JSON.parse(readFileSync(new URL('../fixtures/notify/adaptive-card-1.5.excerpt.schema.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormatsModule.default(ajv);
const validateTeams = ajv.compile(AC_SCHEMA);

/** Teams' validation as messages: `/attachments/0/content/body/1: must have required property 'text'`. */
export function teamsProblems(json: unknown): string[] {
  if (validateTeams(json)) return [];
  return (validateTeams.errors ?? []).map((e) => `${e.instancePath || '(root)'}: ${e.message ?? 'invalid'}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Text objects (docs.slack.dev "Composition objects: Text object"): type, text, and emoji/verbatim only. */
function textObject(v: unknown, where: string, max: number, types: readonly string[], out: string[]): void {
  if (!isRecord(v)) return void out.push(`${where}: must be a text object`);
  for (const k of Object.keys(v)) if (!['type', 'text', 'emoji', 'verbatim'].includes(k)) out.push(`${where}: unknown field ${k}`);
  if (typeof v.type !== 'string' || !types.includes(v.type)) out.push(`${where}.type: must be ${types.join(' or ')}`);
  if (typeof v.text !== 'string' || v.text.length === 0) return void out.push(`${where}.text: must be a non-empty string`);
  if ([...v.text].length > max) out.push(`${where}.text: longer than ${max} characters (${[...v.text].length})`);
  if (v.type === 'mrkdwn') mrkdwnEscaped(v.text, `${where}.text`, out);
}

/** `&`, `<` and `>` only as `&amp;` `&lt;` `&gt;`, or inside a `<https://…|label>` link. */
function mrkdwnEscaped(text: string, where: string, out: string[]): void {
  const withoutLinks = text.replace(/<https?:\/\/[^\s<>|]+(\|[^<>]*)?>/g, '');
  if (/[<>]/.test(withoutLinks)) out.push(`${where}: unescaped < or > in mrkdwn`);
  if (/&(?!amp;|lt;|gt;)/.test(withoutLinks)) out.push(`${where}: unescaped & in mrkdwn`);
}

const BLOCK_FIELDS: Record<string, readonly string[]> = {
  header: ['type', 'text', 'block_id'],
  section: ['type', 'text', 'fields', 'accessory', 'block_id', 'expand'],
  context: ['type', 'elements', 'block_id'],
  divider: ['type', 'block_id'],
};

/** An incoming-webhook message with blocks, as Block Kit documents it. */
export function slackProblems(json: unknown): string[] {
  const out: string[] = [];
  if (!isRecord(json)) return ['(root): must be a JSON object'];
  if (typeof json.text !== 'string' || json.text === '') out.push('text: the fallback text must be a non-empty string when blocks are sent');
  else mrkdwnEscaped(json.text, 'text', out);
  if (!Array.isArray(json.blocks) || json.blocks.length === 0) return [...out, 'blocks: must be a non-empty list'];
  if (json.blocks.length > 50) out.push('blocks: at most 50 blocks');
  for (const [i, b] of (json.blocks as unknown[]).entries()) {
    const at = `blocks[${i}]`;
    if (!isRecord(b) || typeof b.type !== 'string') {
      out.push(`${at}: must be a block with a type`);
      continue;
    }
    const fields = BLOCK_FIELDS[b.type];
    if (!fields) {
      out.push(`${at}: block type ${b.type} is not one git-canary sends`);
      continue;
    }
    for (const k of Object.keys(b)) if (!fields.includes(k)) out.push(`${at}: unknown field ${k}`);
    if (typeof b.block_id === 'string' && b.block_id.length > 255) out.push(`${at}.block_id: longer than 255 characters`);
    if (b.type === 'header') textObject(b.text, `${at}.text`, 150, ['plain_text'], out);
    if (b.type === 'section') {
      if (b.text === undefined && b.fields === undefined) out.push(`${at}: a section needs text or fields`);
      if (b.text !== undefined) textObject(b.text, `${at}.text`, 3000, ['plain_text', 'mrkdwn'], out);
      if (b.fields !== undefined) {
        if (!Array.isArray(b.fields) || b.fields.length > 10) out.push(`${at}.fields: at most 10 text objects`);
        else for (const [j, f] of b.fields.entries()) textObject(f, `${at}.fields[${j}]`, 2000, ['plain_text', 'mrkdwn'], out);
      }
    }
    if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) out.push(`${at}.elements: 1 to 10 elements`);
      else for (const [j, e] of b.elements.entries()) textObject(e, `${at}.elements[${j}]`, 3000, ['plain_text', 'mrkdwn'], out);
    }
  }
  return out;
}

const WEBHOOK_FIELDS: Record<string, (v: unknown) => boolean> = {
  version: (v) => v === 1,
  event: (v) => typeof v === 'string' && ['start', 'step', 'promote', 'rollback', 'pause', 'resume', 'hold'].includes(v),
  service: (v) => typeof v === 'string' && v !== '',
  weight: (v) => v === null || Number.isInteger(v),
  step: (v) => v === null || (typeof v === 'string' && /^\d+\/\d+$/.test(v)),
  checks: (v) =>
    Array.isArray(v) &&
    v.every((c) => isRecord(c) && typeof c.name === 'string' && (c.value === null || typeof c.value === 'number') && typeof c.outcome === 'string'),
  reason: (v) => typeof v === 'string' && v !== '',
  rollout: (v) => v === null || typeof v === 'string',
  commit: (v) => v === null || (typeof v === 'string' && /^[0-9a-f]{40}$/.test(v)),
  commitUrl: (v) => v === null || (typeof v === 'string' && /^https:\/\//.test(v)),
  actor: (v) => v === null || typeof v === 'string',
  at: (v) => typeof v === 'string' && !Number.isNaN(Date.parse(v)),
};

/** The webhook document's fields, and its signature when the receiver knows the secret (GitHub's scheme). */
export function webhookProblems(json: unknown, headers: IncomingHttpHeaders, body: string, secret: string | undefined): string[] {
  const out: string[] = [];
  if (!String(headers['content-type']).startsWith('application/json')) out.push(`content-type: ${headers['content-type']}`);
  if (!isRecord(json)) return [...out, '(root): must be a JSON object'];
  for (const [k, ok] of Object.entries(WEBHOOK_FIELDS)) if (!ok(json[k])) out.push(`${k}: unexpected ${JSON.stringify(json[k])}`);
  if (headers['x-git-canary-event'] !== json.event) out.push('x-git-canary-event: does not name the document\'s event');
  if (secret !== undefined) {
    const given = String(headers['x-git-canary-signature'] ?? '');
    const expected = `sha256=${createHmac('sha256', secret).update(Buffer.from(body, 'utf8')).digest('hex')}`;
    const same = given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    if (!same) out.push(`x-git-canary-signature: ${given ? 'does not verify' : 'missing'}`);
  }
  return out;
}

function answer(res: ServerResponse, kind: RecordedRequest['kind'], problems: string[], mode: ServerMode): void {
  if (mode === 'fail') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
  if (mode === 'redirect') return void res.writeHead(307, { location: `/${kind}/moved` }).end();
  if (problems.length > 0) return void res.writeHead(400, { 'content-type': 'text/plain' }).end(kind === 'slack' ? 'invalid_blocks' : problems.join('\n'));
  if (kind === 'slack') return void res.writeHead(200, { 'content-type': 'text/html' }).end('ok');
  if (kind === 'teams') return void res.writeHead(202).end();
  res.writeHead(204).end();
}

export async function startNotifyServer(o: { mode?: ServerMode; webhookSecret?: string } = {}): Promise<NotifyServer> {
  const requests: RecordedRequest[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const kind = (['slack', 'teams', 'webhook'] as const).find((k) => path.startsWith(`/${k}/`)) ?? 'unknown';
      let json: unknown;
      const problems: string[] = [];
      if (req.method !== 'POST') problems.push(`method ${req.method}: webhooks take POST`);
      try {
        json = JSON.parse(body);
      } catch {
        problems.push('body: not JSON');
      }
      if (json !== undefined) {
        if (kind === 'slack') problems.push(...slackProblems(json));
        if (kind === 'teams') problems.push(...teamsProblems(json));
        if (kind === 'webhook') problems.push(...webhookProblems(json, req.headers, body, o.webhookSecret));
        if (kind === 'unknown') problems.push(`path ${path}: no receiver here`);
      }
      const recorded: RecordedRequest = { kind, method: req.method ?? '', path, headers: req.headers, body, json, problems };
      requests.push(recorded);
      ns.onRequest?.(recorded);
      if (ns.mode === 'slow') return void held.push(res);
      answer(res, kind, problems, ns.mode);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ns: NotifyServer = {
    origin,
    url: (kind, secretPath = 'T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX') => `${origin}/${kind}/${secretPath}`,
    requests,
    mode: o.mode ?? 'ok',
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return ns;
}
