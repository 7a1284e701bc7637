import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  announce,
  decideService,
  errorReason,
  withCompareAndSwap
} from "./chunk-UNRAGIW6.js";
import {
  commitUrl,
  gitHubApiUrl,
  movedRef,
  openSession,
  resolveGitHubRepository
} from "./chunk-BYSPTKVM.js";
import {
  parsedCommit
} from "./chunk-IVUUAOBA.js";
import {
  tryParseDuration
} from "./chunk-3LIXOM53.js";
import {
  NOTES_REF,
  toFullRef
} from "./chunk-VDZMSJPN.js";
import {
  CanaryError,
  GitConflictError,
  UsageError
} from "./chunk-SZWPCBNB.js";

// src/github/client.ts
var RATE_LIMIT_RETRIES = 2;
var RATE_LIMIT_MAX_WAIT_S = 60;
var RETRY_BASE_MS = 250;
var MAX_DESCRIPTION = 140;
var unpaced = {
  key: () => ({ schedule: (_options, fn) => fn() })
};
function createGitHubClient(o) {
  const { owner, repo } = o.repository;
  const baseUrl = (o.baseUrl || "https://api.github.com").replace(/\/+$/, "");
  const log = o.log;
  const timeoutMs = o.timeoutMs ?? 3e4;
  const onLimit = (kind) => (retryAfter, options2, _k, retryCount) => {
    const again = retryCount < RATE_LIMIT_RETRIES && retryAfter <= RATE_LIMIT_MAX_WAIT_S;
    log?.warn({ method: options2.method, url: options2.url, retryAfter, retryCount, again }, `GitHub ${kind} rate limit`);
    return again;
  };
  const options = {
    auth: o.token,
    baseUrl,
    userAgent: o.userAgent ?? "git-canary",
    // Octokit logs every request at info: that is debug detail for us.
    log: {
      debug: (m) => log?.debug(m),
      info: (m) => log?.debug(m),
      warn: (m) => log?.warn(m),
      error: (m) => log?.debug(m)
    },
    request: {
      // A hung connection must not hang the tick.
      fetch: (url, init) => fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) })
    },
    retry: { retries: o.retries ?? 2, retryAfterBaseValue: RETRY_BASE_MS },
    throttle: {
      onRateLimit: onLimit("primary"),
      onSecondaryRateLimit: onLimit("secondary"),
      ...o.paceWrites === false ? { write: unpaced, notifications: unpaced } : {}
    }
  };
  let loaded;
  const octokit = () => loaded ??= import("./octokit-FCFQKSXN.js").then(({ GitHubOctokit }) => {
    const client = new GitHubOctokit(options);
    client.hook.before("request", (request) => {
      request.request = { ...request.request };
    });
    return client;
  });
  const call = async (what, fn) => {
    try {
      return await fn(await octokit());
    } catch (err) {
      throw toGitHubError(err, { what, token: o.token, baseUrl, repository: o.repository });
    }
  };
  const r = { owner, repo };
  return {
    repository: { owner, repo },
    pullRequestsFor: (branch, base) => call(`list pull requests for ${branch}`, async (octokit2) => {
      const res = await octokit2.rest.pulls.list({ ...r, state: "all", head: `${owner}:${branch}`, base, sort: "created", direction: "desc" });
      return res.data.map(toPullRequest);
    }),
    getPullRequest: (number) => call(`get pull request #${number}`, async (octokit2) => toPullRequest((await octokit2.rest.pulls.get({ ...r, pull_number: number })).data)),
    createPullRequest: (p) => call(`create pull request ${p.head} → ${p.base}`, async (octokit2) => toPullRequest((await octokit2.rest.pulls.create({ ...r, ...p })).data)),
    updatePullRequest: (number, p) => call(`update pull request #${number}`, async (octokit2) => toPullRequest((await octokit2.rest.pulls.update({ ...r, pull_number: number, ...p })).data)),
    listReviews: (number) => call(`list reviews of #${number}`, async (octokit2) => {
      const reviews = await octokit2.paginate(octokit2.rest.pulls.listReviews, { ...r, pull_number: number, per_page: 100 });
      return reviews.map(toReview);
    }),
    listComments: (number) => call(`list comments of #${number}`, async (octokit2) => {
      const comments = await octokit2.paginate(octokit2.rest.issues.listComments, { ...r, issue_number: number, per_page: 100 });
      return comments.map(toComment);
    }),
    createComment: (number, body) => call(`comment on #${number}`, async (octokit2) => toComment((await octokit2.rest.issues.createComment({ ...r, issue_number: number, body })).data)),
    updateComment: (id, body) => call(`update comment ${id}`, async (octokit2) => toComment((await octokit2.rest.issues.updateComment({ ...r, comment_id: id, body })).data)),
    createCommitStatus: (sha, s) => call(`set status ${s.context} on ${sha}`, async (octokit2) => {
      await octokit2.rest.repos.createCommitStatus({
        ...r,
        sha,
        context: s.context,
        state: s.state,
        description: clip(s.description),
        ...s.targetUrl ? { target_url: s.targetUrl } : {}
      });
    }),
    listDeployments: (q) => call(`list deployments to ${q.environment}`, async (octokit2) => {
      const res = await octokit2.rest.repos.listDeployments({ ...r, environment: q.environment, ...q.sha ? { sha: q.sha } : {}, per_page: 100 });
      return res.data.map(toDeployment);
    }),
    createDeployment: (d) => call(`create deployment of ${d.sha} to ${d.environment}`, async (octokit2) => {
      const res = await octokit2.rest.repos.createDeployment({
        ...r,
        ref: d.sha,
        environment: d.environment,
        description: d.description,
        // No merging into the ref and no status gate: git-canary is the gate.
        auto_merge: false,
        required_contexts: [],
        payload: { rollout: d.rollout },
        transient_environment: false,
        production_environment: true
      });
      if (!("id" in res.data)) throw new Error(`GitHub did not create the deployment: ${res.data.message ?? res.status}`);
      return toDeployment(res.data);
    }),
    createDeploymentStatus: (id, s) => call(`set deployment ${id} ${s.state}`, async (octokit2) => {
      await octokit2.rest.repos.createDeploymentStatus({
        ...r,
        deployment_id: id,
        state: s.state,
        description: clip(s.description),
        ...s.logUrl ? { log_url: s.logUrl } : {}
      });
    })
  };
}
function toPullRequest(p) {
  const closedBy = p.merged_by?.login ?? p.closed_by?.login;
  return {
    number: p.number,
    state: p.state === "open" ? "open" : "closed",
    // The list endpoint has no `merged`; merged_at says the same.
    merged: p.merged ?? Boolean(p.merged_at),
    headSha: p.head.sha,
    headRef: p.head.ref,
    base: p.base.ref,
    title: p.title,
    body: p.body ?? "",
    htmlUrl: p.html_url,
    ...closedBy ? { closedBy } : {}
  };
}
var REVIEW_STATES = ["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED", "PENDING"];
var isReviewState = (s) => REVIEW_STATES.includes(s);
function toReview(v) {
  return {
    id: v.id,
    user: v.user?.login ?? "",
    // An unknown future state neither approves nor blocks.
    state: isReviewState(v.state) ? v.state : "COMMENTED",
    commitId: v.commit_id,
    ...v.submitted_at ? { submittedAt: v.submitted_at } : {}
  };
}
function toComment(c) {
  return { id: c.id, body: c.body ?? "", user: c.user?.login ?? "" };
}
function toDeployment(d) {
  const rollout = rolloutOf(d.payload);
  return { id: d.id, sha: d.sha, environment: d.environment, ...rollout ? { rollout } : {} };
}
function rolloutOf(payload) {
  let p = payload;
  if (typeof p === "string") {
    try {
      p = JSON.parse(p);
    } catch {
      return void 0;
    }
  }
  if (p && typeof p === "object" && "rollout" in p && typeof p.rollout === "string") return p.rollout;
  return void 0;
}
function clip(s) {
  return s.length <= MAX_DESCRIPTION ? s : `${s.slice(0, MAX_DESCRIPTION - 1)}…`;
}
function isHttpError(e) {
  return e instanceof Error && typeof e.status === "number";
}
function toGitHubError(err, ctx) {
  const scrub = (s) => scrubToken(s, ctx.token);
  const where = { detail: `GitHub ${ctx.repository.owner}/${ctx.repository.repo} at ${withoutCredentials(ctx.baseUrl)}` };
  const name = err instanceof Error ? err.name : "Error";
  const cause = Object.assign(new Error(scrub(err instanceof Error ? err.message : String(err))), { name });
  if (!isHttpError(err) || !err.request?.url) {
    return new CanaryError("GITHUB", scrub(`GitHub: ${ctx.what} failed: ${cause.message}`), { where, cause, hint: "the next tick tries again" });
  }
  const method = err.request.method ?? "GET";
  const path = new URL(err.request.url).pathname;
  const data = err.response?.data;
  const body = data && typeof data === "object" ? data : {};
  const ghMessage = typeof body.message === "string" ? body.message : err.response ? "" : cause.message;
  const details = Array.isArray(body.errors) ? body.errors.map(describeValidationError).filter(Boolean) : [];
  const status = err.response ? err.status : 0;
  const message = `GitHub ${method} ${path} failed: ${status || "no response"}${ghMessage ? ` ${ghMessage}` : ""}${details.length ? ` (${details.join("; ")})` : ""}`;
  return new CanaryError("GITHUB", scrub(message), {
    where,
    cause,
    hint: hintFor(status, ghMessage, ctx),
    data: {
      status,
      method,
      path,
      githubMessage: scrub(ghMessage),
      ...typeof body.documentation_url === "string" ? { documentationUrl: body.documentation_url } : {},
      ...err.response?.headers?.["x-github-request-id"] ? { requestId: err.response.headers["x-github-request-id"] } : {}
    }
  });
}
function describeValidationError(e) {
  if (!e || typeof e !== "object") return typeof e === "string" ? e : "";
  const v = e;
  if (typeof v.message === "string") return v.message;
  return [v.resource, v.field, v.code].filter((x) => typeof x === "string").join(" ");
}
function hintFor(status, message, ctx) {
  const full = `${ctx.repository.owner}/${ctx.repository.repo}`;
  if (status === 0) return `could not reach ${withoutCredentials(ctx.baseUrl)}: check GITHUB_API_URL and the network; the next tick tries again`;
  if (status === 401) return "GitHub refused the token: check GITHUB_TOKEN / GIT_CANARY_TOKEN";
  if ((status === 403 || status === 429) && /rate limit/i.test(message)) return "GitHub rate limit: the next tick tries again";
  if (status === 403) return "the token lacks permission: the workflow needs `permissions: pull-requests: write, statuses: write, deployments: write`";
  if (status === 404) return `check github.repository (${full}) and that the token can see that repository`;
  if (status === 422) return "GitHub refused the request as invalid";
  if (status >= 500) return "GitHub is having trouble; the next tick tries again";
  return `GitHub answered ${status}`;
}
function scrubToken(s, token) {
  return token.length > 0 ? s.split(token).join("[REDACTED]") : s;
}
function withoutCredentials(url) {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "(invalid URL)";
  }
}

