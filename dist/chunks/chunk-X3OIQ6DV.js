import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatDuration
} from "./chunk-3LIXOM53.js";
import {
  checksFromBody,
  parseCheckDetails,
  parseChecksLine
} from "./chunk-AKTLTPEL.js";
import {
  TextMemo
} from "./chunk-DQCITK7L.js";

// src/audit/events.ts
function rolloutEvents(group, notesFor, options = {}) {
  const events = [];
  const noted = [];
  let pos;
  for (const c of group) {
    const t = c.trailers;
    const at = c.at.toISOString();
    const who = { ...t.actor ? { actor: t.actor } : {}, ...t.reason ? { reason: t.reason } : {} };
    const recorded = boundsFromBody(c.body);
    const withLimits = (checks) => checks.map((k) => ({ ...k, ...options.limits?.[k.name] ?? {}, ...recorded.get(k.name) ?? {} }));
    const notes = notesFor(c.sha).filter((n) => n.rollout === t.rollout);
    const why = whyOf(c.body);
    const stepOf = t.step ?? t.rolloutStep;
    const own = ownJudgment(c, pos !== void 0, notes);
    if (own) {
      const judged = pos ?? { step: stepOf?.index ?? 0, total: stepOf?.total ?? 0, weight: t.weight, stepCommit: c.sha };
      const i = notes.findIndex((n) => n.outcome === own);
      const note = i >= 0 ? notes.splice(i, 1)[0] : void 0;
      const checks = note && note.checks.length > 0 ? note.checks : recordedChecksFromBody(c.body);
      events.push({
        kind: "judgment",
        at,
        commit: c.sha,
        weight: judged.weight,
        step: judged.step,
        total: judged.total,
        ...who,
        outcome: own,
        checks: withLimits(checks),
        ...own === "fail" && t.failedChecks !== void 0 ? { failedChecks: t.failedChecks } : {},
        ...own !== "pass" && own !== "fail" && t.inconclusive ? { inconclusive: t.inconclusive } : {},
        ...own !== "pass" && own !== "fail" && t.errors ? { errors: t.errors } : {},
        source: note ? "note" : "commit",
        stepCommit: judged.stepCommit
      });
    }
    const base = { at, commit: c.sha, weight: t.weight, step: stepOf?.index ?? pos?.step ?? 0, total: stepOf?.total ?? pos?.total ?? 0, ...who };
    if (t.phase === "progressing" && t.judgment) {
      pos = pos ? { ...pos, weight: t.weight } : { step: base.step, total: base.total, weight: t.weight, stepCommit: c.sha };
    } else if (t.phase === "progressing") {
      if (pos === void 0) events.push({ kind: "start", ...base, why, ...options.supersedes ? { supersedes: options.supersedes } : {} });
      else events.push({ kind: "step", ...base, why, from: pos.weight });
      pos = { step: base.step, total: base.total, weight: t.weight, stepCommit: c.sha };
    } else if (t.phase === "paused") {
      const edit = EDITED.exec(why);
      const by = edit?.[2] ?? t.actor;
      events.push({ kind: "pause", ...base, why, ...by ? { by } : {}, ...edit ? { files: edit[1].split(", ") } : {} });
      if (pos) pos = { ...pos, weight: t.weight };
    } else if (t.phase === "resumed") {
      events.push({ kind: "resume", ...base, why });
      if (pos) pos = { ...pos, weight: t.weight };
    } else {
      events.push({ kind: t.phase === "promoted" ? "promote" : "rollback", ...base, weight: 0, why });
    }
    for (const n of notes) {
      const p = pos ?? { step: base.step, total: base.total, weight: t.weight, stepCommit: c.sha };
      noted.push({
        after: events.length,
        event: {
          kind: "judgment",
          at: new Date(n.at).toISOString(),
          commit: c.sha,
          weight: p.weight,
          step: p.step,
          total: p.total,
          outcome: n.outcome,
          checks: withLimits(n.checks),
          source: "note",
          stepCommit: p.stepCommit
        }
      });
    }
  }
  return insertByTime(events, noted);
}
function ownJudgment(c, hasPosition, notes) {
  const t = c.trailers;
  if (t.phase === "progressing" && t.judgment) return t.judgment;
  if (t.phase === "paused" && hasPosition && notes.length > 0 && (t.inconclusive || t.errors)) return notes[0].outcome;
  if (!hasPosition || checksFromBody(c.body).length === 0) return void 0;
  if (t.phase === "progressing" || t.phase === "promoted") return "pass";
  if (t.phase === "rolled-back") return "fail";
  return void 0;
}
var EDITED = /^(.+?) changed on production(?: in ([0-9a-f]{7,40}))? by someone else during the rollout/;
var reasons = new TextMemo(4096);
var bounds = new TextMemo(4096);
function whyOf(body) {
  return reasons.get(body, () => reasonOf(body));
}
function reasonOf(body) {
  return body.split(/\n[ \t]*\n/).map((p) => p.split("\n").map((l) => l.trim()).filter(Boolean).join(" ")).filter((p) => p !== "" && parseChecksLine(p).length === 0).join("; ");
}
function recordedChecksFromBody(body) {
  for (const line of body.split("\n")) {
    const checks = parseCheckDetails(line);
    if (checks.length > 0) return checks.map(recordedCheckOf);
  }
  return [];
}
function recordedCheckOf(c) {
  return {
    name: c.name,
    value: c.value,
    outcome: c.outcome,
    ...c.min !== void 0 ? { min: c.min } : c.minRequests !== void 0 ? { min: c.minRequests } : {},
    ...c.max !== void 0 ? { max: c.max } : {},
    ...c.critical ? { critical: true } : {},
    ...c.reference !== void 0 ? { reference: c.reference } : {},
    ...c.from !== void 0 ? { from: c.from } : {},
    ...c.pValue !== void 0 ? { pValue: c.pValue } : {},
    ...c.effectSize !== void 0 ? { effectSize: c.effectSize } : {}
  };
}
function boundsFromBody(body) {
  return bounds.get(body, () => boundsOf(body));
}
function boundsOf(body) {
  const out = /* @__PURE__ */ new Map();
  const line = body.split("\n").find((l) => parseChecksLine(l).length > 0);
  for (const c of line === void 0 ? [] : parseCheckDetails(line)) {
    const limit = {
      ...c.min !== void 0 ? { min: c.min } : {},
      ...c.max !== void 0 ? { max: c.max } : {}
    };
    if (Object.keys(limit).length > 0) out.set(c.name, limit);
  }
  return out;
}
function insertByTime(events, noted) {
  if (noted.length === 0) return events;
  const placed = noted.map(({ event, after }) => {
    let i = after;
    while (i < events.length && Date.parse(events[i].at) <= Date.parse(event.at)) i++;
    return { event, i };
  });
  placed.sort((a, b) => a.i - b.i || Date.parse(a.event.at) - Date.parse(b.event.at));
  const out = [];
  let k = 0;
  events.forEach((e, i) => {
    while (k < placed.length && placed[k].i === i) out.push(placed[k++].event);
    out.push(e);
  });
  while (k < placed.length) out.push(placed[k++].event);
  return out;
}

