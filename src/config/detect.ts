/**
 * What `git-canary init` finds in a repository: each Deployment, StatefulSet or
 * DaemonSet with a canary twin (`<name>-canary` of the same kind in any file,
 * or a Kustomize overlay with `nameSuffix: -canary` over its base), its release
 * files, and the VirtualService, HTTPRoute or GRPCRoute whose rules name both.
 * Destinations are matched through the Services selecting each workload's pods
 * (and Istio DestinationRule subsets), else by name (`<name>`, `<name>-stable`,
 * `<name>-canary`); a route is kept only when its router reads it and can plan
 * every step. Pure: file texts in, detected services out; a file that does not
 * parse is skipped with its reason.
 */
import { CanaryError } from '../errors.ts';
import { type ManifestDoc, parseManifestFile, type ManifestFile } from '../manifests/index.ts';
import { getRouter } from '../routers/index.ts';
import type { Destination } from '../routers/types.ts';

/** Steps and interval every detected service starts with. */
export const INIT_STEPS: readonly number[] = [10, 25, 50];
export const INIT_INTERVAL = '5m';

export interface InitFile {
  /** Repository path (`/`-separated). */
  path: string;
  text: string;
}

export interface Skipped {
  file: string;
  reason: string;
}

export interface WorkloadRef {
  kind: string;
  name: string;
  file: string;
}

/** A `files` entry as written in git-canary.yaml. */
export type ReleaseEntry = string | { path: string; documents: string[] };

export interface DetectedRoute {
  type: 'istio' | 'gateway-api';
  file: string;
  /** `route.name`: set when the file holds several documents of the route's kind. */
  name?: string;
  stable: Destination;
  canary: Destination;
  /** The route document, for comments: `VirtualService reviews`. */
  document: string;
}

export interface DetectedService {
  name: string;
  workload: WorkloadRef;
  /** The canary twin; `overlay` when it is the stable workload under a Kustomize `nameSuffix: -canary`. */
  twin: WorkloadRef & { overlay: boolean };
  files: ReleaseEntry[];
  canary: { file: string };
  /** Undefined for a service that cannot be configured yet (see `missing`). */
  route?: DetectedRoute;
  /** Why the service is written commented out. */
  missing?: string;
  /** Things a person should know, written as comments. */
  notes: string[];
  /** Pod labels of the canary (for the example analysis queries). */
  canaryLabels: Record<string, string>;
}

export interface Detection {
  services: DetectedService[];
  skipped: Skipped[];
  /** Workloads without a canary twin. */
  unpaired: WorkloadRef[];
}

type Obj = Record<string, unknown>;
type Labels = Record<string, string>;

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];
const KUBE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const ROUTES = {
  VirtualService: { type: 'istio', group: 'networking.istio.io' },
  HTTPRoute: { type: 'gateway-api', group: 'gateway.networking.k8s.io' },
  GRPCRoute: { type: 'gateway-api', group: 'gateway.networking.k8s.io' },
} as const;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const at = (v: unknown, ...path: string[]): unknown => path.reduce<unknown>((o, k) => (isObj(o) ? o[k] : undefined), v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const nsFits = (a?: string, b?: string) => a === undefined || b === undefined || a === b;
const covers = (labels: Labels, sel: Labels) => Object.entries(sel).every(([k, v]) => labels[k] === v);
const dirOf = (p: string) => p.slice(0, Math.max(0, p.lastIndexOf('/')));

function labelsOf(v: unknown): Labels {
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => ['string', 'number', 'boolean'].includes(typeof x)).map(([k, x]) => [k, String(x)]));
}

interface Workload extends WorkloadRef {
  ns?: string;
  index: number;
  labels: Labels;
  images: string[];
}
interface Svc {
  name: string;
  ns?: string;
  selector: Labels;
  file: string;
}
interface Subsets {
  host: string;
  ns?: string;
  subsets: Map<string, Labels>;
}
/** What a kustomization does to the objects it includes. */
interface Transform {
  prefix: string;
  suffix: string;
  ns?: string;
  selector: Labels;
  template: Labels;
}
interface Kust {
  file: string;
  dir: string;
  resources: string[];
  own: Transform;
  images: Obj[];
}

