/**
 * Schema pieces metric source plug-ins share: the HTTP headers, the per-query
 * timeout and an http(s) address. Each source composes its own `metrics.<name>`
 * block from them next to its `query`, so a field is declared where it is used.
 */
import * as z from 'zod';
import { Duration, unlessMissing } from '../config/schema-base.ts';

/** `headers:` sent with every request; values are secrets (registered and redacted by config/env.ts). */
export const HeadersConfig = z
  .record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: 'is not a valid HTTP header name' }), z.string())
  .optional()
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
  .describe('HTTP headers sent with every query, e.g. Authorization. Use ${ENV} for secrets: they are never logged.');

/** `timeout:` of one query (default `fallback`). */
export function timeoutConfig(fallback: string) {
  return Duration.refine((ms) => ms > 0, { error: 'must be longer than 0s' })
    .prefault(fallback)
    .describe(`How long one query may take, e.g. ${fallback}.`);
}

/** An http(s) URL, with an example for its error message. */
export function httpUrl(example: string) {
  return z.url({ protocol: /^https?$/, error: unlessMissing(`must be an http(s) URL such as ${example}`) });
}
