import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  getRouter,
  parseManifestFile,
  releaseKey,
  releaseParts,
  revisionsOf,
  routeWeightOf
} from "./chunk-PPZSUN4F.js";
import {
  commitTime,
  isCheckOutcome,
  parseCommitMessage,
  stateFromRecord
} from "./chunk-JDCI377Z.js";
import {
  CanaryError,
  GitError
} from "./chunk-6SNNWXVE.js";

// src/audit/notes.ts
var NOTES_REF = "refs/notes/git-canary";
var JUDGMENT_OUTCOMES = ["pass", "fail", "inconclusive", "error"];
function isJudgmentOutcome(s) {
  return typeof s === "string" && JUDGMENT_OUTCOMES.includes(s);
}
function formatNoteLine(n) {
  return JSON.stringify({
    service: n.service,
    rollout: n.rollout,
    at: n.at,
    outcome: n.outcome,
    checks: n.checks.map(checkJson),
    ...n.critical && n.critical.length > 0 ? { critical: n.critical } : {},
    ...n.requests ? { requests: { value: finite(n.requests.value), min: n.requests.min } } : {}
  });
}
var finite = (v) => typeof v === "number" && Number.isFinite(v) ? v : null;
function checkJson(c) {
  const out = { name: c.name, value: finite(c.value), outcome: c.outcome };
  for (const k of ["min", "max", "reference", "pValue"]) if (finite(c[k]) !== null) out[k] = c[k];
  if (c.effectSize === null || finite(c.effectSize) !== null) out.effectSize = c.effectSize;
  if (c.from) out.from = c.from;
  if (c.critical) out.critical = true;
  if (c.reason) out.reason = c.reason;
  return out;
}
function parseNote(text) {
  const out = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    let raw;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const n = toJudgmentNote(raw);
    if (n) out.push(n);
  }
  return out;
}
function appendNote(existing, n) {
  const base = existing === void 0 || existing.trim() === "" ? "" : existing.endsWith("\n") ? existing : `${existing}
`;
  return `${base}${formatNoteLine(n)}
`;
}
function notePaths(sha) {
  return [sha, `${sha.slice(0, 2)}/${sha.slice(2)}`, `${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha.slice(4)}`];
}
function toJudgmentNote(raw) {
  if (!isRecord(raw)) return void 0;
  const { service, rollout, at, outcome, checks } = raw;
  if (typeof service !== "string" || typeof rollout !== "string" || typeof at !== "string") return void 0;
  if (Number.isNaN(Date.parse(at))) return void 0;
  if (!isJudgmentOutcome(outcome)) return void 0;
  const list = [];
  for (const c of Array.isArray(checks) ? checks : []) {
    if (!isRecord(c) || typeof c.name !== "string" || !isCheckOutcome(c.outcome)) continue;
    list.push(toCheck(c, c.name, c.outcome));
  }
  const critical = Array.isArray(raw.critical) ? raw.critical.filter((n) => typeof n === "string") : [];
  const requests = isRecord(raw.requests) && finite(raw.requests.min) !== null ? { value: finite(raw.requests.value), min: raw.requests.min } : void 0;
  return { service, rollout, at, outcome, checks: list, ...critical.length > 0 ? { critical } : {}, ...requests ? { requests } : {} };
}
function toCheck(c, name, outcome) {
  const out = { name, value: finite(c.value), outcome };
  for (const k of ["min", "max", "reference", "pValue"]) {
    const v = finite(c[k]);
    if (v !== null) out[k] = v;
  }
  if (c.effectSize === null || finite(c.effectSize) !== null) out.effectSize = c.effectSize;
  if (c.from === "baseline" || c.from === "first-value") out.from = c.from;
  if (c.critical === true) out.critical = true;
  if (typeof c.reason === "string" && c.reason !== "") out.reason = c.reason;
  return out;
}
function isRecord(v) {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// src/runner/observe.ts
import { createHash } from "node:crypto";

// src/runner/history.ts
function sameIdentity(a, b) {
  return a.name === b.name && a.email === b.email;
}
async function trusted(repo, c, record, search) {
  if (!sameIdentity(c.author, search.author) || !sameIdentity(c.committer, search.author)) return false;
  const text = await repo.readFile(c.sha, search.route.file);
  if (text === void 0) return false;
  let weight;
  try {
    weight = routeWeightOf({ route: search.route }, text);
  } catch (e) {
    if (!(e instanceof CanaryError)) throw e;
    return record.trailers.phase === "paused";
  }
  return weight === record.trailers.weight;
}
async function findRecord(repo, tip, search) {
  const commits = [];
  for await (const c of repo.walk(tip, { firstParent: true })) {
    commits.push(c);
    const { title, body, trailers } = parseCommitMessage(c.message);
    if (!trailers || trailers.service !== search.service) continue;
    const record = { sha: c.sha, at: commitTime(c), trailers, body, title };
    if (await trusted(repo, c, record, search)) return { record, commits };
  }
  return { commits };
}

// src/runner/observe.ts
async function resolveTips(repo, branches) {
  const [production, candidate, notes] = await Promise.all([
    repo.resolve(branches.production),
    repo.resolve(branches.candidate),
    repo.resolve(NOTES_REF)
  ]);
  return { production, candidate, notes };
}
function managedFiles(service) {
  return [.../* @__PURE__ */ new Set([...service.files, ...service.canary ? [service.canary.file] : [], service.route.file])];
}
async function readFiles(repo, commit, paths) {
  const texts = await Promise.all(paths.map((p) => repo.readFile(commit, p)));
  return Object.fromEntries(paths.map((p, i) => [p, texts[i]]));
}
function digest(service, texts, branch) {
  return createHash("sha256").update(releaseKey(releaseParts(service, texts, branch))).digest("hex");
}
function fingerprints(service, texts, branch) {
  const out = /* @__PURE__ */ new Map();
  const route = texts[service.route.file];
  let routePrint = `text:${route ?? "<absent>"}`;
  if (route !== void 0) {
    try {
      routePrint = JSON.stringify(getRouter(service.route.type).owned(parseManifestFile(service.route.file, route), service.route));
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
    }
  }
  out.set(service.route.file, routePrint);
  if (service.canary) out.set(service.canary.file, texts[service.canary.file] ?? "<absent>");
  let parts;
  try {
    parts = releaseParts(service, texts, branch);
  } catch (e) {
    if (!(e instanceof CanaryError)) throw e;
  }
  for (const path of service.files) {
    const own = parts?.filter((p) => p.path === path);
    out.set(path, own ? JSON.stringify(own.map((p) => p.text ?? null)) : `text:${texts[path] ?? "<absent>"}`);
  }
  return out;
}
function differing(a, b) {
  return [...a.keys()].filter((k) => a.get(k) !== b.get(k));
}
async function personEdits(repo, service, production, record, walked) {
  const managed = managedFiles(service);
  const baseline = fingerprints(service, await readFiles(repo, record, managed), `production@${record.slice(0, 7)}`);
  const files = differing(baseline, fingerprints(service, production, "production"));
  if (files.length === 0) return void 0;
  const i = walked.findIndex((c) => c.sha === record);
  for (let j = i - 1; j >= 0; j--) {
    const at = fingerprints(service, await readFiles(repo, walked[j].sha, managed), "production");
    if (differing(baseline, at).length > 0) return { files, commit: walked[j].sha };
  }
  return { files, commit: walked[0]?.sha };
}
async function noteText(repo, notesSha, sha) {
  for (const path of notePaths(sha)) {
    const text = await repo.readFile(notesSha, path);
    if (text !== void 0) return { path, text };
  }
  return void 0;
}
async function vanishedNotes(repo, notesSha, state, judgment) {
  if (state.phase !== "progressing" || !judgment) return void 0;
  const gone = `the judgment notes of ${state.lastCommit.slice(0, 7)} are gone from ${NOTES_REF}`;
  const counted = `${state.failedChecks} failed check(s) are still counted; look at the canary, then \`git-canary resume\``;
  if (!notesSha) return `${gone} (the ref was deleted); ${counted}`;
  try {
    if (await noteText(repo, notesSha, state.lastCommit)) return void 0;
    return `${gone} (the ref was rewritten); ${counted}`;
  } catch (e) {
    if (!(e instanceof CanaryError)) throw e;
    return `${gone} (${e.message}); ${counted}`;
  }
}
var MAX_REVERT_SCAN = 200;
async function revertedRelease(repo, service, promotion, walked) {
  const i = walked.findIndex((c) => c.sha === promotion.commit);
  const after = (i === -1 ? walked : walked.slice(0, i)).slice().reverse();
  const who = (c) => c.author.name || c.author.email || "someone";
  const revert = after.find((c) => c.message.includes(`This reverts commit ${promotion.commit}`));
  if (revert) return { commit: revert.sha, author: who(revert), revert: true };
  for (const c of after.slice(0, MAX_REVERT_SCAN)) {
    let changed = true;
    try {
      changed = digest(service, await readFiles(repo, c.sha, service.files), `production@${c.sha.slice(0, 7)}`) !== promotion.release;
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
    }
    if (changed) return { commit: c.sha, author: who(c), revert: false };
  }
  const newest = after[after.length - 1];
  return newest ? { commit: newest.sha, author: who(newest), revert: false } : void 0;
}
async function pristineFile(repo, service, state, branch) {
  if (!await repo.ensureCommit(state.base, branch)) {
    throw new GitError(`commit ${state.base.slice(0, 7)} before rollout ${state.rollout} began is not in ${branch}'s history`, {
      where: { branch, detail: `Canary-Base ${state.base}` },
      hint: "production was rewritten under the rollout; end it by hand (route to stable) and let the next tick start again"
    });
  }
  return repo.readFile(state.base, service.canary?.file ?? service.route.file);
}
async function observeService(o) {
  const { repo, service, tips } = o;
  const managed = managedFiles(service);
  const candidatePaths = [.../* @__PURE__ */ new Set([...service.files, ...service.canary ? [service.canary.from] : []])];
  const candidateTip = tips.candidate;
  const [production, candidate, scan] = await Promise.all([
    readFiles(repo, tips.production, managed),
    candidateTip === void 0 ? Promise.resolve({}) : readFiles(repo, candidateTip, candidatePaths),
    findRecord(repo, tips.production, { service: o.name, route: service.route, author: o.author })
  ]);
  const state = stateFromRecord(scan.record);
  const revision = revisionsOf(service.route) !== void 0;
  const basePristine = revision && state.phase !== "idle" ? await pristineFile(repo, service, state, o.production) : void 0;
  const served = basePristine === void 0 ? production : { ...production, [service.route.file]: basePristine };
  const releaseDigest = {
    production: digest(service, served, o.production),
    // No candidate branch: no release to compare (decide() holds or does nothing).
    candidate: candidateTip === void 0 ? "" : digest(service, candidate, o.candidate)
  };
  const tested = state.phase === "idle" ? state.last?.release : state.release;
  const observed = {
    candidateSha: candidateTip ?? "",
    candidateEqualsProduction: candidateTip !== void 0 && releaseDigest.production === releaseDigest.candidate,
    candidateMatchesRollout: candidateTip !== void 0 && tested !== void 0 && tested === releaseDigest.candidate,
    ...candidateTip === void 0 ? { candidateMissing: o.candidate } : {}
  };
  const warnings = [];
  let routeWeight;
  const route = production[service.route.file];
  if (route !== void 0) {
    try {
      routeWeight = routeWeightOf(service, route);
    } catch (e) {
      if (!(e instanceof CanaryError)) throw e;
      warnings.push(e.message);
    }
  }
  const standing = state.phase !== "idle" && routeWeight !== void 0 && routeWeight !== state.weight ? { ...state, weight: routeWeight } : state;
  if (state.phase === "idle" && state.last?.outcome === "promoted" && observed.candidateMatchesRollout && !observed.candidateEqualsProduction) {
    const reverted = await revertedRelease(repo, service, { commit: state.last.commit, release: state.last.release }, scan.commits);
    if (reverted) observed.releaseReverted = reverted;
  }
  const obs = {
    service: o.name,
    productionSha: tips.production,
    candidateSha: candidateTip ?? "",
    notesSha: tips.notes,
    production,
    candidate,
    releaseDigest,
    ...scan.record ? { record: scan.record } : {},
    state: standing,
    observed,
    routeWeight,
    warnings,
    history: scan.commits.map((c) => c.sha)
  };
  if (state.phase === "idle") return obs;
  const vanished = await vanishedNotes(repo, tips.notes, state, scan.record?.trailers.judgment !== void 0);
  if (vanished) observed.notesVanished = vanished;
  if (state.phase === "progressing") {
    const edited = await personEdits(repo, service, production, state.lastCommit, scan.commits);
    if (edited) observed.managedFilesEditedBy = edited;
  }
  obs.pristineCanary = revision ? basePristine : await pristineFile(repo, service, state, o.production);
  if (o.tested && candidateTip !== void 0 && !observed.candidateMatchesRollout && await repo.ensureCommit(state.candidate, o.candidate)) {
    obs.tested = await readFiles(repo, state.candidate, service.files);
  }
  return obs;
}

export {
  NOTES_REF,
  parseNote,
  appendNote,
  resolveTips,
  readFiles,
  noteText,
  observeService
};
