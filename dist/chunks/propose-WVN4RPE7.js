import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  actorFrom
} from "./chunk-XPMFK5PA.js";
import "./chunk-U2SDE5T4.js";
import "./chunk-X3OIQ6DV.js";
import {
  unifiedDiff,
  withCompareAndSwap
} from "./chunk-UNRAGIW6.js";
import {
  readFiles
} from "./chunk-GC5ZNIGH.js";
import "./chunk-6KZ3VJPV.js";
import {
  applyEdits,
  docLabel,
  getAt,
  openSession,
  parseManifestFile,
  parsePointer
} from "./chunk-BYSPTKVM.js";
import "./chunk-IVUUAOBA.js";
import "./chunk-3LIXOM53.js";
import "./chunk-VDZMSJPN.js";
import "./chunk-AKTLTPEL.js";
import "./chunk-DQCITK7L.js";
import {
  CanaryError,
  GitError,
  ManifestError,
  UsageError
} from "./chunk-SZWPCBNB.js";
import "./chunk-O7LDPSYS.js";

// src/manifests/image-ref.ts
var ImageRefError = class extends CanaryError {
  reason;
  constructor(input, reason, options = {}) {
    super("CONFIG", `invalid image reference ${JSON.stringify(input)}: ${reason}`, {
      hint: "write it as [registry[:port]/]path[:tag][@sha256:<64 hex>], e.g. registry.example.com/checkout:v2",
      ...options,
      data: { image: input, reason, ...options.data }
    });
    this.reason = reason;
  }
};
var ALNUM = "[a-z0-9]+";
var SEPARATOR = "(?:[_.]|__|-+)";
var COMPONENT = new RegExp(`^${ALNUM}(?:${SEPARATOR}${ALNUM})*$`);
var DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
var IPV6 = /^\[[0-9a-fA-F:.]+\]$/;
var PORT = /^[0-9]+$/;
var TAG = /^[\w][\w.-]{0,127}$/;
var DIGESTS = { sha256: 64, sha512: 128 };
var MAX_NAME = 255;
var DOCKER_HUB = /* @__PURE__ */ new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);
function domainProblem(domain) {
  let host = domain;
  const bracket = domain.startsWith("[") ? domain.indexOf("]") : -1;
  const colon = domain.lastIndexOf(":");
  if (colon > bracket) {
    host = domain.slice(0, colon);
    if (!PORT.test(domain.slice(colon + 1))) return `the registry port in ${JSON.stringify(domain)} must be digits`;
  }
  if (IPV6.test(host)) return void 0;
  if (host === "" || !host.split(".").every((c) => DOMAIN_COMPONENT.test(c))) {
    return `${JSON.stringify(domain)} is not a registry host (letters, digits, "-" and "." between parts, optional :port)`;
  }
  return void 0;
}
function splitName(name) {
  if (name === "") return "the repository name is empty";
  if (name.length > MAX_NAME) return `the repository name is longer than ${MAX_NAME} characters`;
  const slash = name.indexOf("/");
  const first = slash < 0 ? name : name.slice(0, slash);
  const isDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  const domain = isDomain ? first : void 0;
  const path = isDomain ? name.slice(slash + 1) : name;
  if (domain !== void 0) {
    const problem = domainProblem(domain);
    if (problem) return problem;
  }
  const parts = path.split("/");
  for (const part of parts) {
    if (part === "") return "the repository path has an empty part (`//`, or a leading or trailing `/`)";
    if (part !== part.toLowerCase()) return "the repository path must be lowercase";
    if (!COMPONENT.test(part)) {
      return `${JSON.stringify(part)} is not a repository path part (lowercase letters and digits, separated by ".", "_", "__" or "-")`;
    }
  }
  return domain === void 0 ? { path } : { domain, path };
}
function parseImageRef(input) {
  const fail = (reason) => {
    throw new ImageRefError(input, reason);
  };
  if (typeof input !== "string" || input === "") fail("it is empty");
  if (/[\s]/.test(input)) fail("it contains whitespace or a line break");
  if (/[\u0000-\u001f\u007f]/.test(input)) fail("it contains a control character");
  if (/[^\w.:/@[\]-]/.test(input)) fail(`it contains ${JSON.stringify(/[^\w.:/@[\]-]/.exec(input)[0])}, which no image reference holds`);
  let rest = input;
  let digest;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const [algorithm = "", hex, ...more] = digest.split(":");
    const length = DIGESTS[algorithm];
    if (length === void 0 || hex === void 0 || more.length > 0) fail("the digest must be sha256:<64 hex> (or sha512:<128 hex>)");
    if (!new RegExp(`^[0-9a-f]{${length}}$`).test(hex)) fail(`the ${algorithm} digest must be ${length} lowercase hex characters`);
  }
  let tag;
  const colon = rest.lastIndexOf(":");
  if (colon > rest.lastIndexOf("/") && !rest.slice(colon).includes("]")) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) fail(`the tag ${JSON.stringify(tag)} must be 1-128 letters, digits, "_", "." or "-", not starting with "." or "-"`);
  }
  const name = splitName(rest);
  if (typeof name === "string") return fail(name);
  if (tag === void 0 && digest === void 0) fail("it has no tag or digest (e.g. :v2 or @sha256:…): propose an exact version");
  return { ...name, ...tag !== void 0 ? { tag } : {}, ...digest !== void 0 ? { digest } : {} };
}
function tryParseImageRef(input) {
  try {
    return parseImageRef(input);
  } catch (e) {
    if (!(e instanceof ImageRefError)) throw e;
  }
  const name = typeof input === "string" ? splitName(input) : "not a string";
  return typeof name === "string" ? void 0 : name;
}
function parseRepository(input) {
  const name = typeof input === "string" ? splitName(input) : "not a string";
  return typeof name === "string" ? void 0 : name;
}
function repositoryOf(ref) {
  return ref.domain === void 0 ? ref.path : `${ref.domain}/${ref.path}`;
}
function versionOf(ref) {
  return `${ref.tag !== void 0 ? `:${ref.tag}` : ""}${ref.digest !== void 0 ? `@${ref.digest}` : ""}`;
}
function formatImageRef(ref) {
  return repositoryOf(ref) + versionOf(ref);
}
function canonicalRepository(ref) {
  const domain = ref.domain?.toLowerCase();
  if (domain !== void 0 && !DOCKER_HUB.has(domain)) return `${domain}/${ref.path}`;
  const parts = ref.path.split("/");
  return parts.length === 2 && parts[0] === "library" ? parts[1] : ref.path;
}
function sameRepository(a, b) {
  return canonicalRepository(a) === canonicalRepository(b);
}

