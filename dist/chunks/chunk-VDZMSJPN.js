import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  isCheckOutcome
} from "./chunk-AKTLTPEL.js";
import {
  MEMO_DIR,
  TextMemo,
  keepMemosIn
} from "./chunk-DQCITK7L.js";
import {
  GitError,
  PathError,
  basicFormsOf,
  encodingsOf,
  registerCredentials,
  registerToken
} from "./chunk-SZWPCBNB.js";

// src/runner/early.ts
import { join as join4 } from "node:path";

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

// src/git/cache-dir.ts
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";

// src/git/credentials.ts
var TOKEN_USERNAME = "x-access-token";
function parseRemoteUrl(spec, token) {
  let parsed;
  try {
    parsed = new URL(spec);
  } catch {
    throw new GitError("invalid repository URL", {
      where: { detail: stripUserInfo(spec) },
      hint: "use an https:// URL or a local path"
    });
  }
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = "";
  parsed.password = "";
  const url = parsed.toString().replace(/\/+$/, "");
  if (username || password) {
    registerCredentials(username, password);
    return { url, source: "url", username, password };
  }
  if (token) {
    registerToken(token);
    return { url, source: "token", username: TOKEN_USERNAME, password: token };
  }
  return { url, source: "none" };
}
function stripUserInfo(text) {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, "$1");
}
function redactor(creds) {
  const secrets = /* @__PURE__ */ new Set();
  for (const s of [creds.password, creds.source === "url" ? creds.username : void 0]) {
    if (!s) continue;
    for (const form of encodingsOf(s)) secrets.add(form);
  }
  if (creds.username !== void 0 || creds.password !== void 0) {
    for (const form of basicFormsOf(creds.username ?? "", creds.password ?? "")) secrets.add(form);
  }
  const ordered = [...secrets].filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = stripUserInfo(text);
    for (const s of ordered) out = out.split(s).join("***");
    return out;
  };
}
function basicAuthorization(creds) {
  if (creds.source === "none") return void 0;
  return `Basic ${Buffer.from(`${creds.username ?? ""}:${creds.password ?? ""}`).toString("base64")}`;
}
function authCallbacks(creds) {
  const state = { offered: false, refused: false };
  const onAuth = () => {
    if (creds.source === "none") return void 0;
    state.offered = true;
    return { username: creds.username ?? "", password: creds.password ?? "" };
  };
  const onAuthFailure = () => {
    state.refused = true;
    return { cancel: true };
  };
  return { onAuth, onAuthFailure, state };
}

// src/git/cache-dir.ts
function defaultCacheDir(env = process.env) {
  if (env.GIT_CANARY_CACHE) return env.GIT_CANARY_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "git-canary");
}
function remoteCacheDir(url, cacheRoot) {
  const clean = parseRemoteUrl(url, void 0).url;
  return join(cacheRoot, createHash("sha256").update(clean).digest("hex").slice(0, 24));
}

// src/git/early-advertisement.ts
import { existsSync } from "node:fs";
import { join as join3 } from "node:path";

