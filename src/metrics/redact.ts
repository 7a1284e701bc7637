/**
 * Keeping secrets out of errors for HTTP metric sources. Configured headers
 * (Authorization, API keys) and credentials in the address must never reach an
 * error's message, `where`, `data` or `cause`; an axios error carries the
 * request config, headers included, so it is never kept as a cause.
 */
import { formatDuration } from '../config/duration.ts';
import { AUTH_SCHEMES, basicFormsOf, encodingsOf, registerHeaderValue, registerUrlSecrets, SECRET_PARAM, secretParamValues } from '../secrets.ts';

/**
 * The address as it may be shown: no user-info, no fragment; its query string
 * kept (it is sent with every query) with the values of credential-named
 * parameters (`access_token`, `api_key`…) shown as `***`.
 */
export function safeAddress(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    url.hash = '';
    const params = [...url.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${SECRET_PARAM.test(k) ? '***' : encodeURIComponent(v)}`);
    url.search = '';
    const base = url.href.replace(/\/+$/, '');
    return params.length > 0 ? `${base}?${params.join('&')}` : base;
  } catch {
    return raw.replace(/\/\/[^/]*@/, '//').replace(/[?#].*$/, '');
  }
}

/**
 * Strings that must never be shown: header values (and their words) and
 * address credentials, in every encoding (raw, URL-encoded, base64, the Basic
 * value of user-info). Also registered with the run's secrets (src/secrets.ts),
 * so every output of the run scrubs them.
 */
export function secretsOf(address: string, headers: Record<string, string> | undefined): string[] {
  registerUrlSecrets(address);
  const out: string[] = [];
  for (const value of Object.values(headers ?? {})) {
    registerHeaderValue(value);
    for (const s of [value, ...value.split(/\s+/).filter((word) => !AUTH_SCHEMES.test(word))]) out.push(...encodingsOf(s));
  }
  let url: URL | undefined;
  try {
    url = new URL(address);
  } catch {
    // An unparsable address is never used for a request.
  }
  if (url) {
    for (const part of [url.username, url.password, url.search.slice(1)]) out.push(part, safeDecode(part));
    if (url.password) out.push(...encodingsOf(safeDecode(url.password)), ...basicFormsOf(safeDecode(url.username), safeDecode(url.password)));
    for (const value of secretParamValues(url)) out.push(...encodingsOf(value));
  }
  // Very short fragments would mangle ordinary text without protecting anything.
  return [...new Set(out.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
}

/** Percent-decodes what can be decoded; a stray "%zz" stays as it is. */
function safeDecode(s: string): string {
  return s.replace(/(%[0-9A-Fa-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join('[redacted]');
  return out;
}

export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 500)}…` : line;
}

export function describeRequestError(e: unknown, timeoutMs: number): { reason: string; code?: string } {
  const err = (e ?? {}) as { code?: unknown; message?: unknown; name?: unknown };
  const code = typeof err.code === 'string' ? err.code : undefined;
  const name = typeof err.name === 'string' ? err.name : '';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || name === 'TimeoutError' || code === 'ERR_CANCELED') {
    return { reason: `no answer within ${formatDuration(timeoutMs)}`, code: code ?? 'ETIMEDOUT' };
  }
  if (code === 'ECONNREFUSED') return { reason: 'connection refused', code };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { reason: 'host not found', code };
  if (code === 'ECONNRESET') return { reason: 'connection reset', code };
  if (code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE') {
    return { reason: 'response too large or unreadable', code };
  }
  const message = typeof err.message === 'string' ? oneLine(err.message) : 'request failed';
  return { reason: code ? `${message} (${code})` : message, code };
}

/** A plain Error with a scrubbed message: the original axios error holds the request headers. */
export function scrubbedCause(reason: string, code: string | undefined, secrets: readonly string[]): Error {
  const cause = new Error(redact(reason, secrets));
  if (code) (cause as Error & { code?: string }).code = code;
  return cause;
}