/** Everything read from the repository. */
interface Repo {
  files: Map<string, ManifestFile>;
  workloads: Workload[];
  services: Svc[];
  subsets: Subsets[];
  kusts: Map<string, Kust>;
  closures: Map<string, Map<string, Transform>>;
}

/** Detect the services of a repository from its YAML files. */
export function detect(input: readonly InitFile[]): Detection {
  const repo: Repo = { files: new Map(), workloads: [], services: [], subsets: [], kusts: new Map(), closures: new Map() };
  const skipped: Skipped[] = [];
  for (const f of [...input].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    try {
      repo.files.set(f.path, parseManifestFile(f.path, f.text));
    } catch (e) {
      skipped.push({ file: f.path, reason: skipReason(f, e) });
    }
  }
  for (const file of repo.files.values()) read(repo, file);

  const services: DetectedService[] = [];
  const used = new Set<Workload>();
  const names = new Set<string>();
  const twinOf = (w: Workload) => repo.workloads.filter((t) => t.kind === w.kind && t.name === `${w.name}-canary` && nsFits(t.ns, w.ns));
  for (const w of repo.workloads) {
    if (used.has(w) || (w.name.endsWith('-canary') && repo.workloads.some((b) => b.kind === w.kind && `${b.name}-canary` === w.name))) continue;
    const twins = twinOf(w);
    const overlays = [...repo.kusts.values()].filter((k) => {
      const t = closureOf(repo, k).get(w.file);
      return k.own.suffix !== '' && t?.suffix === '-canary' && t.prefix === '';
    });
    if (twins.length === 0 && overlays.length === 0) continue;
    used.add(w);
    for (const t of twins) used.add(t);
    const name = uniqueName(w, names);
    const same = repo.workloads.filter((o) => o !== w && o.kind === w.kind && o.name === w.name && nsFits(o.ns, w.ns));
    for (const o of same) used.add(o);
    const notes = twins.length && overlays.length ? [`the canary overlay ${overlays[0]!.file} is not used: ${twins[0]!.kind} ${twins[0]!.name} in ${twins[0]!.file} is the canary`] : [];
    const twin = twins.length ? { ...twins[0]!, overlay: false } : overlayTwin(w, overlays[0]!, closureOf(repo, overlays[0]!).get(w.file)!);
    const s: DetectedService = { name, workload: ref(w), twin: ref(twin, twin.overlay), files: [w.file], canary: { file: twin.file }, notes, canaryLabels: twin.labels };
    if (same.length) s.missing = `${w.kind} ${w.name} is defined in ${same.length + 1} files (${[w, ...same].map((o) => o.file).join(', ')}): init cannot tell which one is released`;
    else if (twins.length > 1) s.missing = `there are ${twins.length} ${w.kind} ${w.name}-canary (${twins.map((t) => t.file).join(', ')}): keep one`;
    else if (overlays.length > 1 && !twins.length) s.missing = `there are ${overlays.length} canary overlays over ${w.file} (${overlays.map((k) => k.file).join(', ')}): keep one`;
    else configure(repo, s, w, twin, twin.overlay ? overlays[0] : undefined);
    services.push(s);
  }
  const unpaired = repo.workloads.filter((w) => !used.has(w)).map((w) => ref(w));
  return { services, skipped, unpaired };
}

function ref(w: WorkloadRef): WorkloadRef;
function ref(w: WorkloadRef, overlay: boolean): WorkloadRef & { overlay: boolean };
function ref(w: WorkloadRef, overlay?: boolean) {
  return overlay === undefined ? { kind: w.kind, name: w.name, file: w.file } : { kind: w.kind, name: w.name, file: w.file, overlay };
}