// src/audit/log.ts
var ROLLOUT_OUTCOMES = ["promoted", "rolled-back", "paused", "progressing"];
function revertsIn(commits) {
  const out = /* @__PURE__ */ new Map();
  for (const c of commits) {
    for (const m of c.message.matchAll(/This reverts commit ([0-9a-f]{40})/g)) {
      if (!out.has(m[1])) out.set(m[1], { commit: c.sha, author: c.author.name || c.author.email, at: new Date(c.committer.timestamp * 1e3).toISOString() });
    }
  }
  return out;
}
function buildRolloutLogFrom(records, notesFor, options = {}) {
  const oldestFirst = records.filter((c) => options.service === void 0 || c.trailers.service === options.service).reverse();
  const groups = [];
  const open = /* @__PURE__ */ new Map();
  const latest = /* @__PURE__ */ new Map();
  const superseded = /* @__PURE__ */ new Map();
  const supersedes = /* @__PURE__ */ new Map();
  for (const c of oldestFirst) {
    const { service, rollout, phase } = c.trailers;
    let group = open.get(rollout);
    if (!group) {
      group = [];
      groups.push(group);
      open.set(rollout, group);
      const previous = latest.get(service);
      if (previous && !isFinished(previous)) {
        superseded.set(previous, rollout);
        supersedes.set(group, previous[0].trailers.rollout);
      }
      latest.set(service, group);
    }
    group.push(c);
    if (phase === "promoted" || phase === "rolled-back") open.delete(rollout);
  }
  const since = options.since?.getTime();
  return groups.reverse().map((g) => {
    const entry = toEntry(g, notesFor, options.limits?.[g[0].trailers.service], superseded.get(g), supersedes.get(g));
    const last = g[g.length - 1];
    const revert = last.trailers.phase === "promoted" ? options.reverts?.get(last.sha) : void 0;
    return revert ? { ...entry, revertedBy: revert } : entry;
  }).filter((e) => since === void 0 || Date.parse(e.startedAt) >= since).filter((e) => options.outcomes === void 0 || options.outcomes.includes(e.outcome));
}
function isFinished(group) {
  const phase = group[group.length - 1]?.trailers.phase;
  return phase === "promoted" || phase === "rolled-back";
}
function toEntry(group, notesFor, limits, supersededBy, supersedes) {
  const first = group[0];
  const last = group[group.length - 1];
  const { phase, rollout } = last.trailers;
  const events = rolloutEvents(group, notesFor, { ...limits ? { limits } : {}, ...supersedes ? { supersedes } : {} });
  const judgments = events.filter((e) => e.kind === "judgment");
  const steps = [];
  for (const c of group) {
    if (c.trailers.phase !== "progressing" || c.trailers.judgment) continue;
    steps.push({
      weight: c.trailers.weight,
      step: c.trailers.step?.index ?? 0,
      commit: c.sha,
      at: c.at.toISOString(),
      checks: [...checksFromBody(c.body)],
      judgments: [],
      judged: judgments.filter((j) => j.stepCommit === c.sha).map(stepJudged)
    });
  }
  let current;
  for (const c of group) {
    if (c.trailers.phase === "progressing" && !c.trailers.judgment) current = steps.find((s) => s.commit === c.sha);
    if (!current) continue;
    const noted = notesFor(c.sha).filter((n) => n.rollout === rollout);
    for (const n of noted) current.judgments.push({ at: n.at, outcome: n.outcome, checks: n.checks });
    if (c.trailers.judgment && noted.length === 0) current.judgments.push({ at: c.at.toISOString(), outcome: c.trailers.judgment, checks: [...checksFromBody(c.body)] });
  }
  for (const s of steps) s.judgments.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  return {
    service: last.trailers.service,
    rollout,
    candidate: last.trailers.candidate,
    outcome: phase === "resumed" ? "progressing" : phase,
    startedAt: first.at.toISOString(),
    endedAt: phase === "promoted" || phase === "rolled-back" ? last.at.toISOString() : null,
    steps,
    ...supersededBy ? { supersededBy } : {},
    events
  };
}
function stepJudged(j) {
  return {
    at: j.at,
    commit: j.commit,
    outcome: j.outcome,
    checks: j.checks,
    ...j.failedChecks !== void 0 ? { failedChecks: j.failedChecks } : {},
    ...j.inconclusive !== void 0 ? { inconclusive: j.inconclusive } : {},
    ...j.errors !== void 0 ? { errors: j.errors } : {},
    source: j.source
  };
}
function span(fromIso, toIso) {
  const ms = Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1e3) * 1e3;
  return ms < 0 ? `-${formatDuration(-ms)}` : formatDuration(ms);
}
function shortIso(iso) {
  return iso.replace(/\.000Z$/, "Z");
}
function checkText(c) {
  const bounds2 = [c.min !== void 0 ? `min ${c.min}` : "", c.max !== void 0 ? `max ${c.max}` : ""].filter(Boolean).join(", ");
  const why = c.reason && (c.outcome === "no-data" || c.outcome === "error" || c.outcome === "inconclusive") ? ` (${c.reason})` : "";
  return `${c.name} ${c.value ?? "-"}${bounds2 ? ` (${bounds2})` : ""} ${c.outcome}${why}${explanation(c)}`;
}
function explanation(c) {
  const parts = [
    c.critical ? "critical" : "",
    c.reference !== void 0 ? `reference ${c.reference}${c.from === "first-value" ? " (first value)" : c.from ? ` (${c.from})` : ""}` : "",
    c.pValue !== void 0 ? `p ${formatStat(c.pValue)}` : "",
    c.effectSize !== void 0 ? `effect ${c.effectSize === null ? "-" : formatStat(c.effectSize)}` : ""
  ].filter(Boolean);
  return parts.length > 0 ? ` [${parts.join("; ")}]` : "";
}
function formatStat(v) {
  return String(Number(v.toPrecision(4)));
}
function eventDetail(e) {
  switch (e.kind) {
    case "judgment": {
      const count = e.failedChecks !== void 0 ? ` (${e.failedChecks} failed ${e.failedChecks === 1 ? "check" : "checks"} counted)` : e.outcome === "inconclusive" && e.inconclusive ? ` (${e.inconclusive} inconclusive in a row)` : e.outcome === "error" && e.errors ? ` (${e.errors} errored in a row)` : "";
      return `${e.outcome}${e.checks.length > 0 ? `: ${e.checks.map(checkText).join("; ")}` : ""}${count}`;
    }
    case "step":
      return `${e.from}% → ${e.weight}%${e.why ? `: ${e.why}` : ""}`;
    case "start":
      return [e.why, e.supersedes ? `supersedes ${e.supersedes}` : ""].filter(Boolean).join("; ");
    default:
      return e.why || [e.actor, e.reason].filter(Boolean).join(": ");
  }
}
function outcomeText(e, now) {
  if (e.supersededBy) return `${e.outcome}, superseded by ${e.supersededBy} (the candidate moved)`;
  if (e.endedAt) {
    const reverted = e.revertedBy ? `; release ${e.candidate.slice(0, 7)} reverted on production by ${e.revertedBy.author} in ${e.revertedBy.commit.slice(0, 7)}` : "";
    return `${e.outcome} after ${span(e.startedAt, e.endedAt)}${reverted}`;
  }
  return now ? `${e.outcome} for ${span(e.startedAt, now.toISOString())}` : e.outcome;
}
function pad(s, n) {
  return s + " ".repeat(Math.max(0, n - s.length));
}
function formatRolloutLog(entries, options = {}) {
  if (entries.length === 0) return "no rollouts found\n";
  const blocks = entries.map((e) => {
    const lines = [
      `${e.rollout}  ${outcomeText(e, options.now)}`,
      `  service ${e.service}  candidate ${e.candidate.slice(0, 7)}  started ${shortIso(e.startedAt)}  ended ${e.endedAt ? shortIso(e.endedAt) : "-"}`
    ];
    const rows = e.events.map((x) => [
      shortIso(x.at),
      `+${span(e.startedAt, x.at)}`.replace("+-", "-"),
      x.kind,
      x.total > 0 ? `${x.step}/${x.total}` : "-",
      `${x.weight}%`,
      x.commit.slice(0, 7),
      eventDetail(x)
    ]);
    const widths = [0, 1, 2, 3, 4].map((i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) {
      const cells = r.map((cell, i) => i === 4 ? " ".repeat(Math.max(0, widths[4] - cell.length)) + cell : i < 4 ? pad(cell, widths[i]) : cell);
      lines.push(`  ${cells.join("  ")}`.trimEnd());
    }
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}
`;
}

export {
  recordedCheckOf,
  ROLLOUT_OUTCOMES,
  revertsIn,
  buildRolloutLogFrom,
  span,
  shortIso,
  checkText,
  explanation,
  eventDetail,
  formatRolloutLog
};