// src/engine/propose.ts
var NoMatchingImageError = class extends CanaryError {
  constructor(message, options = {}) {
    super("MANIFEST", message, options);
  }
};
var isObj = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var TEMPLATE = ["spec", "template", "spec"];
var POD_SPECS = {
  ...Object.fromEntries(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout"].map((k) => [k, TEMPLATE])),
  CronJob: ["spec", "jobTemplate", ...TEMPLATE],
  Pod: ["spec"]
};
function retagged(current, proposal) {
  return repositoryOf(current) + versionOf(proposal);
}
function scanWorkload(doc, podSpec, image) {
  const out = { sites: [], held: [] };
  for (const [list, word] of [
    ["containers", "container"],
    ["initContainers", "initContainer"]
  ]) {
    const items = getAt(doc.value, [...podSpec, list]);
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      const current = isObj(c) ? c.image : void 0;
      if (typeof current !== "string" || current === "") return;
      const ref = tryParseImageRef(current);
      out.held.push(ref ? repositoryOf(ref) : current);
      if (!ref || !sameRepository(ref, image)) return;
      const name = typeof c.name === "string" ? c.name : String(i);
      out.sites.push([{ path: [...podSpec, list, i, "image"], what: `${word} ${name}`, from: current, to: retagged(ref, image) }]);
    });
  }
  return out;
}
function isKustomization(doc) {
  if (doc.kind !== void 0) return doc.kind === "Kustomization";
  return isObj(doc.value) && ["resources", "bases", "components"].some((k) => Array.isArray(doc.value[k]));
}
function scanKustomization(doc, image) {
  const out = { sites: [], held: [] };
  const images = getAt(doc.value, ["images"]);
  if (!Array.isArray(images)) return out;
  images.forEach((entry, i) => {
    if (!isObj(entry) || typeof entry.name !== "string") return;
    const name = parseRepository(entry.name);
    const newName = typeof entry.newName === "string" ? parseRepository(entry.newName) : void 0;
    out.held.push(typeof entry.newName === "string" ? entry.newName : entry.name);
    const viaNewName = newName !== void 0 && sameRepository(newName, image);
    if (!viaNewName && !(name && sameRepository(name, image))) return;
    const edits = [];
    const edit = (key, to) => {
      if (to === null && !Object.hasOwn(entry, key)) return;
      edits.push({ path: ["images", i, key], what: `image ${entry.name} ${key}`, from: Object.hasOwn(entry, key) ? entry[key] : null, to });
    };
    if (Object.hasOwn(entry, "newName") && !viaNewName) edit("newName", repositoryOf(image));
    edit("newTag", image.tag ?? null);
    edit("digest", image.digest ?? null);
    out.sites.push(edits);
  });
  return out;
}
function helmMap(map, mapPath, tagKey, image, file) {
  const label = (key) => [...mapPath, key].join(".");
  const edits = [];
  const edit = (key, to) => {
    edits.push({ path: [...mapPath, key], what: label(key), from: Object.hasOwn(map, key) ? map[key] : null, to });
  };
  if (image.tag !== void 0) edit(tagKey, image.tag);
  if (image.digest !== void 0) {
    if (!Object.hasOwn(map, "digest")) {
      throw new ManifestError(`the proposed image pins a digest, and ${label("digest")} does not exist in ${file}`, {
        where: { file },
        hint: `propose the tag alone, or add ${label("digest")} to the values (if the chart reads it)`
      });
    }
    edit("digest", image.digest);
  } else if (typeof map.digest === "string" && map.digest !== "") {
    edit("digest", "");
  }
  return edits;
}
function helmRepository(map) {
  if (typeof map.repository !== "string") return void 0;
  return typeof map.registry === "string" && map.registry !== "" ? `${map.registry}/${map.repository}` : map.repository;
}
function fullImage(v) {
  return typeof v === "string" && /[:/@]/.test(v) ? tryParseImageRef(v) : void 0;
}
function scanValues(doc, image, file) {
  const out = { sites: [], held: [] };
  const value = doc.value;
  const bases = [[], ...Object.keys(value).filter((k) => isObj(value[k])).map((k) => [k])];
  for (const base of bases) {
    const path = [...base, "image"];
    const v = getAt(value, path);
    const ref = fullImage(v);
    if (ref) {
      out.held.push(repositoryOf(ref));
      if (sameRepository(ref, image)) out.sites.push([{ path, what: path.join("."), from: v, to: retagged(ref, image) }]);
      continue;
    }
    if (!isObj(v)) continue;
    const repository = helmRepository(v);
    if (repository === void 0) continue;
    out.held.push(repository);
    const parsed = parseRepository(repository);
    if (parsed && sameRepository(parsed, image)) out.sites.push(helmMap(v, path, "tag", image, file));
  }
  return out;
}
function valuesPathSegments(path) {
  const segments = path.startsWith("/") ? parsePointer(path, "--path") : path.split(".");
  if (path === "" || segments.length === 0 || segments.some((s) => s === "")) {
    throw new CanaryError("CONFIG", `--path ${JSON.stringify(path)} is not a path`, {
      where: { detail: "--path" },
      hint: "name the key holding the tag from the document root, dotted (image.tag) or as a JSON pointer (/image/tag)"
    });
  }
  return segments;
}
function walk(value, segments) {
  const out = [];
  let cur = value;
  for (const seg of segments) {
    if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(seg) && Number(seg) < cur.length) {
      out.push(Number(seg));
      cur = cur[Number(seg)];
    } else if (isObj(cur) && Object.hasOwn(cur, seg)) {
      out.push(seg);
      cur = cur[seg];
    } else return void 0;
  }
  return out;
}
function scanValuesPath(doc, segments, image, file, shown2) {
  const out = { sites: [], held: [] };
  const path = walk(doc.value, segments);
  if (!path) return out;
  out.hasPath = true;
  const v = getAt(doc.value, path);
  const where = { file, line: doc.line, detail: `--path ${shown2}` };
  if (v !== null && typeof v === "object") {
    throw new ManifestError(`--path ${shown2} in ${file} holds a ${Array.isArray(v) ? "list" : "mapping"}, not a tag`, {
      where,
      hint: `name the scalar holding the tag, e.g. ${shown2}.tag`
    });
  }
  const what = path.join(".");
  const ref = fullImage(v);
  if (ref) {
    out.held.push(repositoryOf(ref));
    if (!sameRepository(ref, image)) return out;
    out.sites.push([{ path, what, from: v, to: retagged(ref, image) }]);
    return out;
  }
  if (typeof v === "string" && /^sha(256|512):/.test(v)) {
    if (image.digest === void 0) {
      throw new ManifestError(`--path ${shown2} in ${file} holds a digest, and ${formatImageRef(image)} has none`, {
        where,
        hint: "propose the image by digest (name@sha256:…), or point --path at the tag"
      });
    }
    out.sites.push([{ path, what, from: v, to: image.digest }]);
    return out;
  }
  const parent = getAt(doc.value, path.slice(0, -1));
  const repository = isObj(parent) ? helmRepository(parent) : void 0;
  if (repository !== void 0) {
    out.held.push(repository);
    const parsed = parseRepository(repository);
    if (!parsed || !sameRepository(parsed, image)) return out;
  }
  if (image.tag === void 0) {
    throw new ManifestError(`--path ${shown2} in ${file} holds a tag, and ${formatImageRef(image)} has none`, {
      where,
      hint: "propose the image with a tag (name:tag, or name:tag@sha256:…)"
    });
  }
  out.sites.push(isObj(parent) ? helmMap(parent, path.slice(0, -1), String(path.at(-1)), image, file) : [{ path, what, from: v, to: image.tag }]);
  return out;
}
function documentLabel(doc) {
  if (doc.kind === void 0) return isKustomization(doc) ? "Kustomization" : "values";
  return doc.name === void 0 ? doc.kind : docLabel({ kind: doc.kind, name: doc.name });
}
var pointer = (path) => path.map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
function parse(path, text, branch) {
  try {
    return parseManifestFile(path, text);
  } catch (e) {
    if (e instanceof ManifestError) throw new ManifestError(e.message, { where: { ...e.where, branch }, hint: e.hint, data: e.data, cause: e });
    throw e;
  }
}
function scanDocument(doc, input, file, segments) {
  if (doc.value === null) return { sites: [], held: [] };
  const podSpec = doc.kind !== void 0 && Object.hasOwn(POD_SPECS, doc.kind) ? POD_SPECS[doc.kind] : void 0;
  if (podSpec) return scanWorkload(doc, podSpec, input.image);
  if (isKustomization(doc)) return scanKustomization(doc, input.image);
  if (doc.kind !== void 0 || !isObj(doc.value)) return { sites: [], held: [] };
  if (segments) return scanValuesPath(doc, segments, input.image, file, input.valuesPath);
  return scanValues(doc, input.image, file);
}
function planProposal(input) {
  const segments = input.valuesPath === void 0 ? void 0 : valuesPathSegments(input.valuesPath);
  const files = [];
  const changes = [];
  const held = /* @__PURE__ */ new Set();
  let matched = 0;
  let present = 0;
  let hasPath = false;
  for (const path of input.release.files) {
    const text = input.texts[path];
    if (text === void 0 || !/\.ya?ml$/i.test(path)) continue;
    present++;
    const file = parse(path, text, input.branch);
    const listed = input.release.documents[path];
    const edits = [];
    const planned = [];
    for (const doc of file.docs) {
      if (listed && !listed.some((d) => d.kind === doc.kind && d.name === doc.name)) continue;
      const scan = scanDocument(doc, input, path, segments);
      for (const h of scan.held) held.add(h);
      hasPath ||= scan.hasPath === true;
      matched += scan.sites.length;
      const ops = [];
      for (const edit of scan.sites.flat()) {
        if (edit.from === edit.to || edit.to === null && edit.from === null) continue;
        ops.push(edit.to === null ? { op: "delete", path: edit.path } : { op: "set", path: edit.path, value: edit.to });
        planned.push({ docIndex: doc.index, edit });
        changes.push({ file: path, document: documentLabel(doc), path: pointer(edit.path), what: edit.what, from: edit.from, to: edit.to });
      }
      if (ops.length > 0) edits.push({ docIndex: doc.index, ops });
    }
    if (edits.length === 0) continue;
    const next = applyEdits(file, edits);
    confirm(path, next, planned, input.branch);
    files.push({ path, content: next });
  }
  if (matched === 0) throw noMatch(input, [...held], present, hasPath);
  return { files, changes, matched, noop: changes.length === 0 };
}
function confirm(path, text, planned, branch) {
  const file = parse(path, text, branch);
  for (const { docIndex, edit } of planned) {
    const got = getAt(file.docs[docIndex]?.value, edit.path);
    if (got === (edit.to ?? void 0)) continue;
    throw new ManifestError(`setting ${edit.what} in ${path} did not read back as ${JSON.stringify(edit.to)} (found ${JSON.stringify(got)})`, {
      where: { file: path, branch },
      hint: "this is a git-canary bug: make the change by hand and report the file"
    });
  }
}
function noMatch(input, held, present, hasPath) {
  const repo = repositoryOf(input.image);
  const where = { branch: input.branch, detail: `services.${input.service}.files` };
  const data = { service: input.service, repository: repo, held: [...new Set(held)].sort() };
  if (present === 0) {
    return new NoMatchingImageError(`none of ${input.service}'s release files exist on ${input.branch}`, {
      where,
      hint: `the release is ${input.release.files.join(", ")}; commit them to ${input.branch} first`,
      data
    });
  }
  const byPath = input.valuesPath !== void 0;
  if (byPath && !hasPath) {
    return new NoMatchingImageError(`--path ${input.valuesPath} is in no values document of ${input.service}'s release on ${input.branch}`, {
      where: { ...where, detail: `--path ${input.valuesPath}` },
      hint: "name the key from the values document root, dotted (image.tag) or as a JSON pointer (/image/tag)",
      data
    });
  }
  return new NoMatchingImageError(`${input.service}'s release on ${input.branch} holds no image ${repo}${byPath ? ` at --path ${input.valuesPath}` : ""}`, {
    where,
    hint: data.held.length ? `it holds ${data.held.join(", ")}: check --image${byPath ? " and --path" : ""}` : `it holds no image reference: check services.${input.service}.files${byPath ? " and --path" : ", or name the Helm values key with --path"}`,
    data
  });
}
function shown(v, other) {
  if (v === null || v === void 0) return "(none)";
  if (typeof v !== "string") return JSON.stringify(v);
  const a = fullImage(v);
  const b = fullImage(other);
  if (a && b && repositoryOf(a) === repositoryOf(b) && versionOf(a) !== "") return versionOf(a).replace(/^[:@]/, "");
  return v === "" ? '""' : v;
}
function describeChange(c) {
  const to = c.to === null ? "(removed)" : shown(c.to, c.from);
  return `${c.file}: ${c.document} ${c.what}: ${shown(c.from, c.to)} → ${to}`;
}
var oneLine = (s) => s.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
function proposalMessage(o) {
  const body = o.changes.map(describeChange).join("\n");
  return `${o.service}: propose ${formatImageRef(o.image)}

${body}

Canary-Proposed-By: ${oneLine(o.proposedBy) || "unknown"}
`;
}

