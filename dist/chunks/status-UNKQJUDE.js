import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  buildStatus,
  errorStatus,
  formatStatusLine,
  judgmentOf,
  unknownServiceError
} from "./chunk-U2SDE5T4.js";
import "./chunk-X3OIQ6DV.js";
import {
  appliedState,
  decide,
  decideInput,
  errorReason,
  hasAnalysis,
  planService
} from "./chunk-UNRAGIW6.js";
import {
  observeService,
  readFiles,
  resolveTips
} from "./chunk-GC5ZNIGH.js";
import "./chunk-6KZ3VJPV.js";
import {
  deriveStart,
  fromBase,
  openSession,
  parseManifestFile,
  releaseParts,
  revisionsOf,
  startRevision,
  unexercisedFor,
  withCanary
} from "./chunk-BYSPTKVM.js";
import {
  commitTime,
  parsedCommit
} from "./chunk-IVUUAOBA.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import {
  CanaryError
} from "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";

// src/audit/images.ts
var isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var POD_SPECS = {
  ...Object.fromEntries(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout"].map((k) => [k, ["spec", "template", "spec"]])),
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  Pod: ["spec"]
};
function at(value, path) {
  let v = value;
  for (const key of path) v = isObj(v) ? v[key] : void 0;
  return v;
}
function releaseImages(spec, texts) {
  let parts;
  try {
    parts = releaseParts(spec, texts, "candidate");
  } catch (e) {
    if (e instanceof CanaryError) return [];
    throw e;
  }
  const out = [];
  for (const part of parts) {
    if (part.text === void 0 || !/\.ya?ml$/i.test(part.path)) continue;
    let docs;
    try {
      docs = parseManifestFile(part.path, part.text).docs;
    } catch (e) {
      if (e instanceof CanaryError) continue;
      throw e;
    }
    for (const doc of docs) out.push(...documentImages(doc));
  }
  return [...new Set(out)];
}
function documentImages(doc) {
  const podSpec = doc.kind !== void 0 ? POD_SPECS[doc.kind] : void 0;
  if (podSpec) {
    return ["initContainers", "containers"].flatMap((list) => {
      const items = at(doc.value, [...podSpec, list]);
      return Array.isArray(items) ? items.map((c) => isObj(c) ? c.image : void 0).filter((i) => typeof i === "string" && i !== "") : [];
    });
  }
  const images = at(doc.value, ["images"]);
  if (doc.kind !== void 0 && doc.kind !== "Kustomization" || !Array.isArray(images)) return [];
  return images.flatMap((e) => {
    if (!isObj(e) || typeof e.name !== "string") return [];
    const name = typeof e.newName === "string" ? e.newName : e.name;
    const tag = typeof e.newTag === "string" || typeof e.newTag === "number" ? `:${e.newTag}` : "";
    const digest = typeof e.digest === "string" ? `@${e.digest}` : "";
    return [`${name}${tag}${digest}`];
  });
}

// src/commands/status.ts
var MAX_WALK = 500;
function unexercisedNow(service, obs) {
  if (obs.state.phase === "idle" || !obs.observed.candidateMatchesRollout || obs.pristineCanary === void 0) return [];
  try {
    const revisions = revisionsOf(service.route);
    if (revisions) return startRevision(revisions, service, fromBase(service, obs), 1).unexercised;
    const workload = withCanary(service);
    return unexercisedFor(workload, obs, deriveStart(workload, obs, obs.pristineCanary));
  } catch (e) {
    if (e instanceof CanaryError) return [];
    throw e;
  }
}
function settingsOf(config) {
  const a = hasAnalysis(config) ? config.analysis : void 0;
  return {
    intervalMs: config.interval,
    threshold: a?.threshold ?? null,
    gate: config.gate,
    inconclusiveLimit: a?.inconclusiveLimit ?? null,
    errorLimit: a?.errorLimit ?? null,
    ...a?.progressDeadline !== void 0 ? { progressDeadlineMs: a.progressDeadline } : {},
    ...config.applied ? { initialDelayMs: config.applied.initialDelay } : {}
  };
}
async function candidateImages(session, service, obs) {
  const s = obs.state;
  const sha = s.phase === "idle" ? s.last?.candidate : s.candidate;
  if (!sha) return [];
  if (obs.observed.candidateMatchesRollout) return releaseImages(service, obs.candidate);
  if (obs.tested) return releaseImages(service, obs.tested);
  if (!await session.repo.ensureCommit(sha, session.candidate)) return [];
  return releaseImages(service, await readFiles(session.repo, sha, service.files));
}
async function lastJudged(session, name, record) {
  if (!record) return void 0;
  if (judgmentOf(record)) return record;
  let seen = 0;
  for await (const c of session.repo.walk(record.sha, { firstParent: true })) {
    if (c.sha === record.sha) continue;
    if (++seen > MAX_WALK) break;
    const { title, body, trailers } = parsedCommit(c);
    if (!trailers || trailers.service !== name) continue;
    if (c.author.name !== session.author.name || c.author.email !== session.author.email) continue;
    if (trailers.rollout !== record.trailers.rollout || trailers.phase === "promoted" || trailers.phase === "rolled-back") break;
    const commit = { sha: c.sha, at: commitTime(c), trailers, body, title };
    if (judgmentOf(commit)) return commit;
    if (trailers.phase === "progressing" && trailers.step?.index === 1 && trailers.failedChecks === 0 && !trailers.judgment) break;
  }
  return void 0;
}
async function status(ctx, opts = {}) {
  const session = await openSession(ctx, { write: false, metrics: false });
  const names = Object.keys(session.config.services);
  if (opts.service !== void 0 && !names.includes(opts.service)) throw unknownServiceError(opts.service, names, session.production);
  const now = ctx.now();
  const { production, candidate, notes } = await resolveTips(session.repo, session);
  const services = [];
  for (const [name, config] of Object.entries(session.config.services)) {
    if (opts.service !== void 0 && name !== opts.service) continue;
    const service = planService(config);
    const settings = settingsOf(config);
    try {
      const observed = await observeService({
        repo: session.repo,
        name,
        service,
        tips: { production, candidate, notes },
        author: session.author,
        production: session.production,
        candidate: session.candidate,
        tested: true
      });
      const applied = await appliedState(session.config, config, observed);
      const obs = applied ? { ...observed, observed: { ...observed.observed, applied } } : observed;
      const next = decide(decideInput(name, config, obs, now));
      services.push(
        buildStatus({
          service: name,
          settings,
          obs,
          next,
          now,
          images: await candidateImages(session, service, obs),
          nextImages: next.kind === "start" ? releaseImages(service, obs.candidate) : [],
          judged: await lastJudged(session, name, obs.record),
          unexercised: unexercisedNow(service, obs)
        })
      );
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
      services.push(errorStatus(name, settings, errorReason(e)));
    }
  }
  const errors = services.filter((s) => s.phase === "error").map((s) => `${s.service}: ${s.reason}`);
  const text = services.length === 0 ? "no services in git-canary.yaml\n" : `${services.map(formatStatusLine).join("\n")}
`;
  return { exitCode: errors.length > 0 ? 1 : 0, text, json: { services }, errors };
}
export {
  status
};