function skipReason(f: InitFile, e: unknown): string {
  const line = e instanceof CanaryError && e.where?.line ? ` (line ${e.where.line})` : '';
  const message = `${e instanceof Error ? e.message : String(e)}${line}`;
  return /\{\{[-\s]/.test(f.text) ? `a template (it has {{ }}), not plain YAML: ${message}` : message;
}

function uniqueName(w: Workload, taken: Set<string>): string {
  const base = w.name.replace(/\./g, '-');
  let name = taken.has(base) && w.ns ? `${base}-${w.ns}` : base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

/** Index the documents of one parsed file. */
function read(repo: Repo, file: ManifestFile): void {
  if (/(^|\/)kustomization\.ya?ml$/.test(file.path)) {
    const v = file.docs.find((d) => isObj(d.value))?.value;
    if (isObj(v)) repo.kusts.set(file.path, kustomization(file.path, v));
    return;
  }
  for (const doc of file.docs) {
    const v = doc.value;
    if (!isObj(v) || !doc.kind || !doc.name) continue;
    if (WORKLOAD_KINDS.includes(doc.kind) && doc.apiVersion?.startsWith('apps/') && KUBE_NAME.test(doc.name)) {
      const pod = at(v, 'spec', 'template', 'spec');
      const images = ['containers', 'initContainers'].flatMap((k) => arr(at(pod, k)).flatMap((c) => str(at(c, 'image')) ?? []));
      repo.workloads.push({ kind: doc.kind, name: doc.name, file: file.path, ns: doc.namespace, index: doc.index, labels: labelsOf(at(v, 'spec', 'template', 'metadata', 'labels')), images });
    } else if (doc.kind === 'Service' && doc.apiVersion === 'v1') {
      const selector = labelsOf(at(v, 'spec', 'selector'));
      if (Object.keys(selector).length > 0) repo.services.push({ name: doc.name, ns: doc.namespace, selector, file: file.path });
    } else if (doc.kind === 'DestinationRule' && doc.apiVersion?.startsWith('networking.istio.io/')) {
      const host = str(at(v, 'spec', 'host'));
      const subsets = new Map(arr(at(v, 'spec', 'subsets')).flatMap((s) => (str(at(s, 'name')) ? [[String(at(s, 'name')), labelsOf(at(s, 'labels'))] as const] : [])));
      if (host) repo.subsets.push({ host, ns: doc.namespace, subsets });
    }
  }
}

function kustomization(file: string, v: Obj): Kust {
  const selector: Labels = labelsOf(v.commonLabels);
  const template: Labels = { ...selector };
  for (const l of arr(v.labels)) {
    const pairs = labelsOf(at(l, 'pairs'));
    if (at(l, 'includeSelectors') === true) Object.assign(selector, pairs);
    if (at(l, 'includeSelectors') === true || at(l, 'includeTemplates') === true) Object.assign(template, pairs);
  }
  const resources = [...arr(v.resources), ...arr(v.bases)].filter((r): r is string => typeof r === 'string');
  const own = { prefix: str(v.namePrefix) ?? '', suffix: str(v.nameSuffix) ?? '', ns: str(v.namespace), selector, template };
  return { file, dir: dirOf(file), resources, own, images: arr(v.images).filter(isObj) };
}

/** `a/b/../c` → `a/c`; undefined when the path leaves the repository. */
function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const seg of path.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg !== '..') out.push(seg);
    else if (out.pop() === undefined) return undefined;
  }
  return out.join('/');
}

/** `outer` applied over what `inner` already did. */
function compose(outer: Transform, inner: Transform): Transform {
  return {
    prefix: outer.prefix + inner.prefix,
    suffix: inner.suffix + outer.suffix,
    ns: outer.ns ?? inner.ns,
    selector: { ...inner.selector, ...outer.selector },
    template: { ...inner.template, ...outer.template },
  };
}

/** Every file a kustomization includes (through nested kustomizations), with what it does to them. */
function closureOf(repo: Repo, k: Kust, active = new Set<string>()): Map<string, Transform> {
  const known = repo.closures.get(k.file);
  if (known) return known;
  const out = new Map<string, Transform>();
  active.add(k.file);
  for (const r of k.resources) {
    if (/^[a-z+]+:|^git@|^github\.com\/|\?ref=/.test(r)) continue;
    const path = normalize(`${k.dir}/${r}`);
    if (path === undefined) continue;
    if (repo.files.has(path) && !repo.kusts.has(path)) out.set(path, k.own);
    const inner = repo.kusts.get(path) ?? repo.kusts.get(`${path}/kustomization.yaml`) ?? repo.kusts.get(`${path}/kustomization.yml`);
    if (!inner || active.has(inner.file)) continue;
    out.set(inner.file, k.own);
    for (const [f, t] of closureOf(repo, inner, active)) out.set(f, compose(k.own, t));
  }
  active.delete(k.file);
  repo.closures.set(k.file, out);
  return out;
}

