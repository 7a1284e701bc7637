/**
 * Creating and deleting one namespaced custom resource through the Kubernetes
 * API (a Keptn Analysis), next to src/applied/kube-client.ts, which only
 * reads: the same bearer token (the `token` setting, else the token file, read
 * on every call since projected tokens rotate), the same CA check over https,
 * and the same rule that every failure is a `reason` (what, which object, what
 * to fix), never a throw. The token is registered as a secret and kept out of
 * every reason.
 */
// Type only: node:https (with http and tls, about 10 ms to load) is loaded at the first https request.
import type https from 'node:https';
import { nodeHttps } from '../builtins.ts';
import { readFile as fsReadFile } from 'node:fs/promises';
import type { AxiosResponse } from 'axios';
import type { KubernetesConfig } from '../config/analysis-schema.ts';
import { boundedSend } from '../bounded-http.ts';
import { fail, fileError, readToken, tokenForms } from '../applied/kube-client.ts';
import { describeRequestError, oneLine, redact, safeAddress } from './redact.ts';

const MAX_OBJECT_BYTES = 8 * 1024 * 1024;

/** A namespaced resource collection, and the object's name where the verb needs one. */
export interface KubeTarget {
  group: string;
  version: string;
  plural: string;
  kind: string;
  namespace: string;
  name: string;
}

export type KubeWrite =
  | { ok: true; status: number; object: Record<string, unknown> | undefined }
  | { ok: false; status?: number; reason: string };

export interface KubeWriteOptions {
  kubernetes: KubernetesConfig;
  signal?: AbortSignal;
  readFile?: (path: string) => Promise<string>;
  /** How hints name the settings, e.g. `metrics.<name>` (then `metrics.<name>.token`). */
  settings: string;
}

/** The RBAC rule a service account needs for `verbs` on `t`. */
export function writeRule(t: KubeTarget, verbs: readonly string[]): string {
  return `a Role in namespace ${t.namespace} with rules [{ apiGroups: ["${t.group}"], resources: ["${t.plural}"], verbs: ${JSON.stringify(verbs)} }] bound to git-canary's service account`;
}

/** POST `object` to its collection; 409 (it exists already) is returned as is, for the caller to judge. */
export function createKubeObject(t: KubeTarget, object: Record<string, unknown>, o: KubeWriteOptions): Promise<KubeWrite> {
  return send('POST', t, o, JSON.stringify(object));
}

/** DELETE the object; 404 (already gone) counts as done. */
export async function deleteKubeObject(t: KubeTarget, o: KubeWriteOptions): Promise<KubeWrite> {
  const r = await send('DELETE', t, o);
  return !r.ok && r.status === 404 ? { ok: true, status: 404, object: undefined } : r;
}

async function send(method: 'POST' | 'DELETE', t: KubeTarget, o: KubeWriteOptions, body?: string): Promise<KubeWrite> {
  const config = o.kubernetes;
  const read = o.readFile ?? ((path: string) => fsReadFile(path, 'utf8'));
  const what = `${t.kind} ${t.namespace}/${t.name}`;
  const verb = method === 'POST' ? 'create' : 'delete';
  const address = safeAddress(config.address);
  let url: URL;
  try {
    url = new URL(config.address);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    return fail(`invalid ${o.settings}.address ${address}`, 'write an http(s) URL such as https://kubernetes.default.svc');
  }
  const segments = ['apis', t.group, t.version, 'namespaces', t.namespace, t.plural, ...(method === 'DELETE' ? [t.name] : [])];
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${segments.map(encodeURIComponent).join('/')}`;
  url.search = '';
  url.hash = '';
  const isHttps = url.protocol === 'https:';

  const token = await readToken(config, read, isHttps, o.settings);
  if (!token.ok) return token;
  const secrets = token.value ? tokenForms(token.value) : [];
  let agent: https.Agent | undefined;
  if (isHttps) {
    try {
      agent = new (nodeHttps().Agent)({ ca: await read(config.caFile), keepAlive: false });
    } catch (e) {
      return fail(`cannot read the CA file ${config.caFile} to verify the Kubernetes API at ${address}: ${fileError(e)}`, `set ${o.settings}.caFile to the CA bundle of the API server`);
    }
  }
  if (o.signal?.aborted) return fail(`deadline reached before ${verb === 'create' ? 'creating' : 'deleting'} ${what}`, 'the next tick asks again');

  let res: AxiosResponse<string>;
  try {
    res = await boundedSend(url.href, {
      method,
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token.value ? { Authorization: `Bearer ${token.value}` } : {}),
      },
      ...(body === undefined ? {} : { body }),
      timeoutMs: config.timeout,
      maxBytes: MAX_OBJECT_BYTES,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(agent ? { httpsAgent: agent } : {}),
    });
  } catch (e) {
    const { reason } = describeRequestError(e, config.timeout);
    return fail(`cannot reach the Kubernetes API at ${address} to ${verb} ${what}: ${redact(reason, secrets)}`, `check ${o.settings}.address and that the API server is reachable; the rollout holds until it answers`);
  } finally {
    agent?.destroy();
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(res.data);
  } catch {
    parsed = undefined;
  }
  const answer = isRecord(parsed) ? parsed : undefined;
  const message = answer?.kind === 'Status' && typeof answer.message === 'string' ? `: ${redact(oneLine(answer.message), secrets)}` : '';
  const status = res.status;
  const failWith = (text: string, hint: string) => ({ ...fail(text, hint), status });
  if (status === 401) {
    return failWith(`the Kubernetes API at ${address} refused the token to ${verb} ${what} (HTTP 401)${message}`, `check ${o.settings}.token or the token in ${o.settings}.tokenFile (${config.tokenFile}); a service-account token may have expired`);
  }
  if (status === 403) {
    return failWith(`the Kubernetes API at ${address} forbids to ${verb} ${what} (HTTP 403)${message}`, `grant ${writeRule(t, ['create', 'get', 'delete'])}`);
  }
  if (status === 404) {
    return failWith(`cannot ${verb} ${what}: not found at the Kubernetes API ${address} (HTTP 404)${message}`, `check that namespace ${t.namespace} exists and that ${t.plural}.${t.group} (${t.group}/${t.version}) is installed (Keptn's metrics-operator)`);
  }
  if (status === 409) return failWith(`${what} exists already (HTTP 409)`, 'read it instead');
  if (status === 422) return failWith(`the Kubernetes API at ${address} refused ${what} as invalid (HTTP 422)${message}`, `check that the installed ${t.plural}.${t.group} CRD is version ${t.version}`);
  if (status >= 300 && status < 400) {
    return failWith(`the Kubernetes API at ${address} answered with a redirect (HTTP ${status})`, `set ${o.settings}.address to the API server itself; a redirect is never followed`);
  }
  if (status < 200 || status >= 300) {
    return failWith(`the Kubernetes API at ${address} failed to ${verb} ${what} (HTTP ${status})${message}`, 'the rollout holds until the API server answers');
  }
  return { ok: true, status, object: answer };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
