/**
 * The one module that writes and reads git-canary commit messages (PRODUCT.md):
 *
 *     checkout: canary 25% (step 2/3)
 *
 *     success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass
 *
 *     Canary-Service: checkout
 *     Canary-Rollout: checkout-3f2a9c1
 *     Canary-Candidate: 3f2a9c1e…(40 hex)
 *     Canary-Phase: progressing
 *     Canary-Step: 2/3
 *     Canary-Weight: 25
 *
 * Trailers are read git-style from the last paragraph only: every line of it is
 * `Key: value` (or a continuation line starting with whitespace); keys are
 * case-insensitive, values trimmed, other trailers (Signed-off-by…) are ignored.
 * A message whose Canary-* trailers are missing, duplicated or malformed is not
 * ours: it parses without trailers, and parsing never throws.
 */
import type { CanaryTrailers, JudgmentRecordKind, Phase } from '../engine/types.ts';
import { printable } from '../errors.ts';

export { checksFromBody, formatChecksLine, parseChecksLine } from './checks.ts';
export type { CheckLineInput, CheckValue } from './checks.ts';

/** Every value of `Canary-Phase`. */
export const PHASES: readonly Phase[] = ['progressing', 'promoted', 'rolled-back', 'paused', 'resumed'];

/** Every value of `Canary-Judgment`. */
export const JUDGMENT_RECORDS: readonly JudgmentRecordKind[] = ['fail', 'inconclusive', 'error'];

/** True when `s` is a value of `Canary-Judgment`. */
export function isJudgmentRecord(s: unknown): s is JudgmentRecordKind {
  return typeof s === 'string' && (JUDGMENT_RECORDS as readonly string[]).includes(s);
}

/** True when `s` is a value of `Canary-Phase`. */
export function isPhase(s: unknown): s is Phase {
  return typeof s === 'string' && (PHASES as readonly string[]).includes(s);
}

/** A commit message split into its parts. */
export interface ParsedMessage {
  /** First line. */
  title: string;
  /** Everything between the title and the trailer block, without leading/trailing blank lines. */
  body: string;
  /** Present only when the message carries a complete, valid set of Canary-* trailers. */
  trailers?: CanaryTrailers;
}

/** The 7-hex abbreviation used in rollout ids and titles. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** `<service>-<7 hex of the candidate sha>`: constant over one rollout. */
export function rolloutId(service: string, candidateSha: string): string {
  return `${service}-${shortSha(candidateSha)}`;
}

/** Commit titles, one per phase, so the engine and the person commands word them alike. */
export const titles = {
  /** `checkout: canary 25% (step 2/3)` */
  progressing: (service: string, weight: number, step: number, total: number): string =>
    `${service}: canary ${weight}% (step ${step}/${total})`,
  /** `checkout: check failed at 10% (step 1/3)`: a failed judgment below threshold, no file changed. */
  judgmentFailed: (service: string, weight: number, step: number, total: number): string =>
    `${service}: check failed at ${weight}% (step ${step}/${total})`,
  /** `checkout: inconclusive at 10% (step 1/3)`: a judgment without a verdict (no data, too few requests), no file changed. */
  judgmentInconclusive: (service: string, weight: number, step: number, total: number): string =>
    `${service}: inconclusive at ${weight}% (step ${step}/${total})`,
  /** `checkout: metrics error at 10% (step 1/3)`: the metrics source could not judge, no file changed. */
  judgmentErrored: (service: string, weight: number, step: number, total: number): string =>
    `${service}: metrics error at ${weight}% (step ${step}/${total})`,
  /** `checkout: promoted 3f2a9c1` */
  promoted: (service: string, candidateSha: string): string => `${service}: promoted ${shortSha(candidateSha)}`,
  /** `checkout: rolled back 3f2a9c1` */
  rolledBack: (service: string, candidateSha: string): string => `${service}: rolled back ${shortSha(candidateSha)}`,
  /** `checkout: paused` */
  paused: (service: string): string => `${service}: paused`,
  /** `checkout: resumed` */
  resumed: (service: string): string => `${service}: resumed`,
};

/** The title of a commit carrying `t`, per its phase (see `titles`). */
export function titleFor(t: CanaryTrailers): string {
  switch (t.phase) {
    case 'progressing':
      if (t.judgment && t.step) {
        const title = { fail: titles.judgmentFailed, inconclusive: titles.judgmentInconclusive, error: titles.judgmentErrored }[t.judgment];
        return title(t.service, t.weight, t.step.index, t.step.total);
      }
      return t.step
        ? titles.progressing(t.service, t.weight, t.step.index, t.step.total)
        : `${t.service}: canary ${t.weight}%`;
    case 'promoted':
      return titles.promoted(t.service, t.candidate);
    case 'rolled-back':
      return titles.rolledBack(t.service, t.candidate);
    case 'paused':
      return titles.paused(t.service);
    case 'resumed':
      return titles.resumed(t.service);
  }
}