function overlayTwin(w: Workload, k: Kust, t: Transform): Workload & { overlay: true } {
  return { ...w, name: `${w.name}-canary`, file: k.file, ns: t.ns ?? w.ns, labels: { ...w.labels, ...t.template }, overlay: true };
}

/** An image reference without tag and digest. */
const repository = (image: string) => image.replace(/@.*$/, '').replace(/:[^:/]*$/, '');

/** Release files, canary file and route of a workload and its twin; sets `missing` when one cannot be had. */
function configure(repo: Repo, s: DetectedService, w: Workload, twin: Workload & { overlay: boolean }, overlay?: Kust): void {
  if (twin.file === w.file) {
    s.missing = `the canary ${twin.kind} ${twin.name} is in the release file ${w.file}: move it to a file of its own (the canary lives only on production, the release is copied from candidate)`;
    return;
  }
  const others = (file: string, but: Workload) => repo.workloads.filter((o) => o.file === file && !(o.kind === but.kind && o.name === but.name && o.index === but.index));
  const extra = twin.overlay ? [] : others(twin.file, twin);
  if (extra.length) {
    s.missing = `the canary file ${twin.file} also holds ${extra.map((o) => `${o.kind} ${o.name}`).join(', ')}: give the canary workload ${twin.name} a file of its own`;
    return;
  }
  const entry: ReleaseEntry = others(w.file, w).length ? { path: w.file, documents: [`${w.kind}/${w.name}`] } : w.file;
  const release = releaseKustomization(repo, s, w, twin, overlay);
  if (overlay && !release) {
    s.missing = `no kustomization besides the canary overlay ${overlay.file} includes ${w.file} and sets its image with \`images:\`: the release must be a kustomization the candidate changes`;
    return;
  }
  s.files = release ? [release.file, entry] : [entry];
  const view = (k: Kust | undefined, file: string) => (k ? closureOf(repo, k).get(file) : undefined);
  const stableT = view(release, w.file);
  const stable = stableT ? { ...w, ns: stableT.ns ?? w.ns, labels: { ...w.labels, ...stableT.template } } : w;
  const services = repo.services.flatMap((svc) => {
    const views = [view(release, svc.file), view(overlay, svc.file)].filter((t): t is Transform => t !== undefined);
    return views.length === 0 ? [svc] : views.map((t) => ({ ...svc, name: t.prefix + svc.name + t.suffix, ns: t.ns ?? svc.ns, selector: { ...svc.selector, ...t.selector } }));
  });
  findRoute(repo, s, { stable, canary: twin, services });
}

/** The kustomization whose `images:` is the release of `w`, when one includes it. */
function releaseKustomization(repo: Repo, s: DetectedService, w: Workload, twin: Workload, overlay?: Kust): Kust | undefined {
  const plain = (k: Kust) =>
    !k.own.suffix && !k.own.prefix && k.images.length > 0 && closureOf(repo, k).has(w.file) && !(overlay && closureOf(repo, k).has(overlay.file));
  let found = [...repo.kusts.values()].filter((k) => k !== overlay && plain(k));
  if (overlay) {
    const outside = found.filter((k) => !closureOf(repo, overlay).has(k.file));
    if (outside.length) found = outside;
  } else {
    const repos = new Set(w.images.map(repository));
    found = found.filter((k) => k.images.some((e) => repos.has(String(e.name))));
    const both = found.filter((k) => closureOf(repo, k).has(twin.file));
    if (both.length) s.notes.push(`${both.map((k) => k.file).join(', ')} sets images: for both ${w.name} and ${twin.name}: an image change there reaches the canary and the stable at once, so it is not used as the release`);
    found = found.filter((k) => !both.includes(k));
  }
  found.sort((a, b) => Number(isProduction(b.file)) - Number(isProduction(a.file)) || (a.file < b.file ? -1 : 1));
  if (found.length > 1) s.notes.push(`also includes ${w.file} and sets images: ${found.slice(1).map((k) => k.file).join(', ')} (the release is ${found[0]!.file})`);
  return found[0];
}

const isProduction = (path: string) => /(^|\/)prod(uction)?(\/|$)/.test(path);

interface Sides {
  stable: Workload;
  canary: Workload;
  services: Svc[];
}
/** One destination of a route rule, and which of the two workloads it reaches. */
interface Entry {
  rule: number;
  dest: Destination;
  stable: boolean;
  canary: boolean;
}

