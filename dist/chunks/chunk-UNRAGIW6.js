import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  noteText,
  observeService,
  resolveTips
} from "./chunk-GC5ZNIGH.js";
import {
  resolveAnalysis,
  runAnalysis
} from "./chunk-6KZ3VJPV.js";
import {
  DEFAULT_ERROR_LIMIT,
  DEFAULT_INCONCLUSIVE_LIMIT,
  array,
  boolean,
  describeRef,
  getKubeObject,
  isRecord,
  number,
  object,
  planCommit,
  promoteRelease,
  promotionPreview,
  record,
  releaseViews,
  revisionsOf,
  string
} from "./chunk-BYSPTKVM.js";
import {
  formatCommitMessage,
  parsedCommit,
  shortSha,
  titleFor
} from "./chunk-IVUUAOBA.js";
import {
  formatDuration
} from "./chunk-3LIXOM53.js";
import {
  NOTES_REF,
  appendNote
} from "./chunk-VDZMSJPN.js";
import {
  TextMemo
} from "./chunk-DQCITK7L.js";
import {
  CanaryError,
  ConfigError,
  GitConflictError
} from "./chunk-SZWPCBNB.js";

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
        failedChecks: state.failedChecks
      };
    }
    return { kind: "none", reason: `paused: ${state.reason} — run \`git-canary resume --service ${input.service}\`` };
  }
  if (observed.pullRequestClosed) {
    const { number: number2, by } = observed.pullRequestClosed;
    return {
      kind: "rollback",
      reason: `pull request #${number2} was closed without merging${by ? ` by ${by}` : ""}; rolling the canary back`,
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
  const overdue = deadlinePassed(input, state);
  if (overdue) return { kind: "rollback", reason: overdue, failedChecks: state.failedChecks };
  if (state.weight === 0) {
    return {
      kind: "step",
      reason: `the canary receives no traffic (0%); giving step ${state.step}/${state.total} its weight back and starting its clock`,
      step: state.step,
      total: state.total,
      weight: steps[state.step - 1] ?? first
    };
  }
  const at = `step ${state.step}/${state.total} (${state.weight}%)`;
  const applied = observed.applied;
  if (applied && applied.state !== "applied") {
    const left = deadlineLeft(input, state);
    const warn = left === void 0 ? "" : `; progressDeadline ${formatDuration(input.progressDeadlineMs)} passes in ${left}`;
    const why = { pending: `${at} is not applied yet`, degraded: `${at} is applied but not healthy`, error: `cannot tell whether ${at} is applied` }[applied.state];
    return { kind: "hold", reason: `${why}: ${applied.reason}${warn}`, failedChecks: state.failedChecks };
  }
  const clockFrom = judgmentClock(input, state);
  const dueAt = clockFrom + input.intervalMs;
  if (input.now.getTime() < dueAt) {
    const byApplied = applied?.state === "applied" && clockFrom > Math.max(state.stepStartedAt.getTime(), state.lastJudgedAt?.getTime() ?? 0);
    const since = byApplied ? ` (the step's clock started when it was applied, ${new Date(clockFrom).toISOString()})` : "";
    return { kind: "none", reason: `waiting ${formatDuration(dueAt - input.now.getTime())} more at ${at}${since}` };
  }
  if (input.hasAnalysis && !input.judgment) return { kind: "analyze", reason: `judging ${at}`, windowStart: new Date(clockFrom) };
  if (!input.hasAnalysis || !input.judgment) return advance(input, state, at, void 0);
  return judged(input, state, at, input.judgment);
}
function judgmentClock(input, state) {
  const clock = Math.max(state.stepStartedAt.getTime(), state.lastJudgedAt?.getTime() ?? 0);
  const applied = input.observed.applied;
  return applied?.state === "applied" ? Math.max(clock, applied.since.getTime() + (input.initialDelayMs ?? 0)) : clock;
}
function deadlinePassed(input, state) {
  const limit = input.progressDeadlineMs;
  if (limit === void 0 || input.now.getTime() - state.started.getTime() < limit) return void 0;
  const from = state.startedFrom === "record" ? `; counted from its newest record ${short(state.lastCommit)}, which has no Canary-Started` : "";
  return `not promoted within progressDeadline ${formatDuration(limit)} (started ${state.started.toISOString()}${from})`;
}
function deadlineLeft(input, state) {
  if (input.progressDeadlineMs === void 0) return void 0;
  return formatDuration(Math.max(0, state.started.getTime() + input.progressDeadlineMs - input.now.getTime()));
}
function advance(input, state, at, judgment) {
  const next = input.steps[state.step];
  if (state.step < input.steps.length && next !== void 0) {
    return { kind: "step", reason: `${at} passed`, step: state.step + 1, total: input.steps.length, weight: next, ...judgment ? { judgment } : {} };
  }
  return { kind: "promote", reason: `last ${at} passed`, ...judgment ? { judgment } : {} };
}
function judged(input, state, at, judgment) {
  const failed = state.failedChecks + 1;
  if (judgment.critical.length > 0) {
    const why = judgment.critical.map((name) => {
      const reason = judgment.checks.find((c) => c.name === name)?.reason;
      return reason ? `${name}: ${reason}` : name;
    });
    const plural = judgment.critical.length === 1 ? "check" : "checks";
    return { kind: "rollback", reason: `critical ${plural} failed at ${at}: ${why.join(", ")}`, judgment, failedChecks: failed };
  }
  switch (judgment.outcome) {
    case "pass":
      return advance(input, state, at, judgment);
    case "fail":
      if (failed >= input.threshold) {
        return { kind: "rollback", reason: `${failed}/${input.threshold} failed checks`, judgment, failedChecks: failed };
      }
      return { kind: "hold", reason: `check failed at ${at}, ${failed}/${input.threshold} failed checks`, judgment, record: "fail", failedChecks: failed };
    case "inconclusive":
    case "error": {
      const inconclusive = judgment.outcome === "inconclusive" ? state.inconclusive + 1 : state.inconclusive;
      const errors = judgment.outcome === "error" ? state.errors + 1 : state.errors;
      const [n, limit] = judgment.outcome === "inconclusive" ? [inconclusive, input.inconclusiveLimit] : [errors, input.errorLimit];
      const counts = { inconclusive, errors };
      const last = lastReason(judgment);
      if (n >= limit) {
        const what2 = judgment.outcome === "inconclusive" ? "inconclusive" : "errored";
        const fix = judgment.outcome === "inconclusive" ? "look at the canary's traffic and metrics" : "fix the metrics source";
        const key = judgment.outcome === "inconclusive" ? "inconclusiveLimit" : "errorLimit";
        return {
          kind: "pause",
          reason: `${n} ${what2} judgment${n === 1 ? "" : "s"} in a row (${key} ${limit}) at ${at}: ${last} — ${fix}, then git-canary resume --service ${input.service}`,
          files: [],
          judgment,
          ...counts
        };
      }
      const what = judgment.outcome === "inconclusive" ? "inconclusive" : "metrics error";
      return {
        kind: "hold",
        reason: `${what} at ${at}, ${n}/${limit} in a row before a pause`,
        judgment,
        record: judgment.outcome,
        failedChecks: state.failedChecks,
        ...counts
      };
    }
  }
}
function lastReason(judgment) {
  const wanted = judgment.outcome === "error" ? ["error"] : ["no-data", "inconclusive"];
  if (judgment.requests && wanted.includes(judgment.requests.outcome)) return judgment.requests.reason;
  const check = judgment.checks.find((c) => wanted.includes(c.outcome));
  if (check) return `${check.name}: ${check.reason}`;
  return judgment.outcome === "error" ? "the metrics source did not answer" : "no verdict";
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

// src/applied/revisions.ts
function positionOf(revision, commit, production) {
  const at = indexOf(commit, production);
  const index = indexOf(revision, production);
  if (at < 0 || index < 0) return "unknown";
  return index <= at ? "at-or-after" : "older";
}
function onProduction(commit, production) {
  return indexOf(commit, production) >= 0;
}
function short2(sha) {
  return /^[0-9a-f]{40,64}$/i.test(sha) ? sha.slice(0, 12) : sha;
}
function indexOf(sha, production) {
  const wanted = sha.toLowerCase();
  return production.findIndex((c) => c.toLowerCase() === wanted);
}

// src/applied/shape.ts
var MAX_TEXT = 300;
function parseTime(text) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return void 0;
  const at = new Date(text);
  return Number.isFinite(at.getTime()) ? at : void 0;
}
function brief(text) {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT)}…` : line;
}
function badShape(ctx, error) {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join(".") : "(root)";
  return {
    state: "error",
    reason: `${ctx.what} has an unexpected shape at ${path}: ${issue?.message ?? "invalid"} — check that the API server serves the expected CRD version`
  };
}
function unreadableTime(ctx, path, value) {
  return {
    state: "error",
    reason: `${ctx.what} has an unreadable time at ${path}: "${brief(value)}" — expected an RFC 3339 time such as 2024-01-01T00:00:00Z`
  };
}

// src/applied/argocd.ts
var HistoryEntry = object({
  id: number(),
  deployedAt: string(),
  revision: string().optional(),
  revisions: array(string()).optional()
});
var Application = object({
  status: object({
    sync: object({
      status: string(),
      revision: string().optional(),
      revisions: array(string()).optional()
    }).optional(),
    health: object({ status: string().optional(), message: string().optional() }).optional(),
    history: array(HistoryEntry).optional(),
    operationState: object({
      phase: string(),
      message: string().optional(),
      finishedAt: string().optional(),
      syncResult: object({ revision: string(), revisions: array(string()).optional() }).optional()
    }).optional(),
    conditions: array(object({ type: string(), message: string() })).optional()
  }).optional()
});
var MAX_CONDITIONS_SHOWN = 2;
function observe(object2, ctx) {
  const parsed = Application.safeParse(object2);
  if (!parsed.success) return badShape(ctx, parsed.error);
  const status = parsed.data.status;
  const sync = status?.sync;
  if (!status || !sync) {
    return { state: "pending", reason: `${ctx.what} has no sync status yet (Argo CD has not compared it) — waiting for Argo CD` };
  }
  if ((sync.revisions?.length ?? 0) > 0) {
    return {
      state: "error",
      reason: `${ctx.what} has ${sync.revisions.length} sources (status.sync.revisions); git-canary can only tell which commit a single-source Application applies — point applied.argocd.application at an Application whose one source is the production branch`
    };
  }
  const at = sync.revision;
  const conditions = conditionsText(status);
  if (sync.status !== "Synced") {
    return {
      state: "pending",
      reason: `${ctx.what} is ${sync.status}${at ? ` at ${short2(at)}` : ""}, waiting for Argo CD to sync ${short2(ctx.commit)}${conditions}`
    };
  }
  if (!at) return { state: "pending", reason: `${ctx.what} is Synced but names no revision (status.sync.revision) — waiting for Argo CD` };
  const position = positionOf(at, ctx.commit, ctx.production);
  if (position === "unknown") {
    return {
      state: "pending",
      reason: `${ctx.what} is Synced at revision ${at}, which is not on production's first-parent history back to ${short2(ctx.commit)} — check that the Application's source tracks the production branch (spec.source.targetRevision)`
    };
  }
  if (position === "older") {
    return { state: "pending", reason: `${ctx.what} is Synced at ${short2(at)}, older than ${short2(ctx.commit)} — waiting for Argo CD to sync it` };
  }
  const operation = status.operationState;
  if (operation && (operation.phase === "Running" || operation.phase === "Terminating")) {
    return {
      state: "pending",
      reason: `${ctx.what} is Synced at ${short2(at)} but a sync operation is ${operation.phase.toLowerCase()}${operation.message ? `: ${brief(operation.message)}` : ""} — waiting for it to finish`
    };
  }
  const health = status.health?.status;
  if (health !== "Healthy") {
    const message = status.health?.message ? `: ${brief(status.health.message)}` : "";
    return {
      state: "degraded",
      reason: `${ctx.what} is Synced at ${short2(at)} but ${health ? `its health is ${health}` : "reports no health status"}${message}${conditions}`
    };
  }
  const deployed = deployedSince(status, ctx);
  if (deployed.kind === "invalid") {
    return unreadableTime(ctx, deployed.path, deployed.value);
  }
  if (deployed.kind === "none") {
    return {
      state: "pending",
      reason: `${ctx.what} is Synced and Healthy at ${short2(at)} but records no sync of ${short2(ctx.commit)} or a newer commit (status.history, status.operationState), so when it was applied is unknown — waiting for a sync; if the commit changes nothing this Application renders, applied.argocd names the wrong Application`
    };
  }
  return {
    state: "applied",
    since: deployed.at,
    revision: at,
    detail: `${ctx.what} Synced at ${short2(at)} and Healthy, deployed ${deployed.at.toISOString()} (${deployed.from})`
  };
}
function deployedSince(status, ctx) {
  const position = (revision) => revision === void 0 ? "unknown" : positionOf(revision, ctx.commit, ctx.production);
  const history = [...status.history ?? []].sort((a, b) => a.id - b.id);
  let oldest;
  for (let i = history.length - 1; i >= 0; i--) {
    if (position(history[i].revision) !== "at-or-after") break;
    oldest = history[i];
  }
  if (oldest) {
    const at = parseTime(oldest.deployedAt);
    if (!at) return { kind: "invalid", path: `status.history[id=${oldest.id}].deployedAt`, value: oldest.deployedAt };
    return { kind: "at", at, from: `status.history id ${oldest.id}` };
  }
  const op = status.operationState;
  if (op?.phase === "Succeeded" && op.finishedAt && position(op.syncResult?.revision) === "at-or-after") {
    const at = parseTime(op.finishedAt);
    if (!at) return { kind: "invalid", path: "status.operationState.finishedAt", value: op.finishedAt };
    return { kind: "at", at, from: "status.operationState.finishedAt" };
  }
  return { kind: "none" };
}
function conditionsText(status) {
  const shown = (status.conditions ?? []).slice(0, MAX_CONDITIONS_SHOWN).map((c) => `${c.type}: ${brief(c.message)}`);
  return shown.length > 0 ? ` (${shown.join("; ")})` : "";
}
var argocd = {
  ref: (config) => ({
    group: "argoproj.io",
    version: "v1alpha1",
    plural: "applications",
    kind: "Application",
    namespace: config.namespace,
    name: config.application
  }),
  observe: (object2, ctx) => isRecord(object2) ? observe(object2, ctx) : { state: "error", reason: `${ctx.what} is not an object` }
};

// src/applied/flux.ts
var Condition = object({
  type: string(),
  status: string(),
  lastTransitionTime: string(),
  reason: string().optional(),
  message: string().optional(),
  observedGeneration: number().optional()
});
var Snapshot = object({
  firstReconciled: string(),
  lastReconciled: string(),
  lastReconciledStatus: string(),
  metadata: record(string(), string()).optional()
});
var Kustomization = object({
  metadata: object({ generation: number().optional() }).optional(),
  spec: object({ suspend: boolean().optional() }).optional(),
  status: object({
    observedGeneration: number().optional(),
    lastAppliedRevision: string().optional(),
    lastAttemptedRevision: string().optional(),
    conditions: array(Condition).optional(),
    history: array(Snapshot).optional()
  }).optional()
});
function commitOfRevision(revision) {
  const m = /(?:^|@)sha1:([0-9a-f]{40})$/i.exec(revision) ?? /^(?:.+\/)?([0-9a-f]{40})$/i.exec(revision);
  return m?.[1]?.toLowerCase();
}
function observe2(object2, ctx) {
  const parsed = Kustomization.safeParse(object2);
  if (!parsed.success) return badShape(ctx, parsed.error);
  const { metadata, spec, status } = parsed.data;
  const ready = status?.conditions?.find((c) => c.type === "Ready");
  const suspended = spec?.suspend === true ? " (spec.suspend is true: Flux does not reconcile it)" : "";
  const attempt = lastAttempt(status?.lastAttemptedRevision, ready);
  const applied = status?.lastAppliedRevision;
  if (!applied) {
    return { state: "pending", reason: `${ctx.what} has applied nothing yet (no status.lastAppliedRevision)${suspended}${attempt}` };
  }
  const sha = commitOfRevision(applied);
  if (!sha) {
    return {
      state: "error",
      reason: `${ctx.what} applied revision "${brief(applied)}", which names no git commit — applied.flux must name a Kustomization whose sourceRef is the GitRepository of the production branch`
    };
  }
  const position = positionOf(sha, ctx.commit, ctx.production);
  if (position === "unknown") {
    return {
      state: "pending",
      reason: `${ctx.what} last applied ${brief(applied)}, which is not on production's first-parent history back to ${short2(ctx.commit)} — check that its GitRepository tracks the production branch${suspended}`
    };
  }
  if (position === "older") {
    return {
      state: "pending",
      reason: `${ctx.what} last applied ${short2(sha)}, older than ${short2(ctx.commit)} — waiting for Flux to apply it${suspended}${attempt}`
    };
  }
  const generation = metadata?.generation;
  if (!ready) return { state: "degraded", reason: `${ctx.what} applied ${short2(sha)} but has no Ready condition` };
  const observed = ready.observedGeneration ?? status?.observedGeneration;
  if (generation !== void 0 && observed !== void 0 && observed < generation) {
    return {
      state: "degraded",
      reason: `${ctx.what} applied ${short2(sha)} but its Ready condition is for generation ${observed}, not the current ${generation} — waiting for Flux to reconcile the new spec${suspended}`
    };
  }
  if (ready.status !== "True") {
    return {
      state: "degraded",
      reason: `${ctx.what} applied ${short2(sha)} but is not Ready (${ready.status}${ready.reason ? `, ${ready.reason}` : ""})${ready.message ? `: ${brief(ready.message)}` : ""}`
    };
  }
  const since = appliedSince(applied, ready, status?.history ?? []);
  if (since.kind === "invalid") return unreadableTime(ctx, since.path, since.value);
  return {
    state: "applied",
    since: since.at,
    revision: sha,
    detail: `${ctx.what} applied ${short2(sha)} and Ready, since ${since.at.toISOString()} (${since.from})`
  };
}
function appliedSince(revision, ready, history) {
  const index = history.findIndex((s) => s.metadata?.revision === revision && s.lastReconciledStatus === "ReconciliationSucceeded");
  const snapshot = history[index];
  if (snapshot) {
    const first = parseTime(snapshot.firstReconciled);
    if (!first) return { kind: "invalid", path: `status.history[${index}].firstReconciled`, value: snapshot.firstReconciled };
    const replacedSince = history.some((s, i) => i !== index && (parseTime(s.lastReconciled)?.getTime() ?? Number.POSITIVE_INFINITY) > first.getTime());
    if (!replacedSince) return { kind: "at", at: first, from: `status.history[${index}].firstReconciled` };
  }
  const at = parseTime(ready.lastTransitionTime);
  if (!at) return { kind: "invalid", path: "status.conditions[Ready].lastTransitionTime", value: ready.lastTransitionTime };
  return { kind: "at", at, from: "Ready lastTransitionTime" };
}
function lastAttempt(attempted, ready) {
  if (!attempted || !ready || ready.status !== "False") return "";
  return `; its last attempt, ${brief(attempted)}, failed${ready.reason ? ` (${ready.reason})` : ""}${ready.message ? `: ${brief(ready.message)}` : ""}`;
}
var flux = {
  ref: (config) => ({
    group: "kustomize.toolkit.fluxcd.io",
    version: "v1",
    plural: "kustomizations",
    kind: "Kustomization",
    namespace: config.namespace,
    name: config.kustomization
  }),
  observe: (object2, ctx) => isRecord(object2) ? observe2(object2, ctx) : { state: "error", reason: `${ctx.what} is not an object` }
};

