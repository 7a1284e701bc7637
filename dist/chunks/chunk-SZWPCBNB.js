import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);

// src/errors.ts
var CanaryError = class extends Error {
  code;
  where;
  hint;
  data;
  constructor(code, message, options = {}) {
    super(printable(message), options.cause === void 0 ? void 0 : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.where = options.where && printableWhere(options.where);
    this.hint = options.hint === void 0 ? void 0 : printable(options.hint);
    this.data = options.data;
  }
  /** `file:line`, branch and detail joined, or '' when the error has no place. */
  location() {
    return formatWhere(this.where);
  }
  /** One line: `<what> (<where>) — <hint>`; control characters of user values are escaped (see `printable`). */
  oneLine() {
    const where = this.location();
    return printable(`${this.message}${where ? ` (${where})` : ""}${this.hint ? ` — ${this.hint}` : ""}`);
  }
  toJSON() {
    return { code: this.code, message: this.message, where: this.where, hint: this.hint, data: this.data };
  }
};
var UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
var ESCAPES = { "\n": "\\n", "\r": "\\r", "	": "\\t" };
function printable(text) {
  return text.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
function printableWhere(where) {
  const out = { ...where };
  if (out.file !== void 0) out.file = printable(out.file);
  if (out.branch !== void 0) out.branch = printable(out.branch);
  if (out.detail !== void 0) out.detail = printable(out.detail);
  return out;
}
function formatWhere(where) {
  if (!where) return "";
  const parts = [];
  if (where.file) parts.push(where.line ? `${where.file}:${where.line}` : where.file);
  if (where.branch) parts.push(`branch ${where.branch}`);
  if (where.detail) parts.push(where.detail);
  return parts.join(", ");
}
var ConfigError = class extends CanaryError {
  constructor(message, options = {}) {
    super("CONFIG", message, options);
  }
};
var ManifestError = class extends CanaryError {
  constructor(message, options = {}) {
    super("MANIFEST", message, options);
  }
};
var PathError = class extends CanaryError {
  constructor(message, options = {}) {
    super("PATH", message, options);
  }
};
var RouterError = class extends CanaryError {
  constructor(message, options = {}) {
    super("ROUTER", message, options);
  }
};
var MetricsError = class extends CanaryError {
  constructor(message, options = {}) {
    super("METRICS", message, options);
  }
};
var NoDataError = class extends CanaryError {
  constructor(message, options = {}) {
    super("METRICS_NO_DATA", message, options);
  }
};
var GitError = class extends CanaryError {
  constructor(message, options = {}) {
    super("GIT", message, options);
  }
};
var GitConflictError = class extends CanaryError {
  constructor(message, options = {}) {
    super("GIT_CONFLICT", message, options);
  }
};
var AuthError = class extends CanaryError {
  constructor(message, options = {}) {
    super("AUTH", message, options);
  }
};
var UsageError = class extends CanaryError {
  constructor(message, options = {}) {
    super("USAGE", message, options);
  }
};

// src/secrets.ts
var MIN_LENGTH = 4;
var MASK = "***";
var forms = /* @__PURE__ */ new Set();
var ordered;
var listeners = [];
function encodingsOf(secret) {
  const out = /* @__PURE__ */ new Set([secret]);
  const uri = encodeURIComponent(secret);
  out.add(uri);
  out.add(uri.replace(/%20/g, "+"));
  out.add(new URLSearchParams({ x: secret }).toString().slice(2));
  out.add(JSON.stringify(secret).slice(1, -1));
  const b64 = Buffer.from(secret, "utf8").toString("base64");
  out.add(b64);
  out.add(b64.replace(/=+$/, ""));
  out.add(Buffer.from(secret, "utf8").toString("base64url"));
  return [...out];
}
function basicFormsOf(username, password) {
  const pair = `${username}:${password}`;
  const b64 = Buffer.from(pair, "utf8").toString("base64");
  return [b64, b64.replace(/=+$/, ""), Buffer.from(pair, "utf8").toString("base64url"), `${encodeURIComponent(username)}:${encodeURIComponent(password)}`];
}
function add(form) {
  if (form.length < MIN_LENGTH || forms.has(form)) return;
  forms.add(form);
  ordered = void 0;
  for (const l of listeners) l(form);
}
function registerSecret(value) {
  if (!value) return;
  for (const v of /* @__PURE__ */ new Set([value, value.trim(), ...value.split(/\r?\n/).map((l) => l.trim())])) {
    if (v.length < MIN_LENGTH) continue;
    for (const form of encodingsOf(v)) add(form);
  }
}
function registerCredentials(username, password) {
  if (!password) return;
  registerSecret(password);
  for (const form of basicFormsOf(username ?? "", password)) add(form);
}
function registerToken(token) {
  if (!token) return;
  registerSecret(token);
  for (const user of ["x-access-token", "x-oauth-basic", ""]) for (const form of basicFormsOf(user, token)) add(form);
}
var AUTH_SCHEMES = /^(basic|bearer|digest|token|negotiate|apikey)$/i;
function registerHeaderValue(value) {
  if (!value) return;
  registerSecret(value);
  const words = value.split(/\s+/).filter(Boolean);
  for (const word of words) if (!AUTH_SCHEMES.test(word)) registerSecret(word);
  if (words.length === 2 && /^basic$/i.test(words[0])) {
    const decoded = Buffer.from(words[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon >= 0) registerCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
  }
}
var SECRET_PARAM = /token|key|secret|passw|auth|signature|credential|session/i;
function registerUrlSecrets(raw) {
  if (!raw) return;
  let url;
  try {
    url = new URL(raw);
  } catch {
    return;
  }
  if (url.password) {
    registerSecret(url.password);
    registerCredentials(safeDecode(url.username), safeDecode(url.password));
  }
  for (const value of secretParamValues(url)) registerSecret(value);
}
function secretParamValues(url) {
  const values = [];
  for (const [name, value] of url.searchParams) if (SECRET_PARAM.test(name)) values.push(value);
  for (const part of url.search.slice(1).split("&")) {
    const eq = part.indexOf("=");
    if (eq > 0 && SECRET_PARAM.test(safeDecode(part.slice(0, eq)))) {
      const written = part.slice(eq + 1);
      values.push(written, safeDecode(written));
    }
  }
  return values;
}
function registerEnvSecrets(env) {
  for (const name of ["GIT_CANARY_TOKEN", "GITHUB_TOKEN", "INPUT_TOKEN"]) registerToken(env[name]?.trim() || void 0);
}
function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
function secretForms() {
  ordered ??= [...forms].sort((a, b) => b.length - a.length);
  return ordered;
}
function onSecret(listener) {
  listeners.push(listener);
  for (const f of forms) listener(f);
}
function scrub(text) {
  if (forms.size === 0 || text === "") return text;
  let out = text;
  for (const form of secretForms()) if (out.includes(form)) out = out.split(form).join(MASK);
  return out;
}
function scrubDeep(value) {
  if (forms.size === 0) return value;
  const walk = (v) => {
    if (typeof v === "string") return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x)]));
    }
    return v;
  };
  return walk(value);
}
var installed = false;
function installOutputScrubbing(env = process.env) {
  registerEnvSecrets(env);
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk, ...rest) => original(scrubChunk(chunk), ...rest));
  }
}
function scrubChunk(chunk) {
  if (forms.size === 0) return chunk;
  const text = typeof chunk === "string" ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString("utf8") : void 0;
  if (text === void 0) return chunk;
  const clean = text.split(/(?<=\n)/).map((line) => line.startsWith("::add-mask::") ? line : scrub(line)).join("");
  return clean === text ? chunk : clean;
}

export {
  CanaryError,
  printable,
  formatWhere,
  ConfigError,
  ManifestError,
  PathError,
  RouterError,
  MetricsError,
  NoDataError,
  GitError,
  GitConflictError,
  AuthError,
  UsageError,
  encodingsOf,
  basicFormsOf,
  registerSecret,
  registerCredentials,
  registerToken,
  AUTH_SCHEMES,
  registerHeaderValue,
  SECRET_PARAM,
  registerUrlSecrets,
  secretParamValues,
  onSecret,
  scrub,
  scrubDeep,
  installOutputScrubbing
};