// src/git/native.ts
import { execFile, spawn } from "node:child_process";
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { basename, delimiter, join as join2 } from "node:path";
import { promisify } from "node:util";
var run = promisify(execFile);
var MIN_NATIVE_GIT = [2, 31];
var PASSED_ENV = [
  "PATH",
  "TMPDIR",
  "SYSTEMROOT",
  "http_proxy",
  "https_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "all_proxy",
  "ALL_PROXY",
  "no_proxy",
  "NO_PROXY",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "GIT_SSL_CAINFO",
  "GIT_SSL_CAPATH",
  "GIT_SSL_NO_VERIFY",
  "GIT_PROXY_SSL_CAINFO"
];
var FIXED_CONFIG = [
  // No maintenance or gc in a cache other processes read.
  ["gc.auto", "0"],
  ["maintenance.auto", "false"],
  ["fetch.writeCommitGraph", "false"],
  ["core.askPass", ""],
  ["credential.helper", ""],
  // Like the embedded path's two minutes of socket silence.
  ["http.lowSpeedLimit", "1"],
  ["http.lowSpeedTime", "120"]
];
function nativeEnv(creds, gitdir) {
  const env = {};
  for (const k of PASSED_ENV) if (process.env[k] !== void 0) env[k] = process.env[k];
  Object.assign(env, {
    HOME: "/nonexistent",
    LC_ALL: "C",
    LANG: "C",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_TERMINAL_PROMPT: "0",
    GIT_ASKPASS: "",
    SSH_ASKPASS: ""
  });
  const config = [...FIXED_CONFIG];
  if (gitdir) config.push(["safe.directory", gitdir]);
  const authorization = creds ? basicAuthorization(creds) : void 0;
  if (authorization) config.push(["http.extraHeader", `Authorization: ${authorization}`]);
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}
function parseGitVersion(text) {
  const m = /git version (\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : void 0;
}
var detected;
var versions = new TextMemo(8, "git-version", 8);
function gitBinary(path = process.env.PATH ?? "") {
  for (const dir of path.split(delimiter)) {
    const candidate = join2(dir || ".", "git");
    let st;
    try {
      st = statSync(candidate);
    } catch {
      continue;
    }
    if (!st.isFile() || (st.mode & 73) === 0) continue;
    try {
      const real = realpathSync(candidate);
      if (basename(real) !== "git") return void 0;
      const head = Buffer.alloc(4);
      const fd = openSync(real, "r");
      try {
        if (readSync(fd, head, 0, 4, 0) !== 4 || head.toString("latin1") !== "ELF") return void 0;
      } finally {
        closeSync(fd);
      }
      return [real, st.dev, st.ino, st.size, st.mtimeMs, st.ctimeMs].join("\0");
    } catch {
      return void 0;
    }
  }
  return void 0;
}
function keptVersion(binary) {
  return binary === void 0 ? { found: false } : versions.known(binary);
}
function nativeVersion() {
  detected ??= (async () => {
    const binary = gitBinary();
    const known = keptVersion(binary);
    if (known.found) return parseGitVersion(known.value);
    const { stdout } = await run("git", ["--version"], { env: nativeEnv(void 0), timeout: 1e4 });
    if (binary !== void 0 && parseGitVersion(stdout)) versions.remember(binary, stdout);
    return parseGitVersion(stdout);
  })().catch(() => void 0);
  return detected;
}
var REFETCH_GIT = [2, 36];
async function nativeGitAtLeast(min) {
  const v = await nativeVersion();
  return v !== void 0 && (v[0] > min[0] || v[0] === min[0] && v[1] >= min[1]);
}
function usable(v) {
  return v !== void 0 && (v[0] > MIN_NATIVE_GIT[0] || v[0] === MIN_NATIVE_GIT[0] && v[1] >= MIN_NATIVE_GIT[1]);
}
function gitModeKnown(setting = process.env.GIT_CANARY_GIT) {
  const wanted = wantedMode(setting);
  if (wanted === "embedded") return "embedded";
  if (wanted !== "auto" && wanted !== "native") return void 0;
  const known = keptVersion(gitBinary());
  if (!known.found) return void 0;
  if (usable(parseGitVersion(known.value))) return "native";
  return wanted === "auto" ? "embedded" : void 0;
}
function wantedMode(setting) {
  return (setting ?? "").trim().toLowerCase() || "auto";
}
async function gitMode(setting = process.env.GIT_CANARY_GIT) {
  const wanted = wantedMode(setting);
  if (wanted === "embedded") return "embedded";
  if (wanted !== "auto" && wanted !== "native") {
    throw new GitError(`GIT_CANARY_GIT=${JSON.stringify(setting)} is not one of auto, native, embedded`, {
      where: { detail: "GIT_CANARY_GIT" },
      hint: "unset it (auto: native git when installed) or set it to native or embedded"
    });
  }
  const version = await nativeVersion();
  if (usable(version)) return "native";
  if (wanted === "auto") return "embedded";
  throw new GitError(
    version ? `git ${version.join(".")} is too old for GIT_CANARY_GIT=native` : "GIT_CANARY_GIT=native but no git is on PATH",
    {
      where: { detail: "GIT_CANARY_GIT" },
      hint: `install git ${MIN_NATIVE_GIT.join(".")} or newer, or set GIT_CANARY_GIT=embedded (isomorphic-git only)`
    }
  );
}
var STDERR_KEEP = 64 * 1024;
function runNative(gitdir, args, creds) {
  return new Promise((resolve, reject) => {
    const child = spawn("git", [`--git-dir=${gitdir}`, ...args], {
      cwd: gitdir,
      env: nativeEnv(creds, gitdir),
      stdio: ["ignore", "pipe", "pipe"]
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => {
      if (stdout.length < STDERR_KEEP) stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d) => {
      stderr = (stderr + d).slice(-STDERR_KEEP);
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}
function blobFilter(maxBytes) {
  return `blob:limit=${maxBytes + 1}`;
}
function partialCloneSettings(maxBytes) {
  return {
    "remote.origin.promisor": "true",
    "remote.origin.partialclonefilter": blobFilter(maxBytes),
    "extensions.partialclone": "origin"
  };
}

// src/git/paths.ts
var SHA_RE = /^[0-9a-f]{40}$/;
function isSha(value) {
  return SHA_RE.test(value);
}
function splitRepoPath(path, options = {}) {
  if (path === "" && options.allowRoot) return [];
  const known = splitPaths.get(path);
  if (known) return [...known];
  const segments = checkedSegments(path);
  if (splitPaths.size >= 4096) splitPaths.clear();
  splitPaths.set(path, segments);
  return [...segments];
}
var splitPaths = /* @__PURE__ */ new Map();
function checkedSegments(path) {
  const refuse = (why) => {
    throw new PathError(`path ${why}`, {
      where: { file: path },
      hint: 'use a relative path inside the repository, with / separators and no ".." segments'
    });
  };
  if (path === "") refuse("is empty");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) refuse("is absolute");
  if (path.includes("\\")) refuse("contains a backslash");
  if (path.includes("\0")) refuse("contains a NUL byte");
  const segments = path.replace(/\/+$/, "").split("/");
  for (const s of segments) {
    if (s === "") refuse("has an empty segment");
    if (s === "..") refuse("leaves the repository");
    if (s === ".") refuse('has a "." segment');
    if (s.toLowerCase() === ".git") refuse("names the .git directory");
  }
  return segments;
}
function toFullRef(ref) {
  const known = validFullRefs.get(ref);
  if (known !== void 0) return known;
  const full = ref === "HEAD" || ref.startsWith("refs/") ? ref : `refs/heads/${ref}`;
  if (!isValidRefName(full)) {
    throw new GitError(`invalid ref name ${JSON.stringify(ref)}`, {
      where: { branch: ref },
      hint: 'use a branch name like "production" or a full ref like "refs/notes/git-canary"'
    });
  }
  if (validFullRefs.size >= 1024) validFullRefs.clear();
  validFullRefs.set(ref, full);
  return full;
}
var validFullRefs = /* @__PURE__ */ new Map();
function shortRef(fullRef) {
  return fullRef.startsWith("refs/heads/") ? fullRef.slice("refs/heads/".length) : fullRef;
}
function isValidRefName(ref) {
  if (ref === "HEAD") return true;
  if (!ref.startsWith("refs/") || ref.endsWith("/") || ref.endsWith(".")) return false;
  if (/[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|\/\//.test(ref)) return false;
  return ref.split("/").every((part) => part !== "" && !part.startsWith(".") && !part.endsWith(".lock"));
}

// src/git/early-advertisement.ts
function lsRemoteArgs(refs) {
  return ["-c", "protocol.version=1", "ls-remote", "origin", ...refs];
}
var started;
function startAdvertisement(o) {
  try {
    const refs = [...new Set(o.refs.map(toFullRef))];
    const creds = parseRemoteUrl(o.url, o.token);
    const gitdir = remoteCacheDir(creds.url, o.cacheDir);
    if (!existsSync(join3(gitdir, "config")) || !existsSync(join3(gitdir, "HEAD"))) return;
    if (gitModeKnown() !== "native") return;
    const answer = runNative(gitdir, lsRemoteArgs(refs), creds).catch((error) => ({ error }));
    started = { gitdir, refs: JSON.stringify(refs), answer };
  } catch {
  }
}
function takeAdvertisement(gitdir, refs) {
  if (!started || started.gitdir !== gitdir || started.refs !== JSON.stringify(refs)) return void 0;
  const { answer } = started;
  started = void 0;
  return answer;
}

// src/runner/early.ts
var DEFAULT_CANDIDATE = "candidate";
var isUrl = (spec) => /^https?:\/\//i.test(spec);
function sessionRefs(production) {
  return [production, DEFAULT_CANDIDATE, NOTES_REF];
}
function tokenOf(env) {
  return env.GIT_CANARY_TOKEN || env.GITHUB_TOKEN || void 0;
}
function memoDirOf(location, cacheDir) {
  return join4(isUrl(location) ? remoteCacheDir(location, cacheDir) : cacheDir, MEMO_DIR);
}
function askRefsEarly(ctx) {
  const spec = ctx.options.repo;
  if (!isUrl(spec)) return;
  try {
    const cacheDir = ctx.options.cacheDir ?? defaultCacheDir(ctx.env);
    keepMemosIn(memoDirOf(spec, cacheDir));
    startAdvertisement({ url: spec, cacheDir, token: tokenOf(ctx.env), refs: sessionRefs(ctx.options.production) });
  } catch {
  }
}

export {
  NOTES_REF,
  parseNote,
  appendNote,
  notePaths,
  parseRemoteUrl,
  stripUserInfo,
  redactor,
  basicAuthorization,
  authCallbacks,
  defaultCacheDir,
  remoteCacheDir,
  nativeEnv,
  REFETCH_GIT,
  nativeGitAtLeast,
  gitMode,
  runNative,
  blobFilter,
  partialCloneSettings,
  isSha,
  splitRepoPath,
  toFullRef,
  shortRef,
  lsRemoteArgs,
  takeAdvertisement,
  DEFAULT_CANDIDATE,
  isUrl,
  sessionRefs,
  tokenOf,
  memoDirOf,
  askRefsEarly
};
