import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);

// src/memo.ts
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
var buildId;
function setBuildId(id) {
  buildId = id;
}
var KEPT_MAX = 4096;
var kept;
function keepMemosIn(dir, build = buildId) {
  if (!build) return;
  const path = join(dir, `memo-${build}.json`);
  if (kept?.path === path) return;
  let memos = {};
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) memos = parsed;
  } catch {
  }
  kept = { path, memos, dirty: false };
}
function flushMemos() {
  if (!kept?.dirty) return;
  const tmp = `${kept.path}.${process.pid}.tmp`;
  for (const memo of Object.values(kept.memos)) {
    const digests = Object.keys(memo);
    for (const old of digests.slice(0, Math.max(0, digests.length - KEPT_MAX))) delete memo[old];
  }
  try {
    const dir = dirname(kept.path);
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, JSON.stringify(kept.memos));
    renameSync(tmp, kept.path);
    kept.dirty = false;
    for (const name of readdirSync(dir)) if (/^memo-[\w-]+\.json$/.test(name) && join(dir, name) !== kept.path) rmSync(join(dir, name), { force: true });
  } catch {
    try {
      rmSync(tmp, { force: true });
    } catch {
    }
  }
}
function keepable(v) {
  return typeof v === "boolean" || typeof v === "string" || typeof v === "number" && Number.isFinite(v);
}
function keptMemo(name) {
  if (!kept) return void 0;
  kept.memos[name] ??= {};
  return kept.memos[name];
}
var TextMemo = class {
  /** `name`: also kept on disk, under this name (only booleans, strings and finite numbers are). */
  constructor(max = 4096, name) {
    this.max = max;
    this.name = name;
  }
  max;
  name;
  entries = /* @__PURE__ */ new Map();
  get(key, compute) {
    const hit = this.entries.get(key);
    if (hit !== void 0 || this.entries.has(key)) return hit;
    const disk = this.name ? keptMemo(this.name) : void 0;
    const digest = disk ? createHash("sha256").update(key).digest("base64url") : "";
    const known = disk && Object.hasOwn(disk, digest) ? disk[digest] : void 0;
    let value;
    if (keepable(known)) value = known;
    else {
      value = compute();
      if (disk && kept && keepable(value)) {
        disk[digest] = value;
        kept.dirty = true;
      }
    }
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }
};

export {
  setBuildId,
  keepMemosIn,
  flushMemos,
  TextMemo
};
