import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  explanation,
  recordedCheckOf
} from "./chunk-X3OIQ6DV.js";
import {
  judgmentClock
} from "./chunk-UNRAGIW6.js";
import {
  formatDuration
} from "./chunk-3LIXOM53.js";
import {
  parseCheckDetails,
  parseChecksLine
} from "./chunk-AKTLTPEL.js";
import {
  ConfigError
} from "./chunk-SZWPCBNB.js";

// src/audit/status.ts
function judgedChecks(line) {
  return parseCheckDetails(line).map(recordedCheckOf);
}
function judgmentOf(commit) {
  for (const line of commit.body.split("\n")) {
    const checks = judgedChecks(line);
    if (checks.length === 0) continue;
    const has = (o) => checks.some((c) => c.outcome === o);
    const read = has("error") ? "error" : has("no-data") || has("inconclusive") ? "inconclusive" : has("fail") ? "fail" : "pass";
    const outcome = commit.trailers.judgment ?? (commit.trailers.phase === "rolled-back" ? "fail" : read);
    return { at: commit.at.toISOString(), commit: commit.sha, outcome, checks };
  }
  return void 0;
}
function recordReason(body) {
  for (const raw of body.split("\n")) {
    const line = raw.trim();
    if (line === "" || parseChecksLine(line).length > 0 || line.startsWith("not exercised by the canary:")) continue;
    return line;
  }
  return null;
}
var since = (from, now) => formatDuration(Math.max(0, now.getTime() - from.getTime()));
var command = (verb, service) => `git-canary ${verb} --service ${service}`;
function phaseText(state) {
  if (state.phase !== "idle") return `${state.phase} at ${state.weight}% (step ${state.step}/${state.total})`;
  const last = state.last;
  if (!last) return "idle";
  return `idle: rollout ${last.rollout} was ${last.outcome === "promoted" ? "promoted" : "rolled back"} at ${last.at.toISOString()}`;
}
function personActions(service, state, next, obs) {
  if (state.phase === "progressing") return ["pause", "promote", "rollback"].map((v) => command(v, service));
  if (state.phase === "paused") return ["resume", "promote", "rollback"].map((v) => command(v, service));
  if (next.kind === "start") return [command("tick", service)];
  if (state.last?.outcome === "rolled-back" && obs.observed.candidateMatchesRollout) return [`${command("propose", service)} --image <a fixed image>`];
  return [];
}
function instead(service, state, next) {
  if (state.phase === "paused") {
    return `to continue it: ${command("resume", service)}; to end it: git-canary promote|rollback --service ${service}`;
  }
  if (state.phase === "progressing") return `to stop it: ${command("pause", service)}`;
  if (next.kind === "start") return `nothing is rolling out yet: the next tick starts it (${next.reason}; ${command("tick", service)})`;
  return `nothing is rolling out: ${next.reason}`;
}
var WORKS = {
  resume: "resume works on a paused rollout",
  pause: "pause works on a rollout in progress",
  promote: "promote works on a rollout in progress or paused",
  rollback: "rollback works on a rollout in progress or paused"
};
function refusal(action, service, state, next) {
  return {
    message: `cannot ${action} ${service}: it is ${phaseText(state)}`,
    hint: `${WORKS[action]}; ${instead(service, state, next)}`
  };
}
function nextTickOf(f) {
  const { next, obs, settings, service } = f;
  const decision = next.kind === "analyze" ? "judge" : next.kind === "resume" ? "none" : next.kind;
  if (next.kind !== "start") return { decision, reason: next.reason };
  const gate = settings.gate === "pull-request" ? `; gate: pull-request — it starts once the promotion pull request from git-canary/${service} is approved` : "";
  return { decision, reason: `${next.reason}${gate}`, candidate: obs.candidateSha, images: f.nextImages };
}
function nextJudgmentOf(f) {
  const s = f.obs.state;
  if (s.phase !== "progressing" || s.weight === 0 || ["pause", "start", "rollback"].includes(f.next.kind)) return null;
  if (f.obs.observed.candidateMissing !== void 0) return null;
  const applied = f.obs.observed.applied;
  if (applied && applied.state !== "applied") return null;
  const due = judgmentClock({ observed: f.obs.observed, ...f.settings.initialDelayMs !== void 0 ? { initialDelayMs: f.settings.initialDelayMs } : {} }, s) + f.settings.intervalMs;
  return { at: new Date(due).toISOString(), in: formatDuration(Math.max(0, due - f.now.getTime())) };
}
function deadlineOf(f) {
  const s = f.obs.state;
  const limit = f.settings.progressDeadlineMs;
  if (s.phase !== "progressing" || limit === void 0) return null;
  const at = s.started.getTime() + limit;
  return {
    progressDeadline: formatDuration(limit),
    started: s.started.toISOString(),
    startedFrom: s.startedFrom,
    at: new Date(at).toISOString(),
    in: formatDuration(Math.max(0, at - f.now.getTime()))
  };
}
function appliedOf(a) {
  if (!a) return null;
  return a.state === "applied" ? { state: "applied", since: a.since.toISOString(), revision: a.revision, detail: a.detail } : { state: a.state, reason: a.reason };
}
function buildStatus(f) {
  const { obs, now, settings } = f;
  const s = obs.state;
  const record = obs.record;
  const last = s.phase === "idle" ? s.last : void 0;
  const began = s.phase === "progressing" ? s.stepStartedAt : s.phase === "paused" ? s.pausedAt : last?.at;
  let reason = null;
  if (s.phase === "paused") reason = s.reason;
  else if (s.phase === "progressing") reason = obs.observed.notesVanished ?? (record?.trailers.judgment ? recordReason(record.body) : null);
  else if (last && record) reason = recordReason(record.body);
  return {
    service: f.service,
    phase: s.phase === "idle" ? last?.outcome ?? "idle" : s.phase,
    weight: s.phase === "idle" ? 0 : s.weight,
    step: s.phase === "idle" ? null : `${s.step}/${s.total}`,
    rollout: s.phase === "idle" ? last?.rollout ?? null : s.rollout,
    candidate: s.phase === "idle" ? last?.candidate ?? null : s.candidate,
    since: began?.toISOString() ?? null,
    timeAtStep: s.phase === "progressing" ? since(s.stepStartedAt, now) : null,
    failedChecks: s.phase === "idle" ? last ? record?.trailers.failedChecks ?? 0 : 0 : s.failedChecks,
    lastAnalysis: (f.judged && judgmentOf(f.judged)) ?? null,
    reason,
    unexercised: f.unexercised,
    images: f.images,
    elapsed: began ? since(began, now) : null,
    interval: formatDuration(settings.intervalMs),
    threshold: settings.threshold,
    nextJudgment: nextJudgmentOf(f),
    record: record ? {
      commit: record.sha,
      phase: record.trailers.phase,
      title: record.title,
      at: record.at.toISOString(),
      actor: record.trailers.actor ?? null,
      reason: record.trailers.reason ?? null
    } : null,
    nextTick: nextTickOf(f),
    actions: personActions(f.service, s, f.next, obs),
    gate: settings.gate,
    pullRequest: s.phase === "idle" ? null : s.pullRequest ?? null,
    inARow: {
      inconclusive: s.phase === "idle" ? 0 : s.inconclusive,
      inconclusiveLimit: settings.inconclusiveLimit ?? null,
      errors: s.phase === "idle" ? 0 : s.errors,
      errorLimit: settings.errorLimit ?? null
    },
    deadline: deadlineOf(f),
    references: s.phase === "idle" ? {} : { ...s.references },
    applied: appliedOf(obs.observed.applied)
  };
}
function errorStatus(service, settings, reason) {
  return {
    service,
    phase: "error",
    weight: 0,
    step: null,
    rollout: null,
    candidate: null,
    since: null,
    timeAtStep: null,
    failedChecks: 0,
    lastAnalysis: null,
    reason,
    unexercised: [],
    images: [],
    elapsed: null,
    interval: formatDuration(settings.intervalMs),
    threshold: settings.threshold,
    nextJudgment: null,
    record: null,
    nextTick: null,
    actions: ["git-canary validate"],
    gate: settings.gate,
    pullRequest: null,
    inARow: { inconclusive: 0, inconclusiveLimit: settings.inconclusiveLimit ?? null, errors: 0, errorLimit: settings.errorLimit ?? null },
    deadline: null,
    references: {},
    applied: null
  };
}
function checksText(checks) {
  return checks.map((c) => {
    const bounds = [c.min !== void 0 ? `min ${c.min}` : "", c.max !== void 0 ? `max ${c.max}` : ""].filter(Boolean).join(", ");
    return `${c.name} ${c.value ?? "-"}${bounds ? ` (${bounds})` : ""} ${c.outcome}${explanation(c)}`;
  }).join(", ");
}
function inARowText(r) {
  const out = [];
  if (r.inconclusive > 0) out.push(`${r.inconclusive}${r.inconclusiveLimit !== null ? `/${r.inconclusiveLimit}` : ""} inconclusive in a row`);
  if (r.errors > 0) out.push(`${r.errors}${r.errorLimit !== null ? `/${r.errorLimit}` : ""} errored in a row`);
  return out;
}
function appliedText(a) {
  if (!a) return void 0;
  if (a.state === "applied") return `applied since ${a.since} (${a.detail})`;
  return `${{ pending: "not applied yet", degraded: "applied but not healthy", error: "applied state unknown" }[a.state]}: ${a.reason}`;
}
function actionsText(actions) {
  const parsed = actions.map((a) => /^git-canary (\S+) (--service \S+)$/.exec(a));
  const rest = parsed[0]?.[2];
  if (parsed.length > 1 && parsed.every((m) => m && m[2] === rest)) return `git-canary ${parsed.map((m) => m[1]).join("|")} ${rest}`;
  return actions.join(", ");
}
function nextTickText(s, active) {
  const next = s.nextTick;
  if (!next || next.decision === "judge") return void 0;
  if (next.decision === "none") return active || !s.rollout ? void 0 : next.reason;
  if (active && s.nextJudgment) return void 0;
  return `next tick: ${next.decision} — ${next.reason}${next.images?.length ? ` (${next.images.join(", ")})` : ""}`;
}
function formatStatusLine(s) {
  if (s.phase === "error") return `${s.service}: error — ${s.reason}`;
  const active = s.phase === "progressing" || s.phase === "paused";
  const head = `${s.service}: ${s.phase}${active ? ` at step ${s.step}, canary ${s.weight}%` : ""}`;
  const total = Number(s.step?.split("/")[1] ?? 0);
  const index = Number(s.step?.split("/")[0] ?? 0);
  const failed = s.threshold !== null ? `${s.failedChecks}/${s.threshold} failed checks` : void 0;
  const parts = [];
  if (s.phase === "progressing") {
    parts.push(`${s.timeAtStep} at this step`);
    if (s.nextJudgment) {
      const what = s.threshold !== null ? "next judgment" : index < total ? "next step" : "promotion";
      parts.push(s.nextJudgment.in === "0s" ? `${what} due now (at the next tick)` : `${what} in ${s.nextJudgment.in}`);
    }
    if (s.record?.phase === "resumed") parts.push(`resumed by ${s.record.actor ?? "a person"} at ${s.record.at}${s.record.reason ? `: ${s.record.reason}` : ""}`);
    if (s.reason) parts.push(`holding: ${s.reason}`);
    parts.push(...inARowText(s.inARow), appliedText(s.applied));
    if (s.deadline) parts.push(`progressDeadline ${s.deadline.progressDeadline} passes in ${s.deadline.in} (started ${s.deadline.started})`);
    const refs = Object.entries(s.references);
    if (refs.length > 0) parts.push(`references ${refs.map(([k, v]) => `${k}=${v}`).join(", ")}`);
  } else if (s.phase === "paused") {
    parts.push(`paused for ${s.elapsed}`, `paused: ${s.reason}`);
  } else if (s.since) {
    parts.push(`ended at ${s.since} (${s.elapsed} ago)`, s.reason !== failed && s.reason && `why: ${s.reason}`);
  }
  if (s.candidate) parts.push(`candidate ${s.candidate.slice(0, 7)}${s.images.length ? ` (${s.images.join(", ")})` : ""}`);
  if (s.lastAnalysis) parts.push(`last judgment ${s.lastAnalysis.outcome} at ${s.lastAnalysis.at}: ${checksText(s.lastAnalysis.checks)}`);
  else if (active && s.threshold !== null) parts.push("no judgment yet");
  if (active) parts.push(failed ?? "no analysis: steps advance on the interval alone");
  else if (s.rollout) parts.push(failed);
  if (s.unexercised.length) parts.push(`not exercised by the canary: ${s.unexercised.join(", ")}`);
  parts.push(nextTickText(s, active));
  if (s.rollout) parts.push(`rollout ${s.rollout}${s.pullRequest !== null ? `, pull request #${s.pullRequest}` : ""}`);
  if (s.actions.length) parts.push(`you can: ${actionsText(s.actions)}`);
  const detail = parts.filter((p) => typeof p === "string" && p !== "");
  return detail.length ? `${head} — ${detail.join("; ")}` : head;
}
function unknownServiceError(service, services, branch) {
  return new ConfigError(`no service named ${service} in git-canary.yaml`, {
    where: { branch },
    hint: `services: ${services.join(", ") || "(none)"}`,
    data: { service, services: [...services] }
  });
}

export {
  judgmentOf,
  refusal,
  buildStatus,
  errorStatus,
  formatStatusLine,
  unknownServiceError
};
