/**
 * A local GitHub for tests: a node:http server answering the REST operations
 * git-canary calls, with in-memory pull requests, reviews, comments, commit
 * statuses and deployments. Its point is honesty: every request is checked
 * against GitHub's published description (test/fixtures/github/openapi-subset.json)
 * — unknown operation, parameter or body field → a violation — and so is every
 * response it sends. Tests assert `fake.violations` is empty.
 *
 *   const fake = await startFakeGitHub({ token: 't0k', owner: 'acme', repo: 'manifests', gitDir });
 *   const gh = createGitHubClient({ token: 't0k', repository, baseUrl: fake.url, paceWrites: false });
 *   ...
 *   assert.deepEqual(fake.violations, []);
 *   await fake.close();
 *
 * With `gitDir` (a bare repository tests push to), an open pull request's head
 * follows its branch, and it becomes merged once its head commit is reachable
 * from the base branch, as on GitHub. Without it, branches live in memory (`setBranch`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type FakeRefs, gitRefs, memoryRefs } from './github-fake-git.ts';
import { type MatchedOperation, loadGitHubDescription } from './github-fake-openapi.ts';
import type { CommentRecord, DeploymentRecord, DeploymentStatusRecord, JsonObject, PullRecord, ReviewRecord, StatusRecord } from './github-fake-render.ts';
import { createRenderer } from './github-fake-render.ts';
import { createRoutes, type Reply } from './github-fake-routes.ts';

export interface FakeGitHubOptions {
  token: string;
  owner: string;
  repo: string;
  /** A bare repository: pull request heads and merges follow its branches. */
  gitDir?: string;
  /** The token's user; default `github-actions[bot]`. */
  login?: string;
  /** Web root for html_url; default https://github.com. */
  web?: string;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

export interface FakeGitHub {
  /** http://127.0.0.1:<port>: pass as GITHUB_API_URL / baseUrl. */
  readonly url: string;
  /** Every way a request or response broke GitHub's description. Tests assert it is empty. */
  readonly violations: string[];
  readonly requests: FakeRequest[];
  /** A review as a person would submit it; `commitId` defaults to the current head. */
  addReview(number: number, o: { user: string; state: ReviewRecord['state']; commitId?: string; body?: string }): JsonObject;
  /** A comment by someone else (a person, another bot). */
  addComment(number: number, o: { user: string; body: string }): JsonObject;
  /** Close a pull request as `by` would in the web UI. */
  closePullRequest(number: number, by: string): void;
  /** Without gitDir: point a branch at a sha (a push). */
  setBranch(branch: string, sha: string): void;
  /** The pull request as GET /pulls/{n} answers it now, or undefined. */
  pullRequest(number: number): (JsonObject & { closed_by?: string | null }) | undefined;
  /** Statuses for a commit, newest first (as GitHub lists them). */
  statuses(sha: string): JsonObject[];
  /** Deployments, newest first. */
  deployments(): JsonObject[];
  /** Statuses of one deployment, newest first. */
  deploymentStatuses(id: number): JsonObject[];
  /** Comments on a pull request, oldest first. */
  comments(number: number): JsonObject[];
  /** Answer the next `n` requests with `status` (e.g. 502: GitHub is down; 403: secondary rate limit). */
  failNext(n: number, status: number, o?: { message?: string; headers?: Record<string, string> }): void;
  close(): Promise<void>;
}

/** The fake's whole state, shared with the route handlers. */
export interface FakeState {
  owner: string;
  repo: string;
  login: string;
  refs: FakeRefs;
  pulls: Map<number, PullRecord>;
  reviews: ReviewRecord[];
  comments: CommentRecord[];
  statuses: StatusRecord[];
  deployments: DeploymentRecord[];
  deploymentStatuses: DeploymentStatusRecord[];
  /** Next id per resource kind. */
  nextId(kind: string): number;
  now(): string;
  /** Record a client bug the description cannot express. */
  violation(message: string): void;
  /** Bring a pull request up to date with its branches (head sha, merged); call before every read. */
  refresh(p: PullRecord): PullRecord;
}

