import { createRequire as __gcCreateRequire } from 'node:module'; const require = __gcCreateRequire(import.meta.url);
import {
  defaultProvider,
  getMetricSource,
  getRouter,
  parseManifestFile,
  providerNames,
  renderRequestCount,
  renderTemplate
} from "./chunk-BYSPTKVM.js";
import {
  formatMeasured,
  formatNumber,
  formatPercent,
  formatPercentage,
  summarize
} from "./chunk-AKTLTPEL.js";
import {
  ConfigError,
  MetricsError,
  NoDataError
} from "./chunk-SZWPCBNB.js";

// src/analysis/resolve.ts
function baselineCheck(b) {
  return {
    ...b.query !== void 0 ? { query: b.query } : {},
    ...b.maxIncrease !== void 0 ? { maxIncrease: b.maxIncrease } : {},
    ...b.maxDecrease !== void 0 ? { maxDecrease: b.maxDecrease } : {},
    method: b.method,
    confidence: b.confidence,
    resolutionMs: b.resolution
  };
}
function writtenCheck(c) {
  return {
    name: c.name,
    query: c.query,
    ...c.min !== void 0 ? { min: c.min } : {},
    ...c.max !== void 0 ? { max: c.max } : {},
    ...c.critical ? { critical: true } : {},
    ...c.baseline ? { baseline: baselineCheck(c.baseline) } : {}
  };
}
function resolveAnalysis(service, production, options = {}) {
  const analysis = service.analysis;
  if (!analysis) throw new ConfigError("the service has no analysis", { where: { detail: place(options, ["analysis"]) } });
  const context = new TemplateContext(service, production, options);
  const checks = [...analysis.checks.map(writtenCheck), ...analysis.templates.map((t, i) => context.check(t, i))];
  const minRequests = analysis.minRequests;
  if (!minRequests || minRequests.query !== void 0) return { metrics: analysis.metrics, checks, ...writtenMinRequests(analysis) };
  return { metrics: analysis.metrics, checks, minRequests: { query: context.requestCount(analysis.templates[0]), min: minRequests.min } };
}
function writtenMinRequests(a) {
  return a.minRequests?.query !== void 0 ? { minRequests: { query: a.minRequests.query, min: a.minRequests.min } } : {};
}
function place(options, path) {
  const full = options.service === void 0 ? path : ["services", options.service, ...path];
  return full.map((s, i) => typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`).join("");
}
var WORKLOAD_KINDS = /* @__PURE__ */ new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout"]);
var SERVICE_HOST = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc(\.cluster\.local)?$/;
var TemplateContext = class {
  constructor(service, production, options) {
    this.service = service;
    this.options = options;
    this.fallbackNamespace = (service.canary ? namespaceOf(production[service.canary.file], service.canary.file, (d) => WORKLOAD_KINDS.has(d.kind ?? "")) : void 0) ?? namespaceOf(production[service.route.file], service.route.file, (d) => isRouteDocument(service.route, d)) ?? "default";
  }
  service;
  options;
  fallbackNamespace;
  check(t, i) {
    try {
      return this.expand(t, i);
    } catch (e) {
      if (e instanceof RangeError) throw this.error(["analysis", "templates", i], e.message, "write the names as plain text");
      throw e;
    }
  }
  expand(t, i) {
    const provider = this.provider(t, i);
    const canary = this.vars(t, i, provider, "canary");
    const query = renderTemplate(t.template, provider, canary);
    const baseline = t.baseline ? {
      ...baselineCheck(t.baseline),
      query: t.baseline.query ?? renderTemplate(t.template, provider, this.vars(t, i, provider, "stable"))
    } : void 0;
    return {
      name: t.name ?? t.template,
      query,
      ...t.min !== void 0 ? { min: t.min } : {},
      ...t.max !== void 0 ? { max: t.max } : {},
      ...t.critical ? { critical: true } : {},
      ...baseline ? { baseline } : {}
    };
  }
  /** The canary's request count: with the first template's provider, names and window, else the route's defaults. */
  requestCount(first) {
    const t = first ?? { template: "request-success-rate", critical: false };
    const path = first ? ["analysis", "templates", 0] : ["analysis", "minRequests"];
    const provider = this.provider(t, 0, path);
    return renderRequestCount(provider, this.vars(t, 0, provider, "canary", path));
  }
  provider(t, i, path = ["analysis", "templates", i]) {
    const provider = t.provider ?? defaultProvider(this.service.route.type);
    if (provider) return provider;
    throw this.error(path, `route type ${this.service.route.type} has no default metrics provider`, "set provider: istio, envoy, nginx, linkerd or knative");
  }
  vars(t, i, provider, role, path = ["analysis", "templates", i]) {
    const target = this.target(t, role, provider, path);
    return {
      namespace: t.namespace ?? target.namespace ?? this.fallbackNamespace,
      target: target.name,
      ...target.port !== void 0 ? { port: target.port } : {},
      windowMs: t.window ?? this.service.interval,
      ...t.quantile !== void 0 ? { quantile: t.quantile } : {}
    };
  }
  target(t, role, provider, path) {
    const written = t[role];
    const destination = this.service.route[role];
    if (written !== void 0) {
      const namespace = destination && destinationNamespace(destination);
      return {
        name: written,
        ...namespace !== void 0 ? { namespace } : {},
        ...destination?.port !== void 0 && provider === "envoy" ? { port: destination.port } : {}
      };
    }
    const cannot = (why) => this.error(
      [...path, role],
      `cannot tell the ${role}'s name for the ${provider} metrics: ${why}`,
      `set ${role}: to ${providerNames(provider)} its metrics carry${role === "stable" ? " (stable is needed by baseline without a query)" : ""}`
    );
    if (provider === "knative") throw cannot("they name revisions, and the route names none");
    if (!destination) throw cannot(`route type ${this.service.route.type} names no ${role} destination`);
    return fromDestination(destination, role, this.service.route.type, cannot);
  }
  error(path, message, hint) {
    const detail = place(this.options, path);
    return new ConfigError(message, { where: { detail }, hint, data: { path } });
  }
};
function destinationNamespace(d) {
  return d.namespace ?? SERVICE_HOST.exec(d.name)?.[3];
}
function fromDestination(d, role, routeType, cannot) {
  if (d.subset !== void 0) {
    throw cannot(`route.${role} is subset ${d.subset} of host ${d.name}: the subsets share the host, and the metrics name the Service`);
  }
  const port = d.port !== void 0 ? { port: d.port } : {};
  if (routeType !== "istio") return { name: d.name, ...d.namespace !== void 0 ? { namespace: d.namespace } : {}, ...port };
  const fqdn = SERVICE_HOST.exec(d.name);
  if (fqdn) return { name: fqdn[1], namespace: fqdn[3], ...port };
  if (d.name.includes(".")) throw cannot(`host ${d.name} is not a Kubernetes Service (name, or name.namespace.svc.cluster.local)`);
  return { name: d.name, ...d.namespace !== void 0 ? { namespace: d.namespace } : {}, ...port };
}
function isRouteDocument(route, d) {
  const name = route.name;
  return getRouter(route.type).kinds.includes(d.kind ?? "") && (name === void 0 || d.name === name);
}
function namespaceOf(text, path, pick) {
  if (text === void 0) return void 0;
  let file;
  try {
    file = parseManifestFile(path, text);
  } catch {
    return void 0;
  }
  return file.docs.find((d) => pick(d) && d.namespace !== void 0)?.namespace;
}

