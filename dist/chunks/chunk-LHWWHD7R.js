import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  renderRolloutsMarkdown
} from "./chunk-5JTSQVP4.js";
import {
  ROLLOUT_OUTCOMES,
  buildRolloutLogFrom,
  formatRolloutLog,
  revertsIn
} from "./chunk-X3OIQ6DV.js";
import {
  noteText
} from "./chunk-GC5ZNIGH.js";
import {
  CONFIG_FILE,
  openSession
} from "./chunk-BYSPTKVM.js";
import {
  canaryCommits
} from "./chunk-IVUUAOBA.js";
import {
  tryParseDuration
} from "./chunk-3LIXOM53.js";
import {
  NOTES_REF,
  parseNote
} from "./chunk-VDZMSJPN.js";
import {
  currentBuildId,
  keptMemoDir,
  writeFileAtomic
} from "./chunk-DQCITK7L.js";
import {
  CanaryError,
  ConfigError,
  UsageError
} from "./chunk-SZWPCBNB.js";

// src/runner/log-history.ts
import { promises as fsp, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
var VERSION = 1;
function encodeRecord(r) {
  const { stepSince, started, ...rest } = r.trailers;
  return {
    sha: r.sha,
    at: r.at.getTime(),
    title: r.title,
    body: r.body,
    trailers: { ...rest, ...stepSince ? { stepSince: stepSince.getTime() } : {}, ...started ? { started: started.getTime() } : {} }
  };
}
function decodeRecord(e) {
  const t = e.trailers;
  if (t.stepSince !== void 0) t.stepSince = new Date(t.stepSince);
  if (t.started !== void 0) t.started = new Date(t.started);
  e.at = new Date(e.at);
  return e;
}
function fileOf() {
  const dir = keptMemoDir();
  const build = currentBuildId();
  return dir && build ? join(dir, `log-history-${build}.json`) : void 0;
}
function decode(text, author) {
  const data = JSON.parse(text);
  if (data.version !== VERSION || !isDeepStrictEqual(data.author, { name: author.name, email: author.email })) return void 0;
  if (typeof data.tip !== "string" || !Number.isSafeInteger(data.read) || !Array.isArray(data.records) || !Array.isArray(data.reverts)) return void 0;
  return {
    tip: data.tip,
    read: data.read,
    records: data.records.map(decodeRecord),
    reverts: new Map(data.reverts)
  };
}
function encode(h, author) {
  return JSON.stringify({
    version: VERSION,
    author: { name: author.name, email: author.email },
    tip: h.tip,
    read: h.read,
    records: h.records.map(encodeRecord),
    reverts: [...h.reverts]
  });
}
function keptHistory(author) {
  const path = fileOf();
  if (!path) return void 0;
  try {
    return decode(readFileSync(path, "utf8"), author);
  } catch {
    return void 0;
  }
}
async function keepHistory(history, author) {
  const path = fileOf();
  if (!path) return;
  try {
    const text = encode(history, author);
    if (!isDeepStrictEqual(decode(text, author), history)) return;
    await fsp.mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
  } catch {
  }
}

// src/commands/log.ts
var FORMATS = ["text", "markdown"];
var ISO_DATE = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)?)?$/i;
function parseSince(text, now) {
  const ms = tryParseDuration(text.trim());
  if (ms !== void 0) return new Date(now.getTime() - ms);
  const iso = text.trim().replace(" ", "T");
  const m = ISO_DATE.exec(iso);
  const date = m ? new Date(m[1] || !iso.includes(":") ? iso : `${iso}Z`) : void 0;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since ${text} is neither a duration nor a date`, {
      hint: "write a duration before now (1h, 30m, 2d, 1h30m) or an ISO date (2026-01-31, 2026-01-31T12:00:00Z)"
    });
  }
  return date;
}
function parseOutcomes(values) {
  const list = (typeof values === "string" ? [values] : values).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean);
  const unknown = list.filter((v) => !ROLLOUT_OUTCOMES.includes(v));
  if (unknown.length > 0 || list.length === 0) {
    throw new UsageError(`--outcome ${unknown.join(",") || "(empty)"} is not an outcome`, { hint: `use ${ROLLOUT_OUTCOMES.join(", ")} (repeat it or separate with commas)` });
  }
  return [...new Set(list)];
}
function limitsOf(config) {
  return Object.fromEntries(
    Object.entries(config.services).map(([name, s]) => [
      name,
      Object.fromEntries((s.analysis?.checks ?? []).map((c) => [c.name, { ...c.min !== void 0 ? { min: c.min } : {}, ...c.max !== void 0 ? { max: c.max } : {} }]))
    ])
  );
}
async function productionHistory(repo, tip, author) {
  const kept = keptHistory(author);
  if (kept?.tip === tip) return kept;
  const commits = [];
  const others = [];
  let below;
  for await (const c of repo.walk(tip, { firstParent: true })) {
    if (c.sha === kept?.tip) {
      below = kept;
      break;
    }
    if (c.author.name === author.name && c.author.email === author.email && c.committer.email === author.email) commits.push(c);
    else others.push(c);
  }
  const reverts = revertsIn(others);
  for (const [sha, revert] of below?.reverts ?? []) if (!reverts.has(sha)) reverts.set(sha, revert);
  const history = {
    tip,
    read: commits.length + others.length + (below?.read ?? 0),
    records: [...canaryCommits(commits), ...below?.records ?? []],
    reverts
  };
  await keepHistory(history, author);
  return history;
}
async function log(ctx, opts) {
  const format = opts.format ?? "text";
  if (!FORMATS.includes(format)) {
    throw new UsageError(`--format ${format} is not a format`, { hint: `use ${FORMATS.join(" or ")}, or --json` });
  }
  const since = opts.since === void 0 ? void 0 : parseSince(opts.since, ctx.now());
  const outcomes = opts.outcome === void 0 ? void 0 : parseOutcomes(opts.outcome);
  const session = await openSession(ctx, { write: false, metrics: false });
  const { repo, author, config } = session;
  const tip = await repo.resolve(session.production);
  const history = await productionHistory(repo, tip, author);
  const records = history.records;
  if (opts.service !== void 0 && !(opts.service in config.services) && !records.some((c) => c.trailers.service === opts.service)) {
    const known = Object.keys(config.services);
    throw new ConfigError(`no service named ${opts.service} in ${CONFIG_FILE} or in production's records`, {
      where: { file: CONFIG_FILE, branch: session.production },
      hint: `services: ${known.join(", ") || "(none)"}`,
      data: { services: known }
    });
  }
  const notesSha = await repo.resolve(NOTES_REF);
  const notes = /* @__PURE__ */ new Map();
  if (notesSha) {
    for (const c of records) {
      try {
        const n = await noteText(repo, notesSha, c.sha);
        if (n) notes.set(c.sha, n.text);
      } catch (e) {
        if (!(e instanceof CanaryError)) throw e;
        ctx.log.warn({ commit: c.sha }, `note of ${c.sha.slice(0, 7)} cannot be read: ${e.message}`);
      }
    }
  }
  const now = ctx.now();
  const judgments = new Map(
    [...notes].map(([sha, text]) => [
      sha,
      parseNote(text).filter((n) => {
        if (Date.parse(n.at) <= now.getTime() + 6e4) return true;
        ctx.log.warn({ commit: sha, at: n.at }, `a judgment note of ${sha.slice(0, 7)} is dated ${n.at}, in the future: ignored`);
        return false;
      })
    ])
  );
  const rollouts = buildRolloutLogFrom(records, (sha) => judgments.get(sha) ?? [], {
    ...opts.service !== void 0 ? { service: opts.service } : {},
    ...since ? { since } : {},
    ...outcomes ? { outcomes } : {},
    limits: limitsOf(config),
    reverts: history.reverts
  });
  const read = history.read;
  const extent = `${read.toLocaleString("en-US")} commit${read === 1 ? "" : "s"} of ${session.production} read: its whole history`;
  return {
    exitCode: 0,
    // Written only when printed: --json never needs it (a long log takes tens of ms to format).
    get text() {
      return format === "markdown" ? `${renderRolloutsMarkdown(rollouts)}
_${extent}._
` : `${formatRolloutLog(rollouts, { now })}${extent}
`;
    },
    json: { rollouts, history: { branch: session.production, tip, commits: read, complete: true } }
  };
}

export {
  parseSince,
  parseOutcomes,
  limitsOf,
  log
};
