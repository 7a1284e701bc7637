import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  NOTES_REF,
  canaryCommits,
  checksFromBody,
  noteText,
  parseNote
} from "./chunk-YJRI7D54.js";
import {
  openSession
} from "./chunk-TY6ACEEJ.js";
import {
  CanaryError,
  UsageError
} from "./chunk-R6SSZTZP.js";

// src/audit/log.ts
function buildRolloutLog(commits, notesFor, options = {}) {
  const oldestFirst = canaryCommits(commits).filter((c) => options.service === void 0 || c.trailers.service === options.service).reverse();
  const groups = [];
  const open = /* @__PURE__ */ new Map();
  const latest = /* @__PURE__ */ new Map();
  const superseded = /* @__PURE__ */ new Map();
  for (const c of oldestFirst) {
    const { service, rollout, phase } = c.trailers;
    let group = open.get(rollout);
    if (!group) {
      group = [];
      groups.push(group);
      open.set(rollout, group);
      const previous = latest.get(service);
      if (previous && !isFinished(previous)) superseded.set(previous, rollout);
      latest.set(service, group);
    }
    group.push(c);
    if (phase === "promoted" || phase === "rolled-back") open.delete(rollout);
  }
  const since = options.since?.getTime();
  return groups.reverse().map((g) => toEntry(g, notesFor, superseded.get(g))).filter((e) => since === void 0 || Date.parse(e.startedAt) >= since);
}
function isFinished(group) {
  const phase = group[group.length - 1]?.trailers.phase;
  return phase === "promoted" || phase === "rolled-back";
}
function toEntry(group, notesFor, supersededBy) {
  const first = group[0];
  const last = group[group.length - 1];
  const { phase } = last.trailers;
  const outcome = phase === "resumed" ? "progressing" : phase;
  const steps = [];
  for (const c of group) {
    if (c.trailers.judgment === "fail") {
      const current2 = steps[steps.length - 1];
      const noted = notesFor(c.sha).find((n) => n.rollout === c.trailers.rollout);
      current2?.judgments.push(noted ? { at: noted.at, outcome: noted.outcome, checks: noted.checks } : { at: c.at.toISOString(), outcome: "fail", checks: checksFromBody(c.body) });
      continue;
    }
    if (c.trailers.phase === "progressing") {
      steps.push({
        weight: c.trailers.weight,
        step: c.trailers.step?.index ?? 0,
        commit: c.sha,
        at: c.at.toISOString(),
        checks: checksFromBody(c.body),
        judgments: []
      });
    }
    const current = steps[steps.length - 1];
    if (!current) continue;
    for (const n of notesFor(c.sha)) {
      if (n.rollout === last.trailers.rollout) current.judgments.push({ at: n.at, outcome: n.outcome, checks: n.checks });
    }
  }
  for (const s of steps) s.judgments.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    service: last.trailers.service,
    rollout: last.trailers.rollout,
    candidate: last.trailers.candidate,
    outcome,
    startedAt: first.at.toISOString(),
    endedAt: phase === "promoted" || phase === "rolled-back" ? last.at.toISOString() : null,
    steps,
    ...supersededBy ? { supersededBy } : {}
  };
}
function formatRolloutLog(entries) {
  if (entries.length === 0) return "no rollouts\n";
  const blocks = entries.map((e) => {
    const outcome = e.supersededBy ? `${e.outcome}, superseded by ${e.supersededBy}` : e.outcome;
    const lines = [
      `${e.rollout}  ${outcome}`,
      `  service ${e.service}  candidate ${e.candidate.slice(0, 7)}  started ${e.startedAt}  ended ${e.endedAt ?? "-"}`
    ];
    for (const s of e.steps) {
      const checks = s.checks.map((c) => `${c.name} ${c.value ?? "-"} ${c.outcome}`).join("; ");
      lines.push(`  step ${s.step}  ${s.weight}%  ${s.commit.slice(0, 7)}  ${s.at}${checks ? `  ${checks}` : ""}`);
      for (const j of s.judgments) {
        const failed = j.checks.filter((c) => c.outcome !== "pass").map((c) => `${c.name} ${c.value ?? "-"} ${c.outcome}`);
        lines.push(`    judged ${j.at}  ${j.outcome}${failed.length ? `  ${failed.join("; ")}` : ""}`);
      }
    }
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}
`;
}

// src/commands/log.ts
async function log(ctx, opts) {
  let since;
  if (opts.since !== void 0) {
    since = new Date(opts.since);
    if (Number.isNaN(since.getTime())) throw new UsageError(`--since ${opts.since} is not a date`, { hint: "use an ISO date like 2026-01-31" });
  }
  const session = await openSession(ctx, { write: false, metrics: false });
  const { repo, author } = session;
  const tip = await repo.resolve(session.production);
  const commits = [];
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (c.author.name === author.name && c.author.email === author.email && c.committer.email === author.email) commits.push(c);
  }
  const notesSha = await repo.resolve(NOTES_REF);
  const notes = /* @__PURE__ */ new Map();
  if (notesSha) {
    for (const c of canaryCommits(commits)) {
      try {
        const n = await noteText(repo, notesSha, c.sha);
        if (n) notes.set(c.sha, n.text);
      } catch (e) {
        if (!(e instanceof CanaryError)) throw e;
        ctx.log.warn({ commit: c.sha }, `note of ${c.sha.slice(0, 7)} cannot be read: ${e.message}`);
      }
    }
  }
  const now = ctx.now().getTime();
  const judgments = new Map(
    [...notes].map(([sha, text]) => [
      sha,
      parseNote(text).filter((n) => {
        if (Date.parse(n.at) <= now + 6e4) return true;
        ctx.log.warn({ commit: sha, at: n.at }, `a judgment note of ${sha.slice(0, 7)} is dated ${n.at}, in the future: ignored`);
        return false;
      })
    ])
  );
  const rollouts = buildRolloutLog(commits, (sha) => judgments.get(sha) ?? [], { service: opts.service, since });
  return {
    exitCode: 0,
    text: rollouts.length === 0 ? "no rollouts found\n" : formatRolloutLog(rollouts),
    json: { rollouts }
  };
}
export {
  log
};
