import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  parseChecksLine
} from "./chunk-AKTLTPEL.js";
import {
  GitError,
  printable
} from "./chunk-SZWPCBNB.js";

// src/audit/trailers.ts
var PHASES = ["progressing", "promoted", "rolled-back", "paused", "resumed"];
var JUDGMENT_RECORDS = ["fail", "inconclusive", "error"];
function isJudgmentRecord(s) {
  return typeof s === "string" && JUDGMENT_RECORDS.includes(s);
}
function isPhase(s) {
  return typeof s === "string" && PHASES.includes(s);
}
function shortSha(sha) {
  return sha.slice(0, 7);
}
var titles = {
  /** `checkout: canary 25% (step 2/3)` */
  progressing: (service, weight, step, total) => `${service}: canary ${weight}% (step ${step}/${total})`,
  /** `checkout: check failed at 10% (step 1/3)`: a failed judgment below threshold, no file changed. */
  judgmentFailed: (service, weight, step, total) => `${service}: check failed at ${weight}% (step ${step}/${total})`,
  /** `checkout: inconclusive at 10% (step 1/3)`: a judgment without a verdict (no data, too few requests), no file changed. */
  judgmentInconclusive: (service, weight, step, total) => `${service}: inconclusive at ${weight}% (step ${step}/${total})`,
  /** `checkout: metrics error at 10% (step 1/3)`: the metrics source could not judge, no file changed. */
  judgmentErrored: (service, weight, step, total) => `${service}: metrics error at ${weight}% (step ${step}/${total})`,
  /** `checkout: promoted 3f2a9c1` */
  promoted: (service, candidateSha) => `${service}: promoted ${shortSha(candidateSha)}`,
  /** `checkout: rolled back 3f2a9c1` */
  rolledBack: (service, candidateSha) => `${service}: rolled back ${shortSha(candidateSha)}`,
  /** `checkout: paused` */
  paused: (service) => `${service}: paused`,
  /** `checkout: resumed` */
  resumed: (service) => `${service}: resumed`
};
function titleFor(t) {
  switch (t.phase) {
    case "progressing":
      if (t.judgment && t.step) {
        const title = { fail: titles.judgmentFailed, inconclusive: titles.judgmentInconclusive, error: titles.judgmentErrored }[t.judgment];
        return title(t.service, t.weight, t.step.index, t.step.total);
      }
      return t.step ? titles.progressing(t.service, t.weight, t.step.index, t.step.total) : `${t.service}: canary ${t.weight}%`;
    case "promoted":
      return titles.promoted(t.service, t.candidate);
    case "rolled-back":
      return titles.rolledBack(t.service, t.candidate);
    case "paused":
      return titles.paused(t.service);
    case "resumed":
      return titles.resumed(t.service);
  }
}
function trailerProblem(t) {
  if (!isValue(t.service)) return `bad service ${JSON.stringify(t.service)}`;
  if (!isValue(t.rollout)) return `bad rollout id ${JSON.stringify(t.rollout)}`;
  if (!SHA.test(t.candidate)) return `candidate must be a full lowercase sha, got ${JSON.stringify(t.candidate)}`;
  if (!isPhase(t.phase)) return `unknown phase ${JSON.stringify(t.phase)}`;
  if (!Number.isInteger(t.weight) || t.weight < 0 || t.weight > 100) return `weight must be 0..100, got ${t.weight}`;
  const extra = recordProblem(t);
  if (extra) return extra;
  if (t.step) {
    const { index, total } = t.step;
    if (!Number.isInteger(index) || !Number.isInteger(total) || index < 1 || index > total) {
      return `bad step ${index}/${total}`;
    }
  } else if (t.phase === "progressing") {
    return "a progressing commit needs a step";
  }
  return void 0;
}
function formatCommitMessage(input) {
  const t = input.trailers;
  const problem = trailerProblem(t);
  if (problem) throw new RangeError(`git-canary trailers: ${problem}`);
  const title = input.title ?? titleFor(t);
  if (title.trim() === "" || /[\r\n]/.test(title)) throw new RangeError("git-canary commit title must be one non-empty line");
  const lines = [
    `Canary-Service: ${t.service}`,
    `Canary-Rollout: ${t.rollout}`,
    `Canary-Candidate: ${t.candidate}`,
    `Canary-Phase: ${t.phase}`,
    ...t.step ? [`Canary-Step: ${t.step.index}/${t.step.total}`] : [],
    `Canary-Weight: ${t.weight}`,
    ...recordLines(t)
  ];
  const body = trimBlankLines((input.body ?? "").replace(/\r\n/g, "\n").split("\n").map(printable)).join("\n");
  return [title, ...body ? [body] : [], lines.join("\n")].join("\n\n") + "\n";
}
var parsedMemo = /* @__PURE__ */ new WeakMap();
function deepFreeze(value) {
  if (value && typeof value === "object" && !(value instanceof Date) && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
function parsedCommit(commit) {
  let parsed = parsedMemo.get(commit);
  if (!parsed) {
    const fresh = parseCommitMessage(commit.message);
    parsed = deepFreeze(fresh);
    parsedMemo.set(commit, parsed);
  }
  return parsed;
}
function parseCommitMessage(message) {
  const lines = trimBlankLines(message.replace(/\r\n?/g, "\n").split("\n"));
  const title = (lines[0] ?? "").trimEnd();
  const rest = lines.slice(1);
  let lastBlank = -1;
  for (let i = rest.length - 1; i >= 0; i--) {
    if (isBlank(rest[i])) {
      lastBlank = i;
      break;
    }
  }
  const block = lastBlank >= 0 ? readTrailerBlock(rest.slice(lastBlank + 1)) : void 0;
  const bodyLines = block ? rest.slice(0, lastBlank) : rest;
  const body = trimBlankLines(bodyLines).join("\n");
  const trailers = block ? canaryTrailers(block) : void 0;
  return trailers ? { title, body, trailers } : { title, body };
}
var SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
var TRAILER = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;
function isValue(s) {
  return typeof s === "string" && s.trim() === s && s !== "" && !/[\u0000-\u001f\u007f]/.test(s);
}
function isBlank(line) {
  return line.trim() === "";
}
function trimBlankLines(lines) {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start])) start++;
  while (end > start && isBlank(lines[end - 1])) end--;
  return lines.slice(start, end);
}
function readTrailerBlock(paragraph) {
  const out = [];
  for (const line of paragraph) {
    const m = TRAILER.exec(line);
    if (m) {
      out.push([m[1].toLowerCase(), m[2].trim()]);
    } else if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1];
      last[1] = `${last[1]} ${line.trim()}`.trim();
    } else {
      return void 0;
    }
  }
  return out.length > 0 ? out : void 0;
}
function canaryTrailers(block) {
  const canary = /* @__PURE__ */ new Map();
  for (const [key, value] of block) {
    if (!key.startsWith("canary-")) continue;
    if (canary.has(key)) return void 0;
    canary.set(key, value);
  }
  const service = canary.get("canary-service");
  const rollout = canary.get("canary-rollout");
  const candidate = canary.get("canary-candidate")?.toLowerCase();
  const phase = canary.get("canary-phase")?.toLowerCase();
  const weightText = canary.get("canary-weight");
  const stepText = canary.get("canary-step");
  if (service === void 0 || rollout === void 0 || candidate === void 0) return void 0;
  if (!isPhase(phase) || weightText === void 0 || !/^\d{1,3}$/.test(weightText)) return void 0;
  let step;
  if (stepText !== void 0) {
    const m = STEP.exec(stepText);
    if (!m) return void 0;
    step = { index: Number(m[1]), total: Number(m[2]) };
  }
  const record = readRecord(canary);
  if (!record) return void 0;
  const t = {
    service,
    rollout,
    candidate,
    phase,
    ...step ? { step } : {},
    weight: Number(weightText),
    ...record
  };
  return trailerProblem(t) === void 0 ? t : void 0;
}
var STEP = /^(\d{1,6})\s*\/\s*(\d{1,6})$/;
var ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/;
var DIGEST = /^[0-9a-f]{64}$/;
var REPLICAS = /^[A-Za-z][A-Za-z0-9]*\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?=\d{1,6}$/;
var REFERENCE = /^([A-Za-z0-9][A-Za-z0-9._-]*)=([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)$/i;
var COUNT = /^\d{1,6}$/;
function recordLines(t) {
  const lines = [];
  if (t.base) lines.push(`Canary-Base: ${t.base}`);
  if (t.release) lines.push(`Canary-Release: ${t.release}`);
  if (t.stepSince) lines.push(`Canary-Step-Since: ${t.stepSince.toISOString()}`);
  if (t.failedChecks !== void 0) lines.push(`Canary-Failed-Checks: ${t.failedChecks}`);
  if (t.judgment) lines.push(`Canary-Judgment: ${t.judgment}`);
  if (t.inconclusive) lines.push(`Canary-Inconclusive: ${t.inconclusive}`);
  if (t.errors) lines.push(`Canary-Errors: ${t.errors}`);
  if (t.started) lines.push(`Canary-Started: ${t.started.toISOString()}`);
  if (t.references && Object.keys(t.references).length > 0) {
    lines.push(`Canary-Reference: ${Object.entries(t.references).map(([name, v]) => `${name}=${v}`).join(", ")}`);
  }
  if (t.rolloutStep) lines.push(`Canary-Rollout-Step: ${t.rolloutStep.index}/${t.rolloutStep.total}`);
  if (t.idleReplicas && Object.keys(t.idleReplicas).length > 0) {
    lines.push(`Canary-Idle-Replicas: ${Object.entries(t.idleReplicas).map(([doc, n]) => `${doc}=${n}`).join(", ")}`);
  }
  if (t.actor) lines.push(`Canary-Actor: ${t.actor}`);
  if (t.reason) lines.push(`Canary-Reason: ${t.reason}`);
  if (t.pullRequest !== void 0) lines.push(`Canary-Pull-Request: ${t.pullRequest}`);
  return lines;
}
function recordProblem(t) {
  if (t.base !== void 0 && !SHA.test(t.base)) return `base must be a full lowercase sha, got ${JSON.stringify(t.base)}`;
  if (t.release !== void 0 && !DIGEST.test(t.release)) return `release must be a sha256 hex digest, got ${JSON.stringify(t.release)}`;
  if (t.stepSince !== void 0 && Number.isNaN(t.stepSince.getTime())) return "stepSince is not a date";
  if (t.failedChecks !== void 0 && (!Number.isInteger(t.failedChecks) || t.failedChecks < 0)) return `bad failed-check count ${t.failedChecks}`;
  if (t.judgment !== void 0 && !isJudgmentRecord(t.judgment)) return `unknown judgment ${JSON.stringify(t.judgment)}`;
  for (const [k, n] of [["inconclusive", t.inconclusive], ["error", t.errors]]) {
    if (n !== void 0 && (!Number.isInteger(n) || n < 0 || n > 999999)) return `bad ${k} count ${n}`;
  }
  if (t.started !== void 0 && Number.isNaN(t.started.getTime())) return "started is not a date";
  for (const [name, v] of Object.entries(t.references ?? {})) {
    if (!Number.isFinite(v) || !REFERENCE.test(`${name}=${v}`)) return `bad reference ${name}=${v}`;
  }
  if (t.rolloutStep && (t.rolloutStep.index < 1 || t.rolloutStep.index > t.rolloutStep.total)) return "bad rollout step";
  for (const [doc, n] of Object.entries(t.idleReplicas ?? {})) if (!REPLICAS.test(`${doc}=${n}`)) return `bad idle replicas ${doc}=${n}`;
  if (t.actor !== void 0 && !isValue(t.actor)) return `bad actor ${JSON.stringify(t.actor)}`;
  if (t.reason !== void 0 && !isValue(t.reason)) return "a reason must be one line of text";
  if (t.pullRequest !== void 0 && (!Number.isInteger(t.pullRequest) || t.pullRequest < 1)) return `bad pull request number ${t.pullRequest}`;
  return void 0;
}
function readRecord(canary) {
  const out = {};
  const get = (k) => canary.get(`canary-${k}`);
  const base = get("base");
  if (base !== void 0) out.base = base.toLowerCase();
  const release = get("release");
  if (release !== void 0) out.release = release.toLowerCase();
  for (const [key, field] of [["step-since", "stepSince"], ["started", "started"]]) {
    const at = get(key);
    if (at === void 0) continue;
    if (!ISO.test(at)) return void 0;
    out[field] = new Date(at);
  }
  for (const [key, field] of [["failed-checks", "failedChecks"], ["inconclusive", "inconclusive"], ["errors", "errors"]]) {
    const n = get(key);
    if (n === void 0) continue;
    if (!COUNT.test(n)) return void 0;
    out[field] = Number(n);
  }
  const judgment = get("judgment")?.toLowerCase();
  if (judgment !== void 0) {
    if (!isJudgmentRecord(judgment)) return void 0;
    out.judgment = judgment;
  }
  const references = get("reference");
  if (references !== void 0) {
    const map = {};
    for (const part of references.split(",").map((p) => p.trim())) {
      const m = REFERENCE.exec(part);
      if (!m || !Number.isFinite(Number(m[2]))) return void 0;
      map[m[1]] = Number(m[2]);
    }
    out.references = map;
  }
  const rolloutStep = get("rollout-step");
  if (rolloutStep !== void 0) {
    const m = STEP.exec(rolloutStep);
    if (!m) return void 0;
    out.rolloutStep = { index: Number(m[1]), total: Number(m[2]) };
  }
  const idle = get("idle-replicas");
  if (idle !== void 0) {
    const map = {};
    for (const part of idle.split(",").map((p) => p.trim())) {
      if (!REPLICAS.test(part)) return void 0;
      const eq = part.lastIndexOf("=");
      map[part.slice(0, eq)] = Number(part.slice(eq + 1));
    }
    out.idleReplicas = map;
  }
  const actor = get("actor");
  if (actor !== void 0) out.actor = actor;
  const reason = get("reason");
  if (reason !== void 0) out.reason = reason;
  const pullRequest = get("pull-request");
  if (pullRequest !== void 0) {
    if (!/^[1-9]\d{0,9}$/.test(pullRequest)) return void 0;
    out.pullRequest = Number(pullRequest);
  }
  return out;
}

// src/audit/state.ts
function commitTime(c) {
  return new Date(c.committer.timestamp * 1e3);
}
function canaryCommits(commits) {
  const out = [];
  for (const c of commits) {
    const { title, body, trailers } = parsedCommit(c);
    if (trailers) out.push({ sha: c.sha, at: commitTime(c), trailers, body, title });
  }
  return out;
}
function stateFromRecord(record) {
  if (!record) return { phase: "idle" };
  const t = record.trailers;
  const { phase, rollout, candidate } = t;
  if (phase === "promoted" || phase === "rolled-back") {
    return {
      phase: "idle",
      last: {
        rollout,
        candidate,
        outcome: phase,
        commit: record.sha,
        at: record.at,
        ...t.release ? { release: t.release } : {},
        ...t.idleReplicas ? { idleReplicas: t.idleReplicas } : {}
      }
    };
  }
  const step = phase === "progressing" ? t.step : t.rolloutStep;
  const missing = [!t.base && "Canary-Base", !t.release && "Canary-Release", !step && (phase === "progressing" ? "Canary-Step" : "Canary-Rollout-Step")].filter(Boolean);
  if (missing.length > 0 || !t.base || !t.release || !step) {
    throw new GitError(`git-canary record ${record.sha.slice(0, 7)} of ${t.service} lacks ${missing.join(", ")}`, {
      where: { detail: `commit ${record.sha}` },
      hint: "it was written by an older git-canary or edited by hand; end the rollout by hand (route to stable) and let the next tick start again"
    });
  }
  const active = {
    rollout,
    candidate,
    step: step.index,
    total: step.total,
    weight: t.weight,
    base: t.base,
    release: t.release,
    failedChecks: t.failedChecks ?? 0,
    lastCommit: record.sha,
    ...t.pullRequest !== void 0 ? { pullRequest: t.pullRequest } : {},
    inconclusive: t.inconclusive ?? 0,
    errors: t.errors ?? 0,
    started: t.started ?? record.at,
    startedFrom: t.started ? "trailer" : "record",
    references: { ...t.references ?? {} }
  };
  if (phase === "paused") {
    return { phase: "paused", ...active, pausedAt: record.at, reason: firstReasonLine(record.body) ?? "no reason recorded" };
  }
  return {
    phase: "progressing",
    ...active,
    stepStartedAt: t.stepSince ?? record.at,
    ...t.judgment ? { lastJudgedAt: record.at } : {}
  };
}
function firstReasonLine(text) {
  return text.split("\n").map((l) => l.trim()).find((l) => l !== "" && parseChecksLine(l).length === 0);
}

export {
  shortSha,
  titleFor,
  formatCommitMessage,
  parsedCommit,
  commitTime,
  canaryCommits,
  stateFromRecord
};
