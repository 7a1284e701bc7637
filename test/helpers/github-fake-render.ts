/**
 * The fake GitHub's in-memory records and the JSON GitHub sends for each:
 * every field the REST description requires, with GitHub's URL layout
 * (api urls on the fake's address, html urls on the web host). The fake
 * validates each rendered body against the description, so a field missing
 * here shows up as a violation, not as a client surprise in production.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

export interface PullRecord {
  number: number;
  id: number;
  head: string;
  base: string;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  user: string;
  draft: boolean;
  maintainerCanModify: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  mergedAt: string | null;
  mergedBy: string | null;
  /** Who closed it (GitHub's pull request JSON does not say; kept for tests). */
  closedBy: string | null;
  headSha: string;
  baseSha: string;
  mergeCommitSha: string | null;
}

export interface ReviewRecord {
  id: number;
  number: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED';
  body: string;
  commitId: string | null;
  submittedAt: string;
}

export interface CommentRecord {
  id: number;
  number: number;
  user: string;
  body: string;
  createdAt: string;
  updatedAt: string;
}

export interface StatusRecord {
  id: number;
  sha: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  context: string;
  description: string | null;
  targetUrl: string | null;
  creator: string;
  createdAt: string;
}

export interface DeploymentRecord {
  id: number;
  sha: string;
  ref: string;
  task: string;
  environment: string;
  payload: Json;
  description: string | null;
  creator: string;
  transient: boolean;
  production: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface DeploymentStatusRecord {
  id: number;
  deploymentId: number;
  state: 'error' | 'failure' | 'inactive' | 'in_progress' | 'queued' | 'pending' | 'success';
  description: string;
  environment: string;
  logUrl: string;
  environmentUrl: string;
  creator: string;
  createdAt: string;
}

export interface RenderContext {
  /** The fake's API root, e.g. http://127.0.0.1:40123. */
  api: string;
  /** The web root for html_url, e.g. https://github.com. */
  web: string;
  owner: string;
  repo: string;
  /** A stable numeric id for a login. */
  userId(login: string): number;
}

/** GitHub's node ids are opaque base64; this keeps the prefix GitHub uses per type. */
export function nodeId(prefix: string, id: number): string {
  return `${prefix}_${Buffer.from(`fake:${id}`).toString('base64url')}`;
}

/** Renderers for every resource the fake serves. */
export function createRenderer(c: RenderContext) {
  const repoApi = `${c.api}/repos/${c.owner}/${c.repo}`;
  const repoWeb = `${c.web}/${c.owner}/${c.repo}`;

  const user = (login: string): JsonObject => {
    const id = c.userId(login);
    const api = `${c.api}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: nodeId(login.endsWith('[bot]') ? 'BOT' : 'U', id),
      avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: `${c.web}/${login.endsWith('[bot]') ? `apps/${login.slice(0, -5)}` : login}`,
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      user_view_type: 'public',
      site_admin: false,
    };
  };

  const REPO_URLS: Record<string, string> = {
    archive_url: '/{archive_format}{/ref}', assignees_url: '/assignees{/user}', blobs_url: '/git/blobs{/sha}',
    branches_url: '/branches{/branch}', collaborators_url: '/collaborators{/collaborator}', comments_url: '/comments{/number}',
    commits_url: '/commits{/sha}', compare_url: '/compare/{base}...{head}', contents_url: '/contents/{+path}',
    contributors_url: '/contributors', deployments_url: '/deployments', downloads_url: '/downloads', events_url: '/events',
    forks_url: '/forks', git_commits_url: '/git/commits{/sha}', git_refs_url: '/git/refs{/sha}', git_tags_url: '/git/tags{/sha}',
    hooks_url: '/hooks', issue_comment_url: '/issues/comments{/number}', issue_events_url: '/issues/events{/number}',
    issues_url: '/issues{/number}', keys_url: '/keys{/key_id}', labels_url: '/labels{/name}', languages_url: '/languages',
    merges_url: '/merges', milestones_url: '/milestones{/number}', notifications_url: '/notifications{?since,all,participating}',
    pulls_url: '/pulls{/number}', releases_url: '/releases{/id}', stargazers_url: '/stargazers', statuses_url: '/statuses/{sha}',
    subscribers_url: '/subscribers', subscription_url: '/subscription', tags_url: '/tags', teams_url: '/teams', trees_url: '/git/trees{/sha}',
  };
  const repository = (): JsonObject => ({
    id: 1_000_001,
    node_id: nodeId('R', 1_000_001),
    name: c.repo,
    full_name: `${c.owner}/${c.repo}`,
    owner: user(c.owner),
    private: true,
    html_url: repoWeb,
    description: null,
    fork: false,
    url: repoApi,
    ...Object.fromEntries(Object.entries(REPO_URLS).map(([k, v]) => [k, `${repoApi}${v}`])),
    git_url: `${repoWeb.replace(/^https?:/, 'git:')}.git`,
    ssh_url: `git@${new URL(c.web).host}:${c.owner}/${c.repo}.git`,
    clone_url: `${repoWeb}.git`,
    svn_url: repoWeb,
    mirror_url: null,
    homepage: null,
    language: null,
    license: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 1,
    default_branch: 'main',
    open_issues: 0,
    open_issues_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    archived: false,
    disabled: false,
    visibility: 'private',
    pushed_at: '2024-01-01T00:00:00Z',
    created_at: '2024-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z',
  });

  const association = (login: string): string => (login.toLowerCase() === c.owner.toLowerCase() ? 'OWNER' : 'NONE');

  /** `full` adds the fields only GET/POST/PATCH of one pull request have (merged, mergeable, counts). */
  const pull = (p: PullRecord, full: boolean): JsonObject => {
    const api = `${repoApi}/pulls/${p.number}`;
    const issue = `${repoApi}/issues/${p.number}`;
    const html = `${repoWeb}/pull/${p.number}`;
    const side = (ref: string, sha: string): JsonObject => ({ label: `${c.owner}:${ref}`, ref, sha, user: user(c.owner), repo: repository() });
    const base: JsonObject = {
      url: api,
      id: p.id,
      node_id: nodeId('PR', p.id),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issue,
      commits_url: `${api}/commits`,
      review_comments_url: `${api}/comments`,
      review_comment_url: `${repoApi}/pulls/comments{/number}`,
      comments_url: `${issue}/comments`,
      statuses_url: `${repoApi}/statuses/${p.headSha}`,
      number: p.number,
      state: p.state,
      locked: false,
      title: p.title,
      user: user(p.user),
      body: p.body,
      labels: [],
      milestone: null,
      active_lock_reason: null,
      created_at: p.createdAt,
      updated_at: p.updatedAt,
      closed_at: p.closedAt,
      merged_at: p.mergedAt,
      merge_commit_sha: p.mergeCommitSha,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: side(p.head, p.headSha),
      base: side(p.base, p.baseSha),
      _links: {
        self: { href: api },
        html: { href: html },
        issue: { href: issue },
        comments: { href: `${issue}/comments` },
        review_comments: { href: `${api}/comments` },
        review_comment: { href: `${repoApi}/pulls/comments{/number}` },
        commits: { href: `${api}/commits` },
        statuses: { href: `${repoApi}/statuses/${p.headSha}` },
      },
      author_association: association(p.user),
      auto_merge: null,
      draft: p.draft,
    };
    if (!full) return base;
    return {
      ...base,
      merged: p.mergedAt !== null,
      mergeable: p.state === 'open' ? true : null,
      rebaseable: p.state === 'open' ? true : null,
      mergeable_state: p.state === 'open' ? 'clean' : 'unknown',
      merged_by: p.mergedBy ? user(p.mergedBy) : null,
      comments: 0,
      review_comments: 0,
      maintainer_can_modify: p.maintainerCanModify,
      commits: 1,
      additions: 0,
      deletions: 0,
      changed_files: 0,
    };
  };

  const review = (r: ReviewRecord): JsonObject => ({
    id: r.id,
    node_id: nodeId('PRR', r.id),
    user: user(r.user),
    body: r.body,
    state: r.state,
    html_url: `${repoWeb}/pull/${r.number}#pullrequestreview-${r.id}`,
    pull_request_url: `${repoApi}/pulls/${r.number}`,
    _links: { html: { href: `${repoWeb}/pull/${r.number}#pullrequestreview-${r.id}` }, pull_request: { href: `${repoApi}/pulls/${r.number}` } },
    submitted_at: r.submittedAt,
    commit_id: r.commitId,
    author_association: association(r.user),
  });

