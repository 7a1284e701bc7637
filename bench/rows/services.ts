/**
 * Rows on one repository with many services (repos/services.ts), warm
 * cache over HTTP: the cache is what a tick left while every service was idle
 * (candidate == production); then app CI pushed new images of some to
 * candidate, and the timed tick starts exactly those rollouts.
 *
 * - n due: baseline one git clone --depth 1 + n x (edit the canary's image and
 *   the route's weights, commit) + one push: the same commits by hand;
 * - none due (all idle): baseline git ls-remote of production and candidate.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { T0 } from '../../test/helpers/scenario.ts';
import { type BenchContext, copy } from '../context.ts';
import type { TickJson } from '../repos/due.ts';
import { canaryFile, image, routeFile } from '../repos/manifests.ts';
import type { Row, Target } from '../measure.ts';
import { cliJson, gitAsync } from '../proc.ts';
import { expectNoCommit, expectRecords, tipOf } from '../verify.ts';
import { expectNoCommitIn, lsRemote } from './due.ts';

const NAME = 'services';
const NOW = T0.toISOString();

/** The warm cache: a tick over HTTP while every service was idle. */
export async function warmServices(ctx: BenchContext, idle: string): Promise<string> {
  const served = ctx.serve(NAME, idle);
  const before = tipOf(served);
  const cache = ctx.keep(`${NAME}-cache`);
  const t = await cliJson<TickJson>(['--repo', ctx.url(NAME), '--cache-dir', cache, 'tick', '--json'], { now: NOW, scratch: join(ctx.work, `warm-${NAME}`) });
  expectNoCommit('services: warm-up tick', served, before);
  expectNoCommitIn('services: warm-up tick', t.json);
  return cache;
}

async function tickWarm(ctx: BenchContext, repo: string, cache: string) {
  const scratch = ctx.scratch();
  const served = ctx.serve(NAME, repo);
  const before = tipOf(served);
  const t = await cliJson<TickJson>(['--repo', ctx.url(NAME), '--cache-dir', copy(cache, join(scratch, 'cache')), 'tick', '--json'], { now: NOW, scratch: join(scratch, 'ours') });
  return { t, served, before };
}

/** `due` services got a new image: the tick starts each (one commit each, step 1/3 at 10%). */
export function dueServicesRow(ctx: BenchContext, section: string, name: string, repo: string, due: string[], cache: () => string, target?: Target): Row {
  const label = `${section} / ${name}`;
  return {
    section,
    name,
    ...(target ? { target } : {}),
    async ours() {
      const { t, served, before } = await tickWarm(ctx, repo, cache());
      const commits = expectRecords(label, served, before, due.map((service) => ({ service, lines: ['Canary-Step: 1/3', 'Canary-Weight: 10'] })));
      const started = t.json.services.filter((s) => s.decision === 'start').map((s) => s.commit);
      if (started.length !== due.length || commits.some((c) => !started.includes(c.sha))) throw new Error(`${label}: the tick's starts ${JSON.stringify(started)} are not the new commits`);
      return { ms: t.ms, rssKb: t.rssKb };
    },
    async native() {
      const scratch = ctx.scratch();
      const served = ctx.serve(NAME, repo);
      const before = tipOf(served);
      const clone = join(scratch, 'clone');
      const t = performance.now();
      await gitAsync(scratch, ['clone', '--quiet', '--depth', '1', '--single-branch', '--branch', 'production', ctx.url(NAME), clone]);
      for (const s of due) {
        const canary = join(clone, canaryFile(s));
        writeFileSync(canary, readFileSync(canary, 'utf8').replace(image(s, '1.0.0'), image(s, '1.1.0')));
        const route = join(clone, routeFile(s));
        writeFileSync(route, readFileSync(route, 'utf8').replace(/weight: 100\b/, 'weight: 90').replace(/weight: 0\b/, 'weight: 10'));
        await gitAsync(clone, ['commit', '--quiet', '-am', `${s}: canary 10% (step 1/3)`]);
      }
      await gitAsync(clone, ['push', '--quiet']);
      const ms = performance.now() - t;
      const pushed = Number((await gitAsync(served, ['rev-list', '--count', `${before}..production`])).stdout.trim());
      if (pushed !== due.length) throw new Error(`${label}: the native push added ${pushed} commits, expected ${due.length}`);
      return ms;
    },
  };
}

/** Every service idle, nothing due: a no-op tick. */
export function idleServicesRow(ctx: BenchContext, section: string, name: string, idle: string, cache: () => string, target: Target): Row {
  const label = `${section} / ${name}`;
  return {
    section,
    name,
    target,
    async ours() {
      const { t, served, before } = await tickWarm(ctx, idle, cache());
      expectNoCommit(label, served, before);
      expectNoCommitIn(label, t.json);
      return { ms: t.ms, rssKb: t.rssKb };
    },
    native: () => {
      ctx.serve(NAME, idle);
      return lsRemote(ctx, NAME);
    },
  };
}