/** The entries of a route document, rule by rule. */
function entriesOf(repo: Repo, doc: ManifestDoc, sides: Sides): Entry[] {
  const spec = at(doc.value, 'spec');
  const out: Entry[] = [];
  if (doc.kind === 'VirtualService') {
    const rules = ['http', 'tls', 'tcp'].flatMap((k) => arr(at(spec, k)));
    rules.forEach((rule, i) => {
      for (const r of arr(at(rule, 'route'))) {
        const host = str(at(r, 'destination', 'host'));
        const m = host ? /^([^.]+)(?:\.([^.]+)(?:\.svc(?:\.cluster\.local)?)?)?$/.exec(host) : null;
        if (!host || !m) continue;
        const subset = str(at(r, 'destination', 'subset'));
        const port = at(r, 'destination', 'port', 'number');
        const ns = m[2] ?? doc.namespace;
        let labels: Labels | undefined = {};
        if (subset) {
          const rule = repo.subsets.find((d) => d.host === host || (d.host.split('.')[0] === m[1] && nsFits(d.host.split('.')[1] ?? d.ns, ns)));
          labels = rule?.subsets.get(subset);
        }
        const dest: Destination = { name: host, ...(subset ? { subset } : {}), ...(typeof port === 'number' ? { port } : {}) };
        out.push({ rule: i, dest, ...reach(sides, m[1]!, ns, labels) });
      }
    });
  } else {
    arr(at(spec, 'rules')).forEach((rule, i) => {
      for (const r of arr(at(rule, 'backendRefs'))) {
        const name = str(at(r, 'name'));
        if (!name || (at(r, 'kind') ?? 'Service') !== 'Service' || (at(r, 'group') ?? '') !== '') continue;
        const ns = str(at(r, 'namespace'));
        const port = at(r, 'port');
        const dest: Destination = { name, ...(typeof port === 'number' ? { port } : {}), ...(ns ? { namespace: ns } : {}) };
        out.push({ rule: i, dest, ...reach(sides, name, ns ?? doc.namespace, {}) });
      }
    });
  }
  return out;
}

/** Which workloads a service name reaches: through the Services of that name, else by name. Unknown subset labels reach nothing. */
function reach(sides: Sides, name: string, ns: string | undefined, subset: Labels | undefined): { stable: boolean; canary: boolean } {
  if (subset === undefined) return { stable: false, canary: false };
  const svcs = sides.services.filter((s) => s.name === name && nsFits(s.ns, ns));
  const hits = (w: Workload, names: string[]) =>
    nsFits(w.ns, ns) && (svcs.length ? svcs.some((s) => covers(w.labels, { ...s.selector, ...subset })) : names.includes(name) && covers(w.labels, subset));
  const base = sides.stable.name;
  return { stable: hits(sides.stable, [base, `${base}-stable`]), canary: hits(sides.canary, [`${base}-canary`]) };
}

const describe = (d: Destination) => `${d.name}${d.subset ? ` (subset ${d.subset})` : ''}`;

/** Narrow `d` by port or namespace only when another entry of the document shares its name (and subset). */
function narrow(d: Destination, all: Entry[]): Destination {
  const twins = all.filter((e) => e.dest.name === d.name && e.dest.subset === d.subset);
  const out: Destination = { name: d.name, ...(d.subset ? { subset: d.subset } : {}) };
  if (d.port !== undefined && twins.some((e) => e.dest.port !== d.port)) out.port = d.port;
  if (d.namespace !== undefined && twins.some((e) => e.dest.namespace !== d.namespace)) out.namespace = d.namespace;
  return out;
}