// src/applied/index.ts
async function observeApplied(o) {
  let ref;
  let read;
  let tool;
  if (o.applied.argocd) {
    ref = argocd.ref(o.applied.argocd);
    read = argocd.observe;
    tool = "Argo CD";
  } else if (o.applied.flux) {
    ref = flux.ref(o.applied.flux);
    read = flux.observe;
    tool = "Flux";
  } else {
    return { state: "error", reason: "applied names neither argocd nor flux — name exactly one" };
  }
  const what = `${tool} ${describeRef(ref)}`;
  if (!onProduction(o.commit, o.production)) {
    return {
      state: "error",
      reason: `commit ${short2(o.commit)} is not in the ${o.production.length} production commits given to compare ${what} with — this is a git-canary bug; please report it`
    };
  }
  const answer = await getKubeObject(ref, {
    kubernetes: o.kubernetes,
    ...o.signal ? { signal: o.signal } : {},
    ...o.readFile ? { readFile: o.readFile } : {}
  });
  if (!answer.ok) return { state: "error", reason: answer.reason };
  return read(answer.object, { what, commit: o.commit, production: o.production });
}

// src/runner/judgment.ts
async function appliedState(config, service, obs, signal) {
  const s = obs.state;
  if (!service.applied || s.phase !== "progressing" || s.weight === 0) return void 0;
  return observeApplied({
    applied: service.applied,
    kubernetes: config.kubernetes,
    commit: s.lastCommit,
    production: obs.history,
    ...signal ? { signal } : {}
  });
}
function judgeStep(config, name, service, obs, ctx) {
  return runAnalysis(config.metrics, resolveAnalysis(service, obs.production, { service: name }), ctx);
}
function recordedCheck(c) {
  const cmp = c.comparison;
  return {
    name: c.name,
    value: c.value !== null && Number.isFinite(c.value) ? c.value : null,
    outcome: c.outcome,
    ...c.min !== void 0 ? { min: c.min } : {},
    ...c.max !== void 0 ? { max: c.max } : {},
    ...c.critical ? { critical: true } : {},
    ...cmp && Number.isFinite(cmp.reference) ? { reference: cmp.reference, from: cmp.from } : {},
    ...cmp?.pValue !== void 0 && Number.isFinite(cmp.pValue) ? { pValue: cmp.pValue } : {},
    ...cmp?.effectSize !== void 0 && (cmp.effectSize === null || Number.isFinite(cmp.effectSize)) ? { effectSize: cmp.effectSize } : {},
    ...c.reason ? { reason: c.reason } : {}
  };
}
function judgmentNote(j) {
  return {
    outcome: j.outcome,
    checks: j.checks.map(recordedCheck),
    ...j.critical.length > 0 ? { critical: [...j.critical] } : {},
    ...j.requests ? { requests: { value: j.requests.value, min: j.requests.min } } : {}
  };
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
    const revisions = revisionsOf(service.route);
    const changes = revisions ? promotionPreview(revisions, service, obs, d.branches) : promoteRelease(service, obs.production, obs.candidate, d.branches.candidate);
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
async function closedPullRequest(d, name, number2) {
  try {
    const pr = await d.api.getPullRequest(number2);
    return pr.state === "closed" && !pr.merged ? { number: number2, ...pr.closedBy ? { by: pr.closedBy } : {} } : void 0;
  } catch (e) {
    if (!(e instanceof CanaryError) || e.code !== "GITHUB") throw e;
    d.log.warn({ service: name, err: e.message }, "GitHub call failed; the rollout goes on");
    return void 0;
  }
}
async function gateAfterCommit(d, name, number2, done) {
  try {
    const body = progressComment({ service: name, status: done.status, reason: done.reason, checks: done.checks, history: done.history, commitUrl: d.commitUrl });
    const mine = (await d.api.listComments(number2)).find((c) => c.body.startsWith(PROGRESS_MARKER));
    if (mine) await d.api.updateComment(mine.id, body);
    else await d.api.createComment(number2, body);
    if (done.phase === "rolled-back") {
      const pr = await d.api.getPullRequest(number2);
      if (pr.state === "open") await d.api.updatePullRequest(number2, { state: "closed" });
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
      // Built-in templates are listed with the query they run (resolved against production's files).
      checks: service.analysis ? resolveAnalysis(service, obs.production, { service: name }).checks : []
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

// src/runner/idle-verdicts.ts
import { isDeepStrictEqual } from "node:util";
var kept = new TextMemo(4096, "idle-verdicts");
var inMemory = new TextMemo(4096);
function idleVerdictKey(inputs) {
  const { tips } = inputs;
  const { views: _derived, ...plan } = inputs.plan;
  const key = { ...inputs, plan, tips: { production: tips.production, candidate: tips.candidate ?? null, notes: tips.notes ?? null } };
  try {
    return JSON.stringify(key, function exact(name, given) {
      const value = name === "" ? given : this[name];
      if (value === void 0 && Array.isArray(this)) throw new NotExact();
      if (typeof value === "number" && !Number.isFinite(value)) throw new NotExact();
      if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") throw new NotExact();
      if (value !== null && typeof value === "object" && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        throw new NotExact();
      }
      return given;
    });
  } catch (e) {
    if (e instanceof NotExact) return void 0;
    throw e;
  }
}
var NotExact = class extends Error {
};
function idleResult(service, reason) {
  return { service, decision: "none", weight: null, step: null, commit: null, reason, checks: [], files: [], unexercised: [], rollout: null, phase: "idle" };
}
function knownIdleVerdict(key, service) {
  const known = inMemory.known(key);
  const found = known.found ? known : kept.known(key);
  return found.found ? idleResult(service, found.value) : void 0;
}
function rememberIdleVerdict(key, result2, expanded) {
  if (!isDeepStrictEqual(result2, idleResult(result2.service, result2.reason))) return;
  const plain = expanded !== void 0 && !expanded.some((v) => key.includes(JSON.stringify(v).slice(1, -1)));
  (plain ? kept : inMemory).remember(key, result2.reason);
}

// src/runner/rollout-history.ts
var MAX_WALK = 500;
async function rolloutHistory(repo, tip, service, rollout) {
  const out = [];
  let seen = 0;
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (++seen > MAX_WALK) break;
    const { title, trailers } = parsedCommit(c);
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
  return { kind: "hold", reason: `tick deadline of ${label} reached before ${obs.service} was decided; the next tick decides`, failedChecks };
}
function planService(service) {
  const views = releaseViews(service);
  return {
    files: service.files,
    documents: service.documents,
    ...service.canary ? { canary: service.canary } : {},
    route: service.route,
    ...views ? { views } : {}
  };
}
function hasAnalysis(service) {
  return Boolean(service.analysis && service.analysis.checks.length + service.analysis.templates.length > 0);
}
function decideInput(name, service, obs, now) {
  const a = service.analysis;
  return {
    service: name,
    steps: service.steps,
    intervalMs: service.interval,
    threshold: a?.threshold ?? 1,
    hasAnalysis: hasAnalysis(service),
    inconclusiveLimit: a?.inconclusiveLimit ?? DEFAULT_INCONCLUSIVE_LIMIT,
    errorLimit: a?.errorLimit ?? DEFAULT_ERROR_LIMIT,
    ...a?.progressDeadline !== void 0 ? { progressDeadlineMs: a.progressDeadline } : {},
    ...service.applied ? { initialDelayMs: service.applied.initialDelay } : {},
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
  const noted = planned.trailers.judgment !== void 0 || planned.trailers.phase === "paused";
  const note = noted && judgment ? judgmentNote(judgment) : void 0;
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
async function decideService(opts) {
  const { repo, config, name } = opts;
  const service = config.services[name];
  const plan = planService(service);
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
        const deadline = opts.deadline;
        const verdictKey = deadline?.signal.aborted ? void 0 : idleVerdictKey({ service: name, plan, branches: config.branches, author: opts.author, tips: { production, candidate, notes } });
        const known = verdictKey !== void 0 && opts.recall !== false ? knownIdleVerdict(verdictKey, name) : void 0;
        if (known) {
          opts.log.info({ service: name, decision: known.decision, commit: known.commit, recalled: true }, known.reason);
          return known;
        }
        const now = opts.now();
        const obs = await observeService({
          repo,
          name,
          service: plan,
          tips: { production, candidate, notes },
          author: opts.author,
          production: config.branches.production,
          candidate: config.branches.candidate
        });
        const deps = gateDeps(opts);
        let observed = obs;
        const pr = obs.state.phase === "progressing" ? obs.state.pullRequest : void 0;
        if (deps && pr !== void 0) {
          const closed = await closedPullRequest(deps, name, pr);
          if (closed) observed = { ...obs, observed: { ...obs.observed, pullRequestClosed: closed } };
        }
        const applied = await appliedState(config, service, observed, deadline?.signal);
        if (applied) observed = { ...observed, observed: { ...observed.observed, applied } };
        const input = decideInput(name, service, observed, now);
        let decision = decide(input);
        if (deadline?.signal.aborted) {
          decision = deadlineHold(deadline.label, observed);
        } else if (decision.kind === "analyze" && observed.state.phase === "progressing") {
          const judgment = await judgeStep(config, name, service, observed, {
            time: now,
            windowStart: decision.windowStart,
            references: observed.state.references,
            ...deadline ? { signal: deadline.signal } : {}
          });
          decision = deadline?.signal.aborted ? deadlineHold(deadline.label, observed) : decide({ ...input, judgment });
        }
        const gate = {};
        if (deps && decision.kind === "start") {
          const outcome = await gateBeforeStart(deps, name, service, observed, now);
          if (outcome.ok) {
            gate.pullRequest = outcome.pullRequest;
            decision = { ...decision, reason: `${decision.reason}; ${outcome.reason}` };
          } else {
            const failedChecks = observed.state.phase === "idle" ? 0 : observed.state.failedChecks;
            decision = { kind: "hold", reason: outcome.reason, failedChecks };
          }
        }
        if (deps && decision.kind === "promote" && observed.state.phase !== "idle" && observed.state.pullRequest !== void 0) {
          gate.mergeHead = await mergeHeadFor(repo, name, observed.state.candidate);
        }
        const r = await commitDecision(decision, observed, {
          service: plan,
          production: config.branches.production,
          repo,
          author: opts.author,
          now,
          dryRun: opts.dryRun,
          gate
        });
        if (verdictKey !== void 0 && !deadline?.signal.aborted) rememberIdleVerdict(verdictKey, r, opts.secrets);
        opts.log.info({ service: name, decision: r.decision, commit: r.commit }, r.reason);
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
  if (!opts.github || opts.config.services[opts.name]?.gate !== "pull-request") return void 0;
  const { branches } = opts.config;
  return { api: opts.github.api, repo: opts.repo, author: opts.author, branches, dryRun: opts.dryRun, log: opts.log, commitUrl: opts.github.commitUrl };
}
async function announce(opts, r) {
  if (opts.dryRun) return;
  if (r.commit) await afterCommit(opts, r, gateDeps(opts));
  if (opts.notifier) await opts.notifier.notifyDecision(r, { at: opts.now() });
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
    checks: (judgment?.checks ?? []).map(recordedCheck),
    files: applied.files,
    unexercised: applied.unexercised,
    rollout: applied.rollout,
    phase: applied.phase
  };
}

export {
  decide,
  judgmentClock,
  unifiedDiff,
  mergeHeadFor,
  withCompareAndSwap,
  appliedState,
  planService,
  hasAnalysis,
  decideInput,
  commitDecision,
  decideService,
  announce,
  errorReason
};
