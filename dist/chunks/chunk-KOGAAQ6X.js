import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  judge,
  runAnalysisChecks
} from "./chunk-EDE3EELU.js";
import {
  NOTES_REF,
  appendNote,
  noteText,
  observeService,
  resolveTips
} from "./chunk-F3C5YA6V.js";
import {
  planCommit,
  promoteRelease
} from "./chunk-PMCFO57E.js";
import {
  formatCommitMessage,
  parseCommitMessage,
  shortSha,
  titleFor
} from "./chunk-CY7MOWSW.js";
import {
  formatDuration
} from "./chunk-3LIXOM53.js";
import {
  CanaryError,
  ConfigError,
  GitConflictError
} from "./chunk-XQGSMGWJ.js";

// src/engine/decide.ts
function decide(input) {
  const { state, observed, steps } = input;
  const total = steps.length;
  const first = steps[0] ?? 100;
  if (state.phase === "idle") {
    if (observed.candidateMissing !== void 0) return { kind: "none", reason: `no ${observed.candidateMissing} branch yet` };
    if (observed.candidateEqualsProduction) return { kind: "none", reason: "candidate and production releases are the same" };
    if (state.last?.outcome === "rolled-back" && observed.candidateMatchesRollout) {
      return {
        kind: "none",
        reason: `candidate ${short(state.last.candidate)} was rolled back; commit a new change to candidate to roll out again`
      };
    }
    const reverted = observed.releaseReverted;
    if (state.last?.outcome === "promoted" && observed.candidateMatchesRollout && reverted) {
      const how = reverted.revert ? "reverted" : "changed";
      return {
        kind: "none",
        reason: `release ${short(state.last.candidate)} was ${how} on production by ${reverted.author} in ${short(reverted.commit)}; waiting for a new candidate`
      };
    }
    return {
      kind: "start",
      reason: `candidate ${short(observed.candidateSha)} differs from production`,
      step: 1,
      total,
      weight: first,
      restart: false
    };
  }
  if (state.phase === "paused") {
    if (observed.candidateMissing !== void 0) {
      return {
        kind: "hold",
        reason: `${observed.candidateMissing} branch is gone; the paused rollout at ${state.weight}% is held (paused: ${state.reason})`,
        recordFailure: false,
        failedChecks: state.failedChecks
      };
    }
    return { kind: "none", reason: `paused: ${state.reason} — run \`git-canary resume --service ${input.service}\`` };
  }
  if (observed.pullRequestClosed) {
    const { number, by } = observed.pullRequestClosed;
    return {
      kind: "rollback",
      reason: `pull request #${number} was closed without merging${by ? ` by ${by}` : ""}; rolling the canary back`,
      failedChecks: state.failedChecks
    };
  }
  if (observed.notesVanished) {
    return { kind: "pause", reason: observed.notesVanished, files: [] };
  }
  const edited = observed.managedFilesEditedBy;
  if (edited && edited.files.length > 0) {
    const by = edited.commit ? ` in ${short(edited.commit)}` : "";
    return {
      kind: "pause",
      reason: `${edited.files.join(", ")} changed on production${by} by someone else during the rollout`,
      files: edited.files
    };
  }
  if (observed.candidateMissing !== void 0) {
    return {
      kind: "hold",
      reason: `${observed.candidateMissing} branch is gone; the rollout at ${state.weight}% is held — restore the branch, or end it: git-canary rollback --service ${input.service}`,
      recordFailure: false,
      failedChecks: state.failedChecks
    };
  }
  if (observed.candidateEqualsProduction) {
    return {
      kind: "rollback",
      reason: "candidate's release returned to production's; ending the rollout",
      failedChecks: state.failedChecks
    };
  }
  if (!observed.candidateMatchesRollout) {
    return {
      kind: "start",
      reason: `candidate moved to ${short(observed.candidateSha)} during rollout ${state.rollout}; restarting at step 1`,
      step: 1,
      total,
      weight: first,
      restart: true
    };
  }
  if (state.weight === 0) {
    return {
      kind: "step",
      reason: `the canary receives no traffic (0%); giving step ${state.step}/${state.total} its weight back and starting its clock`,
      step: state.step,
      total: state.total,
      weight: steps[state.step - 1] ?? first
    };
  }
  const clockFrom = Math.max(state.stepStartedAt.getTime(), state.lastJudgedAt?.getTime() ?? 0);
  const dueAt = clockFrom + input.intervalMs;
  const at = `step ${state.step}/${state.total} (${state.weight}%)`;
  if (input.now.getTime() < dueAt) {
    return { kind: "none", reason: `waiting ${formatDuration(dueAt - input.now.getTime())} more at ${at}` };
  }
  if (input.hasAnalysis && !input.judgment) return { kind: "analyze", reason: `judging ${at}` };
  const judgment = input.judgment;
  const outcome = input.hasAnalysis ? judgment?.outcome : "pass";
  switch (outcome) {
    case "pass": {
      const next = steps[state.step];
      if (state.step < total && next !== void 0) {
        return {
          kind: "step",
          reason: `${at} passed`,
          step: state.step + 1,
          total,
          weight: next,
          judgment
        };
      }
      return { kind: "promote", reason: `last ${at} passed`, judgment };
    }
    case "fail": {
      const failed = state.failedChecks + 1;
      if (failed >= input.threshold) {
        return {
          kind: "rollback",
          reason: `${failed}/${input.threshold} failed checks`,
          judgment,
          failedChecks: failed
        };
      }
      return {
        kind: "hold",
        reason: `check failed at ${at}, ${failed}/${input.threshold} failed checks`,
        judgment,
        recordFailure: true,
        failedChecks: failed
      };
    }
    case "inconclusive":
      return {
        kind: "hold",
        reason: `inconclusive at ${at}`,
        judgment,
        recordFailure: false,
        failedChecks: state.failedChecks
      };
    default:
      return {
        kind: "hold",
        reason: `metrics error at ${at}`,
        judgment,
        recordFailure: false,
        failedChecks: state.failedChecks
      };
  }
}
function short(sha) {
  return sha.slice(0, 7);
}

