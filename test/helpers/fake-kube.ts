/**
 * A fake Kubernetes API server for tests: serves namespaced custom resources
 * the way kube-apiserver does, over http or https (a CA and a server
 * certificate for 127.0.0.1 made with the openssl CLI at start).
 *
 *   const kube = await startFakeKube({ token: 'T', resources: [loadResourceType(ARGOCD_APPLICATION)] });
 *   kube.put({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name, namespace }, spec, status });
 *   ... GET kube.url/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/shop ...
 *   kube.requests  // what was asked
 *   await kube.stop();
 *
 * Generic: any group/version/plural registers with its CRD's openAPIV3Schema
 * (test/fixtures/kube/*.json), and every object is validated against it
 * (ajv, formats included) before it is served, so tests cannot serve a shape
 * the real CRD would refuse. Every request is checked: GET (and, with
 * `writes`, DELETE) of one namespaced object, or POST (create, with `writes`)
 * of one to its collection with a JSON
 * body that must match the schema (422 otherwise, 409 when it exists), an
 * Accept that allows JSON, the bearer token; the answers for anything else
 * are kube-apiserver's `Status` objects (401, 403, 404, 405, 406, 415).
 * Tests change a created object (a controller setting its status) with
 * `get` and `put`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS: under NodeNext its default export arrives as `.default`.
const addFormats = addFormatsModule.default;

const FIXTURES = new URL('../fixtures/kube/', import.meta.url);
/** Argo CD's Application CRD excerpt (argoproj.io/v1alpha1). */
export const ARGOCD_APPLICATION = new URL('argocd-application.v1alpha1.json', FIXTURES);
/** Flux's Kustomization CRD excerpt (kustomize.toolkit.fluxcd.io/v1). */
export const FLUX_KUSTOMIZATION = new URL('flux-kustomization.v1.json', FIXTURES);

/** One custom resource type: where it lives in the API and the schema its objects must match. */
export interface KubeResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
  openAPIV3Schema: Record<string, unknown>;
}

/** A fixture file of test/fixtures/kube/. */
export function loadResourceType(file: URL | string): KubeResourceType {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as KubeResourceType;
  for (const key of ['group', 'version', 'plural', 'kind', 'openAPIV3Schema'] as const) {
    if (!raw[key]) throw new Error(`fake-kube: ${String(file)} lacks "${key}"`);
  }
  return raw;
}

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body, when there was one (POST). */
  body?: string;
}

/** A canned answer that bypasses the object store (a proxy's HTML page, a broken object, a 500). */
export interface RawAnswer {
  status: number;
  body: string;
  contentType?: string;
}

export interface FakeKubeOptions {
  /** The bearer token every request must carry; undefined: no token is checked. */
  token?: string;
  /** Serve https with a fresh CA (needs the openssl CLI: see hasOpenssl()). */
  tls?: boolean;
  resources?: KubeResourceType[];
  /** Also serve POST (create) and DELETE; default GET only, as a read-only client needs. */
  writes?: boolean;
}

export interface FakeKube {
  /** http(s)://127.0.0.1:<port>, no trailing slash. */
  url: string;
  /** With tls: the CA certificate's file (PEM) that signed the server's certificate. */
  caFile?: string;
  requests: RecordedRequest[];
  register(type: KubeResourceType): void;
  /** Store an object after validating it against its type's schema; throws with the schema errors. */
  put(object: Record<string, unknown>): void;
  remove(apiVersion: string, kind: string, namespace: string, name: string): void;
  /** The stored object (a copy), or undefined. */
  get(apiVersion: string, kind: string, namespace: string, name: string): Record<string, unknown> | undefined;
  /** Answer 403 (RBAC) for this resource in this namespace: for every verb, or only for `verbs` (get, create, delete). */
  forbid(group: string, plural: string, namespace: string, verbs?: readonly string[]): void;
  /** Answer `answer` for requests to `path` instead of the stored object. */
  answerRaw(path: string, answer: RawAnswer): void;
  /** Wait this long before answering (a slow API server). */
  delayMs: number;
  stop(): Promise<void>;
}

/** Whether the openssl CLI is installed (https tests skip without it). */
export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

const OBJECT_PATH = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)\/([^/]+)$/;
const COLLECTION_PATH = /^\/apis\/([^/]+)\/([^/]+)\/namespaces\/([^/]+)\/([^/]+)$/;
const VERBS: Record<string, string> = { GET: 'get', POST: 'create', DELETE: 'delete' };