/** The first route document whose router accepts stable and canary destinations found in it. */
function findRoute(repo: Repo, s: DetectedService, sides: Sides): void {
  const owned = new Set([...s.files.map((f) => (typeof f === 'string' ? f : f.path)), s.canary.file]);
  const problems: string[] = [];
  const fallbacks: (() => boolean)[] = [];
  for (const file of repo.files.values()) {
    for (const doc of file.docs) {
      const kind = doc.kind as keyof typeof ROUTES | undefined;
      if (!kind || !Object.hasOwn(ROUTES, kind) || doc.apiVersion?.split('/')[0] !== ROUTES[kind].group) continue;
      const entries = entriesOf(repo, doc, sides);
      const label = `${kind} ${doc.name ?? `#${doc.index + 1}`} in ${file.path}`;
      const sameKind = file.docs.filter((d) => d.kind !== undefined && Object.hasOwn(ROUTES, d.kind) && ROUTES[d.kind as keyof typeof ROUTES].type === ROUTES[kind].type);
      const route = (stable: Destination, canary: Destination): DetectedRoute => ({
        type: ROUTES[kind].type,
        file: file.path,
        ...(sameKind.length > 1 && doc.name ? { name: doc.name } : {}),
        stable,
        canary,
        document: `${kind} ${doc.name ?? ''}`.trim(),
      });
      const rules = [...new Set(entries.map((e) => e.rule))].map((i) => entries.filter((e) => e.rule === i));
      const both = rules.flatMap((r) => {
        const canary = r.filter((e) => e.canary && !e.stable);
        const only = r.filter((e) => e.stable && !e.canary);
        const stable = only.length ? only : r.filter((e) => e.stable);
        return stable.length === 1 && canary.length === 1 ? [{ stable: stable[0]!, canary: canary[0]! }] : [];
      });
      if (both.length === 0) {
        const stable = entries.find((e) => e.stable && !e.canary);
        const canarySvc = sides.services.find((x) => covers(sides.canary.labels, x.selector) && !covers(sides.stable.labels, x.selector) && nsFits(x.ns, sides.canary.ns));
        if (stable && canarySvc && !owned.has(file.path)) {
          fallbacks.push(() => {
            const r = route(narrow(stable.dest, entries), { name: canarySvc.name });
            if (tryRoute(file, r, problems, label)) return false;
            s.route = r;
            s.notes.push(`${canarySvc.name} is not in ${file.path} yet: the first rollout adds it beside ${describe(r.stable)}, at weight 0 between rollouts`);
            return true;
          });
        }
        continue;
      }
      if (owned.has(file.path)) {
        problems.push(`${label} names both, but that file is also ${file.path === s.canary.file ? 'the canary file' : 'a release file'}: move the route to a file of its own`);
        continue;
      }
      const pick = both[0]!;
      const r = route(narrow(pick.stable.dest, entries), narrow(pick.canary.dest, entries));
      if (tryRoute(file, r, problems, label)) continue;
      s.route = r;
      if (pick.stable.canary) {
        s.notes.push(`${describe(r.stable)} also reaches the canary's pods (its selector matches them), so the canary gets part of the stable's share too: give the stable pods a label the canary lacks and select it`);
      }
      return;
    }
  }
  for (const f of fallbacks) if (f()) return;
  const names = (w: Workload, heuristic: string[]) => {
    const svcs = sides.services.filter((x) => covers(w.labels, x.selector) && nsFits(x.ns, w.ns)).map((x) => x.name);
    return [...new Set(svcs.length ? svcs : heuristic)].join(' or ');
  };
  const stableNames = names(sides.stable, [sides.stable.name, `${sides.stable.name}-stable`]);
  const canaryNames = names(sides.canary, [`${sides.stable.name}-canary`]);
  s.missing = `no VirtualService, HTTPRoute or GRPCRoute routes to both ${stableNames} (${sides.stable.kind} ${sides.stable.name}) and ${canaryNames} (${sides.canary.kind} ${sides.canary.name})${problems.length ? `; ${problems.join('; ')}` : ''}`;
  s.notes.push(`add a route naming both, the canary at weight 0, then run \`git-canary init --force\` again or fill in route below`);
}

/** Whether the router refuses `r` (reading it, or planning a step); the reason goes to `problems`. */
function tryRoute(file: ManifestFile, r: DetectedRoute, problems: string[], label: string): boolean {
  const config = { type: r.type, file: r.file, name: r.name, stable: r.stable, canary: r.canary };
  try {
    const router = getRouter(r.type);
    router.read(file, config);
    for (const step of INIT_STEPS) router.plan(file, config, step);
    return false;
  } catch (e) {
    problems.push(`${label} names both, but ${e instanceof CanaryError ? `${e.message}${e.hint ? ` (${e.hint})` : ''}` : String(e)}`);
    return true;
  }
}