// src/runner/propose.ts
async function runPropose(session, serviceName, o) {
  const service = session.config.services[serviceName];
  if (!service) {
    throw new UsageError(`no service named ${serviceName} in git-canary.yaml`, {
      hint: `services: ${Object.keys(session.config.services).join(", ") || "(none)"}`
    });
  }
  const { repo } = session;
  const branch = session.candidate;
  const image = formatImageRef(o.image);
  return withCompareAndSwap(
    async () => {
      const tip = await repo.resolve(branch);
      if (!tip) {
        throw new GitError(`branch ${branch} does not exist in ${repo.label}`, {
          where: { branch },
          hint: `create it from production first (git push origin ${session.production}:refs/heads/${branch}); propose commits on top of it`
        });
      }
      const texts = await readFiles(repo, tip, service.files);
      const proposal = planProposal({
        service: serviceName,
        release: { files: service.files, documents: service.documents },
        texts,
        image: o.image,
        valuesPath: o.valuesPath,
        branch
      });
      const changes = proposal.changes.map(({ file, document, path, from, to }) => ({ file, document, path, from, to }));
      const files = proposal.files.map((f) => ({ path: f.path, before: texts[f.path] ?? "", after: f.content ?? "" }));
      const outcome = (commit2) => ({
        result: { service: serviceName, image, commit: commit2, changes, noop: proposal.noop, dryRun: o.dryRun },
        lines: proposal.changes,
        files,
        candidate: branch
      });
      if (proposal.noop || o.dryRun) return outcome(null);
      const commit = await repo.createCommit({
        parent: tip,
        changes: proposal.files,
        message: proposalMessage({ service: serviceName, image: o.image, changes: proposal.changes, proposedBy: o.proposedBy }),
        author: session.author,
        date: o.now()
      });
      await repo.updateRef(branch, commit, tip);
      o.log.info({ service: serviceName, image, commit }, "proposed");
      return outcome(commit);
    },
    {
      refresh: () => repo.refresh(),
      sleep: o.sleep,
      onRetry: (attempt, wait) => o.log.info({ service: serviceName, attempt, wait }, `${branch} moved while proposing; re-reading it and proposing again`)
    }
  );
}