/** The reason `t` cannot be written or read as trailers, or undefined when it is valid. */
export function trailerProblem(t: CanaryTrailers): string | undefined {
  if (!isValue(t.service)) return `bad service ${JSON.stringify(t.service)}`;
  if (!isValue(t.rollout)) return `bad rollout id ${JSON.stringify(t.rollout)}`;
  if (!SHA.test(t.candidate)) return `candidate must be a full lowercase sha, got ${JSON.stringify(t.candidate)}`;
  if (!isPhase(t.phase)) return `unknown phase ${JSON.stringify(t.phase)}`;
  if (!Number.isInteger(t.weight) || t.weight < 0 || t.weight > 100) return `weight must be 0..100, got ${t.weight}`;
  const extra = recordProblem(t);
  if (extra) return extra;
  if (t.step) {
    const { index, total } = t.step;
    if (!Number.isInteger(index) || !Number.isInteger(total) || index < 1 || index > total) {
      return `bad step ${index}/${total}`;
    }
  } else if (t.phase === 'progressing') {
    return 'a progressing commit needs a step';
  }
  return undefined;
}

/**
 * The full commit message: title, blank line, body (when not blank), blank line,
 * trailers in the fixed order; ends with one `\n`. `title` defaults to `titleFor(trailers)`.
 * Throws RangeError on trailers `parseCommitMessage` would not read back (a bug in the caller).
 */
export function formatCommitMessage(input: { title?: string; body?: string; trailers: CanaryTrailers }): string {
  const t = input.trailers;
  const problem = trailerProblem(t);
  if (problem) throw new RangeError(`git-canary trailers: ${problem}`);
  const title = input.title ?? titleFor(t);
  if (title.trim() === '' || /[\r\n]/.test(title)) throw new RangeError('git-canary commit title must be one non-empty line');
  const lines = [
    `Canary-Service: ${t.service}`,
    `Canary-Rollout: ${t.rollout}`,
    `Canary-Candidate: ${t.candidate}`,
    `Canary-Phase: ${t.phase}`,
    ...(t.step ? [`Canary-Step: ${t.step.index}/${t.step.total}`] : []),
    `Canary-Weight: ${t.weight}`,
    ...recordLines(t),
  ];
  // The body is several lines by design; within a line, a user value's control characters are escaped.
  const body = trimBlankLines((input.body ?? '').replace(/\r\n/g, '\n').split('\n').map(printable)).join('\n');
  return [title, ...(body ? [body] : []), lines.join('\n')].join('\n\n') + '\n';
}

const parsedMemo = new WeakMap<object, ParsedMessage>();

/** Freeze `value` and every plain object and array in it (dates stay as they are). */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !(value instanceof Date) && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/**
 * parseCommitMessage of a commit read from git, parsed once: the object store
 * hands every walk the same commit objects, so the services of one tick that
 * walk the same history parse each message once between them. The result is
 * frozen (shared): copy it to change it.
 */
export function parsedCommit(commit: { readonly message: string }): ParsedMessage {
  let parsed = parsedMemo.get(commit);
  if (!parsed) {
    const fresh = parseCommitMessage(commit.message);
    parsed = deepFreeze(fresh);
    parsedMemo.set(commit, parsed);
  }
  return parsed;
}

/** Split a commit message into title, body and (when valid and complete) the Canary-* trailers. Never throws. */
export function parseCommitMessage(message: string): ParsedMessage {
  const lines = trimBlankLines(message.replace(/\r\n?/g, '\n').split('\n'));
  const title = (lines[0] ?? '').trimEnd();
  const rest = lines.slice(1);
  // The last paragraph starts after the last blank line; the title's paragraph never holds trailers.
  let lastBlank = -1;
  for (let i = rest.length - 1; i >= 0; i--) {
    if (isBlank(rest[i]!)) {
      lastBlank = i;
      break;
    }
  }
  const block = lastBlank >= 0 ? readTrailerBlock(rest.slice(lastBlank + 1)) : undefined;
  const bodyLines = block ? rest.slice(0, lastBlank) : rest;
  const body = trimBlankLines(bodyLines).join('\n');
  const trailers = block ? canaryTrailers(block) : undefined;
  return trailers ? { title, body, trailers } : { title, body };
}

const SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const TRAILER = /^([A-Za-z0-9][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/;

function isValue(s: unknown): s is string {
  return typeof s === 'string' && s.trim() === s && s !== '' && !/[\u0000-\u001f\u007f]/.test(s);
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start]!)) start++;
  while (end > start && isBlank(lines[end - 1]!)) end--;
  return lines.slice(start, end);
}

/** `[key lowercased, value]` pairs, or undefined when the paragraph is not entirely trailers. */
function readTrailerBlock(paragraph: string[]): [string, string][] | undefined {
  const out: [string, string][] = [];
  for (const line of paragraph) {
    const m = TRAILER.exec(line);
    if (m) {
      out.push([m[1]!.toLowerCase(), m[2]!.trim()]);
    } else if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1]!;
      last[1] = `${last[1]} ${line.trim()}`.trim();
    } else {
      return undefined;
    }
  }
  return out.length > 0 ? out : undefined;
}

function canaryTrailers(block: [string, string][]): CanaryTrailers | undefined {
  const canary = new Map<string, string>();
  for (const [key, value] of block) {
    if (!key.startsWith('canary-')) continue;
    if (canary.has(key)) return undefined; // ambiguous: not a message we wrote
    canary.set(key, value);
  }
  const service = canary.get('canary-service');
  const rollout = canary.get('canary-rollout');
  const candidate = canary.get('canary-candidate')?.toLowerCase();
  const phase = canary.get('canary-phase')?.toLowerCase();
  const weightText = canary.get('canary-weight');
  const stepText = canary.get('canary-step');
  if (service === undefined || rollout === undefined || candidate === undefined) return undefined;
  if (!isPhase(phase) || weightText === undefined || !/^\d{1,3}$/.test(weightText)) return undefined;
  let step: CanaryTrailers['step'];
  if (stepText !== undefined) {
    const m = STEP.exec(stepText);
    if (!m) return undefined;
    step = { index: Number(m[1]), total: Number(m[2]) };
  }
  const record = readRecord(canary);
  if (!record) return undefined;
  const t: CanaryTrailers = {
    service,
    rollout,
    candidate,
    phase,
    ...(step ? { step } : {}),
    weight: Number(weightText),
    ...record,
  };
  return trailerProblem(t) === undefined ? t : undefined;
}

