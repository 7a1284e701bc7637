import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);

// src/memo.ts
import { createHash } from "node:crypto";
import { promises as fsp2, readFileSync } from "node:fs";
import { dirname as dirname2, join as join2 } from "node:path";

// src/git/atomic-fs.ts
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import { basename, dirname, join } from "node:path";
var OBJECTS = /[\\/]objects[\\/]/;
var REFS = /[\\/]refs[\\/]/;
async function writeFile(path, data, options) {
  if (typeof path !== "string") return fsp.writeFile(path, data, options);
  if (OBJECTS.test(path)) {
    return writeFileAtomic(path, data, options, `tmp_obj_${process.pid}_${randomBytes(6).toString("hex")}_${basename(path).slice(0, 8)}`);
  }
  const name = basename(path);
  if (name === "shallow" || name === "config" || name === "packed-refs") return writeFileAtomic(path, data, options);
  if (REFS.test(path)) return writeFileAtomic(path, data, options, `${name}.tmp_${process.pid}_${randomBytes(6).toString("hex")}.lock`);
  return fsp.writeFile(path, data, options);
}
async function writeFileAtomic(path, data, options, tmpName = `tmp_${basename(path)}_${process.pid}_${randomBytes(6).toString("hex")}`) {
  const tmp = join(dirname(path), tmpName);
  try {
    await fsp.writeFile(tmp, data, options);
    await fsp.rename(tmp, path);
  } catch (err) {
    await fsp.unlink(tmp).catch(() => {
    });
    throw err;
  }
}
var atomicFs = {
  // Built when first asked for: node's fs.promises loads readline and more (about 4 ms), and this
  // module loads with the memos, before a command has asked the server anything.
  get promises() {
    built ??= {
      readFile: fsp.readFile,
      writeFile,
      mkdir: fsp.mkdir,
      rmdir: fsp.rmdir,
      rm: fsp.rm,
      unlink: fsp.unlink,
      stat: fsp.stat,
      lstat: fsp.lstat,
      readdir: fsp.readdir,
      readlink: fsp.readlink,
      symlink: fsp.symlink,
      chmod: fsp.chmod
    };
    return built;
  }
};
var built;

// src/memo.ts
var MEMO_DIR = "git-canary-memo";
var buildId;
function setBuildId(id) {
  buildId = id;
}
var currentBuildId = () => buildId;
var KEPT_MAX = 4096;
var keptMax = /* @__PURE__ */ new Map();
var kept;
function keepMemosIn(dir, build = buildId) {
  if (!build) return;
  const path = join2(dir, `memo-${build}.json`);
  if (kept?.path === path) return;
  let memos = {};
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) memos = parsed;
  } catch {
  }
  kept = { path, memos, dirty: false };
}
var alsoFlushed = /* @__PURE__ */ new Map();
function flushAlso(key, write) {
  alsoFlushed.set(key, write);
}
async function flushMemos() {
  const others = [...alsoFlushed.values()];
  alsoFlushed.clear();
  await Promise.all([writeMemos(), ...others.map((write) => write())]);
}
async function writeMemos() {
  if (!kept?.dirty) return;
  const { path, memos } = kept;
  for (const [name, memo] of Object.entries(memos)) {
    const digests = Object.keys(memo);
    for (const old of digests.slice(0, Math.max(0, digests.length - (keptMax.get(name) ?? KEPT_MAX)))) delete memo[old];
  }
  try {
    const dir = dirname2(path);
    await fsp2.mkdir(dir, { recursive: true });
    await writeFileAtomic(path, JSON.stringify(memos));
    if (kept?.path === path) kept.dirty = false;
    for (const name of await fsp2.readdir(dir)) if (/^memo-[\w-]+\.json$/.test(name) && join2(dir, name) !== path) await fsp2.rm(join2(dir, name), { force: true });
  } catch {
  }
}
function keptMemoDir() {
  return kept ? dirname2(kept.path) : void 0;
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
  /**
   * `name`: also kept on disk, under this name (only booleans, strings and
   * finite numbers are), at most `onDisk` entries of it (default 4,096).
   */
  constructor(max = 4096, name, onDisk) {
    this.max = max;
    this.name = name;
    if (name && onDisk !== void 0) keptMax.set(name, onDisk);
  }
  max;
  name;
  entries = /* @__PURE__ */ new Map();
  get(key, compute) {
    const known = this.find(key);
    if (known.found) return known.value;
    const value = compute();
    this.store(key, value, known.digest);
    return value;
  }
  /** What is known of `key` (in memory, else on disk), without computing it: for results that come asynchronously. */
  known(key) {
    const known = this.find(key);
    return known.found ? known : { found: false };
  }
  /** Remember `value` for `key`: in memory, and on disk when this memo is kept and the value is keepable. */
  remember(key, value) {
    this.store(key, value, this.digestOnDisk(key));
  }
  /** The key's name on disk when this memo is kept there, else undefined: a SHA-256 of the key (often a whole file's text). */
  digestOnDisk(key) {
    return this.name && kept ? digestOf(key) : void 0;
  }
  /** `key` in memory, else on disk; when not found, its name on disk (if kept), for store. */
  find(key) {
    const hit = this.entries.get(key);
    if (hit !== void 0 || this.entries.has(key)) return { found: true, value: hit };
    const digest = this.digestOnDisk(key);
    const value = digest === void 0 ? void 0 : keptMemo(this.name)?.[digest];
    if (!keepable(value)) return { found: false, digest };
    this.keep(key, value);
    return { found: true, value };
  }
  store(key, value, digest) {
    const disk = digest === void 0 ? void 0 : keptMemo(this.name);
    if (disk && kept && digest !== void 0 && keepable(value)) {
      disk[digest] = value;
      kept.dirty = true;
    }
    this.keep(key, value);
  }
  keep(key, value) {
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, value);
  }
};
function digestOf(key) {
  return createHash("sha256").update(key).digest("base64url");
}

export {
  writeFileAtomic,
  atomicFs,
  MEMO_DIR,
  setBuildId,
  currentBuildId,
  keepMemosIn,
  flushAlso,
  flushMemos,
  keptMemoDir,
  TextMemo
};