// src/analysis/mann-whitney.ts
var EXACT_MAX_SIZE = 8;
function mannWhitneyU(x, y) {
  if (x.length === 0 || y.length === 0) {
    throw new RangeError(`mannWhitneyU needs two non-empty samples, got ${x.length} and ${y.length} values`);
  }
  for (const v of [...x, ...y]) {
    if (!Number.isFinite(v)) throw new RangeError(`mannWhitneyU needs finite values, got ${v}`);
  }
  const n1 = x.length;
  const n2 = y.length;
  const { ranks, tieSizes } = rank([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u1 = r1 - n1 * (n1 + 1) / 2;
  const big = Math.max(u1, n1 * n2 - u1);
  const ties = tieSizes.length > 0;
  if (n1 > EXACT_MAX_SIZE && n2 > EXACT_MAX_SIZE || ties) {
    return { u: u1, pValue: clip(2 * asymptoticUpperTail(big, n1, n2, tieSizes)), method: "asymptotic" };
  }
  return { u: u1, pValue: clip(2 * exactUpperTail(big, n1, n2)), method: "exact" };
}
function rank(values) {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Array(values.length);
  const tieSizes = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]] === values[order[start]]) end++;
    const average = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]] = average;
    if (end - start > 1) tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}
function exactUpperTail(k, n1, n2) {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const last = n1 * n2 - k;
  if (last < 0) return 0;
  const counts = new Array(last + 1).fill(0n);
  counts[0] = 1n;
  for (let i = 1; i <= m; i++) {
    const a = n + i;
    for (let d = last; d >= a; d--) counts[d] = counts[d] - counts[d - a];
    for (let d = i; d <= last; d++) counts[d] = counts[d] + counts[d - i];
  }
  let tail = 0n;
  for (const c of counts) tail += c;
  return Number(tail) / Number(binomial(m + n, m));
}
function binomial(n, k) {
  let out = 1n;
  for (let i = 1; i <= k; i++) out = out * BigInt(n - k + i) / BigInt(i);
  return out;
}
function asymptoticUpperTail(u, n1, n2, tieSizes) {
  const n = n1 + n2;
  const tieTerm = tieSizes.reduce((sum, t) => sum + (t ** 3 - t), 0);
  const variance = n1 * n2 / 12 * (n + 1 - tieTerm / (n * (n - 1)));
  if (!(variance > 0)) return 1;
  const z = (u - n1 * n2 / 2 - 0.5) / Math.sqrt(variance);
  return normalUpperTail(z);
}
function normalUpperTail(z) {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalUpperTail(-z);
  if (z === Number.POSITIVE_INFINITY) return 0;
  const density = Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
  if (z < 5) {
    let term = z;
    let sum = z;
    for (let k = 1; term > sum * 1e-17; k++) {
      term *= z * z / (2 * k + 1);
      sum += term;
    }
    return 0.5 - density * sum;
  }
  let fraction = z;
  for (let k = 80; k >= 1; k--) fraction = z + k / fraction;
  return density / fraction;
}
function clip(p) {
  return Math.min(1, Math.max(0, p));
}