// src/runner/github-session.ts
function gitHubSession(ctx, session) {
  const { env } = ctx;
  const repository = resolveGitHubRepository({ configured: session.config.github?.repository, env, repoSpec: ctx.options.repo });
  const token = env.GIT_CANARY_TOKEN || env.GITHUB_TOKEN;
  if (!repository || !token) {
    ctx.log.debug({ repository, token: Boolean(token) }, "GitHub is off: no repository or no token");
    return void 0;
  }
  const api = createGitHubClient({
    token,
    repository,
    baseUrl: gitHubApiUrl(env),
    log: ctx.log,
    // GitHub asks integrators to space writes; a test against a local server turns it off.
    paceWrites: env.GIT_CANARY_GITHUB_PACING !== "off"
  });
  return { api, commitUrl: (sha) => commitUrl(env, repository, sha) };
}

// src/git/staged.ts
function stageRefs(repo, refs) {
  const order = refs.map(toFullRef);
  const held = /* @__PURE__ */ new Map();
  const stagedSha = (commitish) => held.get(toFullRef(commitish))?.to;
  const at = (commitish) => order.includes(toFullRef(commitish)) ? stagedSha(commitish) ?? commitish : commitish;
  const publish = async () => {
    const updates = order.flatMap((ref) => {
      const s = held.get(ref);
      return s && s.to !== s.from ? [{ ref, ...s }] : [];
    });
    held.clear();
    if (updates.length > 0) await repo.updateRefs(updates.map((u) => ({ ref: u.ref, newSha: u.to, expectedOld: u.from })));
  };
  const staged = {
    label: repo.label,
    resolve: async (ref) => stagedSha(ref) ?? repo.resolve(ref),
    readFile: (commitish, path) => repo.readFile(at(commitish), path),
    listFiles: (commitish, dir) => repo.listFiles(at(commitish), dir),
    log: (commitish, options) => repo.log(at(commitish), options),
    walk: (commitish, options) => repo.walk(at(commitish), options),
    ensureCommit: (sha, ref) => repo.ensureCommit(sha, ref),
    createCommit: (options) => repo.createCommit(options),
    updateRef: async (ref, newSha, expectedOld) => {
      const fullRef = toFullRef(ref);
      if (!order.includes(fullRef)) {
        await publish();
        return repo.updateRef(ref, newSha, expectedOld);
      }
      const read = held.has(fullRef) ? void 0 : await repo.resolve(fullRef);
      const s = held.get(fullRef);
      const current = s ? s.to : read;
      if (current !== expectedOld) throw movedRef(fullRef, current, expectedOld, repo.label);
      held.set(fullRef, { from: s ? s.from : expectedOld, to: newSha });
    },
    // What is staged stays: it is this run's own view of the refs, and a publish built on a
    // value the server no longer has loses its race there (GitConflictError) like any push.
    refresh: () => repo.refresh(),
    updateRefs: async (updates) => {
      for (const u of updates) await staged.updateRef(u.ref, u.newSha, u.expectedOld);
    },
    staged: () => new Map(order.flatMap((ref) => held.has(ref) ? [[ref, { ...held.get(ref) }]] : [])),
    publish,
    discard: () => held.clear()
  };
  return staged;
}

