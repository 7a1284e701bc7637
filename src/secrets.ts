/**
 * The secrets of a run, in one registry, and the scrubber every output edge
 * applies: stdout and stderr (installOutputScrubbing), the log destination
 * (log.ts), the error reporter (entry.ts), commit messages (git/commit.ts), the
 * Action's outputs and job summary (action/run.ts).
 *
 * A secret is registered once, in every form it can take on the way out: raw,
 * URL-encoded (encodeURIComponent and form encoding), JSON-escaped, base64 and
 * base64url of the secret alone, and, for a user name and password pair (URL
 * user-info, a token sent as `x-access-token`), the base64 of `user:password`
 * that an HTTP Basic header carries. `Bearer <x>` contains `<x>`, so it goes
 * with it. Scrubbing replaces each form by `***`, longest first.
 *
 * What is a secret: the token (GIT_CANARY_TOKEN, GITHUB_TOKEN, the Action's
 * `token`), passwords in URLs (--repo, metrics addresses), metrics header values,
 * query parameters of an address whose name says token, key, secret, password
 * or auth. Not user names, hosts or ordinary config values.
 */

/** Shorter strings would mangle ordinary text without protecting anything. */
const MIN_LENGTH = 4;
const MASK = '***';

const forms = new Set<string>();
let ordered: string[] | undefined;
const listeners: ((form: string) => void)[] = [];

/** Every form a secret may be written in (raw, URL-, form-, JSON-encoded, base64). */
export function encodingsOf(secret: string): string[] {
  const out = new Set<string>([secret]);
  const uri = encodeURIComponent(secret);
  out.add(uri);
  out.add(uri.replace(/%20/g, '+'));
  out.add(new URLSearchParams({ x: secret }).toString().slice(2));
  out.add(JSON.stringify(secret).slice(1, -1));
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  out.add(b64);
  out.add(b64.replace(/=+$/, ''));
  out.add(Buffer.from(secret, 'utf8').toString('base64url'));
  return [...out];
}

/** The base64 an HTTP Basic header carries for `username:password`, and its other encodings. */
export function basicFormsOf(username: string, password: string): string[] {
  const pair = `${username}:${password}`;
  const b64 = Buffer.from(pair, 'utf8').toString('base64');
  return [b64, b64.replace(/=+$/, ''), Buffer.from(pair, 'utf8').toString('base64url'), `${encodeURIComponent(username)}:${encodeURIComponent(password)}`];
}

function add(form: string): void {
  if (form.length < MIN_LENGTH || forms.has(form)) return;
  forms.add(form);
  ordered = undefined;
  for (const l of listeners) l(form);
}

/** Register a secret value (and each of its lines, for a multi-line one) in every encoding. */
export function registerSecret(value: string | undefined): void {
  if (!value) return;
  for (const v of new Set([value, value.trim(), ...value.split(/\r?\n/).map((l) => l.trim())])) {
    if (v.length < MIN_LENGTH) continue;
    for (const form of encodingsOf(v)) add(form);
  }
}

/** A user name and password sent together (HTTP Basic): the password and the pair's encodings. */
export function registerCredentials(username: string | undefined, password: string | undefined): void {
  if (!password) return;
  registerSecret(password);
  for (const form of basicFormsOf(username ?? '', password)) add(form);
}

/** A token as git and GitHub send it: raw, as a Bearer/token value, and as Basic `x-access-token:<token>`. */
export function registerToken(token: string | undefined): void {
  if (!token) return;
  registerSecret(token);
  for (const user of ['x-access-token', 'x-oauth-basic', '']) for (const form of basicFormsOf(user, token)) add(form);
}

/** Scheme words of an Authorization value are not secret ("Bearer" may appear in an error text). */
export const AUTH_SCHEMES = /^(basic|bearer|digest|token|negotiate|apikey)$/i;

/** An HTTP header value: whole, each word but the scheme, and what a Basic value decodes to. */
export function registerHeaderValue(value: string | undefined): void {
  if (!value) return;
  registerSecret(value);
  const words = value.split(/\s+/).filter(Boolean);
  for (const word of words) if (!AUTH_SCHEMES.test(word)) registerSecret(word);
  if (words.length === 2 && /^basic$/i.test(words[0]!)) {
    const decoded = Buffer.from(words[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0) registerCredentials(decoded.slice(0, colon), decoded.slice(colon + 1));
  }
}

/** Query parameter names whose values are credentials (`access_token`, `api_key`, `X-Amz-Signature`…). */
export const SECRET_PARAM = /token|key|secret|passw|auth|signature|credential|session/i;

/** The credentials of a URL: the user-info password (with its Basic pair) and secret-named query values. */
export function registerUrlSecrets(raw: string | undefined): void {
  if (!raw) return;
  let url: URL;
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

/**
 * The values of `url`'s credential-named query parameters: as parsed, and as
 * written (`+`, `/` or `=` left unencoded in an address are sent that way),
 * raw and decoded.
 */
export function secretParamValues(url: URL): string[] {
  const values: string[] = [];
  for (const [name, value] of url.searchParams) if (SECRET_PARAM.test(name)) values.push(value);
  for (const part of url.search.slice(1).split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0 && SECRET_PARAM.test(safeDecode(part.slice(0, eq)))) {
      const written = part.slice(eq + 1);
      values.push(written, safeDecode(written));
    }
  }
  return values;
}

/** The tokens an environment hands git-canary. */
export function registerEnvSecrets(env: Record<string, string | undefined>): void {
  for (const name of ['GIT_CANARY_TOKEN', 'GITHUB_TOKEN', 'INPUT_TOKEN']) registerToken(env[name]?.trim() || undefined);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Every registered form, longest first. */
export function secretForms(): readonly string[] {
  ordered ??= [...forms].sort((a, b) => b.length - a.length);
  return ordered;
}

/** Called with each form registered from now on (and, at once, with those registered before). */
export function onSecret(listener: (form: string) => void): void {
  listeners.push(listener);
  for (const f of forms) listener(f);
}

/** `text` with every form of every registered secret replaced by `***`. */
export function scrub(text: string): string {
  if (forms.size === 0 || text === '') return text;
  let out = text;
  for (const form of secretForms()) if (out.includes(form)) out = out.split(form).join(MASK);
  return out;
}

/** Every string inside `value` scrubbed (objects and arrays copied). */
export function scrubDeep<T>(value: T): T {
  if (forms.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x)]));
    }
    return v;
  };
  return walk(value) as T;
}

/** For tests: forget every secret. */
export function clearSecrets(): void {
  forms.clear();
  ordered = undefined;
}

let installed = false;

/**
 * Scrub everything written to process.stdout and process.stderr from now on,
 * and register the environment's tokens. Idempotent. A workflow command that
 * tells the GitHub runner what to mask (`::add-mask::`) is written as it is.
 */
export function installOutputScrubbing(env: Record<string, string | undefined> = process.env): void {
  registerEnvSecrets(env);
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => original(scrubChunk(chunk), ...rest)) as typeof stream.write;
  }
}

function scrubChunk(chunk: unknown): unknown {
  if (forms.size === 0) return chunk;
  const text = typeof chunk === 'string' ? chunk : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : undefined;
  if (text === undefined) return chunk;
  const clean = text
    .split(/(?<=\n)/)
    .map((line) => (line.startsWith('::add-mask::') ? line : scrub(line)))
    .join('');
  return clean === text ? chunk : clean;
}
