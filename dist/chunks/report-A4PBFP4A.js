import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  limitsOf,
  log
} from "./chunk-LHWWHD7R.js";
import "./chunk-5JTSQVP4.js";
import {
  explanation
} from "./chunk-X3OIQ6DV.js";
import "./chunk-GC5ZNIGH.js";
import {
  commitUrl,
  resolveGitHubRepository
} from "./chunk-BYSPTKVM.js";
import "./chunk-IVUUAOBA.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import {
  UsageError
} from "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";

// src/commands/report.ts
import { stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";

// src/audit/report-html.ts
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
var esc = escapeHtml;
var CHART = { width: 720, height: 240, left: 52, right: 20, top: 16, bottom: 32 };
var CHECK_CHART_HEIGHT = 130;
var round = (v) => String(Math.round(v * 10) / 10);
function formatTime(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
function formatSpan(ms) {
  const s = Math.max(0, Math.round(ms / 1e3));
  const parts = [
    [Math.floor(s / 86400), "d"],
    [Math.floor(s % 86400 / 3600), "h"],
    [Math.floor(s % 3600 / 60), "m"],
    [s % 60, "s"]
  ];
  const shown = parts.filter(([n]) => n > 0).slice(0, 2);
  return shown.length === 0 ? "0s" : shown.map(([n, u]) => `${n}${u}`).join(" ");
}
var formatAxis = (v) => String(Number(v.toPrecision(4)));
function limitText(l) {
  if (!l) return "";
  return [l.min !== void 0 ? `min ${l.min}` : "", l.max !== void 0 ? `max ${l.max}` : ""].filter(Boolean).join(", ");
}
function timeDomain(input) {
  const times = input.events.map((e) => Date.parse(e.at)).filter((t) => !Number.isNaN(t));
  const t0 = Math.min(Date.parse(input.rollout.startedAt), ...times);
  let t1 = input.rollout.endedAt ? Date.parse(input.rollout.endedAt) : Math.max(t0, ...times);
  if (!input.rollout.endedAt && input.generatedAt && Date.parse(input.generatedAt) > t1) t1 = Date.parse(input.generatedAt);
  t1 = Math.max(t1, ...times);
  return { t0, t1: t1 > t0 ? t1 : t0 + 6e4 };
}
function timeScale(t0, t1) {
  const w = CHART.width - CHART.left - CHART.right;
  return { t0, t1, x: (t) => CHART.left + (t - t0) / (t1 - t0) * w };
}
var TICK_SECONDS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];
function timeTicks(s) {
  const span = (s.t1 - s.t0) / 1e3;
  const step = (TICK_SECONDS.find((x) => span / x <= 8) ?? Math.ceil(span / 8 / 86400) * 86400) * 1e3;
  const ticks = [];
  for (let t = Math.ceil(s.t0 / step) * step; t <= s.t1; t += step) {
    const iso = new Date(t).toISOString();
    ticks.push({ t, label: step >= 864e5 ? iso.slice(5, 10) : step < 6e4 ? iso.slice(11, 19) : iso.slice(11, 16) });
  }
  return ticks;
}
function xAxis(s, bottom) {
  const ticks = timeTicks(s);
  const edge = CHART.width - CHART.right - 24;
  const lastAtEdge = ticks.length > 1 && s.x(ticks[ticks.length - 1].t) > edge;
  return ticks.map(({ t, label }, i) => {
    const x = round(s.x(t));
    const anchor = s.x(t) > edge ? "end" : "middle";
    const crowded = lastAtEdge && i === ticks.length - 2 && s.x(ticks[i + 1].t) - s.x(t) < label.length * 11;
    const text = crowded ? "" : `<text class="axis-label" x="${x}" y="${bottom + 16}" text-anchor="${anchor}">${label}</text>`;
    return `<line class="tick" x1="${x}" y1="${bottom}" x2="${x}" y2="${bottom + 4}"/>${text}`;
  }).join("");
}
function weightPoints(events, s) {
  const points = [];
  for (const e of events) {
    if (e.kind === "judgment") continue;
    const t = Date.parse(e.at);
    const last2 = points[points.length - 1];
    if (!last2) points.push({ t, weight: e.weight });
    else if (e.weight !== last2.weight) points.push({ t, weight: last2.weight }, { t, weight: e.weight });
  }
  const last = points[points.length - 1];
  if (last && last.t < s.t1) points.push({ t: s.t1, weight: last.weight });
  return points;
}
function markerShape(outcome, x, y, size = 5) {
  const p = (dx, dy) => `${round(x + dx * size / 5)},${round(y + dy * size / 5)}`;
  switch (outcome) {
    case "pass":
      return `<circle cx="${round(x)}" cy="${round(y)}" r="${size}"/>`;
    case "fail":
      return `<path d="M${p(-5, -5)}L${p(5, 5)}M${p(-5, 5)}L${p(5, -5)}"/>`;
    case "inconclusive":
      return `<path d="M${p(0, -6)}L${p(6, 0)}L${p(0, 6)}L${p(-6, 0)}Z"/>`;
    default:
      return `<path d="M${p(0, -6)}L${p(6, 5)}L${p(-6, 5)}Z"/>`;
  }
}
function checkSummary(c, limit) {
  const l = limitText(c.min !== void 0 || c.max !== void 0 ? c : limit);
  return `${c.name} ${c.value ?? "–"}${l ? ` (${l})` : ""} ${c.outcome}`;
}
function renderWeightChart(input, s) {
  const { top, left, height, width, right, bottom } = CHART;
  const plotBottom = height - bottom;
  const y = (w) => top + (100 - w) / 100 * (plotBottom - top);
  const points = weightPoints(input.events, s);
  const parts = [];
  for (const w of [0, 25, 50, 75, 100]) {
    parts.push(`<line class="grid" x1="${left}" y1="${round(y(w))}" x2="${width - right}" y2="${round(y(w))}"/>`);
    parts.push(`<text class="axis-label" x="${left - 6}" y="${round(y(w) + 4)}" text-anchor="end">${w}%</text>`);
  }
  parts.push(xAxis(s, plotBottom));
  input.events.forEach((e, i) => {
    if (e.kind !== "pause") return;
    const next = input.events.slice(i + 1).find((n) => n.kind === "resume" || n.kind === "promote" || n.kind === "rollback");
    const x0 = s.x(Date.parse(e.at));
    const x1 = next ? s.x(Date.parse(next.at)) : s.x(s.t1);
    parts.push(
      `<rect class="paused-band" x="${round(x0)}" y="${top}" width="${round(Math.max(1, x1 - x0))}" height="${plotBottom - top}"><title>paused ${esc(formatTime(e.at))}: ${esc(e.why)}</title></rect>`
    );
  });
  const pts = points.map((p) => `${round(s.x(p.t))},${round(y(p.weight))}`).join(" ");
  parts.push(`<polyline class="weight-line" points="${pts}"/>`);
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i];
    const b = points[i + 1];
    if (a.weight !== b.weight || b.t === a.t) continue;
    parts.push(`<text class="weight-label" x="${round(s.x(a.t) + 6)}" y="${round(y(a.weight) - 6)}">${a.weight}%</text>`);
  }
  for (const e of input.events) {
    if (e.kind !== "judgment") continue;
    const checks = e.checks.map((c) => checkSummary(c, input.limits?.[c.name])).join("; ");
    parts.push(
      `<g class="judgment judgment-${esc(e.outcome)}" data-at="${esc(e.at)}" data-outcome="${esc(e.outcome)}"><title>${esc(`judged ${formatTime(e.at)} at ${e.weight}% (step ${e.step}/${e.total}): ${e.outcome}${checks ? ` — ${checks}` : ""}`)}</title>${markerShape(e.outcome, s.x(Date.parse(e.at)), y(e.weight))}</g>`
    );
  }
  const end = input.events.find((e) => e.kind === "promote" || e.kind === "rollback");
  if (end) {
    const x = s.x(Date.parse(end.at));
    parts.push(`<text class="end-label end-${end.kind}" x="${round(x - 4)}" y="${round(y(0) - 6)}" text-anchor="end">${end.kind === "promote" ? "promoted" : "rolled back"}</text>`);
  }
  const desc = points.filter((p, i) => i === 0 || p.weight !== points[i - 1].weight).map((p) => `${p.weight}%`).join(" → ");
  return `<svg id="weight-chart" class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="weight-chart-title"><title id="weight-chart-title">${esc(`canary weight over time: ${desc}`)}</title><rect class="plot" x="${left}" y="${top}" width="${width - left - right}" height="${plotBottom - top}"/>${parts.join("")}</svg>`;
}
var judgmentsOf = (events) => events.filter((e) => e.kind === "judgment");
function checkColumns(judgments, limits) {
  const columns = /* @__PURE__ */ new Map();
  for (const j of judgments) {
    for (const c of j.checks) {
      const own = c.min !== void 0 || c.max !== void 0 ? { ...c.min !== void 0 ? { min: c.min } : {}, ...c.max !== void 0 ? { max: c.max } : {} } : void 0;
      if (!columns.has(c.name) || columns.get(c.name) === void 0 && own) columns.set(c.name, own ?? limits?.[c.name]);
    }
  }
  return [...columns].map(([name, limit]) => ({ name, ...limit ? { limit } : {} }));
}
function renderCheckChart(name, limit, judgments, s) {
  const { top, left, width, right } = CHART;
  const height = CHECK_CHART_HEIGHT;
  const bottom = height - 28;
  const samples = judgments.flatMap((j) => j.checks.filter((c) => c.name === name).map((c) => ({ at: Date.parse(j.at), check: c })));
  const values = samples.map((p) => p.check.value).filter((v) => v !== null);
  const bounds = [limit?.min, limit?.max].filter((v) => v !== void 0);
  let lo = Math.min(...values, ...bounds);
  let hi = Math.max(...values, ...bounds);
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  const pad = hi > lo ? (hi - lo) * 0.15 : Math.max(Math.abs(hi) * 0.01, 0.5);
  lo -= pad;
  hi += pad;
  const y = (v) => top + (hi - v) / (hi - lo) * (bottom - top);
  const parts = [`<rect class="plot" x="${left}" y="${top}" width="${width - left - right}" height="${bottom - top}"/>`];
  for (const [kind, v] of [["min", limit?.min], ["max", limit?.max]]) {
    if (v === void 0) continue;
    parts.push(`<line class="limit limit-${kind}" x1="${left}" y1="${round(y(v))}" x2="${width - right}" y2="${round(y(v))}"/>`);
    parts.push(`<text class="limit-label" x="${width - right - 4}" y="${round(y(v) + (kind === "min" ? 12 : -4))}" text-anchor="end">${kind} ${esc(String(v))}</text>`);
  }
  parts.push(`<text class="axis-label" x="${left - 6}" y="${top + 4}" text-anchor="end">${esc(formatAxis(hi))}</text>`);
  parts.push(`<text class="axis-label" x="${left - 6}" y="${bottom}" text-anchor="end">${esc(formatAxis(lo))}</text>`);
  parts.push(xAxis(s, bottom));
  const line = samples.filter((p) => p.check.value !== null).map((p) => `${round(s.x(p.at))},${round(y(p.check.value))}`);
  if (line.length > 1) parts.push(`<polyline class="value-line" points="${line.join(" ")}"/>`);
  for (const p of samples) {
    const v = p.check.value;
    const outcome = v === null ? "no-data" : p.check.outcome;
    const label = `${name} ${v ?? "–"} ${p.check.outcome} at ${formatTime(new Date(p.at).toISOString())}`;
    parts.push(
      `<g class="sample sample-${esc(outcome)}" data-value="${v ?? ""}"><title>${esc(label)}</title>${markerShape(outcome === "no-data" ? "inconclusive" : outcome, s.x(p.at), v === null ? bottom : y(v))}</g>`
    );
  }
  return `<figure class="check-chart" data-check="${esc(name)}"><figcaption>${esc(name)}${limit ? ` <span class="muted">(${esc(limitText(limit))})</span>` : ""}</figcaption><svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`${name} over time`)}">${parts.join("")}</svg></figure>`;
}
function renderChecks(input, s) {
  const judgments = judgmentsOf(input.events);
  if (judgments.length === 0) return '<section id="checks"><h2>Checks</h2><p class="muted">No judgment was made in this rollout.</p></section>';
  const columns = checkColumns(judgments, input.limits);
  const head = columns.map((c) => `<th scope="col" data-check="${esc(c.name)}">${esc(c.name)}${c.limit ? `<br><span class="muted">${esc(limitText(c.limit))}</span>` : ""}</th>`).join("");
  const rows = judgments.map((j) => {
    const cells = columns.map((col) => {
      const c = j.checks.find((x) => x.name === col.name);
      if (!c) return '<td class="check">–</td>';
      const why = c.reason && (c.outcome === "no-data" || c.outcome === "error") ? ` (${c.reason})` : "";
      const detail = `${why}${explanation(c)}`.trim();
      const more = detail ? ` <span class="muted">${esc(detail)}</span>` : "";
      return `<td class="check outcome-${esc(c.outcome)}" data-check="${esc(c.name)}" data-value="${c.value ?? ""}" data-outcome="${esc(c.outcome)}"><span class="value">${c.value ?? "–"}</span> <span class="tag">${esc(c.outcome)}</span>${more}</td>`;
    });
    const inRow = j.outcome === "inconclusive" ? j.inconclusive : j.outcome === "error" ? j.errors : void 0;
    const failed = j.failedChecks !== void 0 ? ` <span class="muted">(${j.failedChecks} failed)</span>` : inRow ? ` <span class="muted">(${inRow} in a row)</span>` : "";
    return `<tr class="judgment-row" data-at="${esc(j.at)}" data-step="${j.step}" data-weight="${j.weight}" data-outcome="${esc(j.outcome)}" data-source="${esc(j.source)}"><td>${esc(formatTime(j.at))}${j.source === "note" ? ' <span class="muted" title="values from the judgment note (refs/notes/git-canary)">note</span>' : ""}</td><td>${j.step}/${j.total}</td><td>${j.weight}%</td><td class="outcome-${esc(j.outcome)}"><span class="tag">${esc(j.outcome)}</span>${failed}</td>${cells.join("")}</tr>`;
  });
  const charts = columns.map((c) => renderCheckChart(c.name, c.limit, judgments, s)).join("");
  const about = '<p class="muted">Values as recorded: in the body of the commit the judgment made (written as git-canary writes them, at most 4 decimals) or, marked note, in its judgment note.</p>';
  return `<section id="checks"><h2>Checks</h2>${charts}${about}<table id="checks-table"><thead><tr><th scope="col">judged at</th><th scope="col">step</th><th scope="col">weight</th><th scope="col">judgment</th>${head}</tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
}
function eventText(e) {
  switch (e.kind) {
    case "start":
      return `started at ${e.weight}% (step ${e.step}/${e.total})`;
    case "judgment":
      return `judged step ${e.step}/${e.total} (${e.weight}%): ${e.outcome}`;
    case "step":
      return `moved to ${e.weight}% (step ${e.step}/${e.total})`;
    case "pause":
      return `paused: ${e.why}`;
    case "resume":
      return "resumed";
    case "promote":
      return `promoted: ${e.why}`;
    case "rollback":
      return `rolled back: ${e.why}`;
  }
}
function shaHtml(sha, commitUrl2) {
  const short = `<code>${esc(sha.slice(0, 7))}</code>`;
  const url = commitUrl2?.(sha);
  return url && /^https?:\/\//i.test(url) ? `<a class="sha" href="${esc(url)}" title="${esc(sha)}">${short}</a>` : `<span class="sha" title="${esc(sha)}">${short}</span>`;
}
function renderCommits(input) {
  const byCommit = /* @__PURE__ */ new Map();
  for (const e of input.events) byCommit.set(e.commit, [...byCommit.get(e.commit) ?? [], e]);
  const rows = [...byCommit].map(([sha, events]) => {
    const last = events[events.length - 1];
    const who = events.map((e) => [e.actor ? `by ${e.actor}` : "", e.reason ? `“${e.reason}”` : ""].filter(Boolean).join(": ")).filter(Boolean);
    return `<tr data-sha="${esc(sha)}" data-kinds="${esc(events.map((e) => e.kind).join(" "))}"><td>${shaHtml(sha, input.commitUrl)}</td><td>${esc(formatTime(events[0].at))}</td><td>${last.weight}%</td><td>${events.map((e) => esc(eventText(e))).join("<br>")}</td><td>${who.map(esc).join("<br>") || "–"}</td></tr>`;
  });
  return `<section id="commits"><h2>Commits on production</h2><table id="commits-table"><thead><tr><th scope="col">commit</th><th scope="col">at</th><th scope="col">weight after</th><th scope="col">what</th><th scope="col">a person's decision</th></tr></thead><tbody>${rows.join("")}</tbody></table></section>`;
}
function renderOutcome(input) {
  const r = input.rollout;
  const end = [...input.events].reverse().find((e) => e.kind === "promote" || e.kind === "rollback" || e.kind === "pause" || e.kind === "resume");
  const label = r.outcome === "rolled-back" ? "rolled back" : r.outcome;
  const current = [...input.events].reverse().find((e) => e.kind !== "judgment");
  let why = "";
  if (end && (end.kind === "promote" || end.kind === "rollback" || end.kind === "pause")) why = end.why;
  else if (current) why = `at ${current.weight}% (step ${current.step}/${current.total}) since ${formatTime(current.at)}`;
  const when = r.endedAt ? ` on ${formatTime(r.endedAt)}, after ${formatSpan(Date.parse(r.endedAt) - Date.parse(r.startedAt))}` : "";
  const person = end && (end.actor || end.reason) ? `<p class="person">${esc([end.actor ? `by ${end.actor}` : "", end.reason ? `reason: ${end.reason}` : ""].filter(Boolean).join(", "))}</p>` : "";
  const superseded = r.supersededBy ? `<p class="muted">Superseded by ${esc(r.supersededBy)} before it ended.</p>` : "";
  return `<section id="outcome" class="outcome outcome-${esc(r.outcome)}" data-outcome="${esc(r.outcome)}"><p><strong class="outcome-label">${esc(label)}</strong>${esc(when)}${why ? `: <span class="why">${esc(why)}</span>` : ""}</p>${person}${superseded}</section>`;
}
function renderFacts(input) {
  const r = input.rollout;
  const judgments = judgmentsOf(input.events);
  const count = (o) => judgments.filter((j) => j.outcome === o).length;
  const tally = ["pass", "fail", "inconclusive", "error"].map((o) => [o, count(o)]).filter(([, n]) => n > 0).map(([o, n]) => `${n} ${o}`);
  const weights = [...new Set(input.events.filter((e) => e.kind === "start" || e.kind === "step").map((e) => `${e.weight}%`))];
  const facts = [
    ["service", esc(r.service)],
    ["rollout", esc(r.rollout)],
    ["candidate", shaHtml(r.candidate, input.commitUrl)],
    ["started", esc(formatTime(r.startedAt))],
    ["ended", r.endedAt ? esc(formatTime(r.endedAt)) : "not ended"],
    ["steps", esc(weights.join(" → ") || "–")],
    ["judgments", esc(tally.join(", ") || "none")]
  ];
  return `<dl class="facts">${facts.map(([k, v]) => `<div><dt>${k}</dt><dd data-fact="${k}">${v}</dd></div>`).join("")}</dl>`;
}
var CSS = `
:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;--accent:#0969da;--pass:#1a7f37;--fail:#cf222e;--inconclusive:#9a6700;--error:#8250df}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI","DejaVu Sans",sans-serif}
main{max-width:980px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
code{font:12px ui-monospace,"DejaVu Sans Mono",monospace}
a{color:var(--accent)}
.muted{color:var(--muted)}
.facts{display:flex;flex-wrap:wrap;gap:8px 24px;margin:12px 0}.facts div{min-width:120px}.facts dt{color:var(--muted);font-size:12px}.facts dd{margin:0}
.outcome{border-left:4px solid var(--muted);background:var(--soft);padding:8px 12px;margin:12px 0}
.outcome p{margin:2px 0}.outcome-label{font-size:16px}
.outcome-promoted{border-color:var(--pass)}.outcome-rolled-back{border-color:var(--fail)}.outcome-paused{border-color:var(--inconclusive)}.outcome-progressing{border-color:var(--accent)}
.chart{width:100%;height:auto;display:block}
.chart .plot{fill:var(--soft);stroke:var(--line)}.chart .grid{stroke:var(--line)}.chart .tick{stroke:var(--muted)}
.chart text{font-size:11px;fill:var(--muted)}.chart .weight-label{fill:var(--accent);font-weight:600}.chart .end-label{fill:var(--fg);font-weight:600}
.weight-line{fill:none;stroke:var(--accent);stroke-width:2.5}
.value-line{fill:none;stroke:var(--muted);stroke-width:1.5}
.paused-band{fill:var(--inconclusive);fill-opacity:.12}
.limit{stroke:var(--fail);stroke-dasharray:5 4}.chart .limit-label{fill:var(--fail)}
.judgment circle,.judgment path,.sample circle,.sample path,.legend-marker circle,.legend-marker path{stroke-width:2.5;fill:var(--bg)}
.judgment-pass *,.sample-pass *{stroke:var(--pass)}.judgment-fail *,.sample-fail *{stroke:var(--fail)}
.judgment-inconclusive *,.sample-inconclusive *,.sample-no-data *{stroke:var(--inconclusive)}.judgment-error *,.sample-error *{stroke:var(--error)}
.legend{display:flex;gap:16px;font-size:12px;color:var(--muted);margin:4px 0 0 44px}.legend svg{width:14px;height:14px;vertical-align:-2px}
figure{margin:12px 0}figcaption{font-weight:600}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}th{background:var(--soft);font-weight:600}
td.check .value{font-variant-numeric:tabular-nums}
.tag{font-size:12px;font-weight:600}.outcome-pass .tag{color:var(--pass)}.outcome-fail .tag{color:var(--fail)}.outcome-no-data .tag,.outcome-inconclusive .tag{color:var(--inconclusive)}.outcome-error .tag{color:var(--error)}
footer{margin-top:32px;color:var(--muted);font-size:12px}
`;
function legend() {
  const item = (o, label) => `<span><svg viewBox="0 0 14 14" aria-hidden="true"><g class="legend-marker judgment-${o}">${markerShape(o, 7, 7, 4)}</g></svg> ${label}</span>`;
  return `<p class="legend">${item("pass", "pass")}${item("fail", "fail")}${item("inconclusive", "inconclusive")}${item("error", "error")}</p>`;
}
function renderReportHtml(input) {
  const r = input.rollout;
  const { t0, t1 } = timeDomain(input);
  const s = timeScale(t0, t1);
  const day0 = new Date(t0).toISOString().slice(0, 10);
  const day1 = new Date(t1).toISOString().slice(0, 10);
  const generated = input.generatedAt ? ` on ${esc(formatTime(input.generatedAt))}` : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${r.rollout} (${r.outcome}) — git-canary report`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header><h1>${esc(r.service)}: <code>${esc(r.rollout)}</code></h1></header>
${renderOutcome(input)}
${renderFacts(input)}
<section id="weight"><h2>Canary weight over time</h2>
${renderWeightChart(input, s)}
${legend()}
<p class="muted">Time in UTC, ${esc(day0 === day1 ? day0 : `${day0} to ${day1}`)}. Each marker is a judgment at the weight it judged.</p>
</section>
${renderChecks(input, s)}
${renderCommits(input)}
<footer>Made by git-canary report${generated} from production's commits and notes. This page loads nothing from the network.</footer>
</main>
</body>
</html>
`;
}

