import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  errorReason,
  planService
} from "./chunk-5GKJTYE3.js";
import "./chunk-H7FX2BAT.js";
import {
  checksFromBody,
  observeService,
  resolveTips
} from "./chunk-YJRI7D54.js";
import {
  deriveStart,
  formatDuration,
  openSession,
  unexercisedFor
} from "./chunk-TY6ACEEJ.js";
import {
  CanaryError,
  UsageError
} from "./chunk-R6SSZTZP.js";

// src/commands/status.ts
function unexercisedNow(service, obs) {
  if (obs.state.phase === "idle" || !obs.observed.candidateMatchesRollout || obs.pristineCanary === void 0) return [];
  try {
    return unexercisedFor(service, obs, deriveStart(service, obs, obs.pristineCanary));
  } catch (e) {
    if (e instanceof CanaryError) return [];
    throw e;
  }
}
function statusOf(name, service, obs, now) {
  const s = obs.state;
  const record = obs.record;
  const checks = record ? checksFromBody(record.body) : [];
  const lastAnalysis = record && checks.length > 0 ? { at: record.at.toISOString(), outcome: record.trailers.judgment === "fail" ? "fail" : "pass", checks } : null;
  const since = s.phase === "progressing" ? s.stepStartedAt : s.phase === "paused" ? s.pausedAt : s.last?.at;
  return {
    service: name,
    phase: s.phase === "idle" ? s.last?.outcome ?? "idle" : s.phase,
    weight: s.phase === "idle" ? 0 : s.weight,
    step: s.phase === "idle" ? null : `${s.step}/${s.total}`,
    rollout: s.phase === "idle" ? s.last?.rollout ?? null : s.rollout,
    candidate: s.phase === "idle" ? s.last?.candidate ?? null : s.candidate,
    since: since?.toISOString() ?? null,
    timeAtStep: s.phase === "progressing" ? formatDuration(Math.max(0, now.getTime() - s.stepStartedAt.getTime())) : null,
    failedChecks: s.phase === "idle" ? 0 : s.failedChecks,
    lastAnalysis,
    reason: s.phase === "paused" ? s.reason : obs.observed.notesVanished ?? null,
    unexercised: unexercisedNow(service, obs)
  };
}
async function status(ctx, opts = {}) {
  const session = await openSession(ctx, { write: false, metrics: false });
  const names = Object.keys(session.config.services);
  if (opts.service !== void 0 && !names.includes(opts.service)) {
    throw new UsageError(`no service named ${opts.service} in git-canary.yaml`, { hint: `services: ${names.join(", ") || "(none)"}` });
  }
  const now = ctx.now();
  const { production, candidate, notes } = await resolveTips(session.repo, session);
  const services = [];
  for (const [name, config] of Object.entries(session.config.services)) {
    if (opts.service !== void 0 && name !== opts.service) continue;
    const service = planService(config);
    try {
      const obs = await observeService({
        repo: session.repo,
        name,
        service,
        tips: { production, candidate: candidate ?? production, notes },
        author: session.author,
        production: session.production,
        candidate: candidate ? session.candidate : session.production
      });
      services.push(statusOf(name, service, obs, now));
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
      services.push({
        service: name,
        phase: "error",
        weight: 0,
        step: null,
        rollout: null,
        candidate: null,
        since: null,
        timeAtStep: null,
        failedChecks: 0,
        lastAnalysis: null,
        reason: errorReason(e),
        unexercised: []
      });
    }
  }
  const errors = services.filter((s) => s.phase === "error").map((s) => `${s.service}: ${s.reason}`);
  return { exitCode: errors.length > 0 ? 1 : 0, text: formatStatus(services), json: { services }, errors };
}
function formatStatus(services) {
  if (services.length === 0) return "no services in git-canary.yaml\n";
  return `${services.map((s) => {
    const head = `${s.service}: ${s.phase}${s.step ? ` at step ${s.step}, canary ${s.weight}%` : ""}`;
    const detail = [
      s.timeAtStep ? `for ${s.timeAtStep}` : void 0,
      s.failedChecks ? `${s.failedChecks} failed check(s)` : void 0,
      s.reason ? s.phase === "paused" ? `paused: ${s.reason}` : s.reason : void 0,
      s.lastAnalysis ? `last analysis ${s.lastAnalysis.outcome} at ${s.lastAnalysis.at}` : void 0,
      s.unexercised.length ? `not exercised by the canary: ${s.unexercised.join(", ")}` : void 0,
      s.rollout ? `rollout ${s.rollout}` : void 0
    ].filter(Boolean);
    return detail.length ? `${head} (${detail.join("; ")})` : head;
  }).join("\n")}
`;
}
export {
  status
};
