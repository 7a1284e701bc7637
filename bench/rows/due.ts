/**
 * Due-tick rows: one `git-canary tick` that commits checkout's step 2/3, by
 * repository size and by history length, over HTTP with a cold cache (an
 * empty --cache-dir) and a warm one (the cache a tick at T0+55s left on the
 * same repository state, copied before each run), and over a local path.
 *
 * Baselines, what a person or a script does for the same commit:
 * - cold: git clone --depth 1 --single-branch --branch production <url>, edit
 *   the route file, commit, push;
 * - warm: the same as cold (issue 13's target: a warm tick costs at most half
 *   of what a fresh native clone, edit, commit and push cost: the cache is
 *   what makes the worker cheaper than cloning every time);
 * - local: git clone <path> (git hardlinks and ignores --depth on a plain
 *   path), edit, commit, push.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BenchContext, copy } from '../context.ts';
import { DUE_AT, NOT_DUE_AT, SERVICE, type TickJson } from '../repos/due.ts';
import { routeFile } from '../repos/manifests.ts';
import type { Row, Sample, Target } from '../measure.ts';
import { cliJson, gitAsync } from '../proc.ts';
import { expectNoCommit, expectRecords, tipOf } from '../verify.ts';

export type Transport = 'cold' | 'warm' | 'local';

/** A due fixture: its served name and its bare repository in the fixture cache. */
export interface DueFixture {
  name: string;
  repo: string;
}

/** What one due tick must add: git-canary's step 2/3 of checkout at 25%. */
const STEP_2 = { service: SERVICE, lines: ['Canary-Step: 2/3', 'Canary-Weight: 25', 'Canary-Phase: progressing'] };
const ROUTE = routeFile(SERVICE);

/** The tick's checkout line, checked against what production now holds. */
function checkDecision(label: string, json: TickJson, decision: string, commit: string | null) {
  const s = json.services.find((x) => x.service === SERVICE);
  if (s?.decision !== decision || s.commit !== commit) throw new Error(`${label}: checkout should be ${decision} ${commit ?? '(no commit)'}, the tick said ${JSON.stringify(s)}`);
}

/** A tick that must not have committed: no service reports a commit. */
export function expectNoCommitIn(label: string, json: TickJson): void {
  const committed = json.services.filter((s) => s.commit !== null);
  if (committed.length > 0 || json.services.length === 0) throw new Error(`${label}: nothing was due, the tick said ${JSON.stringify(committed.length ? committed : json)}`);
}

/** Warm state of one fixture, made once per bench in set-up (the server's URL is part of the cache's name). */
export interface WarmState {
  /** git-canary's --cache-dir after a not-due tick. */
  cache: string;
}

/** Serve `f` and tick it at T0+55s (not due) into a new cache. */
export async function warmUp(ctx: BenchContext, f: DueFixture): Promise<WarmState> {
  const served = ctx.serve(f.name, f.repo);
  const before = tipOf(served);
  const cache = ctx.keep(`${f.name}-cache`);
  const t = await cliJson<TickJson>(['--repo', ctx.url(f.name), '--cache-dir', cache, 'tick', '--json'], { now: NOT_DUE_AT, scratch: join(ctx.work, `warm-${f.name}`) });
  expectNoCommit(`${f.name}: warm-up tick at T0+55s`, served, before);
  expectNoCommitIn(`${f.name}: warm-up tick at T0+55s`, t.json);
  return { cache };
}

/** The native edit: checkout's route from 90/10 to 75/25, committed by a person. */
async function editAndCommit(clone: string): Promise<void> {
  const path = join(clone, ROUTE);
  const text = readFileSync(path, 'utf8');
  const next = text.replace(/weight: 90\b/, 'weight: 75').replace(/weight: 10\b/, 'weight: 25');
  if (next === text) throw new Error(`${path}: no 90/10 weights to edit`);
  writeFileSync(path, next);
  await gitAsync(clone, ['commit', '--quiet', '-am', 'checkout: canary 25% (step 2/3)']);
}

/** The row of a due tick on fixture `f` over `transport`. */
export function dueRow(ctx: BenchContext, section: string, name: string, f: DueFixture, transport: Transport, warm: () => WarmState, target?: Target): Row {
  const label = `${section} / ${name}`;
  const ours = async (): Promise<Sample> => {
    const scratch = ctx.scratch();
    let repo: string;
    let spec: string;
    const extra: string[] = [];
    if (transport === 'local') {
      repo = copy(f.repo, join(scratch, 'repo.git'));
      spec = repo;
    } else {
      repo = ctx.serve(f.name, f.repo);
      spec = ctx.url(f.name);
      const cache = join(scratch, 'cache');
      if (transport === 'warm') copy(warm().cache, cache);
      else mkdirSync(cache);
      extra.push('--cache-dir', cache);
    }
    const before = tipOf(repo);
    const t = await cliJson<TickJson>(['--repo', spec, ...extra, 'tick', '--json'], { now: DUE_AT, scratch: join(scratch, 'ours') });
    const [commit] = expectRecords(label, repo, before, [STEP_2]);
    checkDecision(label, t.json, 'step', commit!.sha);
    return { ms: t.ms, rssKb: t.rssKb };
  };
  const native = async (): Promise<number> => {
    const scratch = ctx.scratch();
    const clone = join(scratch, 'clone');
    let source: string;
    let repo: string;
    if (transport === 'local') {
      repo = copy(f.repo, join(scratch, 'repo.git'));
      source = repo;
    } else {
      repo = ctx.serve(f.name, f.repo);
      source = ctx.url(f.name);
    }
    const before = tipOf(repo);
    const t = performance.now();
    await gitAsync(scratch, ['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', 'production', source, clone]);
    await editAndCommit(clone);
    await gitAsync(clone, ['push', '--quiet']);
    const ms = performance.now() - t;
    if (tipOf(repo) === before) throw new Error(`${label}: the native push did not move production`);
    return ms;
  };
  return { section, name, ours, native, ...(target ? { target } : {}) };
}

/** The no-op row on fixture `f`: a warm tick at T0+55s, nothing due. Baseline: git ls-remote of both branches. */
export function notDueRow(ctx: BenchContext, section: string, name: string, f: DueFixture, warm: () => WarmState, target: Target): Row {
  const label = `${section} / ${name}`;
  return {
    section,
    name,
    target,
    weight: 2,
    async ours() {
      const scratch = ctx.scratch();
      const repo = ctx.serve(f.name, f.repo);
      const cache = copy(warm().cache, join(scratch, 'cache'));
      const before = tipOf(repo);
      const t = await cliJson<TickJson>(['--repo', ctx.url(f.name), '--cache-dir', cache, 'tick', '--json'], { now: NOT_DUE_AT, scratch: join(scratch, 'ours') });
      expectNoCommit(label, repo, before);
      expectNoCommitIn(label, t.json);
      return { ms: t.ms, rssKb: t.rssKb };
    },
    native: () => {
      ctx.serve(f.name, f.repo);
      return lsRemote(ctx, f.name);
    },
  };
}

/** `git ls-remote <url> production candidate`: the least a worker must ask the server. */
export async function lsRemote(ctx: BenchContext, name: string): Promise<number> {
  const p = await gitAsync(ctx.work, ['ls-remote', ctx.url(name), 'refs/heads/production', 'refs/heads/candidate']);
  if (p.stdout.trim().split('\n').length !== 2) throw new Error(`ls-remote ${name}: expected two refs, got ${p.stdout}`);
  return p.ms;
}
