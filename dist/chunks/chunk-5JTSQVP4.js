import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  checkText,
  eventDetail,
  explanation,
  shortIso,
  span
} from "./chunk-X3OIQ6DV.js";

// src/audit/markdown.ts
function escapeCell(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\|/g, "\\|").replace(/\r?\n|\r/g, "<br>");
}
function table(head, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}
function commitCell(sha, options) {
  const short = `\`${sha.slice(0, 7)}\``;
  return options.commitUrl ? `[${short}](${options.commitUrl(sha)})` : short;
}
function formatLimit(limit) {
  if (!limit) return "";
  return [limit.min !== void 0 ? `min ${limit.min}` : "", limit.max !== void 0 ? `max ${limit.max}` : ""].filter(Boolean).join(", ");
}
function eventCheck(service, c, options) {
  const known = c.min !== void 0 || c.max !== void 0 ? {} : options.limits?.[service]?.[c.name] ?? {};
  return checkText({ ...known, ...c });
}
function chartPoints(e) {
  const points = [];
  for (const x of e.events) {
    if (x.kind === "judgment") continue;
    const weight = x.kind === "promote" ? 100 : x.weight;
    const previous = points[points.length - 1];
    if (previous && previous.at === x.at) points.pop();
    points.push({ at: x.at, weight });
  }
  return points;
}
function timeLabels(isos) {
  const dates = isos.map((s) => new Date(s).toISOString());
  const days = new Set(dates.map((d) => d.slice(0, 10)));
  const day = (d) => days.size > 1 ? `${d.slice(5, 10)} ` : "";
  const minutes = dates.map((d) => `${day(d)}${d.slice(11, 16)}`);
  if (new Set(minutes).size === minutes.length) return minutes;
  return dates.map((d) => `${day(d)}${d.slice(11, 19)}`);
}
var quoted = (s) => `"${s.replace(/"/g, "'")}"`;
function renderWeightChart(e) {
  const points = chartPoints(e);
  if (points.length === 0) return "";
  return [
    "```mermaid",
    "xychart-beta",
    `  title ${quoted(`${e.rollout}: traffic to the new release`)}`,
    `  x-axis [${timeLabels(points.map((p) => p.at)).map(quoted).join(", ")}]`,
    '  y-axis "percent" 0 --> 100',
    `  line [${points.map((p) => p.weight).join(", ")}]`,
    "```"
  ].join("\n");
}
function eventName(x) {
  return x.kind === "judgment" ? `judgment: ${x.outcome}` : x.kind;
}
function whyCell(x) {
  if (x.kind === "judgment") {
    if (x.failedChecks !== void 0) return `${x.failedChecks} failed ${x.failedChecks === 1 ? "check" : "checks"} counted`;
    if (x.outcome === "inconclusive" && x.inconclusive) return `${x.inconclusive} inconclusive in a row`;
    if (x.outcome === "error" && x.errors) return `${x.errors} errored in a row`;
    return "";
  }
  if (x.actor) return `${x.actor}${x.reason ? `: ${x.reason}` : ""}`;
  return eventDetail(x);
}
function whyOfCheck(c) {
  const why = c.reason !== void 0 && c.outcome !== "pass" && c.outcome !== "fail" ? c.reason : "";
  return [explanation(c).replace(/^ \[|\]$/g, ""), why].filter(Boolean).join("; ");
}
function renderRollout(e, options) {
  const hashes = "#".repeat(Math.min(6, Math.max(1, options.level ?? 2)));
  const outcome = e.supersededBy ? `${e.outcome}, superseded by ${e.supersededBy}` : e.outcome;
  const parts = [
    `${hashes} ${e.service}: ${e.rollout} (${outcome})`,
    `Candidate \`${e.candidate.slice(0, 7)}\`, started ${e.startedAt}, ${e.endedAt ? `ended ${e.endedAt} (after ${span(e.startedAt, e.endedAt)})` : "not ended"}.`
  ];
  if (e.events.length > 0) {
    const rows = e.events.map((x) => [
      `${shortIso(x.at)} (+${span(e.startedAt, x.at)})`.replace("+-", "-"),
      eventName(x),
      x.total > 0 ? `${x.step}/${x.total}` : "–",
      `${x.weight}%`,
      x.kind === "judgment" ? x.checks.map((c) => escapeCell(eventCheck(e.service, c, options))).join("<br>") || "–" : "–",
      commitCell(x.commit, options),
      escapeCell(whyCell(x)) || "–"
    ]);
    parts.push(table(["time", "event", "step", "canary weight", "checks", "commit", "actor / reason"], rows));
    parts.push(renderWeightChart(e));
  }
  return parts.join("\n\n");
}
function renderRolloutsMarkdown(rollouts, options = {}) {
  if (rollouts.length === 0) return "No rollouts.\n";
  return `${rollouts.map((e) => renderRollout(e, options)).join("\n\n")}
`;
}
function renderTickSummary(results, rollouts, options = {}) {
  const parts = [`## git-canary ${options.command ?? "tick"}`];
  if (options.dryRun) parts.push("Dry run: nothing was committed or pushed.");
  if (results.length === 0) {
    parts.push("No services in git-canary.yaml.");
  } else {
    const rows = results.map((s) => [
      escapeCell(s.service),
      escapeCell(s.decision),
      s.weight === null ? "–" : `${s.weight}%`,
      s.step === null ? "–" : escapeCell(s.step),
      s.commit ? commitCell(s.commit, options) : options.dryRun && (s.files?.length ?? 0) > 0 ? "not committed (dry run)" : "–",
      escapeCell(s.reason)
    ]);
    parts.push(table(["service", "decision", "canary weight", "step", "commit", "reason"], rows));
    const explained = results.some((s) => s.checks.some((c) => explanation(c) !== "" || c.reason !== void 0 && c.outcome !== "pass" && c.outcome !== "fail"));
    const checks = results.flatMap(
      (s) => s.checks.map((c) => [
        escapeCell(s.service),
        escapeCell(c.name),
        c.value === null ? "–" : String(c.value),
        escapeCell(formatLimit(c.min !== void 0 || c.max !== void 0 ? c : options.limits?.[s.service]?.[c.name])) || "–",
        escapeCell(c.outcome),
        ...explained ? [escapeCell(whyOfCheck(c)) || "–"] : []
      ])
    );
    const head = ["service", "check", "value", "limit", "outcome", ...explained ? ["reference, p-value, effect size, why"] : []];
    if (checks.length > 0) parts.push("### Checks", table(head, checks));
  }
  if (rollouts.length > 0) {
    parts.push("### Rollouts", renderRolloutsMarkdown(rollouts, { ...options, level: 4 }).trimEnd());
  }
  return `${parts.join("\n\n")}
`;
}

export {
  renderRolloutsMarkdown,
  renderTickSummary
};
