/**
 * What a notification plug-in is: its `type`, the zod schema of its
 * `notify:` entry (targetFields plus its own keys), and a pure `build` that
 * turns the neutral message into the exact request body and headers. The
 * POST itself is send.ts's, the same for every sender.
 */
import type { z } from 'zod';
import type { NotifyMessage } from './message.ts';

export interface OutgoingRequest {
  /** The exact bytes to POST (a signature covers these). */
  body: string;
  headers: Record<string, string>;
}

export interface Sender<Type extends string, Schema extends z.ZodType<{ type: Type }>> {
  readonly type: Type;
  readonly schema: Schema;
  build(message: NotifyMessage, target: z.output<Schema>): OutgoingRequest;
}

export const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'git-canary' } as const;