// src/analysis/compare.ts
var MIN_SAMPLES = 3;
function formatBaselineBounds(b) {
  const parts = [];
  if (b.maxIncrease) parts.push(`maxIncrease ${formatBound(b.maxIncrease)}`);
  if (b.maxDecrease) parts.push(`maxDecrease ${formatBound(b.maxDecrease)}`);
  return parts.join(", ");
}
function formatBound(bound) {
  return "relative" in bound ? formatPercent(bound.relative) : String(bound.absolute);
}
function breach(diff, reference, b) {
  const direction = diff > 0 ? "maxIncrease" : "maxDecrease";
  const bound = b[direction];
  if (diff === 0 || !bound) return void 0;
  const allowed = "relative" in bound ? Math.abs(reference) * bound.relative : bound.absolute;
  const slack = 1e-12 * (Math.abs(reference) + Math.abs(diff));
  return Math.abs(diff) > allowed + slack ? direction : void 0;
}
var changeOf = (value, reference) => reference === 0 ? null : (value - reference) / Math.abs(reference);
function differenceText(value, reference, b, names) {
  const shown = `${names.value}${formatMeasured(value, [reference])}`;
  const ref = `${names.reference} ${formatNumber(reference)}`;
  const diff = value - reference;
  if (diff === 0) return `${shown} equals ${ref}`;
  const bound = b[diff > 0 ? "maxIncrease" : "maxDecrease"];
  const change = changeOf(value, reference);
  const by = change === null || !Number.isFinite(change * 100) || bound && "absolute" in bound ? formatMeasured(Math.abs(diff), [bound && "absolute" in bound ? bound.absolute : void 0]) : formatPercentage(Math.abs(change), bound ? [Number((bound.relative * 100).toPrecision(12))] : []);
  return `${shown} is ${by} ${diff > 0 ? "above" : "below"} ${ref}`;
}
function limitText(diff, b, within = false) {
  const direction = diff > 0 ? "maxIncrease" : "maxDecrease";
  const bound = b[direction];
  return bound ? `${within ? "within " : ""}${direction} ${formatBound(bound)}` : `no ${direction}`;
}
function compareValue(value, reference, b, from) {
  const comparison = { method: "value", reference, from, change: changeOf(value, reference), bound: formatBaselineBounds(b) };
  const diff = value - reference;
  const what = differenceText(value, reference, b, { value: "", reference: from === "first-value" ? "first value" : "reference" });
  if (diff === 0) return { outcome: "pass", comparison, reason: what };
  const broken = breach(diff, reference, b);
  if (broken) return { outcome: "fail", comparison, reason: `${what} (${limitText(diff, b)})` };
  return { outcome: "pass", comparison, reason: `${what} (${limitText(diff, b, true)})` };
}
var mean = (xs) => xs.reduce((sum, x) => sum + x, 0) / xs.length;
function compareSeries(canary, baseline, b) {
  const samples = { canary: canary.length, baseline: baseline.length };
  const bound = formatBaselineBounds(b);
  if (canary.length < MIN_SAMPLES || baseline.length < MIN_SAMPLES) {
    const reason = `${canary.length} canary and ${baseline.length} baseline samples, mann-whitney needs at least ${MIN_SAMPLES} of each`;
    if (baseline.length === 0) return { outcome: "inconclusive", reason };
    const reference2 = mean(baseline);
    const change = canary.length === 0 ? null : changeOf(mean(canary), reference2);
    return { outcome: "inconclusive", comparison: { method: "mann-whitney", reference: reference2, from: "baseline", change, samples, bound }, reason };
  }
  const canaryMean = mean(canary);
  const reference = mean(baseline);
  const { pValue } = mannWhitneyU(canary, baseline);
  const comparison = {
    method: "mann-whitney",
    reference,
    from: "baseline",
    change: changeOf(canaryMean, reference),
    pValue,
    effectSize: reference === 0 ? null : canaryMean / reference,
    samples,
    bound
  };
  const alpha = 1 - b.confidence;
  const diff = canaryMean - reference;
  const what = differenceText(canaryMean, reference, b, { value: "canary mean ", reference: "baseline mean" });
  const p = `p=${formatNumber(pValue)}`;
  if (pValue >= alpha) {
    return { outcome: "pass", comparison, reason: `${what}, not significant (${p}, needs below ${formatNumber(alpha)})` };
  }
  if (breach(diff, reference, b)) {
    return { outcome: "fail", comparison, reason: `${what} (${limitText(diff, b)}), significant (${p} below ${formatNumber(alpha)})` };
  }
  return { outcome: "pass", comparison, reason: `${what}, significant (${p}) but ${limitText(diff, b, true)}` };
}