// src/manifests/line-diff.ts
var CONTEXT = 3;
var MAX_CELLS = 4e6;
function unifiedDiff(path, before, after) {
  if (before === after) return "";
  const a = splitLines(before ?? "");
  const b = splitLines(after ?? "");
  const head = `--- ${before === void 0 ? "/dev/null" : `a/${path}`}
+++ ${after === void 0 ? "/dev/null" : `b/${path}`}
`;
  if (a.length * b.length > MAX_CELLS) return `${head}@@ ${a.length} lines → ${b.length} lines (too large to show here) @@
`;
  const ops = diffOps(a, b);
  return head + hunks(ops).join("");
}
function splitLines(text) {
  if (text === "") return [];
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
function diffOps(a, b) {
  const n = a.length;
  const m = b.length;
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i2, j2) => i2 * (m + 1) + j2;
  for (let i2 = n - 1; i2 >= 0; i2--) {
    for (let j2 = m - 1; j2 >= 0; j2--) {
      lcs[at(i2, j2)] = a[i2] === b[j2] ? lcs[at(i2 + 1, j2 + 1)] + 1 : Math.max(lcs[at(i2 + 1, j2)], lcs[at(i2, j2 + 1)]);
    }
  }
  const ops = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: " ", line: a[i], a: i++, b: j++ });
    else if (i < n && (j === m || lcs[at(i + 1, j)] >= lcs[at(i, j + 1)])) ops.push({ kind: "-", line: a[i], a: i++, b: j });
    else ops.push({ kind: "+", line: b[j], a: i, b: j++ });
  }
  return ops;
}
function hunks(ops) {
  const changed = ops.flatMap((o, i) => o.kind === " " ? [] : [i]);
  const groups = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * CONTEXT + 1) last[1] = i;
    else groups.push([i, i]);
  }
  return groups.map(([first, last]) => {
    const slice = ops.slice(Math.max(0, first - CONTEXT), Math.min(ops.length, last + CONTEXT + 1));
    const aCount = slice.filter((o) => o.kind !== "+").length;
    const bCount = slice.filter((o) => o.kind !== "-").length;
    const top = slice[0];
    const header = `@@ -${top.a + (aCount ? 1 : 0)},${aCount} +${top.b + (bCount ? 1 : 0)},${bCount} @@
`;
    return header + slice.map((o) => `${o.kind}${o.line}
`).join("");
  });
}

