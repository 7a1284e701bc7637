/**
 * A tiny smart-HTTP git server for tests: every bare repository under `root`
 * is served by the real `git http-backend` (CGI), fetch and push, with
 * optional Basic auth.
 *
 *   const server = await start({ root, auth: { username: 'x-access-token', password: 't0ken' } });
 *   const url = `${server.url}/repo.git`;   // root/repo.git
 *   ...
 *   await server.close();
 */
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GIT_ENV } from './git-fixtures.ts';

export interface GitHttpServerOptions {
  /** Directory holding the repositories (`GIT_PROJECT_ROOT`). */
  root: string;
  /** Require these Basic credentials; anything else gets 401. */
  auth?: { username: string; password: string };
  /** Whether upload-pack honours `--filter` (default true, like GitHub and GitLab); false: it ignores filters and sends everything. */
  filters?: boolean;
}

export interface GitHttpServer {
  /** `http://127.0.0.1:<port>`; a repository `root/x.git` is at `${url}/x.git`. */
  url: string;
  /** One line per request, `METHOD /path?query STATUS`, for assertions on traffic. */
  requests: string[];
  close(): Promise<void>;
}

function authorized(req: IncomingMessage, auth: GitHttpServerOptions['auth']): boolean {
  if (!auth) return true;
  const expected = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  return req.headers.authorization === expected;
}

/** Split CGI output into status, headers and the rest of the body. */
function parseCgiHead(head: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
    else headers[name] = value;
  }
  return { status, headers };
}

function handle(options: GitHttpServerOptions, req: IncomingMessage, res: ServerResponse, log: string[]): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const record = (status: number) => log.push(`${req.method} ${url.pathname}${url.search} ${status}`);
  if (!authorized(req, options.auth)) {
    record(401);
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"', 'Content-Type': 'text/plain' });
    res.end('authentication required\n');
    req.resume();
    return;
  }
  const child = spawn('git', ['http-backend'], {
    env: {
      ...GIT_ENV,
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: '1',
      // Same as http.receivepack=true in each repository's config; filters
      // allowed like on GitHub and GitLab (native git's partial clone).
      GIT_CONFIG_COUNT: '2',
      GIT_CONFIG_KEY_0: 'http.receivepack',
      GIT_CONFIG_VALUE_0: 'true',
      GIT_CONFIG_KEY_1: 'uploadpack.allowFilter',
      GIT_CONFIG_VALUE_1: options.filters === false ? 'false' : 'true',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      REMOTE_USER: options.auth?.username ?? '',
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => {}); // the backend may exit before reading everything
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });

  let buffered = Buffer.alloc(0);
  let headSent = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (headSent) {
      res.write(chunk);
      return;
    }
    buffered = Buffer.concat([buffered, chunk]);
    const crlf = buffered.indexOf('\r\n\r\n');
    const lf = buffered.indexOf('\n\n');
    const end = crlf !== -1 && (lf === -1 || crlf < lf) ? { at: crlf, len: 4 } : lf !== -1 ? { at: lf, len: 2 } : undefined;
    if (!end) return;
    const { status, headers } = parseCgiHead(buffered.subarray(0, end.at).toString('latin1'));
    record(status);
    res.writeHead(status, headers);
    headSent = true;
    res.write(buffered.subarray(end.at + end.len));
  });
  child.on('close', (code) => {
    if (!headSent) {
      record(500);
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`git http-backend failed (${code}): ${stderr}`);
      return;
    }
    res.end();
  });
}

/** Start a server on 127.0.0.1 with a free port. */
export async function start(options: GitHttpServerOptions): Promise<GitHttpServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => handle(options, req, res, requests));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