// src/commands/report.ts
function refuse(message, hint, data = {}) {
  return { exitCode: 1, text: "", json: { error: { message, hint }, ...data }, errors: [`${message} — ${hint}`] };
}
async function outProblem(file) {
  const dir = dirname(file);
  const info = await stat(dir).catch(() => void 0);
  if (!info) return `directory ${dir} does not exist`;
  if (!info.isDirectory()) return `${dir} is not a directory`;
  if ((await stat(file).catch(() => void 0))?.isDirectory()) return `${file} is a directory`;
  return void 0;
}
async function report(ctx, opts) {
  const example = "e.g. git-canary report --service checkout --out report.html";
  if (!opts.service) throw new UsageError("report needs --service <name>", { hint: example });
  if (!opts.out) throw new UsageError("report needs --out <file>", { hint: example });
  const out = resolve(ctx.cwd, opts.out);
  const problem = await outProblem(out);
  if (problem) return refuse(`cannot write --out ${opts.out}: ${problem}`, "create the directory first, or write the report elsewhere");
  let config;
  const onSession = (s) => {
    config = s.config;
    ctx.onSession?.(s);
  };
  const service = opts.service;
  const logged = await log({ ...ctx, onSession }, { service });
  const rollouts = logged.json.rollouts;
  if (rollouts.length === 0) return refuse(`service ${service} has no rollouts on production yet`, "a rollout starts when candidate changes its release files");
  const entry = opts.rollout === void 0 ? rollouts[0] : rollouts.find((r) => r.rollout === opts.rollout);
  if (!entry) {
    const ids = rollouts.map((r) => `${r.rollout} (${r.outcome}, started ${r.startedAt})`);
    return refuse(`service ${service} has no rollout ${opts.rollout}`, `its rollouts, newest first: ${ids.join(", ")}`, {
      rollouts: rollouts.map((r) => r.rollout)
    });
  }
  const repository = resolveGitHubRepository({ configured: config?.github?.repository, env: ctx.env, repoSpec: ctx.options.repo });
  const html = renderReportHtml({
    rollout: entry,
    events: entry.events,
    limits: config ? limitsOf(config)[service] ?? {} : {},
    generatedAt: ctx.now().toISOString(),
    ...repository ? { commitUrl: (sha) => commitUrl(ctx.env, repository, sha) } : {}
  });
  await writeFile(out, html);
  return {
    exitCode: 0,
    text: `wrote ${opts.out}: ${entry.rollout} (${entry.outcome}), ${entry.events.length} events
`,
    json: { file: out, service, rollout: entry.rollout, outcome: entry.outcome, events: entry.events.length },
    ...logged.errors ? { errors: logged.errors } : {}
  };
}
export {
  report
};