// src/runner/apply.ts
async function publish(planned, obs, o, note) {
  if (o.dryRun) return void 0;
  const { repo } = o;
  const t = planned.trailers;
  const message = formatCommitMessage({ title: titleFor(t), body: planned.body, trailers: t });
  const commit = await repo.createCommit({
    parent: obs.productionSha,
    ...planned.extraParents ? { extraParents: planned.extraParents } : {},
    changes: planned.changes,
    message,
    author: o.author,
    date: o.now
  });
  if (note) {
    const line = { service: t.service, rollout: t.rollout, at: o.now.toISOString(), ...note };
    const text = appendNote(void 0, line);
    if (await alreadyNoted(repo, obs.notesSha, commit, text)) {
      await repo.updateRef(o.productionBranch, commit, obs.productionSha);
      return commit;
    }
    const notesCommit = await repo.createCommit({
      parent: obs.notesSha,
      changes: [{ path: commit, content: text }],
      message: `Notes added by 'git-canary': ${t.service} judgment ${note.outcome}
`,
      author: o.author,
      date: o.now
    });
    await repo.updateRef(NOTES_REF, notesCommit, obs.notesSha);
  }
  await repo.updateRef(o.productionBranch, commit, obs.productionSha);
  return commit;
}
async function alreadyNoted(repo, notesSha, commit, text) {
  if (!notesSha) return false;
  try {
    return (await noteText(repo, notesSha, commit))?.text === text;
  } catch (e) {
    if (e instanceof CanaryError) return false;
    throw e;
  }
}

// src/github/gate.ts
var DECISIVE = /* @__PURE__ */ new Set(["APPROVED", "CHANGES_REQUESTED", "DISMISSED"]);
function gateVerdict(pr, reviews) {
  const ref = `pull request #${pr.number}`;
  if (pr.merged) return { kind: "merged", reason: `${ref} is already merged` };
  if (pr.state === "closed") {
    return { kind: "closed", reason: `${ref} was closed without merging${pr.closedBy ? ` by ${pr.closedBy}` : ""}` };
  }
  const head = pr.headSha;
  const onHead = (r) => r.commitId === head;
  const standing2 = /* @__PURE__ */ new Map();
  for (const r of reviews) if (DECISIVE.has(r.state)) standing2.set(r.user, r);
  const lastApproval = findLastIndex(reviews, (r) => r.state === "APPROVED" && onHead(r) && standing2.get(r.user) === r);
  const requestsAfter = reviews.filter((r, i) => r.state === "CHANGES_REQUESTED" && i > lastApproval && lastApproval >= 0);
  const standingRequests = [...standing2.values()].filter((r) => r.state === "CHANGES_REQUESTED" && onHead(r));
  const blockers = unique([...requestsAfter, ...standingRequests].map((r) => r.user));
  if (blockers.length > 0) {
    return {
      kind: "blocked",
      blockedBy: blockers,
      reason: `${ref}: changes requested by ${blockers.join(", ")} — address them, then a new approval starts the rollout`
    };
  }
  if (lastApproval >= 0) {
    const approvedBy = unique([...standing2.values()].filter((r) => r.state === "APPROVED" && onHead(r)).map((r) => r.user));
    return { kind: "approved", approvedBy, reason: `${ref} approved by ${approvedBy.join(", ")} on ${shortSha(head)}` };
  }
  if (reviews.some((r) => r.state === "APPROVED" && !onHead(r))) {
    return {
      kind: "stale",
      reason: `${ref}: its approval is for an older head; the branch now holds ${shortSha(head)} — approve again to start`
    };
  }
  return { kind: "waiting", reason: `waiting for an approval of ${ref} (${pr.htmlUrl})` };
}
function findLastIndex(items, test) {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}
function unique(items) {
  return [...new Set(items)];
}

