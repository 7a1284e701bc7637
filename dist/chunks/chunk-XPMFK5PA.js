import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  refusal,
  unknownServiceError
} from "./chunk-U2SDE5T4.js";
import {
  commitDecision,
  decide,
  decideInput,
  mergeHeadFor,
  planService,
  withCompareAndSwap
} from "./chunk-UNRAGIW6.js";
import {
  observeService,
  resolveTips
} from "./chunk-GC5ZNIGH.js";
import {
  openSession
} from "./chunk-BYSPTKVM.js";
import {
  CanaryError,
  UsageError
} from "./chunk-SZWPCBNB.js";

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
  const { manual, published } = await withCompareAndSwap(
    async () => {
      const { production, candidate, notes } = await resolveTips(session.repo, session);
      if (!production) {
        const { message, hint } = refusal(action, serviceName, { phase: "idle" }, { kind: "none", reason: `no ${session.production} branch yet` });
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
      let state = obs.state;
      if (!ALLOWED[action].includes(state.phase)) {
        const { message, hint } = refusal(action, serviceName, state, decide(decideInput(serviceName, service, obs, options.now())));
        throw new PhaseError(message, { hint, data: { service: serviceName, action, phase: state.phase } });
      }
      if (action === "promote" && !candidate) {
        throw new PhaseError(`cannot promote ${serviceName}: the ${session.candidate} branch is gone, so the release the canary ran cannot be read`, {
          hint: `restore the ${session.candidate} branch, or end the rollout: git-canary rollback --service ${serviceName}`,
          data: { service: serviceName, action, phase: state.phase }
        });
      }
      let why = reason;
      if (action === "resume" && state.phase === "paused" && obs.routeWeight !== void 0) {
        const step = nearestStep(service.steps, obs.routeWeight, state.step);
        if (step !== state.step) {
          state = { ...state, step };
          why = `${reason}; the route holds ${obs.routeWeight}%, so the rollout continues from step ${step}/${state.total}`;
        }
      }
      const failed = state.phase === "idle" ? 0 : state.failedChecks;
      const mergeHead = action === "promote" && state.phase !== "idle" && state.pullRequest !== void 0 ? await mergeHeadFor(session.repo, serviceName, state.candidate) : void 0;
      const r = await commitDecision(decisionFor(action, why, failed), { ...obs, state }, {
        service: planService(service),
        production: session.production,
        repo: session.repo,
        author: session.author,
        now: options.now(),
        dryRun: Boolean(options.dryRun),
        actor: { actor: options.actor, ...options.reason ? { reason: options.reason } : {} },
        ...mergeHead ? { gate: { mergeHead } } : {}
      });
      const manual2 = { service: serviceName, action, commit: r.commit, weight: r.weight, reason: why, actor: options.actor };
      return { manual: manual2, published: r };
    },
    { refresh: () => session.repo.refresh() }
  );
  if (!options.dryRun && session.notifier) {
    await session.notifier.notifyDecision(published, { at: options.now(), event: action, actor: options.actor });
  }
  return manual;
}
function nearestStep(steps, weight, current) {
  if (weight === 0 || steps[current - 1] === weight) return current;
  let best = current;
  let distance = Number.POSITIVE_INFINITY;
  steps.forEach((w, i) => {
    const d = Math.abs(w - weight);
    if (d < distance) {
      distance = d;
      best = i + 1;
    }
  });
  return best;
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
    const session = await openSession(ctx, { write: true, metrics: false, notify: true });
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
