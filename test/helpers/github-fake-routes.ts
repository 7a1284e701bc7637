/**
 * What the fake GitHub does for each operation, keyed by operationId: the
 * semantics GitHub has that git-canary relies on (one open pull request per
 * head and base, "No commits between", merged once the head reaches the base,
 * reviews per head commit, 140-character status descriptions, deployments
 * gated by required_contexts, newest-first lists, Link pagination).
 * Requests arrive already validated against the description.
 */
import type { FakeState } from './github-fake.ts';
import type { MatchedOperation } from './github-fake-openapi.ts';
import { fakeSha } from './github-fake-git.ts';
import type { DeploymentRecord, DeploymentStatusRecord, Json, JsonObject, PullRecord, Renderer, StatusRecord } from './github-fake-render.ts';

export interface Reply {
  status: number;
  body?: Json;
  headers?: Record<string, string>;
}

export interface RouteContext {
  op: MatchedOperation;
  query: URLSearchParams;
  body: Record<string, unknown>;
  docs: string;
}

export type Route = (c: RouteContext) => Reply;

const MAX_DESCRIPTION = 140;

/** The handlers; `url()` is the fake's API root and `render()` its JSON renderer. */
export function createRoutes(s: FakeState, url: () => string, render: () => Renderer): Record<string, Route> {
  const error = (status: number, docs: string, message: string): Reply => ({ status, body: { message, documentation_url: docs, status: String(status) } });
  const invalid = (docs: string, errors: JsonObject[], message = 'Validation Failed'): Reply => ({
    status: 422,
    body: { message, errors, documentation_url: docs, status: '422' },
  });
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const pullOf = (c: RouteContext): PullRecord | undefined => {
    const p = s.pulls.get(Number(c.op.params.pull_number ?? c.op.params.issue_number));
    return p && s.refresh(p);
  };
  const newestFirst = <T extends { id: number }>(xs: T[]) => [...xs].sort((a, b) => b.id - a.id);
  const repoApi = () => `${url()}/repos/${s.owner}/${s.repo}`;
  /** Without a git repository, a branch a test never set up gets a stable made-up tip. */
  const tipOrInvent = (branch: string) => {
    const tip = s.refs.tip(branch);
    if (tip !== undefined || !s.refs.set) return tip;
    s.refs.set(branch, fakeSha(`branch:${branch}`));
    return s.refs.tip(branch);
  };
  const openDuplicate = (p: { head: string; base: string; number?: number }) =>
    [...s.pulls.values()].map(s.refresh).find((q) => q.state === 'open' && q.head === p.head && q.base === p.base && q.number !== p.number);
  const exists = (docs: string, head: string) =>
    invalid(docs, [{ resource: 'PullRequest', code: 'custom', message: `A pull request already exists for ${s.owner}:${head}.` }]);

  /** GitHub's page/per_page (max 100) and a Link header with absolute URLs, as octokit.paginate follows. */
  const page = <T>(c: RouteContext, items: T[], toJson: (x: T) => JsonObject): Reply => {
    const perPage = Math.min(100, Math.max(1, Number(c.query.get('per_page') ?? 30) || 30));
    const n = Math.max(1, Number(c.query.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (p: number, rel: string) => {
      const u = new URL(`${url()}${c.op.template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(c.op.params[k] ?? ''))}`);
      for (const [k, v] of c.query) u.searchParams.set(k, v);
      u.searchParams.set('page', String(p));
      return `<${u}>; rel="${rel}"`;
    };
    const links = [...(n > 1 ? [link(n - 1, 'prev'), link(1, 'first')] : []), ...(n < last ? [link(n + 1, 'next'), link(last, 'last')] : [])];
    return { status: 200, body: items.slice((n - 1) * perPage, n * perPage).map(toJson), headers: links.length ? { link: links.join(', ') } : {} };
  };

  const close = (p: PullRecord, by: string) => Object.assign(p, { state: 'closed', closedAt: s.now(), updatedAt: s.now(), closedBy: by });

  return {
    'pulls/list'(c) {
      const state = c.query.get('state') ?? 'open';
      const head = c.query.get('head');
      const base = c.query.get('base');
      let list = [...s.pulls.values()].map(s.refresh);
      if (head !== null) {
        // GitHub filters on `user:ref`; a bare branch name matches nothing useful, so treat it as a client bug.
        const at = head.indexOf(':');
        if (at < 0) {
          s.violation(`GET ${c.op.template}: head=${head} is not user:ref-name`);
          return error(422, c.docs, `head must be user:ref-name, got ${head}`);
        }
        const [user, ref] = [head.slice(0, at), head.slice(at + 1)];
        list = list.filter((p) => user.toLowerCase() === s.owner.toLowerCase() && p.head === ref);
      }
      if (base !== null) list = list.filter((p) => p.base === base);
      if (state !== 'all') list = list.filter((p) => p.state === state);
      const sort = c.query.get('sort') ?? 'created';
      const direction = c.query.get('direction') ?? (sort === 'created' ? 'desc' : 'asc');
      list.sort((a, b) => (sort === 'updated' ? a.updatedAt.localeCompare(b.updatedAt) : 0) || a.number - b.number);
      if (direction === 'desc') list.reverse();
      return page(c, list, (p) => render().pull(p, false));
    },

    'pulls/create'(c) {
      const title = str(c.body.title);
      if (c.body.issue !== undefined) return error(422, c.docs, 'the fake does not convert issues to pull requests');
      if (!title) return invalid(c.docs, [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
      let head = str(c.body.head) ?? '';
      if (head.includes(':')) {
        const [user, ref] = [head.slice(0, head.indexOf(':')), head.slice(head.indexOf(':') + 1)];
        if (user.toLowerCase() !== s.owner.toLowerCase()) return invalid(c.docs, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
        head = ref;
      }
      const base = str(c.body.base) ?? '';
      const headSha = tipOrInvent(head);
      const baseSha = tipOrInvent(base);
      if (headSha === undefined) return invalid(c.docs, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
      if (baseSha === undefined) return invalid(c.docs, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      if (openDuplicate({ head, base })) return exists(c.docs, head);
      if (s.refs.isAncestor(headSha, baseSha)) {
        return invalid(c.docs, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
      }
      const number = s.nextId('issue');
      const at = s.now();
      const p: PullRecord = {
        number,
        id: 50_000_000 + number,
        head,
        base,
        title,
        body: str(c.body.body) ?? null,
        state: 'open',
        user: s.login,
        draft: c.body.draft === true,
        maintainerCanModify: c.body.maintainer_can_modify !== false,
        createdAt: at,
        updatedAt: at,
        closedAt: null,
        mergedAt: null,
        mergedBy: null,
        closedBy: null,
        headSha,
        baseSha,
        mergeCommitSha: null,
      };
      s.pulls.set(number, p);
      return { status: 201, body: render().pull(p, true), headers: { location: `${repoApi()}/pulls/${number}` } };
    },

    'pulls/get'(c) {
      const p = pullOf(c);
      return p ? { status: 200, body: render().pull(p, true) } : error(404, c.docs, 'Not Found');
    },

    'pulls/update'(c) {
      const p = pullOf(c);
      if (!p) return error(404, c.docs, 'Not Found');
      const base = str(c.body.base);
      if (base !== undefined && s.refs.tip(base) === undefined) return invalid(c.docs, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
      if (c.body.state === 'open' && p.state === 'closed') {
        if (p.mergedAt) return invalid(c.docs, [{ resource: 'PullRequest', code: 'custom', message: 'state cannot be changed. The pull request has been merged.' }]);
        if (s.refs.tip(p.head) === undefined) return invalid(c.docs, [{ resource: 'PullRequest', code: 'custom', message: 'state cannot be changed. The head branch was deleted.' }]);
        if (openDuplicate(p)) return exists(c.docs, p.head);
        Object.assign(p, { state: 'open', closedAt: null, closedBy: null });
      }
      if (c.body.state === 'closed' && p.state === 'open') close(p, s.login);
      if (str(c.body.title) !== undefined) p.title = str(c.body.title)!;
      if (str(c.body.body) !== undefined) p.body = str(c.body.body)!;
      if (base !== undefined) p.base = base;
      if (typeof c.body.maintainer_can_modify === 'boolean') p.maintainerCanModify = c.body.maintainer_can_modify;
      p.updatedAt = s.now();
      return { status: 200, body: render().pull(s.refresh(p), true) };
    },

    'pulls/list-reviews'(c) {
      const p = pullOf(c);
      if (!p) return error(404, c.docs, 'Not Found');
      return page(c, s.reviews.filter((r) => r.number === p.number), render().review);
    },

    'pulls/merge'(c) {
      const p = pullOf(c);
      if (!p) return error(404, c.docs, 'Not Found');
      if (p.state !== 'open') return error(405, c.docs, 'Pull Request is not mergeable');
      const sha = str(c.body.sha);
      if (sha !== undefined && sha !== p.headSha) return error(409, c.docs, 'Head branch was modified. Review and try the merge again.');
      // The fake only fast-forwards: enough for "the head reaches the base", without writing merge commits.
      if (!s.refs.isAncestor(p.baseSha, p.headSha) || !s.refs.update(p.base, p.headSha, p.baseSha)) {
        return error(405, c.docs, 'Pull Request is not mergeable (the fake merges by fast-forward only)');
      }
      const at = s.now();
      Object.assign(p, { state: 'closed', mergedAt: at, closedAt: at, updatedAt: at, mergedBy: s.login, mergeCommitSha: p.headSha, baseSha: p.headSha });
      return { status: 200, body: { sha: p.headSha, merged: true, message: 'Pull Request successfully merged' } };
    },

    'issues/list-comments'(c) {
      const p = pullOf(c);
      if (!p) return error(404, c.docs, 'Not Found');
      const since = c.query.get('since');
      return page(c, s.comments.filter((m) => m.number === p.number && (!since || m.updatedAt >= since)), render().comment);
    },

    'issues/create-comment'(c) {
      const p = pullOf(c);
      if (!p) return error(404, c.docs, 'Not Found');
      const m = { id: 90_000_000 + s.nextId('comment'), number: p.number, user: s.login, body: str(c.body.body) ?? '', createdAt: s.now(), updatedAt: s.now() };
      s.comments.push(m);
      return { status: 201, body: render().comment(m), headers: { location: `${repoApi()}/issues/comments/${m.id}` } };
    },

    'issues/update-comment'(c) {
      const m = s.comments.find((x) => x.id === Number(c.op.params.comment_id));
      if (!m) return error(404, c.docs, 'Not Found');
      Object.assign(m, { body: str(c.body.body) ?? '', updatedAt: s.now() });
      return { status: 200, body: render().comment(m) };
    },

    'repos/create-commit-status'(c) {
      const sha = s.refs.resolve(c.op.params.sha ?? '');
      if (!sha || !/^[0-9a-f]{40}$/.test(sha)) return error(422, c.docs, `No commit found for SHA: ${c.op.params.sha}`);
      const description = c.body.description === undefined ? null : (str(c.body.description) ?? null);
      if (description !== null && description.length > MAX_DESCRIPTION) {
        return invalid(c.docs, [{ resource: 'Status', field: 'description', code: 'custom', message: `description is too long (maximum is ${MAX_DESCRIPTION} characters)` }]);
      }
      const st: StatusRecord = {
        id: 70_000_000 + s.nextId('status'),
        sha,
        // The body was checked against the description's enum before any route runs.
        state: c.body.state as StatusRecord['state'],
        context: str(c.body.context) ?? 'default',
        description,
        targetUrl: str(c.body.target_url) ?? null,
        creator: s.login,
        createdAt: s.now(),
      };
      s.statuses.push(st);
      return { status: 201, body: render().status(st), headers: { location: `${repoApi()}/statuses/${sha}` } };
    },

    'repos/list-commit-statuses-for-ref'(c) {
      const sha = s.refs.resolve(c.op.params.ref ?? '');
      if (!sha) return error(404, c.docs, `No commit found for SHA: ${c.op.params.ref}`);
      return page(c, newestFirst(s.statuses.filter((x) => x.sha === sha)), render().status);
    },

    'repos/list-deployments'(c) {
      const f = (k: string) => c.query.get(k);
      const list = s.deployments.filter(
        (d) => (!f('sha') || d.sha === f('sha')) && (!f('ref') || d.ref === f('ref')) && (!f('task') || d.task === f('task')) && (!f('environment') || d.environment === f('environment')),
      );
      return page(c, newestFirst(list), render().deployment);
    },

    'repos/create-deployment'(c) {
      const ref = str(c.body.ref) ?? '';
      const sha = s.refs.resolve(ref);
      if (!sha) return invalid(c.docs, [], `No ref found for: ${ref}`);
      if (!Array.isArray(c.body.required_contexts)) {
        // Omitting required_contexts makes GitHub demand every status context on the commit be green.
        const latest = new Map<string, string>();
        for (const st of s.statuses.filter((x) => x.sha === sha)) latest.set(st.context, st.state);
        const red = [...latest].filter(([, v]) => v !== 'success').map(([k]) => k);
        if (red.length) return error(409, c.docs, `Conflict: Commit status checks failed for ${ref}.`);
      }
      const environment = str(c.body.environment) ?? 'production';
      const at = s.now();
      const d: DeploymentRecord = {
        id: 60_000_000 + s.nextId('deployment'),
        sha,
        ref,
        task: str(c.body.task) ?? 'deploy',
        environment,
        payload: (c.body.payload as Json | undefined) ?? {},
        description: c.body.description === undefined ? '' : (str(c.body.description) ?? null),
        creator: s.login,
        transient: c.body.transient_environment === true,
        production: typeof c.body.production_environment === 'boolean' ? c.body.production_environment : environment === 'production',
        createdAt: at,
        updatedAt: at,
      };
      s.deployments.push(d);
      return { status: 201, body: render().deployment(d) };
    },

    'repos/list-deployment-statuses'(c) {
      const id = Number(c.op.params.deployment_id);
      if (!s.deployments.some((d) => d.id === id)) return error(404, c.docs, 'Not Found');
      return page(c, newestFirst(s.deploymentStatuses.filter((x) => x.deploymentId === id)), render().deploymentStatus);
    },

    'repos/create-deployment-status'(c) {
      const d = s.deployments.find((x) => x.id === Number(c.op.params.deployment_id));
      if (!d) return error(404, c.docs, 'Not Found');
      const description = str(c.body.description) ?? '';
      if (description.length > MAX_DESCRIPTION) {
        return invalid(c.docs, [{ resource: 'DeploymentStatus', field: 'description', code: 'custom', message: `description is too long (maximum is ${MAX_DESCRIPTION} characters)` }]);
      }
      const latestOf = (id: number) => newestFirst(s.deploymentStatuses.filter((x) => x.deploymentId === id))[0];
      const st: DeploymentStatusRecord = {
        id: 65_000_000 + s.nextId('deployment-status'),
        deploymentId: d.id,
        // Checked against the description's enum, as above.
        state: c.body.state as DeploymentStatusRecord['state'],
        description,
        environment: str(c.body.environment) ?? latestOf(d.id)?.environment ?? d.environment,
        logUrl: str(c.body.log_url) ?? str(c.body.target_url) ?? '',
        environmentUrl: str(c.body.environment_url) ?? '',
        creator: s.login,
        createdAt: s.now(),
      };
      if (st.state === 'success' && c.body.auto_inactive !== false) {
        // GitHub retires earlier successful deployments of the same non-production, non-transient environment.
        for (const other of s.deployments) {
          if (other.id === d.id || other.environment !== d.environment || other.transient || other.production) continue;
          const last = latestOf(other.id);
          if (last?.state === 'success') s.deploymentStatuses.push({ ...last, id: 65_000_000 + s.nextId('deployment-status'), state: 'inactive', createdAt: s.now() });
        }
      }
      s.deploymentStatuses.push(st);
      return { status: 201, body: render().deploymentStatus(st), headers: { location: `${repoApi()}/deployments/${d.id}/statuses/${st.id}` } };
    },
  };
}