// src/github/pull-request-text.ts
var PROGRESS_MARKER = "<!-- git-canary:progress -->";
var MAX_BODY = 6e4;
function pullRequestTitle(service, candidateSha) {
  return `${service}: roll out candidate ${candidateSha.slice(0, 7)}`;
}
function pullRequestBody(input) {
  const { service, candidateSha, branches, plan } = input;
  const link = (sha) => input.commitUrl ? `[${sha.slice(0, 7)}](${input.commitUrl(sha)})` : `\`${sha.slice(0, 7)}\``;
  const steps = plan.steps.map((s) => `${s}%`).join(" → ");
  const lines = [
    `git-canary will roll out **${cell(service)}** from \`${cell(branches.candidate)}\` ${link(candidateSha)} to \`${cell(branches.production)}\` once this pull request is **approved on its current head**.`,
    "",
    "Approving starts the canary; a review requesting changes holds it. A new candidate moves this branch forward and needs a new approval. On promotion this pull request ends merged; on rollback it is closed with the analysis. Closing it yourself stops the rollout.",
    "",
    "### Rollout plan",
    "",
    `- steps: ${steps} → promote`,
    `- at least ${plan.interval} at each step before it is judged`
  ];
  if (plan.checks.length > 0) {
    lines.push(`- rollback after ${plan.threshold ?? 1} failed judgment(s)`, "", "| check | limit | query |", "|---|---|---|");
    for (const c of plan.checks) lines.push(`| ${cell(c.name)} | ${limits(c)} | \`${cell(c.query)}\` |`);
  } else {
    lines.push("- no analysis: steps advance on the interval alone");
  }
  if (input.commits.length > 0) {
    lines.push("", "### Candidate commits", "");
    for (const c of input.commits) lines.push(`- ${link(c.sha)} ${cell(c.title)}`);
  }
  lines.push("", "### Release diff", "");
  const diff = input.diffs.map((d) => unifiedDiff(d.path, d.before, d.after)).join("");
  const fence = "```";
  const shown = diff.length > MAX_BODY / 2 ? `${diff.slice(0, MAX_BODY / 2)}
… (truncated; see Files changed)
` : diff;
  lines.push(`${fence}diff`, shown.replace(/```/g, "`​``").trimEnd(), fence);
  return clamp(lines.join("\n"));
}
function progressComment(p) {
  const link = (sha) => p.commitUrl ? `[${sha.slice(0, 7)}](${p.commitUrl(sha)})` : `\`${sha.slice(0, 7)}\``;
  const lines = [PROGRESS_MARKER, `**git-canary: ${cell(p.service)} — ${cell(p.status)}**`, "", cell(p.reason)];
  if (p.checks.length > 0) {
    lines.push("", "| check | value | outcome |", "|---|---|---|");
    for (const c of p.checks) lines.push(`| ${cell(c.name)} | ${c.value ?? "no data"} | ${cell(c.outcome)} |`);
  }
  if (p.history.length > 0) {
    lines.push("", "Commits on production:", "");
    for (const h of p.history) lines.push(`- ${link(h.sha)} ${cell(h.title)}`);
  }
  return clamp(lines.join("\n"));
}
function cell(text) {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|").replace(/</g, "&lt;");
}
function limits(c) {
  const parts = [c.min !== void 0 ? `≥ ${c.min}` : "", c.max !== void 0 ? `≤ ${c.max}` : ""].filter(Boolean);
  return parts.join(", ") || "—";
}
function clamp(text) {
  return text.length > MAX_BODY ? `${text.slice(0, MAX_BODY)}

… (truncated)` : text;
}

// src/runner/gate.ts
var gateBranch = (service) => `git-canary/${service}`;
var RELEASE_TRAILER = "Canary-Gate-Release";
var MAX_LISTED = 20;
async function gateBeforeStart(d, name, service, obs, now) {
  try {
    const branch = gateBranch(name);
    const changes = promoteRelease(service, obs.production, obs.candidate, d.branches.candidate);
    const head = await promotionHead(d, name, changes, obs, now);
    if (!head) return { ok: false, reason: `dry run: would push ${branch} and open a pull request to ${d.branches.production}` };
    const prs = await d.api.pullRequestsFor(branch, d.branches.production);
    let pr = prs.find((p) => p.state === "open");
    const last = prs[0];
    if (!pr && last && !last.merged && last.headSha === head) {
      const verdict2 = gateVerdict(last, []);
      return { ok: false, reason: `${verdict2.reason}: this release does not start; commit a new change to ${d.branches.candidate} to propose again` };
    }
    const body = pullRequestBody(await textInput(d, name, service, obs, changes));
    const title = pullRequestTitle(name, obs.candidateSha);
    if (!pr) {
      if (d.dryRun) return { ok: false, reason: `dry run: would open a pull request from ${branch}` };
      pr = await d.api.createPullRequest({ head: branch, base: d.branches.production, title, body });
      d.log.info({ service: name, pullRequest: pr.number }, "opened the promotion pull request");
    } else if ((pr.body !== body || pr.title !== title) && !d.dryRun) {
      pr = await d.api.updatePullRequest(pr.number, { title, body });
    }
    if (pr.headSha !== head) {
      return { ok: false, reason: `pull request #${pr.number} shows head ${pr.headSha.slice(0, 7)}, not ${head.slice(0, 7)}; waiting for GitHub to catch up` };
    }
    const verdict = gateVerdict(pr, await d.api.listReviews(pr.number));
    return verdict.kind === "approved" ? { ok: true, pullRequest: pr.number, reason: verdict.reason } : { ok: false, reason: verdict.reason };
  } catch (e) {
    if (!(e instanceof CanaryError) || e.code !== "GITHUB") throw e;
    d.log.warn({ service: name, err: e.message }, "GitHub call failed; holding the gate");
    return { ok: false, reason: `holding: ${e.message}` };
  }
}
async function promotionHead(d, name, changes, obs, now) {
  const branch = gateBranch(name);
  const current = await d.repo.resolve(branch);
  const digest = obs.releaseDigest.candidate;
  if (current && await headTrailer(d.repo, current, RELEASE_TRAILER) === digest) return current;
  if (d.dryRun) return current;
  const message = [
    `${name}: promote candidate ${obs.candidateSha.slice(0, 7)}`,
    "",
    `${d.branches.production} with the candidate's release files of ${name}. Approving its pull request starts the canary; git-canary merges it on promotion.`,
    "",
    `Canary-Gate-Service: ${name}`,
    `Canary-Gate-Candidate: ${obs.candidateSha}`,
    `${RELEASE_TRAILER}: ${digest}`,
    ""
  ].join("\n");
  const commit = await d.repo.createCommit({
    parent: obs.productionSha,
    ...current ? { extraParents: [current] } : {},
    changes,
    message,
    author: d.author,
    date: now
  });
  await d.repo.updateRef(branch, commit, current);
  d.log.info({ service: name, branch, commit }, "pushed the promotion branch");
  return commit;
}
async function mergeHeadFor(repo, name, candidate) {
  const head = await repo.resolve(gateBranch(name));
  if (!head) return void 0;
  return await headTrailer(repo, head, "Canary-Gate-Candidate") === candidate ? head : void 0;
}
async function closedPullRequest(d, name, number) {
  try {
    const pr = await d.api.getPullRequest(number);
    return pr.state === "closed" && !pr.merged ? { number, ...pr.closedBy ? { by: pr.closedBy } : {} } : void 0;
  } catch (e) {
    if (!(e instanceof CanaryError) || e.code !== "GITHUB") throw e;
    d.log.warn({ service: name, err: e.message }, "GitHub call failed; the rollout goes on");
    return void 0;
  }
}
async function gateAfterCommit(d, name, number, done) {
  try {
    const body = progressComment({ service: name, status: done.status, reason: done.reason, checks: done.checks, history: done.history, commitUrl: d.commitUrl });
    const mine = (await d.api.listComments(number)).find((c) => c.body.startsWith(PROGRESS_MARKER));
    if (mine) await d.api.updateComment(mine.id, body);
    else await d.api.createComment(number, body);
    if (done.phase === "rolled-back") {
      const pr = await d.api.getPullRequest(number);
      if (pr.state === "open") await d.api.updatePullRequest(number, { state: "closed" });
    }
  } catch (e) {
    if (!(e instanceof CanaryError) || e.code !== "GITHUB") throw e;
    d.log.warn({ service: name, err: e.message }, "could not update the promotion pull request; the rollout goes on");
  }
}
async function textInput(d, name, service, obs, changes) {
  const commits = [];
  const stop = /* @__PURE__ */ new Set();
  const last = obs.state.phase === "idle" ? obs.state.last?.candidate : obs.state.candidate;
  if (last) stop.add(last);
  for await (const c of d.repo.walk(obs.productionSha, { firstParent: true })) {
    if (stop.size >= MAX_LISTED * 10) break;
    stop.add(c.sha);
  }
  for await (const c of d.repo.walk(obs.candidateSha, { firstParent: true })) {
    if (stop.has(c.sha) || commits.length >= MAX_LISTED) break;
    commits.push({ sha: c.sha, title: c.message.split("\n")[0] ?? "" });
  }
  return {
    service: name,
    candidateSha: obs.candidateSha,
    branches: d.branches,
    diffs: changes.map((c) => ({ path: c.path, before: obs.production[c.path], after: c.content ?? void 0 })),
    plan: {
      steps: service.steps,
      interval: formatDuration(service.interval),
      threshold: service.analysis?.threshold,
      checks: service.analysis?.checks ?? []
    },
    commits,
    commitUrl: d.commitUrl
  };
}
async function headTrailer(repo, sha, key) {
  const [info] = await repo.log(sha, { depth: 1 });
  return info ? new RegExp(`^${key}:\\s*(\\S+)\\s*$`, "mi").exec(info.message)?.[1] : void 0;
}

// src/runner/github-signals.ts
function signalStates(phase) {
  switch (phase) {
    case "promoted":
      return { status: "success", deployment: "success" };
    case "rolled-back":
      return { status: "failure", deployment: "failure" };
    default:
      return { status: "pending", deployment: "in_progress" };
  }
}
var deploymentEnvironment = (production, service) => `${production}/${service}`;
async function signalCommit(api, log, r, o) {
  const { status, deployment } = signalStates(r.phase);
  const description = r.description.length > 140 ? `${r.description.slice(0, 139)}…` : r.description;
  const environment = deploymentEnvironment(o.production, r.service);
  try {
    await api.createCommitStatus(r.commit, {
      context: `git-canary/${r.service}`,
      state: status,
      description,
      ...o.targetUrl ? { targetUrl: o.targetUrl } : {}
    });
    let id;
    if (!r.started) id = (await api.listDeployments({ environment })).find((d) => d.rollout === r.rollout)?.id;
    if (id === void 0) id = (await api.createDeployment({ sha: r.commit, environment, description, rollout: r.rollout })).id;
    await api.createDeploymentStatus(id, { state: deployment, description, ...o.targetUrl ? { logUrl: o.targetUrl } : {} });
  } catch (e) {
    if (!(e instanceof CanaryError)) throw e;
    log.warn({ service: r.service, commit: r.commit, err: e.message }, "could not report the commit to GitHub; the rollout goes on");
  }
}

// src/runner/rollout-history.ts
var MAX_WALK = 500;
async function rolloutHistory(repo, tip, service, rollout) {
  const out = [];
  let seen = 0;
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (++seen > MAX_WALK) break;
    const { title, trailers } = parseCommitMessage(c.message);
    if (!trailers || trailers.service !== service) continue;
    if (trailers.rollout !== rollout) break;
    out.push({ sha: c.sha, title, ...trailers.pullRequest !== void 0 ? { pullRequest: trailers.pullRequest } : {} });
    if (trailers.phase === "progressing" && trailers.step?.index === 1 && trailers.failedChecks === 0 && !trailers.judgment) break;
  }
  return out.reverse();
}

// src/runner/retry.ts
var MAX_ATTEMPTS = 6;
var realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function withCompareAndSwap(run, o) {
  const attempts = o.attempts ?? MAX_ATTEMPTS;
  const sleep = o.sleep ?? realSleep;
  const random = o.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (e) {
      if (!(e instanceof GitConflictError) || attempt >= attempts) throw e;
      const wait = Math.round(2 ** attempt * 50 * (0.5 + random()));
      o.onRetry?.(attempt, wait);
      await sleep(wait);
      await o.refresh();
    }
  }
}

