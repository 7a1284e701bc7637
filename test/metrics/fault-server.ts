/**
 * A small local HTTP server for the metrics faults a real Prometheus cannot
 * produce: no answer, a body that trickles, 5xx, an HTML page with 200,
 * malformed JSON, a redirect to another host, a huge body, warnings, 401/403,
 * and bodies that echo the request's headers back (to provoke leaks).
 *
 * The fault is the first path segment of the address: a source configured with
 * `http://127.0.0.1:<port>/<fault>` gets `/<fault>/api/v1/query?...`, so one
 * server serves every fault, in and out of process (the CLI's address comes
 * from `${PROMETHEUS_URL}`).
 */
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  fault: string;
  url: string;
  headers: IncomingHttpHeaders;
}

export interface FaultServer {
  /** Base URL without a fault: `${url}/<fault>` is an address. */
  url: string;
  address(fault: Fault): string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export const FAULTS = [
  'hang',
  'slow-body',
  'http-500',
  'http-502-html',
  'http-503',
  'html-200',
  'malformed-json',
  'empty-200',
  'redirect-other-host',
  'huge',
  'multi-series',
  'warnings',
  'http-401',
  'http-403',
  'echo-400',
  'echo-500',
  'echo-github-401',
] as const;
export type Fault = (typeof FAULTS)[number];

const vector = (...values: string[]) =>
  JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: values.map((v, i) => ({ metric: { pod: `p${i}` }, value: [1704069000, v] })) },
  });

/** Everything the request carried, as a proxy that echoes it would show it. */
function echo(url: string, headers: IncomingHttpHeaders): string {
  return `${url} ${Object.entries(headers)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' | ')}`;
}

export interface FaultServerOptions {
  /** Where `redirect-other-host` points (another server: it must never be asked). */
  redirectTo?: string;
  /** How long `slow-body` keeps trickling (ms); default 4000. */
  trickleMs?: number;
  /** Size of the `huge` body in bytes; default 12 MiB. */
  hugeBytes?: number;
}

export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const seen: SeenRequest[] = [];
  const open = new Set<ServerResponse>();
  const timers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    const fault = url.split('/')[1] ?? '';
    seen.push({ fault, url, headers: req.headers });
    open.add(res);
    res.on('close', () => open.delete(res));
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
    };
    switch (fault as Fault) {
      case 'hang':
        return; // never answers
      case 'slow-body': {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":"success","data":{"resultType":"vector","result":[');
        const end = Date.now() + (options.trickleMs ?? 4000);
        const t = setInterval(() => {
          if (Date.now() > end || res.destroyed) {
            clearInterval(t);
            timers.delete(t);
            if (!res.destroyed) res.end(']}}');
            return;
          }
          res.write(' ');
        }, 50);
        timers.add(t);
        return;
      }
      case 'http-500':
        return send(500, JSON.stringify({ status: 'error', errorType: 'internal', error: 'query engine crashed' }));
      case 'http-502-html':
        return send(502, '<html><body><h1>502 Bad Gateway</h1></body></html>', { 'content-type': 'text/html' });
      case 'http-503':
        return send(503, JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }));
      case 'html-200':
        return send(200, '<!doctype html><html><head><title>Login</title></head><body>Please sign in</body></html>', {
          'content-type': 'text/html',
        });
      case 'malformed-json':
        return send(200, '{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1704069000,"99.9"');
      case 'empty-200':
        return send(200, '');
      case 'redirect-other-host': {
        const target = `${options.redirectTo ?? 'http://elsewhere.invalid'}/api/v1/query?${url.split('?')[1] ?? ''}`;
        return send(302, '', { location: target });
      }
      case 'huge': {
        // A real vector, padded by a label no query needs: larger than any answer may be.
        const bytes = options.hugeBytes ?? 12 * 1024 * 1024;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"status":"success","data":{"resultType":"vector","result":[{"metric":{"pad":"');
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const pump = () => {
          while (sent < bytes) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end('"},"value":[1704069000,"99.9"]}]}}');
        };
        res.on('error', () => undefined);
        return pump();
      }
      case 'multi-series':
        return send(200, vector('99.9', '99.1', '42'));
      case 'warnings':
        return send(
          200,
          JSON.stringify({
            status: 'success',
            warnings: ['partial response: store 10.0.0.7:10901 did not answer'],
            data: { resultType: 'vector', result: [{ metric: {}, value: [1704069000, '99.99'] }] },
          }),
        );
      case 'http-401':
        return send(401, `Unauthorized: ${echo(url, req.headers)}`, { 'content-type': 'text/plain', 'www-authenticate': 'Basic realm="prom"' });
      case 'http-403':
        return send(403, JSON.stringify({ status: 'error', errorType: 'forbidden', error: `forbidden: ${echo(url, req.headers)}` }));
      case 'echo-400':
        return send(400, JSON.stringify({ status: 'error', errorType: 'bad_data', error: `you sent ${echo(url, req.headers)}` }));
      case 'echo-500':
        return send(500, JSON.stringify({ status: 'error', errorType: 'internal', error: `upstream failed for ${echo(url, req.headers)}` }));
      case 'echo-github-401':
        // The shape of a GitHub API error, its message quoting the request.
        return send(401, JSON.stringify({ message: `Bad credentials for ${echo(url, req.headers)}`, documentation_url: 'https://docs.github.com/rest' }));
      default:
        return send(404, `unknown fault ${fault}`, { 'content-type': 'text/plain' });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    address: (fault) => `${url}/${fault}`,
    seen,
    close: async () => {
      for (const t of timers) clearInterval(t);
      for (const res of open) res.destroy();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A server that counts requests and answers a healthy number (the redirect target: it must stay at 0). */
export async function startCountingServer(): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(vector('99.99'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