// src/analysis/evaluate.ts
function judgeCheck(check, measured, reference) {
  const base = baseOf(check);
  const problem = checkProblem(check);
  if (problem) return { ...base, value: null, outcome: "error", reason: problem };
  const value = read(measured);
  if (typeof value !== "number") return { ...base, value: null, ...value };
  const fixed = judgeBounds(check, value);
  const b = check.baseline;
  if (!b) return { ...base, value, ...fixed };
  if (b.method !== "value") {
    return { ...base, value, outcome: "error", reason: "a mann-whitney baseline is judged on series (judgeSeriesCheck)" };
  }
  if (!reference) return { ...base, value, outcome: "error", reason: "the reference of the baseline was not measured" };
  let compared;
  if (reference.from === "first-value") {
    compared = reference.value === void 0 ? {
      outcome: "pass",
      comparison: { method: "value", reference: value, from: "first-value", change: 0, bound: formatBaselineBounds(b) },
      reason: `first value ${formatNumber(value)}, the reference of later judgments`
    } : compareValue(value, reference.value, b, "first-value");
  } else {
    const stable = read(reference.measured, "baseline: ");
    compared = typeof stable === "number" ? compareValue(value, stable, b, "baseline") : stable;
  }
  return { ...base, value, ...combine(fixed, compared) };
}
function judgeSeriesCheck(check, canary, baseline) {
  const base = baseOf(check);
  const problem = checkProblem(check);
  if (problem) return { ...base, value: null, outcome: "error", reason: problem };
  const b = check.baseline;
  if (b?.method !== "mann-whitney") {
    return { ...base, value: null, outcome: "error", reason: "only a mann-whitney baseline is judged on series" };
  }
  const values = readSeries(canary);
  if ("outcome" in values) return { ...base, value: null, ...values };
  const value = values.reduce((sum, v) => sum + v, 0) / values.length;
  const fixed = judgeBounds(check, value);
  const stable = readSeries(baseline, "baseline: ");
  const compared = "outcome" in stable ? stable : compareSeries(values, stable, b);
  return { ...base, value, ...combine(fixed, compared) };
}
function judgeRequests(min, measured) {
  const value = read(measured);
  if (typeof value !== "number") return { value: null, min, ...value };
  const shown = formatMeasured(value, [min]);
  return value < min ? { value, min, outcome: "inconclusive", reason: `${shown} requests, below minRequests ${min}` } : { value, min, outcome: "pass", reason: `${shown} requests, at least minRequests ${min}` };
}
function baseOf(check) {
  return {
    name: check.name,
    query: check.query,
    ...check.min === void 0 ? {} : { min: check.min },
    ...check.max === void 0 ? {} : { max: check.max },
    ...check.critical ? { critical: true } : {}
  };
}
function read(m, prefix = "") {
  if ("error" in m) return { outcome: "error", reason: prefix + clean(m.error) };
  if ("noData" in m) return { outcome: "no-data", reason: prefix + clean(m.noData) };
  if (!Number.isFinite(m.value)) return { outcome: "no-data", reason: `${prefix}query returned ${formatNumber(m.value)}` };
  return m.value;
}
function readSeries(m, prefix = "") {
  if ("error" in m) return { outcome: "error", reason: prefix + clean(m.error) };
  if ("noData" in m) return { outcome: "no-data", reason: prefix + clean(m.noData) };
  const values = m.values.filter((v) => Number.isFinite(v));
  if (values.length === 0 && prefix === "") return { outcome: "no-data", reason: "query returned no finite samples" };
  return values;
}
function judgeBounds(check, value) {
  const { min, max } = check;
  if (min === void 0 && max === void 0) return void 0;
  const shown = formatMeasured(value, [min, max]);
  if (min !== void 0 && value < min) return { outcome: "fail", reason: `${shown} is below min ${min}` };
  if (max !== void 0 && value > max) return { outcome: "fail", reason: `${shown} is above max ${max}` };
  return { outcome: "pass", reason: `${shown} satisfies ${formatBounds(min, max)}` };
}
function combine(fixed, compared) {
  const comparison = compared.comparison ? { comparison: compared.comparison } : {};
  if (!fixed || compared.outcome === "error" || compared.outcome === "no-data") {
    return { outcome: compared.outcome, reason: compared.reason, ...comparison };
  }
  const parts = [fixed, compared];
  const failed2 = parts.filter((p) => p.outcome === "fail");
  if (failed2.length > 0) return { outcome: "fail", reason: failed2.map((p) => p.reason).join(", "), ...comparison };
  const outcome = compared.outcome === "inconclusive" ? "inconclusive" : "pass";
  return { outcome, reason: parts.map((p) => p.reason).join(", "), ...comparison };
}
function judge(results, requests) {
  const has = (o) => results.some((r) => r.outcome === o);
  const critical = results.filter((r) => r.critical && r.outcome === "fail").map((r) => r.name);
  const floor = requests && requests.outcome !== "pass" ? requests.outcome === "error" ? "error" : "inconclusive" : void 0;
  const outcome = floor ?? (critical.length > 0 ? "fail" : has("error") ? "error" : has("no-data") || has("inconclusive") ? "inconclusive" : has("fail") ? "fail" : "pass");
  return {
    outcome,
    checks: [...results],
    summary: summarize(results, requests),
    critical: floor ? [] : critical,
    ...requests ? { requests: { ...requests } } : {}
  };
}
function formatBounds(min, max) {
  const parts = [];
  if (min !== void 0) parts.push(`min ${min}`);
  if (max !== void 0) parts.push(`max ${max}`);
  return parts.join(", ");
}
function checkProblem(check) {
  const { min, max } = check;
  if (min === void 0 && max === void 0 && !check.baseline) return "check has neither min, max nor baseline";
  if (min !== void 0 && !Number.isFinite(min)) return `min ${formatNumber(min)} is not a finite number`;
  if (max !== void 0 && !Number.isFinite(max)) return `max ${formatNumber(max)} is not a finite number`;
  if (min !== void 0 && max !== void 0 && min > max) {
    return `min ${min} is greater than max ${max}`;
  }
  const b = check.baseline;
  if (b && !b.maxIncrease && !b.maxDecrease) return "baseline has neither maxIncrease nor maxDecrease";
  if (b?.method === "mann-whitney" && b.query === void 0) return "a mann-whitney baseline needs baseline.query";
  return void 0;
}
function clean(reason) {
  const line = reason.replace(/\s+/g, " ").replace(/;/g, ",").trim();
  return line === "" ? "no reason given" : line;
}

