/**
 * `git-canary log --json` over the long history of repos/log.ts. Each run
 * checks that every rollout of the fixture is listed, with the outcome it was
 * built with.
 *
 * - local path: baseline git log --format=%(trailers) production in a clone
 *   (the bare copy itself: a local clone would read the same objects);
 * - HTTP, warm cache (left by one untimed `log` over HTTP): baseline git fetch
 *   in an existing full clone + the same git log.
 */
import { join } from 'node:path';
import { type BenchContext, copy } from '../context.ts';
import { type LogSpec, logNow, logRolloutIds } from '../repos/log.ts';
import type { Row, Target } from '../measure.ts';
import { cliJson, gitAsync } from '../proc.ts';

const NAME = 'log';

interface LogJson {
  rollouts: { rollout: string; outcome: string }[];
}

function checkRollouts(label: string, json: LogJson, spec: LogSpec): void {
  const want = logRolloutIds(spec);
  const got = new Map(json.rollouts.map((r) => [r.rollout, r.outcome]));
  const missing = want.filter((id) => !got.has(id));
  // Every tenth rollout was built to roll back (repos/log.ts).
  const wrong = want.filter((id, k) => got.has(id) && got.get(id) !== (k % 10 === 9 ? 'rolled-back' : 'promoted'));
  if (json.rollouts.length !== want.length || missing.length > 0 || wrong.length > 0) {
    throw new Error(`${label}: ${json.rollouts.length} rollouts listed, expected ${want.length}; missing ${missing.slice(0, 5).join(', ') || 'none'}; wrong outcome ${wrong.slice(0, 5).join(', ') || 'none'}`);
  }
}

/** git log of production's trailers; returns ms, checks it printed records. */
async function nativeLog(repo: string): Promise<number> {
  const p = await gitAsync(repo, ['log', '--format=%(trailers)', 'production']);
  if (!p.stdout.includes('Canary-Rollout:')) throw new Error(`${repo}: git log printed no Canary trailers`);
  return p.ms;
}

export interface WarmLog {
  cache: string;
  clone: string;
}

/** Serve the fixture (read-only: served once), fill a cache with one `log`, and make a native full clone. */
export async function warmLog(ctx: BenchContext, repo: string, spec: LogSpec): Promise<WarmLog> {
  ctx.serve(NAME, repo);
  const cache = ctx.keep(`${NAME}-cache`);
  const t = await cliJson<LogJson>(['--repo', ctx.url(NAME), '--cache-dir', cache, 'log', '--json'], { now: logNow(spec), scratch: join(ctx.work, `warm-${NAME}`) });
  checkRollouts('log: warm-up', t.json, spec);
  const clone = ctx.keep(`${NAME}-clone`);
  await gitAsync(ctx.work, ['clone', '--quiet', '--bare', '--single-branch', '--branch', 'production', ctx.url(NAME), clone]);
  return { cache, clone };
}

export function logRow(ctx: BenchContext, section: string, name: string, repo: string, spec: LogSpec, transport: 'local' | 'warm', warm: () => WarmLog, target: Target): Row {
  const label = `${section} / ${name}`;
  return {
    section,
    name,
    target,
    async ours() {
      const scratch = ctx.scratch();
      const args =
        transport === 'local'
          ? ['--repo', copy(repo, join(scratch, 'repo.git'))]
          : ['--repo', ctx.url(NAME), '--cache-dir', copy(warm().cache, join(scratch, 'cache'))];
      const t = await cliJson<LogJson>([...args, 'log', '--json'], { now: logNow(spec), scratch: join(scratch, 'ours') });
      checkRollouts(label, t.json, spec);
      return { ms: t.ms, rssKb: t.rssKb };
    },
    async native() {
      const scratch = ctx.scratch();
      if (transport === 'local') return nativeLog(copy(repo, join(scratch, 'repo.git')));
      const clone = copy(warm().clone, join(scratch, 'clone.git'));
      const fetch = await gitAsync(clone, ['fetch', '--quiet', 'origin', 'production:production']);
      return fetch.ms + (await nativeLog(clone));
    },
  };
}
