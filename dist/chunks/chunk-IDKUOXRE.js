import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  refusal,
  unknownServiceError
} from "./chunk-VBBRAJAC.js";
import {
  commitDecision,
  decide,
  decideInput,
  mergeHeadFor,
  planService,
  withCompareAndSwap
} from "./chunk-JIACUOM2.js";
import {
  observeService,
  resolveTips
} from "./chunk-U7AFPR7V.js";
import {
  openSession
} from "./chunk-FP6DB4IN.js";
import {
  CanaryError,
  UsageError
} from "./chunk-R6SSZTZP.js";

// src/runner/manual.ts
var PhaseError = class extends CanaryError {
  constructor(message, options = {}) {
    super("PHASE", message, options);
  }
};
var ALLOWED = {
  promote: ["progressing", "paused"],
  rollback: ["progressing", "paused"],
  pause: ["progressing"],
  resume: ["paused"]
};
function decisionFor(action, reason, failedChecks) {
  switch (action) {
    case "promote":
      return { kind: "promote", reason };
    case "rollback":
      return { kind: "rollback", reason, failedChecks };
    case "pause":
      return { kind: "pause", reason, files: [] };
    case "resume":
      return { kind: "resume", reason };
  }
}
async function runManual(session, serviceName, action, options) {
  const service = session.config.services[serviceName];
  if (!service) throw unknownServiceError(serviceName, Object.keys(session.config.services), session.production);
  const reason = `${action} requested by ${options.actor}${options.reason ? `: ${options.reason}` : ""}`;
  return withCompareAndSwap(
    async () => {
      const { production, candidate, notes } = await resolveTips(session.repo, session);
      if (!production || !candidate) {
        const missing = production ? session.candidate : session.production;
        const { message, hint } = refusal(action, serviceName, { phase: "idle" }, { kind: "none", reason: `no ${missing} branch yet` });
        throw new PhaseError(message, { hint, data: { service: serviceName, action, phase: "idle" } });
      }
      const obs = await observeService({
        repo: session.repo,
        name: serviceName,
        service: planService(service),
        tips: { production, candidate, notes },
        author: session.author,
        production: session.production,
        candidate: session.candidate,
        tested: action === "promote"
      });
      const state = obs.state;
      if (!ALLOWED[action].includes(state.phase)) {
        const { message, hint } = refusal(action, serviceName, state, decide(decideInput(serviceName, service, obs, options.now())));
        throw new PhaseError(message, { hint, data: { service: serviceName, action, phase: state.phase } });
      }
      const failed = state.phase === "idle" ? 0 : state.failedChecks;
      const mergeHead = action === "promote" && state.phase !== "idle" && state.pullRequest !== void 0 ? await mergeHeadFor(session.repo, serviceName, state.candidate) : void 0;
      const r = await commitDecision(decisionFor(action, reason, failed), obs, {
        service: planService(service),
        production: session.production,
        repo: session.repo,
        author: session.author,
        now: options.now(),
        dryRun: Boolean(options.dryRun),
        actor: { actor: options.actor, ...options.reason ? { reason: options.reason } : {} },
        ...mergeHead ? { gate: { mergeHead } } : {}
      });
      return { service: serviceName, action, commit: r.commit, weight: r.weight, reason, actor: options.actor };
    },
    { refresh: () => session.repo.refresh() }
  );
}

// src/commands/manual.ts
function actorFrom(env) {
  const raw = env.GIT_CANARY_ACTOR || env.GITHUB_ACTOR || env.USER || "a person";
  const clean = raw.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return clean || "a person";
}
function manualCommand(action) {
  return async (ctx, opts) => {
    if (!opts.service) throw new UsageError(`${action} needs --service <name>`);
    const reason = opts.reason?.trim();
    if (reason !== void 0 && (reason === "" || /[\u0000-\u001f\u007f]/.test(reason))) {
      throw new UsageError("--reason must be one non-empty line of text", { hint: "it is recorded as the Canary-Reason trailer" });
    }
    const session = await openSession(ctx, { write: true, metrics: false });
    const r = await runManual(session, opts.service, action, { now: ctx.now, actor: actorFrom(ctx.env), reason });
    const text = `${r.service}: ${action}${r.weight !== null ? ` (canary ${r.weight}%)` : ""}${r.commit ? ` ${r.commit.slice(0, 7)}` : ""}
`;
    return { exitCode: 0, text, json: r };
  };
}

export {
  actorFrom,
  manualCommand
};