// src/runner/tick-services.ts
var MAX_WINNER_COMMITS = 1e3;
async function changedBy(repo, base, tip) {
  if (tip === base) return /* @__PURE__ */ new Set();
  if (!tip || !base) return "all";
  const named = /* @__PURE__ */ new Set();
  let n = 0;
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (c.sha === base) return named;
    if (++n > MAX_WINNER_COMMITS) return "all";
    const service = parsedCommit(c).trailers?.service;
    if (service === void 0) return "all";
    named.add(service);
  }
  return "all";
}
async function tickServices(opts) {
  const production = opts.config.branches.production;
  const staged = stageRefs(opts.repo, [NOTES_REF, production]);
  const results = /* @__PURE__ */ new Map();
  const committed = () => opts.names.filter((n) => results.get(n)?.commit);
  let pending = opts.names;
  let base = await opts.repo.resolve(production);
  try {
    await withCompareAndSwap(
      async (attempt) => {
        if (attempt > 1) {
          const tip = await opts.repo.resolve(production);
          const changed = await changedBy(opts.repo, base, tip);
          const lost = new Set(committed());
          pending = opts.names.filter((n) => lost.has(n) || changed === "all" || changed.has(n));
          base = tip;
        }
        for (const name of pending) results.set(name, await decideService({ ...opts, repo: staged, name }));
        if (opts.dryRun) return;
        try {
          await staged.publish();
        } catch (e) {
          staged.discard();
          throw e;
        }
      },
      {
        refresh: () => opts.repo.refresh(),
        sleep: opts.sleep,
        random: opts.random,
        onRetry: (attempt, wait) => opts.log.info({ services: committed(), attempt, wait }, "lost a race to another writer; refetching and deciding again what it changed")
      }
    );
  } catch (e) {
    const reason = e instanceof CanaryError ? errorReason(e) : `internal error: ${e instanceof Error ? e.message : String(e)}`;
    for (const name of committed()) {
      const r = results.get(name);
      results.set(name, { ...r, decision: "error", commit: null, reason: `${r.decision} not published: ${reason}`, rollout: null, phase: null, weight: null, step: null });
    }
    opts.log.info({ services: committed(), code: e instanceof CanaryError ? e.code : "INTERNAL", conflict: e instanceof GitConflictError }, reason);
  }
  const out = opts.names.map((n) => results.get(n));
  for (const r of out) await announce({ ...opts, name: r.service }, r);
  return out;
}

