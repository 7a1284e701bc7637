import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  formatRepoIssue,
  validateRepository
} from "./chunk-UXMUTJIG.js";
import "./chunk-6KZ3VJPV.js";
import {
  DEFAULT_LIMITS,
  SCHEMA_URL,
  getRouter,
  parseManifestFile,
  repoPathProblem,
  require_dist
} from "./chunk-BYSPTKVM.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import {
  CanaryError,
  UsageError
} from "./chunk-SZWPCBNB.js";
import {
  __toESM
} from "./chunk-O7LDPSYS.js";

// src/commands/init.ts
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

// src/config/detect.ts
var INIT_STEPS = [10, 25, 50];
var INIT_INTERVAL = "5m";
var WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet"];
var KUBE_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
var ROUTES = {
  VirtualService: { type: "istio", group: "networking.istio.io" },
  HTTPRoute: { type: "gateway-api", group: "gateway.networking.k8s.io" },
  GRPCRoute: { type: "gateway-api", group: "gateway.networking.k8s.io" }
};
var isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var arr = (v) => Array.isArray(v) ? v : [];
var at = (v, ...path) => path.reduce((o, k) => isObj(o) ? o[k] : void 0, v);
var str = (v) => typeof v === "string" && v !== "" ? v : void 0;
var nsFits = (a, b) => a === void 0 || b === void 0 || a === b;
var covers = (labels, sel) => Object.entries(sel).every(([k, v]) => labels[k] === v);
var dirOf = (p) => p.slice(0, Math.max(0, p.lastIndexOf("/")));
function labelsOf(v) {
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => ["string", "number", "boolean"].includes(typeof x)).map(([k, x]) => [k, String(x)]));
}
function detect(input) {
  const repo = { files: /* @__PURE__ */ new Map(), workloads: [], services: [], subsets: [], kusts: /* @__PURE__ */ new Map(), closures: /* @__PURE__ */ new Map() };
  const skipped = [];
  for (const f of [...input].sort((a, b) => a.path < b.path ? -1 : 1)) {
    try {
      repo.files.set(f.path, parseManifestFile(f.path, f.text));
    } catch (e) {
      skipped.push({ file: f.path, reason: skipReason(f, e) });
    }
  }
  for (const file of repo.files.values()) read(repo, file);
  const services = [];
  const used = /* @__PURE__ */ new Set();
  const names = /* @__PURE__ */ new Set();
  const twinOf = (w) => repo.workloads.filter((t) => t.kind === w.kind && t.name === `${w.name}-canary` && nsFits(t.ns, w.ns));
  for (const w of repo.workloads) {
    if (used.has(w) || w.name.endsWith("-canary") && repo.workloads.some((b) => b.kind === w.kind && `${b.name}-canary` === w.name)) continue;
    const twins = twinOf(w);
    const overlays = [...repo.kusts.values()].filter((k) => {
      const t = closureOf(repo, k).get(w.file);
      return k.own.suffix !== "" && t?.suffix === "-canary" && t.prefix === "";
    });
    if (twins.length === 0 && overlays.length === 0) continue;
    used.add(w);
    for (const t of twins) used.add(t);
    const name = uniqueName(w, names);
    const same = repo.workloads.filter((o) => o !== w && o.kind === w.kind && o.name === w.name && nsFits(o.ns, w.ns));
    for (const o of same) used.add(o);
    const notes = twins.length && overlays.length ? [`the canary overlay ${overlays[0].file} is not used: ${twins[0].kind} ${twins[0].name} in ${twins[0].file} is the canary`] : [];
    const twin = twins.length ? { ...twins[0], overlay: false } : overlayTwin(w, overlays[0], closureOf(repo, overlays[0]).get(w.file));
    const s = { name, workload: ref(w), twin: ref(twin, twin.overlay), files: [w.file], canary: { file: twin.file }, notes, canaryLabels: twin.labels };
    if (same.length) s.missing = `${w.kind} ${w.name} is defined in ${same.length + 1} files (${[w, ...same].map((o) => o.file).join(", ")}): init cannot tell which one is released`;
    else if (twins.length > 1) s.missing = `there are ${twins.length} ${w.kind} ${w.name}-canary (${twins.map((t) => t.file).join(", ")}): keep one`;
    else if (overlays.length > 1 && !twins.length) s.missing = `there are ${overlays.length} canary overlays over ${w.file} (${overlays.map((k) => k.file).join(", ")}): keep one`;
    else configure(repo, s, w, twin, twin.overlay ? overlays[0] : void 0);
    services.push(s);
  }
  const unpaired = repo.workloads.filter((w) => !used.has(w)).map((w) => ref(w));
  return { services, skipped, unpaired };
}
function ref(w, overlay) {
  return overlay === void 0 ? { kind: w.kind, name: w.name, file: w.file } : { kind: w.kind, name: w.name, file: w.file, overlay };
}
function skipReason(f, e) {
  const line = e instanceof CanaryError && e.where?.line ? ` (line ${e.where.line})` : "";
  const message = `${e instanceof Error ? e.message : String(e)}${line}`;
  return /\{\{[-\s]/.test(f.text) ? `a template (it has {{ }}), not plain YAML: ${message}` : message;
}
function uniqueName(w, taken) {
  const base = w.name.replace(/\./g, "-");
  let name = taken.has(base) && w.ns ? `${base}-${w.ns}` : base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}
function read(repo, file) {
  if (/(^|\/)kustomization\.ya?ml$/.test(file.path)) {
    const v = file.docs.find((d) => isObj(d.value))?.value;
    if (isObj(v)) repo.kusts.set(file.path, kustomization(file.path, v));
    return;
  }
  for (const doc of file.docs) {
    const v = doc.value;
    if (!isObj(v) || !doc.kind || !doc.name) continue;
    if (WORKLOAD_KINDS.includes(doc.kind) && doc.apiVersion?.startsWith("apps/") && KUBE_NAME.test(doc.name)) {
      const pod = at(v, "spec", "template", "spec");
      const images = ["containers", "initContainers"].flatMap((k) => arr(at(pod, k)).flatMap((c) => str(at(c, "image")) ?? []));
      repo.workloads.push({ kind: doc.kind, name: doc.name, file: file.path, ns: doc.namespace, index: doc.index, labels: labelsOf(at(v, "spec", "template", "metadata", "labels")), images });
    } else if (doc.kind === "Service" && doc.apiVersion === "v1") {
      const selector = labelsOf(at(v, "spec", "selector"));
      if (Object.keys(selector).length > 0) repo.services.push({ name: doc.name, ns: doc.namespace, selector, file: file.path });
    } else if (doc.kind === "DestinationRule" && doc.apiVersion?.startsWith("networking.istio.io/")) {
      const host = str(at(v, "spec", "host"));
      const subsets = new Map(arr(at(v, "spec", "subsets")).flatMap((s) => str(at(s, "name")) ? [[String(at(s, "name")), labelsOf(at(s, "labels"))]] : []));
      if (host) repo.subsets.push({ host, ns: doc.namespace, subsets });
    }
  }
}
function kustomization(file, v) {
  const selector = labelsOf(v.commonLabels);
  const template = { ...selector };
  for (const l of arr(v.labels)) {
    const pairs = labelsOf(at(l, "pairs"));
    if (at(l, "includeSelectors") === true) Object.assign(selector, pairs);
    if (at(l, "includeSelectors") === true || at(l, "includeTemplates") === true) Object.assign(template, pairs);
  }
  const resources = [...arr(v.resources), ...arr(v.bases)].filter((r) => typeof r === "string");
  const own = { prefix: str(v.namePrefix) ?? "", suffix: str(v.nameSuffix) ?? "", ns: str(v.namespace), selector, template };
  return { file, dir: dirOf(file), resources, own, images: arr(v.images).filter(isObj) };
}
function normalize(path) {
  const out = [];
  for (const seg of path.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg !== "..") out.push(seg);
    else if (out.pop() === void 0) return void 0;
  }
  return out.join("/");
}
function compose(outer, inner) {
  return {
    prefix: outer.prefix + inner.prefix,
    suffix: inner.suffix + outer.suffix,
    ns: outer.ns ?? inner.ns,
    selector: { ...inner.selector, ...outer.selector },
    template: { ...inner.template, ...outer.template }
  };
}
function closureOf(repo, k, active = /* @__PURE__ */ new Set()) {
  const known = repo.closures.get(k.file);
  if (known) return known;
  const out = /* @__PURE__ */ new Map();
  active.add(k.file);
  for (const r of k.resources) {
    if (/^[a-z+]+:|^git@|^github\.com\/|\?ref=/.test(r)) continue;
    const path = normalize(`${k.dir}/${r}`);
    if (path === void 0) continue;
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
function overlayTwin(w, k, t) {
  return { ...w, name: `${w.name}-canary`, file: k.file, ns: t.ns ?? w.ns, labels: { ...w.labels, ...t.template }, overlay: true };
}
var repository = (image) => image.replace(/@.*$/, "").replace(/:[^:/]*$/, "");
function configure(repo, s, w, twin, overlay) {
  if (twin.file === w.file) {
    s.missing = `the canary ${twin.kind} ${twin.name} is in the release file ${w.file}: move it to a file of its own (the canary lives only on production, the release is copied from candidate)`;
    return;
  }
  const others = (file, but) => repo.workloads.filter((o) => o.file === file && !(o.kind === but.kind && o.name === but.name && o.index === but.index));
  const extra = twin.overlay ? [] : others(twin.file, twin);
  if (extra.length) {
    s.missing = `the canary file ${twin.file} also holds ${extra.map((o) => `${o.kind} ${o.name}`).join(", ")}: give the canary workload ${twin.name} a file of its own`;
    return;
  }
  const entry = others(w.file, w).length ? { path: w.file, documents: [`${w.kind}/${w.name}`] } : w.file;
  const release = releaseKustomization(repo, s, w, twin, overlay);
  if (overlay && !release) {
    s.missing = `no kustomization besides the canary overlay ${overlay.file} includes ${w.file} and sets its image with \`images:\`: the release must be a kustomization the candidate changes`;
    return;
  }
  s.files = release ? [release.file, entry] : [entry];
  const view = (k, file) => k ? closureOf(repo, k).get(file) : void 0;
  const stableT = view(release, w.file);
  const stable = stableT ? { ...w, ns: stableT.ns ?? w.ns, labels: { ...w.labels, ...stableT.template } } : w;
  const services = repo.services.flatMap((svc) => {
    const views = [view(release, svc.file), view(overlay, svc.file)].filter((t) => t !== void 0);
    return views.length === 0 ? [svc] : views.map((t) => ({ ...svc, name: t.prefix + svc.name + t.suffix, ns: t.ns ?? svc.ns, selector: { ...svc.selector, ...t.selector } }));
  });
  findRoute(repo, s, { stable, canary: twin, services });
}
function releaseKustomization(repo, s, w, twin, overlay) {
  const plain = (k) => !k.own.suffix && !k.own.prefix && k.images.length > 0 && closureOf(repo, k).has(w.file) && !(overlay && closureOf(repo, k).has(overlay.file));
  let found = [...repo.kusts.values()].filter((k) => k !== overlay && plain(k));
  if (overlay) {
    const outside = found.filter((k) => !closureOf(repo, overlay).has(k.file));
    if (outside.length) found = outside;
  } else {
    const repos = new Set(w.images.map(repository));
    found = found.filter((k) => k.images.some((e) => repos.has(String(e.name))));
    const both = found.filter((k) => closureOf(repo, k).has(twin.file));
    if (both.length) s.notes.push(`${both.map((k) => k.file).join(", ")} sets images: for both ${w.name} and ${twin.name}: an image change there reaches the canary and the stable at once, so it is not used as the release`);
    found = found.filter((k) => !both.includes(k));
  }
  found.sort((a, b) => Number(isProduction(b.file)) - Number(isProduction(a.file)) || (a.file < b.file ? -1 : 1));
  if (found.length > 1) s.notes.push(`also includes ${w.file} and sets images: ${found.slice(1).map((k) => k.file).join(", ")} (the release is ${found[0].file})`);
  return found[0];
}
var isProduction = (path) => /(^|\/)prod(uction)?(\/|$)/.test(path);
function entriesOf(repo, doc, sides) {
  const spec = at(doc.value, "spec");
  const out = [];
  if (doc.kind === "VirtualService") {
    const rules = ["http", "tls", "tcp"].flatMap((k) => arr(at(spec, k)));
    rules.forEach((rule, i) => {
      for (const r of arr(at(rule, "route"))) {
        const host = str(at(r, "destination", "host"));
        const m = host ? /^([^.]+)(?:\.([^.]+)(?:\.svc(?:\.cluster\.local)?)?)?$/.exec(host) : null;
        if (!host || !m) continue;
        const subset = str(at(r, "destination", "subset"));
        const port = at(r, "destination", "port", "number");
        const ns = m[2] ?? doc.namespace;
        let labels = {};
        if (subset) {
          const rule2 = repo.subsets.find((d) => d.host === host || d.host.split(".")[0] === m[1] && nsFits(d.host.split(".")[1] ?? d.ns, ns));
          labels = rule2?.subsets.get(subset);
        }
        const dest = { name: host, ...subset ? { subset } : {}, ...typeof port === "number" ? { port } : {} };
        out.push({ rule: i, dest, ...reach(sides, m[1], ns, labels) });
      }
    });
  } else {
    arr(at(spec, "rules")).forEach((rule, i) => {
      for (const r of arr(at(rule, "backendRefs"))) {
        const name = str(at(r, "name"));
        if (!name || (at(r, "kind") ?? "Service") !== "Service" || (at(r, "group") ?? "") !== "") continue;
        const ns = str(at(r, "namespace"));
        const port = at(r, "port");
        const dest = { name, ...typeof port === "number" ? { port } : {}, ...ns ? { namespace: ns } : {} };
        out.push({ rule: i, dest, ...reach(sides, name, ns ?? doc.namespace, {}) });
      }
    });
  }
  return out;
}
function reach(sides, name, ns, subset) {
  if (subset === void 0) return { stable: false, canary: false };
  const svcs = sides.services.filter((s) => s.name === name && nsFits(s.ns, ns));
  const hits = (w, names) => nsFits(w.ns, ns) && (svcs.length ? svcs.some((s) => covers(w.labels, { ...s.selector, ...subset })) : names.includes(name) && covers(w.labels, subset));
  const base = sides.stable.name;
  return { stable: hits(sides.stable, [base, `${base}-stable`]), canary: hits(sides.canary, [`${base}-canary`]) };
}
var describe = (d) => `${d.name}${d.subset ? ` (subset ${d.subset})` : ""}`;
function narrow(d, all) {
  const twins = all.filter((e) => e.dest.name === d.name && e.dest.subset === d.subset);
  const out = { name: d.name, ...d.subset ? { subset: d.subset } : {} };
  if (d.port !== void 0 && twins.some((e) => e.dest.port !== d.port)) out.port = d.port;
  if (d.namespace !== void 0 && twins.some((e) => e.dest.namespace !== d.namespace)) out.namespace = d.namespace;
  return out;
}
function findRoute(repo, s, sides) {
  const owned = /* @__PURE__ */ new Set([...s.files.map((f) => typeof f === "string" ? f : f.path), s.canary.file]);
  const problems = [];
  const fallbacks = [];
  for (const file of repo.files.values()) {
    for (const doc of file.docs) {
      const kind = doc.kind;
      if (!kind || !Object.hasOwn(ROUTES, kind) || doc.apiVersion?.split("/")[0] !== ROUTES[kind].group) continue;
      const entries = entriesOf(repo, doc, sides);
      const label = `${kind} ${doc.name ?? `#${doc.index + 1}`} in ${file.path}`;
      const sameKind = file.docs.filter((d) => d.kind !== void 0 && Object.hasOwn(ROUTES, d.kind) && ROUTES[d.kind].type === ROUTES[kind].type);
      const route = (stable, canary) => ({
        type: ROUTES[kind].type,
        file: file.path,
        ...sameKind.length > 1 && doc.name ? { name: doc.name } : {},
        stable,
        canary,
        document: `${kind} ${doc.name ?? ""}`.trim()
      });
      const rules = [...new Set(entries.map((e) => e.rule))].map((i) => entries.filter((e) => e.rule === i));
      const both = rules.flatMap((r2) => {
        const canary = r2.filter((e) => e.canary && !e.stable);
        const only = r2.filter((e) => e.stable && !e.canary);
        const stable = only.length ? only : r2.filter((e) => e.stable);
        return stable.length === 1 && canary.length === 1 ? [{ stable: stable[0], canary: canary[0] }] : [];
      });
      if (both.length === 0) {
        const stable = entries.find((e) => e.stable && !e.canary);
        const canarySvc = sides.services.find((x) => covers(sides.canary.labels, x.selector) && !covers(sides.stable.labels, x.selector) && nsFits(x.ns, sides.canary.ns));
        if (stable && canarySvc && !owned.has(file.path)) {
          fallbacks.push(() => {
            const r2 = route(narrow(stable.dest, entries), { name: canarySvc.name });
            if (tryRoute(file, r2, problems, label)) return false;
            s.route = r2;
            s.notes.push(`${canarySvc.name} is not in ${file.path} yet: the first rollout adds it beside ${describe(r2.stable)}, at weight 0 between rollouts`);
            return true;
          });
        }
        continue;
      }
      if (owned.has(file.path)) {
        problems.push(`${label} names both, but that file is also ${file.path === s.canary.file ? "the canary file" : "a release file"}: move the route to a file of its own`);
        continue;
      }
      const pick = both[0];
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
  const names = (w, heuristic) => {
    const svcs = sides.services.filter((x) => covers(w.labels, x.selector) && nsFits(x.ns, w.ns)).map((x) => x.name);
    return [...new Set(svcs.length ? svcs : heuristic)].join(" or ");
  };
  const stableNames = names(sides.stable, [sides.stable.name, `${sides.stable.name}-stable`]);
  const canaryNames = names(sides.canary, [`${sides.stable.name}-canary`]);
  s.missing = `no VirtualService, HTTPRoute or GRPCRoute routes to both ${stableNames} (${sides.stable.kind} ${sides.stable.name}) and ${canaryNames} (${sides.canary.kind} ${sides.canary.name})${problems.length ? `; ${problems.join("; ")}` : ""}`;
  s.notes.push(`add a route naming both, the canary at weight 0, then run \`git-canary init --force\` again or fill in route below`);
}
function tryRoute(file, r, problems, label) {
  const config = { type: r.type, file: r.file, name: r.name, stable: r.stable, canary: r.canary };
  try {
    const router = getRouter(r.type);
    router.read(file, config);
    for (const step of INIT_STEPS) router.plan(file, config, step);
    return false;
  } catch (e) {
    problems.push(`${label} names both, but ${e instanceof CanaryError ? `${e.message}${e.hint ? ` (${e.hint})` : ""}` : String(e)}`);
    return true;
  }
}

// src/config/render-init.ts
var import_yaml = __toESM(require_dist(), 1);
var WIDTH = 96;
var COMMENT_COLUMN = 36;
var MAX_UNPAIRED = 20;
function scalar(s) {
  if (/^[A-Za-z0-9_][A-Za-z0-9_./~+-]*$/.test(s)) {
    try {
      if ((0, import_yaml.parse)(s) === s) return s;
    } catch {
    }
  }
  return JSON.stringify(s);
}
var clean = (s) => s.replace(/[\u0000-\u001f\u007f]+/g, " ");
function comment(indent, text, prefix = "# ") {
  const out = [];
  let line = "";
  for (const word of clean(text).split(" ").filter(Boolean)) {
    if (line && indent + prefix.length + line.length + 1 + word.length > WIDTH) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.map((l) => `${" ".repeat(indent)}${prefix}${l}`);
}
function note(line, text) {
  return `${line.padEnd(Math.max(COMMENT_COLUMN, line.length + 1))} # ${clean(text)}`;
}
function destination(d) {
  const keys = ["name", "subset", "port", "namespace"].filter((k) => d[k] !== void 0);
  if (keys.length === 1) return scalar(d.name);
  return `{ ${keys.map((k) => `${k}: ${typeof d[k] === "number" ? d[k] : scalar(String(d[k]))}`).join(", ")} }`;
}
function filesLines(files) {
  if (files.every((f) => typeof f === "string")) return [`files: [${files.map(scalar).join(", ")}]`];
  return [
    "files:",
    ...files.flatMap(
      (f) => typeof f === "string" ? [`  - ${scalar(f)}`] : [`  - path: ${scalar(f.path)}`, `    documents: [${f.documents.map(scalar).join(", ")}]`]
    )
  ];
}
var where = (w) => `${w.kind} ${w.name} in ${w.file}`;
function exampleChecks(s) {
  if (s.route?.type === "istio") {
    const w = `destination_workload="${s.twin.name}"`;
    return [
      { name: "success-rate", query: `sum(rate(istio_requests_total{${w},response_code!~"5.."}[1m])) / sum(rate(istio_requests_total{${w}}[1m])) * 100`, limit: "min: 99" },
      { name: "latency-p99", query: `histogram_quantile(0.99, sum by (le) (rate(istio_request_duration_milliseconds_bucket{${w}}[1m])))`, limit: "max: 500" }
    ];
  }
  const pairs = Object.entries(s.canaryLabels).filter(([k]) => ["app", "app.kubernetes.io/name", "track", "version"].includes(k));
  const sel = pairs.length ? pairs.map(([k, v]) => `${k.replace(/[^A-Za-z0-9_]/g, "_")}="${v}"`).join(",") : `pod=~"${s.twin.name}-.*"`;
  return [
    { name: "success-rate", query: `sum(rate(http_requests_total{${sel},code!~"5.."}[1m])) / sum(rate(http_requests_total{${sel}}[1m])) * 100`, limit: "min: 99" },
    { name: "latency-p99", query: `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[1m])))`, limit: "max: 0.5" }
  ];
}
function serviceBody(s, stub) {
  const r = s.route;
  const routeFile = r?.file ?? `${s.workload.file.replace(/[^/]*$/, "")}virtualservice.yaml`;
  const kinds = r?.type === "gateway-api" ? "HTTPRoute/GRPCRoute" : "VirtualService";
  const out = [
    ...comment(4, "The release: what promotion copies from candidate to production."),
    ...typeof s.files[0] === "object" ? comment(4, `${s.files[0].path} holds other workloads too, so the release is only the documents listed.`) : [],
    ...s.files.length > 1 && typeof s.files[0] === "string" ? comment(4, `${s.files[0]} sets the image (images:); the canary follows it.`) : [],
    ...filesLines(s.files).map((l) => `    ${l}`),
    "    canary:",
    ...comment(
      6,
      s.twin.overlay ? `The canary workload: a Kustomize overlay naming it ${s.twin.name}; it lives only on production, never in files. At each start its images: get the candidate's, keeping everything else of its own.` : `The canary workload (${s.twin.kind} ${s.twin.name}); it lives only on production, never in files. At each start it gets the candidate's release, item by item (containers and env by name), keeping its own name, labels, replicas and extra items.`
    ),
    `      file: ${scalar(s.canary.file)}`,
    ...comment(6, "Optional: JSON pointers the canary keeps as its own; scale it down between rollouts."),
    "      # keep: [/spec/template/metadata/annotations]",
    "      # idle: { replicas: 0 }",
    "    route:",
    ...comment(6, `Where traffic is split: the ${r?.document ?? kinds} whose rules name both destinations.`),
    note(`      type: ${r?.type ?? "istio"}`, "istio (VirtualService) | gateway-api (HTTPRoute, GRPCRoute)"),
    stub && !r ? note(`      file: ${scalar(routeFile)}`, "the route file (not found: write it)") : `      file: ${scalar(routeFile)}`,
    ...r?.name ? [note(`      name: ${scalar(r.name)}`, `metadata.name: the file holds several ${kinds}s`)] : [],
    note(`      stable: ${destination(r?.stable ?? { name: s.workload.name })}`, `serves ${s.workload.kind} ${s.workload.name}`),
    note(`      canary: ${destination(r?.canary ?? { name: `${s.workload.name}-canary` })}`, `serves ${s.twin.kind} ${s.twin.name}; weight 0 between rollouts`),
    note(`    steps: [${INIT_STEPS.join(", ")}]`, "canary weights in percent; promotion follows the last step"),
    note(`    interval: ${INIT_INTERVAL}`, "minimum time at each step before it is judged"),
    ...comment(4, "Without analysis, each step advances after interval alone. To judge steps by metrics, define metrics.prom above, uncomment and adapt the queries:"),
    "    # analysis:",
    "    #   metrics: prom",
    note("    #   threshold: 2", "failed judgments, counted over the rollout, that roll back"),
    "    #   checks:",
    ...exampleChecks(s).flatMap((c) => [`    #     - name: ${c.name}`, `    #       query: ${c.query}`, `    #       ${c.limit}`]),
    note("    gate: auto", "auto starts at once; pull-request waits for an approved promotion pull request")
  ];
  return out;
}
function header(s) {
  const r = s.route;
  const from = `${s.name}: ${where(s.workload)}; its canary ${s.twin.overlay ? `${s.twin.kind} ${s.twin.name}, the overlay ${s.twin.file}` : where(s.twin)}${r ? `; traffic split by ${r.document} in ${r.file}` : ""}.`;
  return [...comment(2, from), ...s.notes.flatMap((n) => comment(2, `Note: ${n}.`))];
}
function renderInit(detection) {
  const active = detection.services.filter((s) => s.route && !s.missing);
  const stubs = detection.services.filter((s) => !s.route || s.missing);
  const out = [
    `# yaml-language-server: $schema=${SCHEMA_URL}`,
    "#",
    "# git-canary.yaml, written by `git-canary init` from the workloads and routes it found in",
    "# this repository. It is read only from the production branch; a change to it on candidate",
    "# is never obeyed. Run `git-canary validate` after editing it. Any string value may use",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
    '# ${ENV_VAR} (expanded from the worker\'s environment, never logged); write $${ for a literal "${".',
    "version: 1",
    "",
    "# The branch app CI pushes releases to, and the branch Argo CD / Flux applies.",
    "branches: { candidate: candidate, production: production }   # defaults shown",
    "",
    "# Named metrics sources, used by a service's analysis. init knows of none; to judge each step",
    "# by metrics, uncomment and point it at your Prometheus (Thanos, Mimir… speak the same API):",
    "# metrics:",
    "#   prom:",
    "#     type: prometheus",
    "#     address: http://prometheus.monitoring:9090",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the literal ${ENV} syntax of the config file
    '#     # headers: { Authorization: "Bearer ${PROMETHEUS_TOKEN}" }',
    "",
    "# Services git-canary rolls out, by name (the name is what `propose --service` takes).",
    active.length ? "services:" : note("services: {}", "none could be set up yet: see below, then drop the {}")
  ];
  const lines = {};
  for (const s of active) {
    const start = out.length + 1;
    out.push(...header(s), `  ${s.name}:`, ...serviceBody(s, false), "");
    lines[s.name] = [start, out.length];
  }
  for (const s of stubs) {
    out.push(
      ...comment(2, `${s.name} is not set up: ${s.missing ?? "no route found"}.`),
      ...header(s),
      `  # ${s.name}:`,
      ...serviceBody(s, true).map((l) => `  # ${l.slice(2)}`),
      ""
    );
  }
  if (detection.unpaired.length) {
    const more = detection.unpaired.length - MAX_UNPAIRED;
    out.push(
      "# Workloads without a canary twin (a <name>-canary of the same kind), not rolled out:",
      ...detection.unpaired.slice(0, MAX_UNPAIRED).map((w) => `#   ${clean(`${w.kind} ${w.name} (${w.file})`)}`),
      ...more > 0 ? [`#   and ${more} more`] : [],
      ""
    );
  }
  out.push(
    "# Optional: who git-canary's commits are by (default below).",
    "# commit:",
    "#   author: git-canary <git-canary@users.noreply.github.com>"
  );
  return { text: `${out.join("\n")}
`, lines };
}

// src/commands/init.ts
function templatesDir() {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = [join(here, "..", "..", "templates"), join(here, "..", "templates")].find(
    (d) => existsSync(join(d, "workflow.yaml"))
  );
  if (!found) throw new UsageError("templates/ not found next to git-canary", { hint: "reinstall the package" });
  return found;
}
var INIT_FILES = {
  "git-canary.yaml": "git-canary.yaml",
  "workflow.yaml": ".github/workflows/git-canary.yaml"
};
var INIT_LIMITS = { maxFileBytes: DEFAULT_LIMITS.maxBytes, maxFiles: 5e3 };
async function readYamlFiles(root, limits = INIT_LIMITS) {
  const files = [];
  const skipped = [];
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let full = false;
  const visit = async (rel) => {
    let entries;
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (rel !== "" || e.code !== "ENOENT") skipped.push({ file: rel || ".", reason: `cannot read the directory: ${e.code ?? e}` });
      return;
    }
    for (const entry of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name.startsWith(".") || entry.name === "node_modules" || full) continue;
      if (entry.isDirectory()) await visit(path);
      if (!/\.ya?ml$/i.test(entry.name) || entry.isDirectory() || rel === "" && Object.values(INIT_FILES).includes(entry.name)) continue;
      const problem = repoPathProblem(path);
      if (entry.isSymbolicLink() || !entry.isFile() || problem) {
        skipped.push({ file: path, reason: problem ? `the path ${problem}` : entry.isSymbolicLink() ? "a symbolic link (not followed)" : "not a regular file" });
        continue;
      }
      if (files.length >= limits.maxFiles) {
        full = true;
        skipped.push({ file: path, reason: `more than ${limits.maxFiles} YAML files: this one and the rest were not read` });
        continue;
      }
      let bytes;
      try {
        const size = (await stat(join(root, path))).size;
        if (size > limits.maxFileBytes) {
          skipped.push({ file: path, reason: `${size} bytes, over the ${limits.maxFileBytes}-byte limit for a manifest` });
          continue;
        }
        bytes = await readFile(join(root, path));
      } catch (e) {
        skipped.push({ file: path, reason: `cannot read it: ${e.code ?? e}` });
        continue;
      }
      try {
        files.push({ path, text: decoder.decode(bytes) });
      } catch {
        skipped.push({ file: path, reason: "not UTF-8 text" });
      }
    }
  };
  await visit("");
  return { files, skipped };
}
function memoryRepo(texts) {
  const unsupported = () => {
    throw new Error("init checks the detected files in memory: no history");
  };
  return {
    label: "the detected files",
    resolve: async (ref2) => ref2 === "production" || ref2 === "candidate" ? ref2 : void 0,
    readFile: async (_commit, path) => texts.get(path),
    listFiles: async () => [...texts.keys()],
    log: async () => [],
    walk: unsupported,
    ensureCommit: async () => false,
    createCommit: unsupported,
    updateRef: unsupported,
    updateRefs: unsupported,
    refresh: async () => {
    }
  };
}
var configured = (s) => Boolean(s.route) && !s.missing;
var pathsOf = (s) => [...s.files.map((f) => typeof f === "string" ? f : f.path), s.canary.file, s.route?.file];
async function checkedConfig(detection, files) {
  for (; ; ) {
    const rendered = renderInit(detection);
    const texts = new Map(files.map((f) => [f.path, f.text]));
    texts.set("git-canary.yaml", rendered.text);
    const report = await validateRepository(memoryRepo(texts), { production: "production", env: {} });
    const active = detection.services.filter(configured);
    if (report.errors.length === 0 || active.length === 0) return { text: rendered.text, warnings: [...report.errors, ...report.warnings] };
    const blamed = /* @__PURE__ */ new Map();
    for (const e of report.errors) {
      for (const s of active) {
        const lines = rendered.lines[s.name];
        const hit = e.file === "git-canary.yaml" ? lines !== void 0 && e.line !== void 0 && e.line >= lines[0] && e.line <= lines[1] : pathsOf(s).includes(e.file);
        if (hit && !blamed.has(s)) blamed.set(s, e);
      }
    }
    if (blamed.size === 0) for (const s of active) blamed.set(s, report.errors[0]);
    for (const [s, e] of blamed) s.missing = `validate refuses it: ${formatRepoIssue(e)}`;
  }
}
function summary(s) {
  const route = s.route ? `; route ${s.route.document} in ${s.route.file}` : "";
  return [`  ${s.name}: ${s.workload.kind} ${s.workload.name} in ${s.workload.file}; canary ${s.canary.file}${route}`, ...s.notes.map((n) => `    note: ${n}`)].join("\n");
}
async function init(ctx, opts) {
  const target = resolve(ctx.cwd, opts.dir ?? ".");
  const plan = Object.entries(INIT_FILES).map(([template, out]) => ({ template, out, path: join(target, out) }));
  const existing = plan.filter((p) => existsSync(p.path));
  if (existing.length > 0 && !opts.force) {
    throw new UsageError(`${existing.map((p) => p.out).join(", ")} already exist${existing.length === 1 ? "s" : ""} in ${target}`, {
      hint: "pass --force to overwrite"
    });
  }
  const { files, skipped: unread } = await readYamlFiles(target);
  const detection = detect(files);
  const skipped = [...unread, ...detection.skipped].sort((a, b) => a.file < b.file ? -1 : 1);
  const found = detection.services.length > 0 ? await checkedConfig(detection, files) : void 0;
  const contents = {};
  for (const p of plan) contents[p.out] = p.template === "git-canary.yaml" && found ? found.text : await readFile(join(templatesDir(), p.template), "utf8");
  for (const p of plan) {
    await mkdir(dirname(p.path), { recursive: true });
    await writeFile(p.path, contents[p.out]);
  }
  const written = plan.map((p) => p.out);
  const active = detection.services.filter(configured);
  const stubs = detection.services.filter((s) => !configured(s));
  const text = [
    ...found ? [`found ${active.length} service${active.length === 1 ? "" : "s"} to roll out in ${target}${active.length ? ":" : ""}`, ...active.map(summary)] : [`found no workload with a canary twin (<name>-canary) in ${target}: git-canary.yaml is the example template; edit it for your services`],
    ...stubs.length ? ["not set up yet (written commented out, saying what is missing):", ...stubs.map((s) => `  ${s.name}: ${s.missing}`)] : [],
    ...(found?.warnings ?? []).map((w) => `warning: ${formatRepoIssue(w)}`),
    ...skipped.map((s) => `skipped ${s.file}: ${s.reason}`),
    ...written.map((f) => `wrote ${f}`),
    "",
    "Next: review git-canary.yaml (without analysis, steps advance on their interval alone) and commit it",
    "to the production branch; commit the workflow to your default branch (scheduled runs read it there)",
    "and to candidate and production (runs on push read it from the pushed branch).",
    "Then `git-canary validate --repo .` checks the config and every file it names."
  ].join("\n");
  const services = detection.services.map((s) => ({
    name: s.name,
    files: s.files,
    canary: s.canary,
    route: s.route && !s.missing ? { type: s.route.type, file: s.route.file, ...s.route.name ? { name: s.route.name } : {}, stable: s.route.stable, canary: s.route.canary } : null,
    ...configured(s) ? {} : { missing: s.missing ?? "no route found" }
  }));
  return { exitCode: 0, text, json: { written, dir: target, services, skipped } };
}
export {
  INIT_FILES,
  INIT_LIMITS,
  init,
  readYamlFiles
};
