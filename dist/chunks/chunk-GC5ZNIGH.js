import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  getRouter,
  parseManifestFile,
  releaseKey,
  releaseParts,
  revisionsOf,
  routeWeightOf
} from "./chunk-BYSPTKVM.js";
import {
  commitTime,
  parsedCommit,
  stateFromRecord
} from "./chunk-IVUUAOBA.js";
import {
  NOTES_REF,
  notePaths
} from "./chunk-VDZMSJPN.js";
import {
  CanaryError,
  GitError
} from "./chunk-SZWPCBNB.js";

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
var ProductionHistory = class {
  constructor(source, base) {
    this.source = source;
    this.base = base;
  }
  source;
  base;
  /** Commits this history read itself, newest first. */
  own = [];
  /** Service name → positions in `own` of commits whose trailers name it. */
  named = /* @__PURE__ */ new Map();
  reading;
  /** A failed read fails every later read too: a history cut short must never look like one that ended. */
  failed;
  /** Whether a read failed here or below: a later search starts again rather than inherit the failure. */
  get broken() {
    return this.failed !== void 0 || (this.base?.broken ?? false);
  }
  add(c) {
    const service = parsedCommit(c).trailers?.service;
    if (service !== void 0) {
      let at = this.named.get(service);
      if (!at) {
        at = [];
        this.named.set(service, at);
      }
      at.push(this.own.length);
    }
    this.own.push(c);
  }
  /** Read a few more commits; false when `own` has ended. One read at a time: the walk is an iterator. */
  more() {
    if (this.failed) return Promise.reject(this.failed.error);
    this.reading ??= (async () => {
      try {
        for (let n = 0; n < 64; n++) {
          const next = await this.source?.next();
          if (!next || next.done) {
            this.source = void 0;
            return n > 0;
          }
          this.add(next.value);
        }
        return true;
      } catch (error) {
        this.failed = { error };
        throw error;
      } finally {
        this.reading = void 0;
      }
    })();
    return this.reading;
  }
  /** Commits naming `service`, newest first, with their position from this tip: as far back as the caller pulls. */
  async *naming(service, offset = 0) {
    for (let k = 0; ; k++) {
      const at = this.named.get(service);
      if (at && k < at.length) {
        yield { commit: this.own[at[k]], at: offset + at[k] };
        continue;
      }
      if (this.source && await this.more()) {
        k--;
        continue;
      }
      break;
    }
    if (this.base) yield* this.base.naming(service, offset + this.own.length);
  }
  /** The first `n` commits from the tip (all of them when n is undefined), reading as far as needed. */
  async first(n) {
    while (this.source && (n === void 0 || this.own.length < n)) await this.more();
    if (!this.base) return n === void 0 && !this.source ? this.own : this.own.slice(0, n);
    if (n !== void 0 && n <= this.own.length) return this.own.slice(0, n);
    const rest = await this.base.first(n === void 0 ? void 0 : n - this.own.length);
    return [...this.own, ...rest];
  }
};
var STACK_DEPTH = 32;
var histories = /* @__PURE__ */ new WeakMap();
async function historyOf(repo, tip) {
  const known = histories.get(repo) ?? /* @__PURE__ */ new Map();
  histories.set(repo, known);
  const found = known.get(tip);
  if (found && !found.broken) return found;
  for (const [at, h] of known) if (h.broken) known.delete(at);
  const walk = repo.walk(tip, { firstParent: true })[Symbol.asyncIterator]();
  const head = [];
  let history;
  for (let n = 0; n < STACK_DEPTH && known.size > 0; n++) {
    const next = await walk.next();
    if (next.done) break;
    const older = known.get(next.value.sha);
    if (older) {
      await walk.return?.();
      history = new ProductionHistory(void 0, older);
      break;
    }
    head.push(next.value);
  }
  history ??= new ProductionHistory(walk);
  for (const c of head) history.add(c);
  const raced = known.get(tip);
  if (raced && !raced.broken) return raced;
  known.set(tip, history);
  return history;
}
async function findRecord(repo, tip, search) {
  const history = await historyOf(repo, tip);
  for await (const { commit: c, at } of history.naming(search.service)) {
    const { title, body, trailers } = parsedCommit(c);
    if (!trailers) continue;
    const record = { sha: c.sha, at: commitTime(c), trailers, body, title };
    if (await trusted(repo, c, record, search)) return { record, commits: await history.first(at + 1) };
  }
  return { commits: await history.first() };
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
function releaseDigestOf(service, texts, branch) {
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
  const atRecord = await readFiles(repo, record, managed);
  if (managed.every((path) => atRecord[path] === production[path])) return void 0;
  const baseline = fingerprints(service, atRecord, `production@${record.slice(0, 7)}`);
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
      changed = releaseDigestOf(service, await readFiles(repo, c.sha, service.files), `production@${c.sha.slice(0, 7)}`) !== promotion.release;
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
  const productionDigest = releaseDigestOf(service, served, o.production);
  const releaseDigest = {
    production: productionDigest,
    // No candidate branch: no release to compare (decide() holds or does nothing). The digest is a
    // function of the release files' texts alone (the branch only names where an error was): the
    // same texts on candidate are the same digest, not computed again (most services, most ticks).
    candidate: candidateTip === void 0 ? "" : service.files.every((p) => candidate[p] === served[p]) ? productionDigest : releaseDigestOf(service, candidate, o.candidate)
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
  resolveTips,
  readFiles,
  noteText,
  observeService
};