  const comment = (m: CommentRecord): JsonObject => ({
    id: m.id,
    node_id: nodeId('IC', m.id),
    url: `${repoApi}/issues/comments/${m.id}`,
    html_url: `${repoWeb}/pull/${m.number}#issuecomment-${m.id}`,
    body: m.body,
    user: user(m.user),
    created_at: m.createdAt,
    updated_at: m.updatedAt,
    issue_url: `${repoApi}/issues/${m.number}`,
    author_association: association(m.user),
  });

  const status = (s: StatusRecord): JsonObject => ({
    url: `${repoApi}/statuses/${s.sha}`,
    avatar_url: user(s.creator).avatar_url ?? null,
    id: s.id,
    node_id: nodeId('SC', s.id),
    state: s.state,
    description: s.description,
    target_url: s.targetUrl,
    context: s.context,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    creator: user(s.creator),
  });

  const deployment = (d: DeploymentRecord): JsonObject => ({
    url: `${repoApi}/deployments/${d.id}`,
    id: d.id,
    node_id: nodeId('DE', d.id),
    sha: d.sha,
    ref: d.ref,
    task: d.task,
    payload: d.payload,
    original_environment: d.environment,
    environment: d.environment,
    description: d.description,
    creator: user(d.creator),
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    statuses_url: `${repoApi}/deployments/${d.id}/statuses`,
    repository_url: repoApi,
    transient_environment: d.transient,
    production_environment: d.production,
  });

  const deploymentStatus = (s: DeploymentStatusRecord): JsonObject => ({
    url: `${repoApi}/deployments/${s.deploymentId}/statuses/${s.id}`,
    id: s.id,
    node_id: nodeId('DES', s.id),
    state: s.state,
    creator: user(s.creator),
    description: s.description,
    environment: s.environment,
    target_url: s.logUrl,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${repoApi}/deployments/${s.deploymentId}`,
    repository_url: repoApi,
    environment_url: s.environmentUrl,
    log_url: s.logUrl,
  });

  return { user, repository, pull, review, comment, status, deployment, deploymentStatus };
}

export type Renderer = ReturnType<typeof createRenderer>;