const STEP = /^(\d{1,6})\s*\/\s*(\d{1,6})$/;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/;
const DIGEST = /^[0-9a-f]{64}$/;
const REPLICAS = /^[A-Za-z][A-Za-z0-9]*\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?=\d{1,6}$/;
/** `<check>=<number>`: a check name (config: letters, digits, `.`, `_`, `-`) and a finite number as JavaScript prints it. */
const REFERENCE = /^([A-Za-z0-9][A-Za-z0-9._-]*)=([-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?)$/i;
const COUNT = /^\d{1,6}$/;

/** The record trailers (all optional) in their fixed order. */
function recordLines(t: CanaryTrailers): string[] {
  const lines: string[] = [];
  if (t.base) lines.push(`Canary-Base: ${t.base}`);
  if (t.release) lines.push(`Canary-Release: ${t.release}`);
  if (t.stepSince) lines.push(`Canary-Step-Since: ${t.stepSince.toISOString()}`);
  if (t.failedChecks !== undefined) lines.push(`Canary-Failed-Checks: ${t.failedChecks}`);
  if (t.judgment) lines.push(`Canary-Judgment: ${t.judgment}`);
  if (t.inconclusive) lines.push(`Canary-Inconclusive: ${t.inconclusive}`);
  if (t.errors) lines.push(`Canary-Errors: ${t.errors}`);
  if (t.started) lines.push(`Canary-Started: ${t.started.toISOString()}`);
  if (t.references && Object.keys(t.references).length > 0) {
    lines.push(`Canary-Reference: ${Object.entries(t.references).map(([name, v]) => `${name}=${v}`).join(', ')}`);
  }
  if (t.rolloutStep) lines.push(`Canary-Rollout-Step: ${t.rolloutStep.index}/${t.rolloutStep.total}`);
  if (t.idleReplicas && Object.keys(t.idleReplicas).length > 0) {
    lines.push(`Canary-Idle-Replicas: ${Object.entries(t.idleReplicas).map(([doc, n]) => `${doc}=${n}`).join(', ')}`);
  }
  if (t.actor) lines.push(`Canary-Actor: ${t.actor}`);
  if (t.reason) lines.push(`Canary-Reason: ${t.reason}`);
  if (t.pullRequest !== undefined) lines.push(`Canary-Pull-Request: ${t.pullRequest}`);
  return lines;
}

function recordProblem(t: CanaryTrailers): string | undefined {
  if (t.base !== undefined && !SHA.test(t.base)) return `base must be a full lowercase sha, got ${JSON.stringify(t.base)}`;
  if (t.release !== undefined && !DIGEST.test(t.release)) return `release must be a sha256 hex digest, got ${JSON.stringify(t.release)}`;
  if (t.stepSince !== undefined && Number.isNaN(t.stepSince.getTime())) return 'stepSince is not a date';
  if (t.failedChecks !== undefined && (!Number.isInteger(t.failedChecks) || t.failedChecks < 0)) return `bad failed-check count ${t.failedChecks}`;
  if (t.judgment !== undefined && !isJudgmentRecord(t.judgment)) return `unknown judgment ${JSON.stringify(t.judgment)}`;
  for (const [k, n] of [['inconclusive', t.inconclusive], ['error', t.errors]] as const) {
    if (n !== undefined && (!Number.isInteger(n) || n < 0 || n > 999_999)) return `bad ${k} count ${n}`;
  }
  if (t.started !== undefined && Number.isNaN(t.started.getTime())) return 'started is not a date';
  for (const [name, v] of Object.entries(t.references ?? {})) {
    if (!Number.isFinite(v) || !REFERENCE.test(`${name}=${v}`)) return `bad reference ${name}=${v}`;
  }
  if (t.rolloutStep && (t.rolloutStep.index < 1 || t.rolloutStep.index > t.rolloutStep.total)) return 'bad rollout step';
  for (const [doc, n] of Object.entries(t.idleReplicas ?? {})) if (!REPLICAS.test(`${doc}=${n}`)) return `bad idle replicas ${doc}=${n}`;
  if (t.actor !== undefined && !isValue(t.actor)) return `bad actor ${JSON.stringify(t.actor)}`;
  if (t.reason !== undefined && !isValue(t.reason)) return 'a reason must be one line of text';
  if (t.pullRequest !== undefined && (!Number.isInteger(t.pullRequest) || t.pullRequest < 1)) return `bad pull request number ${t.pullRequest}`;
  return undefined;
}

/** The optional record trailers, or undefined when one of them is malformed (then the message is not ours). */
function readRecord(canary: Map<string, string>): Partial<CanaryTrailers> | undefined {
  const out: Partial<CanaryTrailers> = {};
  const get = (k: string) => canary.get(`canary-${k}`);
  const base = get('base');
  if (base !== undefined) out.base = base.toLowerCase();
  const release = get('release');
  if (release !== undefined) out.release = release.toLowerCase();
  for (const [key, field] of [['step-since', 'stepSince'], ['started', 'started']] as const) {
    const at = get(key);
    if (at === undefined) continue;
    if (!ISO.test(at)) return undefined;
    out[field] = new Date(at);
  }
  for (const [key, field] of [['failed-checks', 'failedChecks'], ['inconclusive', 'inconclusive'], ['errors', 'errors']] as const) {
    const n = get(key);
    if (n === undefined) continue;
    if (!COUNT.test(n)) return undefined;
    out[field] = Number(n);
  }
  const judgment = get('judgment')?.toLowerCase();
  if (judgment !== undefined) {
    if (!isJudgmentRecord(judgment)) return undefined;
    out.judgment = judgment;
  }
  const references = get('reference');
  if (references !== undefined) {
    const map: Record<string, number> = {};
    for (const part of references.split(',').map((p) => p.trim())) {
      const m = REFERENCE.exec(part);
      if (!m || !Number.isFinite(Number(m[2]))) return undefined;
      map[m[1]!] = Number(m[2]);
    }
    out.references = map;
  }
  const rolloutStep = get('rollout-step');
  if (rolloutStep !== undefined) {
    const m = STEP.exec(rolloutStep);
    if (!m) return undefined;
    out.rolloutStep = { index: Number(m[1]), total: Number(m[2]) };
  }
  const idle = get('idle-replicas');
  if (idle !== undefined) {
    const map: Record<string, number> = {};
    for (const part of idle.split(',').map((p) => p.trim())) {
      if (!REPLICAS.test(part)) return undefined;
      const eq = part.lastIndexOf('=');
      map[part.slice(0, eq)] = Number(part.slice(eq + 1));
    }
    out.idleReplicas = map;
  }
  const actor = get('actor');
  if (actor !== undefined) out.actor = actor;
  const reason = get('reason');
  if (reason !== undefined) out.reason = reason;
  const pullRequest = get('pull-request');
  if (pullRequest !== undefined) {
    if (!/^[1-9]\d{0,9}$/.test(pullRequest)) return undefined;
    out.pullRequest = Number(pullRequest);
  }
  return out;
}