// src/metrics/run-checks.ts
var VALIDATE_WINDOW_MS = 10 * 60 * 1e3;
async function runAnalysis(metrics, analysis, ctx) {
  const sourceConfig = sourceOf(metrics, analysis.metrics);
  return runAnalysisWith(getMetricSource(sourceConfig.type), sourceConfig, analysis, ctx);
}
async function runAnalysisWith(source, sourceConfig, analysis, ctx) {
  const floor = analysis.minRequests;
  const [results, requests] = await Promise.all([
    runCheckList(source, sourceConfig, analysis.checks, ctx),
    floor ? measure(() => source.query(floor.query, queryContext(sourceConfig, ctx)), ctx.signal) : void 0
  ]);
  return judge(results, floor && requests ? judgeRequests(floor.min, requests) : void 0);
}
function runChecks(source, sourceConfig, checks, time, signal) {
  const windowStart = new Date(time.getTime() - VALIDATE_WINDOW_MS);
  return runCheckList(source, sourceConfig, checks, { time, windowStart, references: {}, ...signal ? { signal } : {} });
}
function runAnalysisChecks(metrics, analysis, time, signal) {
  const sourceConfig = sourceOf(metrics, analysis.metrics);
  return runChecks(getMetricSource(sourceConfig.type), sourceConfig, analysis.checks, time, signal);
}
function sourceOf(metrics, name) {
  const config = Object.hasOwn(metrics, name) ? metrics[name] : void 0;
  if (!config) {
    throw new ConfigError(`analysis.metrics names "${name}", which is not a metrics source`, {
      hint: `define metrics.${name} or use one of: ${Object.keys(metrics).join(", ") || "(none)"}`,
      data: { metrics: name }
    });
  }
  return config;
}
function runCheckList(source, sourceConfig, checks, ctx) {
  assertWindow(ctx);
  return Promise.all(checks.map((check) => runCheck(source, sourceConfig, check, ctx)));
}
async function runCheck(source, sourceConfig, check, ctx) {
  const instant = (q) => measure(() => source.query(q, queryContext(sourceConfig, ctx)), ctx.signal);
  const b = check.baseline;
  if (b?.method === "mann-whitney" && b.query !== void 0) {
    const range = { ...queryContext(sourceConfig, ctx), start: ctx.windowStart, end: ctx.time, stepMs: b.resolutionMs };
    const series = (q) => measureSeries(() => source.queryRange(q, range), ctx.signal);
    const [canary2, baseline] = await Promise.all([series(check.query), series(b.query)]);
    return judgeSeriesCheck(check, canary2, baseline);
  }
  if (b?.method === "value" && b.query !== void 0) {
    const [canary2, measured] = await Promise.all([instant(check.query), instant(b.query)]);
    return judgeCheck(check, canary2, { from: "baseline", measured });
  }
  const canary = await instant(check.query);
  if (!b) return judgeCheck(check, canary);
  const first = Object.hasOwn(ctx.references, check.name) ? ctx.references[check.name] : void 0;
  const reference = first === void 0 ? { from: "first-value" } : { from: "first-value", value: first };
  return judgeCheck(check, canary, reference);
}
function queryContext(source, ctx) {
  return { source, time: ctx.time, ...ctx.signal ? { signal: ctx.signal } : {} };
}
function assertWindow(ctx) {
  const start = ctx.windowStart.getTime();
  const end = ctx.time.getTime();
  if (!Number.isFinite(start) || !Number.isFinite(end) || start > end) {
    throw new RangeError(`analysis window must start before it ends, got ${ctx.windowStart} .. ${ctx.time}`);
  }
}
var ABORTED = "the tick deadline was reached before the metrics source answered";
function bounded(run, signal) {
  if (!signal) return run();
  if (signal.aborted) return Promise.reject(new MetricsError(ABORTED));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new MetricsError(ABORTED));
    signal.addEventListener("abort", onAbort, { once: true });
    run().then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      }
    );
  });
}
async function measure(run, signal) {
  try {
    return { value: await bounded(run, signal) };
  } catch (e) {
    return failed(e);
  }
}
async function measureSeries(run, signal) {
  try {
    return { values: await bounded(run, signal) };
  } catch (e) {
    return failed(e);
  }
}
function failed(e) {
  if (e instanceof NoDataError) return { noData: e.message };
  if (e instanceof MetricsError) return { error: e.message };
  throw e;
}

export {
  resolveAnalysis,
  runAnalysis,
  runAnalysisChecks
};