const SECONDARY = 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';

/** Start the fake on 127.0.0.1 and a free port. */
export async function startFakeGitHub(o: FakeGitHubOptions): Promise<FakeGitHub> {
  const validator = loadGitHubDescription();
  const violations: string[] = [];
  const requests: FakeRequest[] = [];
  const failures: { status: number; message?: string; headers?: Record<string, string> }[] = [];
  const users = new Map<string, number>();
  const counters = new Map<string, number>();
  let url = '';
  const refs = o.gitDir ? gitRefs(o.gitDir) : memoryRefs();

  const state: FakeState = {
    owner: o.owner,
    repo: o.repo,
    login: o.login ?? 'github-actions[bot]',
    refs,
    pulls: new Map(),
    reviews: [],
    comments: [],
    statuses: [],
    deployments: [],
    deploymentStatuses: [],
    nextId(kind) {
      const n = (counters.get(kind) ?? 0) + 1;
      counters.set(kind, n);
      return n;
    },
    now: () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    violation: (message) => void violations.push(message),
    refresh(p) {
      if (p.state !== 'open') return p;
      const head = refs.tip(p.head);
      const base = refs.tip(p.base);
      if (head === undefined) {
        // GitHub closes a pull request whose head branch is deleted.
        Object.assign(p, { state: 'closed', closedAt: state.now(), updatedAt: state.now() });
        return p;
      }
      p.headSha = head;
      if (base !== undefined) p.baseSha = base;
      if (base !== undefined && refs.isAncestor(head, base)) {
        // Pushing the head commits to the base marks the pull request merged, by whoever pushed.
        const at = state.now();
        Object.assign(p, { state: 'closed', mergedAt: at, closedAt: at, updatedAt: at, mergedBy: state.login, mergeCommitSha: head });
      }
      return p;
    },
  };
  const render = () =>
    createRenderer({
      api: url,
      web: (o.web ?? 'https://github.com').replace(/\/+$/, ''),
      owner: o.owner,
      repo: o.repo,
      userId(login) {
        if (!users.has(login)) users.set(login, 10_000 + users.size + 1);
        return users.get(login)!;
      },
    });
  const routes = createRoutes(state, () => url, render);

  const send = (res: http.ServerResponse, op: MatchedOperation | undefined, reply: Reply) => {
    if (reply.body !== undefined) violations.push(...validator.checkResponse(op, reply.status, reply.body));
    const reset = Math.floor(Date.now() / 1000) + 3600;
    res.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-request-id': `FAKE:${requests.length}`,
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, 5000 - requests.length)),
      'x-ratelimit-reset': String(reset),
      'x-ratelimit-used': String(requests.length),
      'x-ratelimit-resource': 'core',
      ...reply.headers,
    });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const u = new URL(req.url ?? '/', url);
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    let body: unknown;
    let unparsable = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        unparsable = true;
      }
    }
    requests.push({ method, path: u.pathname, query: Object.fromEntries(u.searchParams), body });
    const op = validator.match(method, u.pathname);
    const docs = validator.docsUrl(op);
    if (!op) {
      violations.push(`${method} ${u.pathname}: no such operation in GitHub's description`);
      return send(res, undefined, { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } });
    }
    const rejected: string[] = [];
    if (unparsable) rejected.push(`${method} ${op.template}: request body is not JSON`);
    else {
      const checked = validator.checkRequest(op, u.searchParams, body);
      rejected.push(...checked.rejected);
      violations.push(...checked.ignored);
    }
    if (body !== undefined && !/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
      violations.push(`${method} ${op.template}: JSON body sent as ${req.headers['content-type'] ?? 'no content-type'}`);
    }
    if (!req.headers['user-agent']) rejected.push(`${method} ${op.template}: no User-Agent (GitHub answers 403)`);
    violations.push(...rejected);

    const auth = req.headers.authorization;
    const m = /^(?:token|bearer) (.+)$/i.exec(auth ?? '');
    if (!m || m[1] !== o.token) {
      return send(res, op, { status: 401, body: { message: auth ? 'Bad credentials' : 'Requires authentication', documentation_url: 'https://docs.github.com/rest', status: '401' } });
    }
    const fail = failures.shift();
    if (fail) {
      const limited = fail.status === 403 || fail.status === 429;
      const message = fail.message ?? (limited ? SECONDARY : (http.STATUS_CODES[fail.status] ?? 'Error'));
      return send(res, op, { status: fail.status, body: { message, documentation_url: docs }, headers: { ...(limited ? { 'retry-after': '1' } : {}), ...fail.headers } });
    }
    if (rejected.length > 0) {
      return send(res, op, { status: 422, body: { message: `Invalid request.\n\n${rejected.join('\n')}`, documentation_url: docs, status: '422' } });
    }
    if (op.params.owner?.toLowerCase() !== o.owner.toLowerCase() || op.params.repo?.toLowerCase() !== o.repo.toLowerCase()) {
      return send(res, op, { status: 404, body: { message: 'Not Found', documentation_url: docs, status: '404' } });
    }
    const handler = routes[op.operationId];
    if (!handler) {
      violations.push(`${op.operationId}: the fake does not implement it`);
      return send(res, op, { status: 501, body: { message: 'Not Implemented by the fake' } });
    }
    const reply = handler({ op, query: u.searchParams, body: isObject(body) ? body : {}, docs });
    return send(res, op, reply);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      violations.push(`fake GitHub crashed on ${req.method} ${req.url}: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'fake crashed' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const pull = (number: number) => {
    const p = state.pulls.get(number);
    if (!p) throw new Error(`fake GitHub: no pull request #${number}`);
    return state.refresh(p);
  };
  const newest = <T extends { id: number }>(xs: T[]) => [...xs].sort((a, b) => b.id - a.id);

  return {
    get url() {
      return url;
    },
    violations,
    requests,
    addReview(number, r) {
      // Reading the head costs git processes: only when the test did not say which commit.
      const p = r.commitId === undefined ? pull(number) : state.pulls.get(number);
      if (!p) throw new Error(`fake GitHub: no pull request #${number}`);
      const record: ReviewRecord = {
        id: 80_000_000 + state.nextId('review'),
        number,
        user: r.user,
        state: r.state,
        body: r.body ?? '',
        commitId: r.commitId ?? p.headSha,
        submittedAt: state.now(),
      };
      state.reviews.push(record);
      return render().review(record);
    },
    addComment(number, c) {
      if (!state.pulls.has(number)) throw new Error(`fake GitHub: no pull request #${number}`);
      const record: CommentRecord = { id: 90_000_000 + state.nextId('comment'), number, user: c.user, body: c.body, createdAt: state.now(), updatedAt: state.now() };
      state.comments.push(record);
      return render().comment(record);
    },
    closePullRequest(number, by) {
      const p = pull(number);
      if (p.state === 'open') Object.assign(p, { state: 'closed', closedAt: state.now(), updatedAt: state.now(), closedBy: by });
    },
    setBranch(branch, sha) {
      if (!refs.set) throw new Error('fake GitHub: setBranch is for the in-memory mode; push to gitDir instead');
      refs.set(branch, sha);
    },
    pullRequest(number) {
      const p = state.pulls.get(number);
      return p ? { ...render().pull(state.refresh(p), true), closed_by: p.closedBy } : undefined;
    },
    statuses: (sha) => newest(state.statuses.filter((s) => s.sha === sha)).map(render().status),
    deployments: () => newest(state.deployments).map(render().deployment),
    deploymentStatuses: (id) => newest(state.deploymentStatuses.filter((s) => s.deploymentId === id)).map(render().deploymentStatus),
    comments: (number) => state.comments.filter((c) => c.number === number).map(render().comment),
    failNext(n, status, f) {
      for (let i = 0; i < n; i++) failures.push({ status, ...f });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets from fetch would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
