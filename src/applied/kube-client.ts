/**
 * Reading one object from the Kubernetes API: `GET /apis/<group>/<version>/
 * namespaces/<ns>/<plural>/<name>` with a bearer token, https verified against
 * the configured CA (http is allowed for `kubectl proxy` and tests).
 *
 * Never throws for what the API or the network does: every failure is a
 * `reason` that says what failed, which object, and what to fix, so the engine
 * can hold on it (a read that fails is never a decision). The token is a secret:
 * registered with src/secrets.ts and kept out of every reason.
 */
// Type only: node:https (with http and tls, about 10 ms to load) is loaded at the first https request.
import type https from 'node:https';
import { nodeHttps } from '../builtins.ts';
import { readFile as fsReadFile } from 'node:fs/promises';
import type { AxiosResponse } from 'axios';
import { boundedGet } from '../bounded-http.ts';
import { KubernetesConfig } from '../config/analysis-schema.ts';
import { describeRequestError, oneLine, redact, safeAddress } from '../metrics/redact.ts';
import { basicFormsOf, encodingsOf, registerToken } from '../secrets.ts';

/** An Argo CD Application with a long resource list is large; a whole namespace's worth of data is not one object. */
export const MAX_OBJECT_BYTES = 8 * 1024 * 1024;

/** Which object to read: a namespaced custom resource. */
export interface KubeObjectRef {
  group: string;
  version: string;
  /** Lowercase plural of the resource, as in the URL (`applications`). */
  plural: string;
  /** `Kind` expected in the answer (`Application`). */
  kind: string;
  namespace: string;
  name: string;
}

export type KubeRead = { ok: true; object: Record<string, unknown> } | { ok: false; reason: string };

export interface KubeReadOptions {
  /** The top-level `kubernetes` config; undefined means every default (in-cluster). */
  kubernetes: KubernetesConfig | undefined;
  signal?: AbortSignal;
  /** Reads the token and CA files; default node:fs. */
  readFile?: (path: string) => Promise<string>;
}

/** `Application argocd/shop`: how reasons name an object. */
export function describeRef(ref: KubeObjectRef): string {
  return `${ref.kind} ${ref.namespace}/${ref.name}`;
}

/** The RBAC rule that lets a service account read `ref`, as a Role's `rules` entry. */
export function roleRule(ref: KubeObjectRef): string {
  return `a Role in namespace ${ref.namespace} with rules [{ apiGroups: ["${ref.group}"], resources: ["${ref.plural}"], verbs: ["get"] }] bound to git-canary's service account`;
}

/** GET one object. Never throws: failures are reasons. */
export async function getKubeObject(ref: KubeObjectRef, options: KubeReadOptions): Promise<KubeRead> {
  const config = options.kubernetes ?? KubernetesConfig.parse({});
  const read = options.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  const what = describeRef(ref);
  const address = safeAddress(config.address);

  let url: URL;
  try {
    url = objectUrl(config.address, ref);
  } catch {
    return fail(`invalid kubernetes.address ${address}`, 'write an http(s) URL such as https://kubernetes.default.svc');
  }
  const isHttps = url.protocol === 'https:';

  const token = await readToken(config, read, isHttps);
  if (!token.ok) return token;
  const secrets = token.value ? tokenForms(token.value) : [];

  let agent: https.Agent | undefined;
  if (isHttps) {
    let ca: string;
    try {
      ca = await read(config.caFile);
    } catch (e) {
      return fail(
        `cannot read the CA file ${config.caFile} to verify the Kubernetes API at ${address}: ${fileError(e)}`,
        'set kubernetes.caFile to the CA bundle of the API server (in a pod: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt)',
      );
    }
    agent = new (nodeHttps().Agent)({ ca, keepAlive: false });
  }

  if (options.signal?.aborted) return fail(`deadline reached before reading ${what}`, 'the tick ran out of time; the next tick asks again');

  let res: AxiosResponse<string>;
  try {
    res = await boundedGet(url.href, {
      headers: { Accept: 'application/json', ...(token.value ? { Authorization: `Bearer ${token.value}` } : {}) },
      timeoutMs: config.timeout,
      maxBytes: MAX_OBJECT_BYTES,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(agent ? { httpsAgent: agent } : {}),
    });
  } catch (e) {
    if (options.signal?.aborted) return fail(`deadline reached before the Kubernetes API answered for ${what}`, 'the next tick asks again');
    const { reason, code } = describeRequestError(e, config.timeout);
    if (code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE') {
      return fail(
        `the answer of ${address} for ${what} is larger than ${MAX_OBJECT_BYTES / 1024 / 1024} MiB or unreadable`,
        'one object is never that large: check that kubernetes.address points at the Kubernetes API server',
      );
    }
    if (code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
      return fail(
        `the Kubernetes API at ${address} did not answer for ${what}: ${reason}`,
        'the API server is slow or unreachable (raise kubernetes.timeout if it is only slow); the rollout holds until it answers',
      );
    }
    return fail(
      `cannot reach the Kubernetes API at ${address} to read ${what}: ${redact(reason, secrets)}`,
      isHttps && /certificate|self.signed|CERT_|unable to verify/i.test(reason)
        ? `check that kubernetes.caFile (${config.caFile}) holds the CA that signed the API server's certificate`
        : 'check kubernetes.address and that the API server is reachable from here; the rollout holds until it answers',
    );
  } finally {
    agent?.destroy();
  }

  const body = parseJson(res.data);
  const serverMessage = statusMessage(body, secrets);
  const said = serverMessage ? `: ${serverMessage}` : '';
  const status = res.status;

  if (status === 401) {
    return fail(
      `the Kubernetes API at ${address} refused the token reading ${what} (HTTP 401)${said}`,
      token.value
        ? `check kubernetes.token, or the token in kubernetes.tokenFile (${config.tokenFile}); a service-account token may have expired`
        : `no token was sent: set kubernetes.token, or kubernetes.tokenFile (${config.tokenFile})`,
    );
  }
  if (status === 403) {
    return fail(`the Kubernetes API at ${address} forbids reading ${what} (HTTP 403)${said}`, `grant ${roleRule(ref)}`);
  }
  if (status === 404) {
    const objectMissing = isRecord(body) && isRecord(body.details) && body.details.name === ref.name;
    return fail(
      `${what} not found at the Kubernetes API ${address} (HTTP 404)${said}`,
      objectMissing
        ? `check the name and namespace under applied (the ${ref.kind} must exist in namespace ${ref.namespace})`
        : `check that the ${ref.plural}.${ref.group} resource (${ref.group}/${ref.version}) is installed and that kubernetes.address points at the API server`,
    );
  }
  if (status >= 300 && status < 400) {
    return fail(
      `the Kubernetes API at ${address} answered with a redirect (HTTP ${status}) reading ${what}`,
      'set kubernetes.address to the API server itself; a redirect is never followed, so the token never goes to another host',
    );
  }
  if (status !== 200) {
    return fail(
      `the Kubernetes API at ${address} failed reading ${what} (HTTP ${status})${said}`,
      'the rollout holds until the API server answers',
    );
  }
  if (!isRecord(body)) {
    return fail(
      `the answer of ${address} for ${what} is not a Kubernetes object (not JSON)`,
      'check that kubernetes.address points at the Kubernetes API server (not a dashboard or a proxy login page)',
    );
  }
  const apiVersion = `${ref.group}/${ref.version}`;
  if (body.kind !== ref.kind || body.apiVersion !== apiVersion) {
    return fail(
      `the answer of ${address} for ${what} is a ${shown(body.kind)} of ${shown(body.apiVersion)}, expected ${ref.kind} of ${apiVersion}`,
      'check that kubernetes.address points at the Kubernetes API server',
    );
  }
  return { ok: true, object: body };
}

