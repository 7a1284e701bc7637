/**
 * The one way git-canary GETs from a server it was configured with (a metrics
 * source, the Kubernetes API): credentials in headers must stay with their
 * host, and a broken or hostile server must not hang a tick or fill memory.
 * The answer's status is the caller's to judge; a transport failure throws
 * axios' error (describeRequestError in src/metrics/redact.ts reads it).
 */
import type https from 'node:https';
import axios, { type AxiosResponse } from 'axios';

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

/** GET `url` as text: no redirects followed, at most `maxBytes`, ended at the timeout or the signal; any status resolves. */
export function boundedGet(url: string, o: BoundedGetOptions): Promise<AxiosResponse<string>> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  return axios.get<string>(url, {
    headers: o.headers,
    timeout: o.timeoutMs,
    signal: o.signal ? AbortSignal.any([timeout, o.signal]) : timeout,
    ...(o.httpsAgent ? { httpsAgent: o.httpsAgent } : {}),
    // A redirect would carry the configured headers (a token) to another host: it is reported instead.
    maxRedirects: 0,
    maxContentLength: o.maxBytes,
    maxBodyLength: o.maxBytes,
    responseType: 'text',
    transformResponse: [(body: unknown) => body],
    validateStatus: () => true,
  });
}