// src/runner/tick-service.ts
function deadlineHold(label, obs) {
  const failedChecks = obs.state.phase === "idle" ? 0 : obs.state.failedChecks;
  return { kind: "hold", reason: `tick deadline of ${label} reached before ${obs.service} was decided; the next tick decides`, recordFailure: false, failedChecks };
}
function planService(service) {
  return { files: service.files, documents: service.documents, canary: service.canary, route: service.route };
}
function decideInput(name, service, obs, now) {
  return {
    service: name,
    steps: service.steps,
    intervalMs: service.interval,
    threshold: service.analysis?.threshold ?? 1,
    hasAnalysis: Boolean(service.analysis && service.analysis.checks.length > 0),
    state: obs.state,
    observed: obs.observed,
    now
  };
}
function standing(obs) {
  const s = obs.state;
  return s.phase === "idle" ? { weight: null, step: null, rollout: null, phase: "idle" } : { weight: s.weight, step: `${s.step}/${s.total}`, rollout: s.rollout, phase: s.phase };
}
async function commitDecision(decision, obs, o) {
  const planned = planCommit(decision, o.service, obs, o.now, o.actor);
  if (!planned) return result(obs.service, decision, { commit: null, files: [], unexercised: [], ...standing(obs) });
  if (o.gate?.pullRequest !== void 0) planned.trailers.pullRequest = o.gate.pullRequest;
  if (o.gate?.mergeHead && planned.trailers.phase === "promoted") planned.extraParents = [o.gate.mergeHead];
  const judgment = "judgment" in decision ? decision.judgment : void 0;
  const note = planned.trailers.judgment === "fail" && judgment ? { outcome: judgment.outcome, checks: judgment.checks.map((c) => ({ name: c.name, value: c.value, outcome: c.outcome })) } : void 0;
  const commit = await publish(planned, obs, { repo: o.repo, productionBranch: o.production, author: o.author, now: o.now, dryRun: o.dryRun }, note);
  const t = planned.trailers;
  const active = t.phase === "progressing" || t.phase === "paused" || t.phase === "resumed";
  const step = t.step ?? t.rolloutStep;
  const r = result(obs.service, decision, {
    commit: commit ?? null,
    files: planned.changes.map((c) => c.path),
    weight: t.weight,
    step: active && step ? `${step.index}/${step.total}` : null,
    unexercised: planned.unexercised,
    rollout: t.rollout,
    phase: t.phase
  });
  if (o.dryRun && planned.changes.length > 0) {
    r.diff = planned.changes.map((c) => unifiedDiff(c.path, obs.production[c.path], c.content ?? void 0)).join("");
  }
  return r;
}
async function tickService(opts) {
  const { repo, config, name } = opts;
  const service = config.services[name];
  try {
    return await withCompareAndSwap(
      async () => {
        const { production, candidate, notes } = await resolveTips(repo, config.branches);
        if (!production) throw new GitConflictError(`branch ${config.branches.production} disappeared`);
        if (service.gate === "pull-request" && !opts.github) {
          throw new ConfigError(`${name} has gate: pull-request, but no GitHub repository and token are known`, {
            where: { file: "git-canary.yaml", branch: config.branches.production, detail: `services.${name}.gate` },
            hint: "set github.repository (or GITHUB_REPOSITORY) and GIT_CANARY_TOKEN (or GITHUB_TOKEN), or use gate: auto"
          });
        }
        const now = opts.now();
        const obs = await observeService({
          repo,
          name,
          service: planService(service),
          tips: { production, candidate, notes },
          author: opts.author,
          production: config.branches.production,
          candidate: config.branches.candidate
        });
        const gated = service.gate === "pull-request";
        const deps = gated ? gateDeps(opts) : void 0;
        let observed = obs;
        const pr = obs.state.phase === "progressing" ? obs.state.pullRequest : void 0;
        if (deps && pr !== void 0) {
          const closed = await closedPullRequest(deps, name, pr);
          if (closed) observed = { ...obs, observed: { ...obs.observed, pullRequestClosed: closed } };
        }
        const input = decideInput(name, service, observed, now);
        const deadline = opts.deadline;
        let decision = decide(input);
        if (deadline?.signal.aborted) {
          decision = deadlineHold(deadline.label, observed);
        } else if (decision.kind === "analyze") {
          const checks = await runAnalysisChecks(config.metrics, service.analysis, now, deadline?.signal);
          decision = deadline?.signal.aborted ? deadlineHold(deadline.label, observed) : decide({ ...input, judgment: judge(checks) });
        }
        const gate = {};
        if (deps && decision.kind === "start") {
          const outcome = await gateBeforeStart(deps, name, service, observed, now);
          if (outcome.ok) {
            gate.pullRequest = outcome.pullRequest;
            decision = { ...decision, reason: `${decision.reason}; ${outcome.reason}` };
          } else {
            const failedChecks = observed.state.phase === "idle" ? 0 : observed.state.failedChecks;
            decision = { kind: "hold", reason: outcome.reason, recordFailure: false, failedChecks };
          }
        }
        if (deps && decision.kind === "promote" && observed.state.phase !== "idle" && observed.state.pullRequest !== void 0) {
          gate.mergeHead = await mergeHeadFor(repo, name, observed.state.candidate);
        }
        const r = await commitDecision(decision, observed, {
          service: planService(service),
          production: config.branches.production,
          repo,
          author: opts.author,
          now,
          dryRun: opts.dryRun,
          gate
        });
        opts.log.info({ service: name, decision: r.decision, commit: r.commit }, r.reason);
        if (r.commit) await afterCommit(opts, r, deps);
        return r;
      },
      {
        refresh: () => repo.refresh(),
        sleep: opts.sleep,
        random: opts.random,
        onRetry: (attempt, wait) => opts.log.info({ service: name, attempt, wait }, "lost a race to another writer; refetching and deciding again")
      }
    );
  } catch (e) {
    const reason = e instanceof CanaryError ? errorReason(e) : `internal error: ${e instanceof Error ? e.message : String(e)} — this is a git-canary bug; run with --debug and report it`;
    opts.log.info({ service: name, code: e instanceof CanaryError ? e.code : "INTERNAL", err: e instanceof CanaryError ? void 0 : e }, reason);
    return { ...empty(), service: name, decision: "error", reason, checks: [] };
  }
}
function gateDeps(opts) {
  if (!opts.github) return void 0;
  const { branches } = opts.config;
  return { api: opts.github.api, repo: opts.repo, author: opts.author, branches, dryRun: opts.dryRun, log: opts.log, commitUrl: opts.github.commitUrl };
}
async function afterCommit(opts, r, deps) {
  const { github } = opts;
  if (!github || !r.commit || !r.rollout || !r.phase || r.phase === "idle") return;
  const history = await rolloutHistory(opts.repo, r.commit, r.service, r.rollout);
  const status = history[history.length - 1]?.title.replace(/^[^:]*:\s*/, "") ?? r.decision;
  await signalCommit(
    github.api,
    opts.log,
    { service: r.service, rollout: r.rollout, phase: r.phase, commit: r.commit, description: `${status} — ${r.reason}`, started: r.decision === "start" },
    { production: opts.config.branches.production, ...github.commitUrl ? { targetUrl: github.commitUrl(r.commit) } : {} }
  );
  const pullRequest = history.find((h) => h.pullRequest !== void 0)?.pullRequest;
  if (deps && pullRequest !== void 0) {
    await gateAfterCommit(deps, r.service, pullRequest, { phase: r.phase, status, reason: r.reason, checks: r.checks, history });
  }
}
function errorReason(e) {
  const w = e.where ?? {};
  const file = w.file ? `${w.branch ? `${w.branch}:` : ""}${w.file}${w.line ? `:${w.line}` : ""}` : w.branch ? `branch ${w.branch}` : "";
  const where = [file, w.detail].filter(Boolean).join(", ");
  return `${e.message}${where ? ` (${where})` : ""}${e.hint ? ` — ${e.hint}` : ""}`;
}
function empty() {
  return { commit: null, files: [], unexercised: [], weight: null, step: null, rollout: null, phase: null };
}
function result(service, decision, applied) {
  const judgment = "judgment" in decision ? decision.judgment : void 0;
  const unexercised = applied.unexercised.length > 0 ? ` — not exercised by the canary: ${applied.unexercised.join(", ")}` : "";
  return {
    service,
    decision: decision.kind === "analyze" || decision.kind === "resume" ? "none" : decision.kind,
    weight: applied.weight,
    step: applied.step,
    commit: applied.commit,
    reason: `${judgment ? `${decision.reason} — ${judgment.summary}` : decision.reason}${unexercised}`,
    checks: (judgment?.checks ?? []).map((c) => ({ name: c.name, value: c.value, outcome: c.outcome })),
    files: applied.files,
    unexercised: applied.unexercised,
    rollout: applied.rollout,
    phase: applied.phase
  };
}

export {
  decide,
  unifiedDiff,
  mergeHeadFor,
  withCompareAndSwap,
  planService,
  decideInput,
  commitDecision,
  tickService,
  errorReason
};
