import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  resolveAnalysis,
  runAnalysisChecks
} from "./chunk-6KZ3VJPV.js";
import {
  CONFIG_FILE,
  NOTIFY_STAND_IN,
  applyEdits,
  deriveStart,
  describeDestination,
  destinationsOf,
  formatIssue,
  getRouter,
  lineAt,
  parseConfig,
  parseManifestFile,
  parseSource,
  problemPosition,
  promqlProblem,
  releaseParts,
  revisionsOf,
  startRevision,
  unexercisedFor,
  unsetOnlyInNotify,
  withCanary
} from "./chunk-BYSPTKVM.js";
import {
  CanaryError,
  ConfigError,
  formatWhere
} from "./chunk-SZWPCBNB.js";

// src/runner/validate-repo.ts
function formatRepoIssue(i) {
  return `${i.branch ? `${i.branch}:` : ""}${i.line ? `${i.file}:${i.line}` : i.file}: ${i.message}`;
}
var fromConfigIssue = (i) => ({ file: i.file, line: i.line, message: formatIssue(i).slice(`${i.file}:${i.line}: `.length) });
function fromError(e, fallback, branch) {
  if (!(e instanceof CanaryError)) return { ...fallback, message: `${fallback.message}: ${String(e)}` };
  const file = e.where?.file ?? fallback.file;
  const onBranch = branch !== void 0 && e.where?.file !== void 0 && e.where.branch === branch;
  const extra = formatWhere({ ...e.where, file: void 0, line: void 0, branch: onBranch ? void 0 : e.where?.branch });
  return {
    ...onBranch ? { branch } : {},
    file,
    line: e.where?.file ? e.where.line : fallback.line,
    message: `${e.message}${extra ? ` (${extra})` : ""}${e.hint ? ` — ${e.hint}` : ""}`
  };
}
function readError(path, e, where) {
  if (!(e instanceof CanaryError)) return { ...where, message: `cannot read ${path} on production: ${String(e)}` };
  return { ...where, message: `${path}: ${e.message}${e.hint ? ` — ${e.hint}` : ""}` };
}
async function validateRepository(repo, options) {
  const report = { valid: false, errors: [], warnings: [], services: [], files: [] };
  const tip = await repo.resolve(options.production);
  if (!tip) {
    report.errors.push({ file: CONFIG_FILE, message: `branch ${options.production} does not exist in ${repo.label}` });
    return report;
  }
  const configFile = options.config?.file ?? CONFIG_FILE;
  const text = options.config ? options.config.text : await repo.readFile(tip, CONFIG_FILE);
  if (text === void 0) {
    const candidate = await repo.resolve("candidate");
    const onCandidate = candidate ? await repo.readFile(candidate, CONFIG_FILE).catch(() => void 0) !== void 0 : false;
    report.errors.push({
      file: CONFIG_FILE,
      message: `not found on branch ${options.production} — run \`git-canary init\` and commit the file to ${options.production}` + (onCandidate ? " (the copy on candidate is ignored: git-canary.yaml is read only from production)" : "")
    });
    return report;
  }
  let parsed = parseConfig(text, { file: configFile, env: options.env });
  const unsetNotify = unsetOnlyInNotify(parsed.errors);
  if (unsetNotify.length > 0) {
    const said = parsed.errors.filter((e) => unsetNotify.some((n) => e.message === `environment variable ${n} is not set`));
    parsed = parseConfig(text, { file: configFile, env: { ...options.env, ...Object.fromEntries(unsetNotify.map((n) => [n, NOTIFY_STAND_IN])) } });
    parsed.warnings.push(...said.map((n) => ({ ...n, message: `${n.message} here; tick and the manual commands need it to notify` })));
  }
  report.errors.push(...parsed.errors.map(fromConfigIssue));
  report.warnings.push(...parsed.warnings.map(fromConfigIssue));
  const config = parsed.config;
  if (!config) return report;
  report.services = Object.keys(config.services);
  const src = parseSource(text, configFile);
  const at = (path) => ({ file: configFile, line: lineAt(src, path) });
  const candidateTip = await repo.resolve(config.branches.candidate);
  if (!candidateTip) {
    const branchesLine = src.doc?.has("branches") ? at(["branches", "candidate"]) : { file: configFile };
    report.warnings.push({ ...branchesLine, message: `branch ${config.branches.candidate} does not exist yet; nothing will roll out until it does` });
  }
  if (config.branches.production !== options.production) {
    report.errors.push({
      ...at(["branches", "production"]),
      message: options.config ? `branches.production is ${config.branches.production}, but this file is checked against ${options.production} — run with --production ${config.branches.production}` : `branches.production is ${config.branches.production}, but this file was read from ${options.production} — run with --production ${config.branches.production}`
    });
  }
  if (!config.github?.repository && !options.env.GITHUB_REPOSITORY) {
    for (const [name, s] of Object.entries(config.services)) {
      if (s.gate !== "pull-request") continue;
      report.warnings.push({
        ...at(["services", name, "gate"]),
        message: `gate: pull-request needs a GitHub repository: set github.repository (or GITHUB_REPOSITORY, or a github.com --repo URL) and GITHUB_TOKEN where git-canary ticks`
      });
    }
  }
  const cache = /* @__PURE__ */ new Map();
  const load = (path, where) => {
    if (!cache.has(path)) {
      cache.set(
        path,
        (async () => {
          const content = await repo.readFile(tip, path).catch((e) => e);
          if (content === void 0) return { ...at(where), message: `${path} does not exist on ${options.production}` };
          if (typeof content !== "string") return readError(path, content, at(where));
          try {
            return parseManifestFile(path, content);
          } catch (e) {
            return fromError(e, { file: path, line: 1, message: `cannot parse ${path}` });
          }
        })()
      );
    }
    return cache.get(path);
  };
  const manifest = async (path, where) => {
    const r = await load(path, where);
    if ("docs" in r) return r;
    if (!report.errors.some((e) => e.message === r.message)) report.errors.push(r);
    return void 0;
  };
  for (const [name, service] of Object.entries(config.services)) {
    await validateService(name, service, { manifest, at, report });
    if (service.analysis && config.metrics[service.analysis.metrics]?.type === "prometheus") {
      await validateAnalysis(name, service, { manifest, at, report });
    }
    if (candidateTip) await validateCandidate(repo, { tip, candidateTip, name, service, at, report, candidate: config.branches.candidate });
  }
  report.files = [...cache.keys()].sort();
  if (options.online && report.errors.length === 0) report.online = await runOnline(config, options.online.now, report, at, manifest);
  report.valid = report.errors.length === 0;
  return report;
}
async function validateService(name, service, c) {
  const base = ["services", name];
  for (const [i, f] of service.files.entries()) {
    const file = await c.manifest(f, [...base, "files", i]);
    if (file && service.documents[f]) {
      try {
        releaseParts(service, { [f]: file.text }, "production");
      } catch (e) {
        c.report.errors.push(fromError(e, { ...c.at([...base, "files", i]), message: "documents" }));
      }
    }
  }
  const route = await c.manifest(service.route.file, [...base, "route", "file"]);
  if (route) {
    try {
      const router = getRouter(service.route.type);
      router.read(route, service.route);
      if (router.revisions) router.revisions.running(route, service.route);
      const first = service.steps[0] ?? 100;
      const destinations = destinationsOf(service.route);
      const names = (file) => JSON.stringify(router.owned(file, service.route)).includes(JSON.stringify(destinations?.canary.name));
      const added = destinations !== void 0 && !names(route) && names(parseManifestFile(route.path, applyEdits(route, router.plan(route, service.route, first))));
      if (added) {
        c.report.warnings.push({
          ...c.at([...base, "route", "canary"]),
          message: `${describeDestination(destinations.canary)} is not in ${service.route.file} yet: the first start adds it beside ${describeDestination(destinations.stable)} in the rules without match conditions (check the name if you expected it there)`
        });
      }
    } catch (e) {
      c.report.errors.push(fromError(e, { ...c.at([...base, "route"]), message: "route" }));
    }
  }
  if (service.canary) {
    await c.manifest(service.canary.file, [...base, "canary", "file"]);
    await c.manifest(service.canary.from, [...base, "canary", "from"]);
  }
}
async function analysisFiles(name, service, c) {
  const canary = service.canary && await c.manifest(service.canary.file, ["services", name, "canary", "file"]);
  const route = await c.manifest(service.route.file, ["services", name, "route", "file"]);
  return { ...service.canary ? { [service.canary.file]: canary?.text } : {}, [service.route.file]: route?.text };
}
async function validateAnalysis(name, service, c) {
  const analysis = service.analysis;
  if (analysis.templates.length === 0 && (analysis.minRequests === void 0 || analysis.minRequests.query !== void 0)) return;
  const base = ["services", name, "analysis"];
  let resolved;
  try {
    resolved = resolveAnalysis(service, await analysisFiles(name, service, c), { service: name });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const path = Array.isArray(e.data?.["path"]) ? e.data["path"] : ["analysis"];
    c.report.errors.push({ ...c.at(["services", name, ...path]), message: `${e.message}${e.hint ? ` — ${e.hint}` : ""}` });
    return;
  }
  const parse = (path, what, q) => {
    const problem = q === void 0 ? void 0 : promqlProblem(q);
    if (problem) c.report.errors.push({ ...c.at(path), message: `${what}: PromQL: ${problem.message} (${problemPosition(q, problem.column)}) in the built-in query ${q}` });
  };
  analysis.templates.forEach((t, i) => {
    const check = resolved.checks[analysis.checks.length + i];
    parse([...base, "templates", i], `check ${check.name}`, check.query);
    if (t.baseline?.query === void 0) parse([...base, "templates", i], `check ${check.name}: baseline`, check.baseline?.query);
  });
  if (analysis.minRequests?.query === void 0) parse([...base, "minRequests"], "minRequests", resolved.minRequests?.query);
}
async function validateCandidate(repo, c) {
  const { service, name } = c;
  const base = ["services", name];
  const texts = {};
  const production = {};
  for (const f of /* @__PURE__ */ new Set([...service.files, ...service.canary ? [service.canary.file] : []])) production[f] = await repo.readFile(c.tip, f).catch(() => void 0);
  let complete = true;
  for (const [i, f] of service.files.entries()) {
    const text = await repo.readFile(c.candidateTip, f).catch((e) => e);
    if (text === void 0) {
      c.report.warnings.push({ ...c.at([...base, "files", i]), message: `${f} does not exist on ${c.candidate}` });
      complete = false;
      continue;
    }
    if (typeof text !== "string") {
      const issue = readError(f, text, c.at([...base, "files", i]));
      if (!c.report.errors.some((e) => e.message === issue.message && e.line === issue.line)) c.report.errors.push(issue);
      complete = false;
      continue;
    }
    texts[f] = text;
    if (text === production[f]) continue;
    try {
      releaseParts({ files: [f], documents: service.documents }, texts, c.candidate);
    } catch (e) {
      c.report.errors.push(fromError(e, { ...c.at([...base, "files", i]), message: `${f} on ${c.candidate}` }, c.candidate));
      complete = false;
    }
  }
  if (!complete) return;
  const managed = /* @__PURE__ */ new Set([...service.files, ...service.canary ? [service.canary.file] : [], service.route.file]);
  if (c.report.errors.some((e) => e.branch === void 0 && managed.has(e.file))) return;
  if (!service.canary) return validateRevisionStart(service, { production, candidate: texts }, c);
  const canaryText = production[service.canary.file];
  const productionFrom = production[service.canary.from];
  const candidateFrom = texts[service.canary.from];
  if (canaryText === void 0 || productionFrom === void 0 || candidateFrom === void 0) return;
  const where = { ...c.at([...base, "canary"]), message: `on ${c.candidate}` };
  try {
    const workload = withCanary(service);
    const derived = deriveStart(workload, { production, candidate: texts }, canaryText);
    const unexercised = unexercisedFor(workload, { production, candidate: texts }, derived);
    if (unexercised.length > 0) {
      const issue = { ...c.at([...base, "canary"]), message: `not exercised by the canary: ${unexercised.join(", ")}` };
      if (service.canary.unexercised === "refuse") c.report.errors.push({ ...issue, message: `${issue.message} (canary.unexercised: refuse: the rollout will not start)` });
      else c.report.warnings.push(issue);
    }
  } catch (e) {
    const issue = fromError(e, where, c.candidate);
    if (!c.report.errors.some((x) => x.file === issue.file && x.line === issue.line && x.message === issue.message)) c.report.errors.push(issue);
  }
}
function validateRevisionStart(service, texts, c) {
  const revisions = revisionsOf(service.route);
  if (!revisions) return;
  const at = c.at(["services", c.name, "route", "file"]);
  try {
    const started = startRevision(revisions, service, { ...texts, candidateSha: c.candidateTip }, service.steps[0] ?? 100);
    if (started.unexercised.length > 0) c.report.warnings.push({ ...at, message: `not exercised by the canary: ${started.unexercised.join(", ")}` });
  } catch (e) {
    c.report.errors.push(fromError(e, { ...at, message: `on ${c.candidate}` }, c.candidate));
  }
}
async function runOnline(config, now, report, at, manifest) {
  const out = [];
  for (const [name, service] of Object.entries(config.services)) {
    const analysis = service.analysis;
    if (!analysis) continue;
    const resolved = resolveAnalysis(service, await analysisFiles(name, service, { manifest, at, report }), { service: name });
    const results = await runAnalysisChecks(config.metrics, resolved, now);
    const written = analysis.checks.length;
    for (const [i, r] of results.entries()) {
      out.push({ service: name, name: r.name, value: r.value, outcome: r.outcome, reason: r.reason });
      const key = i < written ? ["checks", i, "query"] : ["templates", i - written];
      const issue = { ...at(["services", name, "analysis", ...key]), message: `check ${r.name}: ${r.reason}` };
      if (r.outcome === "error") report.errors.push(issue);
      else if (r.outcome === "no-data") report.warnings.push(issue);
    }
  }
  return out;
}

export {
  formatRepoIssue,
  validateRepository
};