export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  const types = new Map<string, { type: KubeResourceType; validate: ValidateFunction }>();
  const objects = new Map<string, Record<string, unknown>>();
  const forbidden = new Set<string>();
  const raw = new Map<string, RawAnswer>();
  const requests: RecordedRequest[] = [];
  const byPath = (group: string, version: string, plural: string) => `${group}/${version}/${plural}`;
  const findType = (apiVersion: string, kind: string) =>
    [...types.values()].find((t) => `${t.type.group}/${t.type.version}` === apiVersion && t.type.kind === kind);
  const key = (group: string, version: string, plural: string, namespace: string, name: string) =>
    `${byPath(group, version, plural)}/${namespace}/${name}`;

  const fake: FakeKube = {
    url: '',
    requests,
    delayMs: 0,
    register(type) {
      types.set(byPath(type.group, type.version, type.plural), { type, validate: ajv.compile(type.openAPIV3Schema) });
    },
    put(object) {
      const { apiVersion, kind, metadata } = object as { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string } };
      const entry = findType(String(apiVersion), String(kind));
      if (!entry) throw new Error(`fake-kube: no resource type registered for ${apiVersion} ${kind}`);
      if (!metadata?.name || !metadata.namespace) throw new Error('fake-kube: an object needs metadata.name and metadata.namespace');
      if (!entry.validate(object)) {
        const errors = (entry.validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
        throw new Error(`fake-kube: ${kind} ${metadata.namespace}/${metadata.name} does not match the ${entry.type.plural}.${entry.type.group} schema: ${errors}`);
      }
      const t = entry.type;
      objects.set(key(t.group, t.version, t.plural, metadata.namespace, metadata.name), structuredClone(object));
    },
    remove(apiVersion, kind, namespace, name) {
      const entry = findType(apiVersion, kind);
      if (entry) objects.delete(key(entry.type.group, entry.type.version, entry.type.plural, namespace, name));
    },
    get(apiVersion, kind, namespace, name) {
      const entry = findType(apiVersion, kind);
      const object = entry && objects.get(key(entry.type.group, entry.type.version, entry.type.plural, namespace, name));
      return object && structuredClone(object);
    },
    forbid(group, plural, namespace, verbs = ['get', 'create', 'delete']) {
      for (const verb of verbs) forbidden.add(`${group}/${plural}/${namespace}/${verb}`);
    },
    answerRaw(path, answer) {
      raw.set(path, answer);
    },
    stop: async () => {},
  };
  for (const type of options.resources ?? []) fake.register(type);

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, ...(body ? { body } : {}) });
      if (fake.delayMs > 0) setTimeout(() => answer(body), fake.delayMs).unref();
      else answer(body);
    });
    const answer = (body: string) => {
      const send = (code: number, body: unknown, contentType = 'application/json') => {
        res.writeHead(code, { 'content-type': contentType });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (options.token !== undefined && req.headers.authorization !== `Bearer ${options.token}`) {
        return send(401, statusObject(401, 'Unauthorized', 'Unauthorized'));
      }
      const verb = options.writes || req.method === 'GET' ? VERBS[req.method ?? ''] : undefined;
      const collection = COLLECTION_PATH.exec(path);
      if (!verb || (verb === 'create') !== Boolean(collection)) {
        return send(405, statusObject(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`));
      }
      const accept = req.headers.accept ?? '';
      if (!/application\/json|\*\/\*/.test(accept)) {
        return send(406, statusObject(406, 'NotAcceptable', `only the following media types are accepted: application/json`));
      }
      const rawAnswer = raw.get(path);
      if (rawAnswer) return send(rawAnswer.status, rawAnswer.body, rawAnswer.contentType ?? 'application/json');
      if (collection) return create(collection.slice(1).map(decodeURIComponent) as [string, string, string, string], body, send);
      const m = OBJECT_PATH.exec(path);
      const parts = m?.slice(1).map(decodeURIComponent);
      const entry = parts && types.get(byPath(parts[0]!, parts[1]!, parts[3]!));
      if (!parts || !entry) {
        return send(404, statusObject(404, 'NotFound', 'the server could not find the requested resource', {}));
      }
      const [group, version, namespace, plural, name] = parts as [string, string, string, string, string];
      const details = { name, group, kind: plural };
      if (forbidden.has(`${group}/${plural}/${namespace}/${verb}`)) return send(403, forbiddenStatus(verb, group, plural, namespace, name));
      const at = key(group, version, plural, namespace, name);
      const object = objects.get(at);
      if (!object) return send(404, statusObject(404, 'NotFound', `${plural}.${group} "${name}" not found`, details));
      if (verb === 'delete') {
        objects.delete(at);
        return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { ...details, uid: (object.metadata as { uid?: string }).uid } });
      }
      return send(200, object);
    };
    /** POST to a collection, as kube-apiserver creates: JSON only, the path's type and namespace, the schema, no duplicate. */
    const create = (
      [group, version, namespace, plural]: [string, string, string, string],
      body: string,
      send: (code: number, body: unknown) => void,
    ) => {
      const entry = types.get(byPath(group, version, plural));
      if (!entry) return send(404, statusObject(404, 'NotFound', 'the server could not find the requested resource', {}));
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        return send(415, statusObject(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json`));
      }
      let object: Record<string, unknown>;
      try {
        object = JSON.parse(body) as Record<string, unknown>;
      } catch {
        return send(400, statusObject(400, 'BadRequest', 'the request body is not JSON'));
      }
      const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
      const name = metadata.name ?? '';
      const t = entry.type;
      if (object.apiVersion !== `${t.group}/${t.version}` || object.kind !== t.kind) {
        return send(400, statusObject(400, 'BadRequest', `the API version in the data (${object.apiVersion}) does not match the expected API version (${t.group}/${t.version})`));
      }
      if (metadata.namespace !== undefined && metadata.namespace !== namespace) {
        return send(400, statusObject(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request'));
      }
      if (forbidden.has(`${group}/${plural}/${namespace}/create`)) return send(403, forbiddenStatus('create', group, plural, namespace, name));
      const details = { name, group, kind: plural };
      if (!name) return send(422, statusObject(422, 'Invalid', `${t.kind}.${group} "" is invalid: metadata.name: Required value: name or generateName is required`, details));
      const stored = { ...object, metadata: { ...object.metadata as object, namespace, uid: `uid-${objects.size + 1}`, resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' } };
      if (!entry.validate(stored)) {
        const errors = (entry.validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message}`).join(', ');
        return send(422, statusObject(422, 'Invalid', `${t.kind}.${group} "${name}" is invalid: ${errors}`, details));
      }
      const at = key(group, version, plural, namespace, name);
      if (objects.has(at)) return send(409, statusObject(409, 'AlreadyExists', `${plural}.${group} "${name}" already exists`, details));
      objects.set(at, structuredClone(stored));
      return send(201, stored);
    };
  };

  let server: http.Server | https.Server;
  let dir: string | undefined;
  if (options.tls) {
    dir = mkdtempSync(join(tmpdir(), 'git-canary-kube-'));
    const pki = makeCertificates(dir);
    fake.caFile = pki.caFile;
    server = https.createServer({ key: pki.key, cert: pki.cert }, handle);
  } else {
    server = http.createServer(handle);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  fake.stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  return fake;
}

function forbiddenStatus(verb: string, group: string, plural: string, namespace: string, name: string): Record<string, unknown> {
  const who = 'system:serviceaccount:git-canary:git-canary';
  return statusObject(
    403,
    'Forbidden',
    `${plural}.${group}${verb === 'create' ? '' : ` "${name}"`} is forbidden: User "${who}" cannot ${verb} resource "${plural}" in API group "${group}" in the namespace "${namespace}"`,
    { name, group, kind: plural },
  );
}

/** kube-apiserver's error body. */
export function statusObject(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** A CA and a server certificate for IP 127.0.0.1 signed by it (EC P-256: fast to make). */
function makeCertificates(dir: string): { caFile: string; key: string; cert: string } {
  const at = (f: string) => join(dir, f);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ec, '-keyout', at('ca.key'), '-out', at('ca.crt'), '-days', '2', '-subj', '/CN=fake-kube-ca');
  openssl('req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=127.0.0.1');
  writeFileSync(at('server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl(
    'x509', '-req', '-in', at('server.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key'), '-CAcreateserial',
    '-out', at('server.crt'), '-days', '2', '-extfile', at('server.ext'),
  );
  return { caFile: at('ca.crt'), key: readFileSync(at('server.key'), 'utf8'), cert: readFileSync(at('server.crt'), 'utf8') };
}