/** A failure as the reason a hold says: `what — hint`. */
export function fail(what: string, hint: string): { ok: false; reason: string } {
  return { ok: false, reason: `${what} — ${hint}` };
}

function objectUrl(address: string, ref: KubeObjectRef): URL {
  const url = new URL(address);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  const segments = ['apis', ref.group, ref.version, 'namespaces', ref.namespace, ref.plural, ref.name].map(encodeURIComponent);
  // A path in the address (a proxy such as Rancher's /k8s/clusters/<id>) is kept in front.
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${segments.join('/')}`;
  url.search = '';
  url.hash = '';
  return url;
}

export type TokenRead = { ok: true; value: string | undefined } | { ok: false; reason: string };

/**
 * `<settings>.token`, else the token file, read on every call (projected
 * service-account tokens rotate). Over plain http (`kubectl proxy`, which adds
 * its own credentials) a missing token file means no token; over https it is
 * an error. `settings` is how hints name the block (`kubernetes`, `metrics.keptn`).
 */
export async function readToken(config: KubernetesConfig, read: (path: string) => Promise<string>, isHttps: boolean, settings = 'kubernetes'): Promise<TokenRead> {
  if (config.token !== undefined && config.token.trim() !== '') {
    const value = config.token.trim();
    registerToken(value);
    return { ok: true, value };
  }
  let text: string;
  try {
    text = await read(config.tokenFile);
  } catch (e) {
    if (!isHttps) return { ok: true, value: undefined };
    return fail(
      `cannot read the Kubernetes token file ${config.tokenFile}: ${fileError(e)}`,
      `set ${settings}.token (from an environment variable) or ${settings}.tokenFile; in a pod, mount the service-account token`,
    );
  }
  const value = text.trim();
  if (value === '') return fail(`the Kubernetes token file ${config.tokenFile} is empty`, `write the bearer token into it, or set ${settings}.token`);
  registerToken(value);
  return { ok: true, value };
}

/** Every form the token may take in text that comes back (echoed headers, error messages). */
export function tokenForms(token: string): string[] {
  return [...new Set([...encodingsOf(token), ...basicFormsOf('', token), token])].sort((a, b) => b.length - a.length);
}

/** Why a token or CA file could not be read, in a few words. */
export function fileError(e: unknown): string {
  const err = (e ?? {}) as { code?: unknown; message?: unknown };
  if (err.code === 'ENOENT') return 'no such file';
  if (err.code === 'EACCES') return 'permission denied';
  return typeof err.message === 'string' ? oneLine(err.message) : 'unreadable';
}

function parseJson(data: unknown): unknown {
  if (typeof data !== 'string' || data === '') return undefined;
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}

/** The message of a Kubernetes `Status` answer, on one line, token-free. */
function statusMessage(body: unknown, secrets: readonly string[]): string | undefined {
  if (!isRecord(body) || body.kind !== 'Status' || typeof body.message !== 'string' || body.message === '') return undefined;
  return redact(oneLine(body.message), secrets);
}

function shown(v: unknown): string {
  return typeof v === 'string' && v !== '' ? oneLine(v).slice(0, 80) : '(none)';
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
