/**
 * The one POST a notification makes. Bounded (the target's timeout covers
 * connecting, sending and reading the answer), no redirects (a redirect would
 * carry a signed body to a host nobody configured), a small answer read at
 * most, and it never throws: every failure comes back as a reason a person can
 * read, with no URL in it (the URL is the credential).
 */
import { boundedSend } from '../bounded-http.ts';
import { formatDuration } from '../config/duration.ts';
import { scrub } from '../secrets.ts';

/** An answer larger than this is not read whole: receivers answer `ok` or a short error. */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface Delivery {
  url: string;
  /** The exact bytes sent (and signed). */
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export type DeliveryOutcome = { ok: true; status: number } | { ok: false; reason: string };

/** What a log line may say about where a notification went: scheme and host, never path or query. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}/***`;
  } catch {
    return '(not a URL)';
  }
}

/** POST `d.body` to `d.url`; resolves with the outcome, never rejects. */
export async function post(d: Delivery): Promise<DeliveryOutcome> {
  try {
    const res = await boundedSend(d.url, { method: 'POST', body: d.body, headers: d.headers, timeoutMs: d.timeoutMs, maxBytes: MAX_ANSWER_BYTES });
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    return { ok: false, reason: statusReason(res.status, res.statusText, typeof res.data === 'string' ? res.data : '') };
  } catch (e) {
    return { ok: false, reason: transportReason(e, d.timeoutMs) };
  }
}

function statusReason(status: number, statusText: string, body: string): string {
  const said = body.replace(/\s+/g, ' ').trim().slice(0, 120);
  const what = `answered ${status}${statusText ? ` ${statusText}` : ''}`;
  if (status >= 300 && status < 400) return `${what} (a redirect, not followed: point url at the final address)`;
  return scrub(said ? `${what}: ${said}` : what);
}

function transportReason(e: unknown, timeoutMs: number): string {
  // axios' errors and Node's carry the same `code`.
  const code = (e as { code?: string } | undefined)?.code;
  const name = (e as { name?: string } | undefined)?.name;
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED' || name === 'TimeoutError' || name === 'AbortError') {
    return `no answer within ${formatDuration(timeoutMs)} (the notifier's timeout)`;
  }
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection closed before the answer';
  if (code === 'ERR_FR_MAX_BODY_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE') return `an unreadable answer (${code})`;
  // Anything else: its code, or its message without anything that looks like an address.
  const message = e instanceof Error ? e.message.replace(/\bhttps?:\/\/\S+/g, '(url)') : String(e);
  return scrub(code ? `${code}: ${message}` : message);
}