// src/runner/shard.ts
import { createHash } from "node:crypto";
var MAX_SHARDS = 1e3;
function parseShard(text) {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new UsageError(`--shard ${text} is not a shard`, {
      hint: `write i/n with 1 <= i <= n <= ${MAX_SHARDS}, e.g. --shard 1/3 (in a GitHub matrix: \${{ matrix.shard }}/3)`
    });
  }
  return { index, count };
}
function shardOption(shard, service) {
  if (shard === void 0) return void 0;
  const parsed = parseShard(shard);
  if (service !== void 0) {
    throw new UsageError("--shard and --service cannot be used together", { hint: "a shard ticks the services whose names fall in it; --service ticks one service" });
  }
  return parsed;
}
function shardOf(name, count) {
  const h = createHash("sha256").update(name, "utf8").digest();
  return h.readUInt32BE(0) % count + 1;
}

// src/commands/tick.ts
function parseDeadline(text) {
  if (text === void 0) return void 0;
  const ms = tryParseDuration(text);
  if (ms === void 0 || ms <= 0) {
    throw new UsageError(`--deadline ${text} is not a duration`, { hint: "write it like 30s, 2m or 1m30s (longer than 0s)" });
  }
  return ms;
}
async function tick(ctx, opts) {
  const deadlineMs = parseDeadline(opts.deadline);
  const shard = shardOption(opts.shard, opts.service);
  const controller = new AbortController();
  const timer = deadlineMs === void 0 ? void 0 : setTimeout(() => controller.abort(), deadlineMs);
  timer?.unref();
  try {
    return await tickWithin(ctx, opts, shard, deadlineMs === void 0 ? void 0 : { signal: controller.signal, label: opts.deadline });
  } finally {
    if (timer) clearTimeout(timer);
  }
}
async function tickWithin(ctx, opts, shard, deadline) {
  const session = await openSession(ctx, { write: !opts.dryRun, notify: !opts.dryRun });
  const names = Object.keys(session.config.services);
  if (opts.service !== void 0 && !names.includes(opts.service)) {
    throw new UsageError(`no service named ${opts.service} in git-canary.yaml`, {
      hint: `services: ${names.join(", ") || "(none)"}`
    });
  }
  const selected = shard ? names.filter((n) => shardOf(n, shard.count) === shard.index) : names.filter((n) => opts.service === void 0 || n === opts.service);
  const github = gitHubSession(ctx, session);
  const services = await tickServices({
    repo: session.repo,
    config: session.config,
    names: selected,
    author: session.author,
    now: ctx.now,
    dryRun: Boolean(opts.dryRun),
    log: ctx.log,
    secrets: session.secrets,
    github,
    ...deadline ? { deadline } : {},
    ...session.notifier ? { notifier: session.notifier } : {}
  });
  const errors = services.filter((s) => s.decision === "error").map((s) => `${s.service}: ${s.reason}`);
  return {
    exitCode: errors.length > 0 ? 1 : 0,
    text: formatTick(services, Boolean(opts.dryRun), shard),
    json: { services, ...shard ? { shard: { index: shard.index, count: shard.count } } : {} },
    errors
  };
}
function formatTick(services, dryRun, shard) {
  if (services.length === 0) return shard ? `no services in shard ${shard.index}/${shard.count}
` : "no services in git-canary.yaml\n";
  const lines = services.map((s) => {
    const where = s.decision === "promote" || s.decision === "rollback" ? " → 100% stable" : s.weight !== null && s.decision !== "none" && s.decision !== "hold" && s.decision !== "pause" ? ` → ${s.weight}%${s.step ? ` (step ${s.step})` : ""}` : "";
    const commit = s.commit ? ` ${s.commit.slice(0, 7)}` : dryRun && s.files.length > 0 ? " (dry run: not committed)" : "";
    const line = `${s.service}: ${s.decision}${where}${commit} — ${s.reason}`;
    return s.diff ? `${line}
${s.diff.replace(/\n$/, "")}` : line;
  });
  return `${lines.join("\n")}
`;
}

export {
  shardOption,
  parseDeadline,
  tick,
  formatTick
};