// src/commands/propose.ts
function proposedBy(source, env) {
  if (source !== void 0) return source;
  if (env.GITHUB_REPOSITORY && env.GITHUB_SHA) return `${env.GITHUB_REPOSITORY}@${env.GITHUB_SHA}`;
  return actorFrom(env);
}
function imageOption(text) {
  try {
    return parseImageRef(text);
  } catch (e) {
    if (e instanceof ImageRefError) throw new ImageRefError(text, e.reason, { where: { detail: "--image" } });
    throw e;
  }
}
async function propose(ctx, opts) {
  if (!opts.service) throw new UsageError("propose needs --service <name>");
  if (opts.image === void 0) throw new UsageError("propose needs --image <ref>", { hint: "e.g. --image registry.example.com/checkout:v2" });
  const source = opts.source?.trim();
  if (source !== void 0 && (source === "" || /[\u0000-\u001f\u007f]/.test(source))) {
    throw new UsageError("--source must be one non-empty line of text", { hint: "it is recorded as the Canary-Proposed-By trailer" });
  }
  const image = imageOption(opts.image);
  const dryRun = Boolean(opts.dryRun);
  const session = await openSession(ctx, { write: !dryRun, metrics: false });
  const out = await runPropose(session, opts.service, {
    image,
    valuesPath: opts.path,
    proposedBy: proposedBy(source, ctx.env),
    now: ctx.now,
    dryRun,
    log: ctx.log
  });
  const { result, candidate } = out;
  const body = out.lines.map((c) => `  ${describeChange(c)}
`).join("");
  let text;
  if (result.noop) text = `${result.service}: already at ${result.image} on ${candidate}
`;
  else if (dryRun) {
    text = `${result.service}: would propose ${result.image} on ${candidate} (dry run: not committed)
${body}${out.files.map((f) => unifiedDiff(f.path, f.before, f.after)).join("")}`;
  } else text = `${result.service}: proposed ${result.image} on ${candidate} ${result.commit.slice(0, 7)}
${body}`;
  return { exitCode: 0, text, json: result };
}
export {
  propose,
  proposedBy
};
