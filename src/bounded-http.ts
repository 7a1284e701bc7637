/**
 * The one way git-canary talks to a server it was configured with (a metrics
 * source, the Kubernetes API, a notification webhook): credentials in headers
 * must stay with their host, and a broken or hostile server must not hang a
 * tick or fill memory. The answer's status is the caller's to judge; a
 * transport failure throws axios' error (describeRequestError in
 * src/metrics/redact.ts reads it).
 *
 * axios loads on the first request: a command that asks no server anything
 * (`--help`, a tick with nothing to query) never loads it.
 */
import type https from 'node:https';
import type { AxiosResponse } from 'axios';

export interface BoundedGetOptions {
  headers: Record<string, string>;
  /** The whole request, body included, ends after this. */
  timeoutMs: number;
  /** Answers larger than this are an error, never read whole. */
  maxBytes: number;
  /** Aborts the request too (the tick's deadline). */
  signal?: AbortSignal;
  httpsAgent?: https.Agent;
}

export interface BoundedSendOptions extends BoundedGetOptions {
  method: 'GET' | 'POST' | 'DELETE';
  /** Sent byte for byte as given (the caller sets Content-Type; a signed body must not be re-encoded). */
  body?: string;
}

/** `method` `url` as text: no redirects followed, at most `maxBytes` each way, ended at the timeout or the signal; any status resolves. */
export async function boundedSend(url: string, o: BoundedSendOptions): Promise<AxiosResponse<string>> {
  const { default: axios } = await import('axios');
  const timeout = AbortSignal.timeout(o.timeoutMs);
  return axios.request<string>({
    url,
    method: o.method,
    headers: o.headers,
    ...(o.body === undefined ? {} : { data: o.body }),
    // axios' own timeout starts after connecting; the signal bounds the whole exchange.
    timeout: o.timeoutMs,
    signal: o.signal ? AbortSignal.any([timeout, o.signal]) : timeout,
    ...(o.httpsAgent ? { httpsAgent: o.httpsAgent } : {}),
    // A redirect would carry the configured headers (a token) to another host: it is reported instead.
    maxRedirects: 0,
    maxContentLength: o.maxBytes,
    maxBodyLength: o.maxBytes,
    responseType: 'text',
    transformRequest: [(body: unknown) => body],
    transformResponse: [(body: unknown) => body],
    validateStatus: () => true,
  });
}

/** GET `url` as boundedSend does. */
export function boundedGet(url: string, o: BoundedGetOptions): Promise<AxiosResponse<string>> {
  return boundedSend(url, { ...o, method: 'GET' });
}
