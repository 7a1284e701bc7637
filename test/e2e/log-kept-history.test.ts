/**
 * `log` keeps what it read of production's history in the cache
 * (src/runner/log-history.ts) and, the next time, walks only down to the tip
 * it kept. The promise: whatever happened in between (more commits, more
 * rollouts and reverts, a rewritten production, a damaged or foreign cache
 * file), the log is exactly the one a run without the cache prints. Real CLI,
 * real repositories, a bare path and over HTTP.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { jsonOf } from '../helpers/cli.ts';
import { buildHistory, fillerCommits, type HistoryCommit } from '../helpers/fast-import.ts';
import { commitsSince, openWorld, type Transport, type World } from './support.ts';
import { fleetFiles, fleetNames, fleetRelease, recordCopy } from './support-scale.ts';

const at = (minutes: number) => new Date(Date.UTC(2024, 0, 1) + minutes * 60_000);
const PERSON = { name: 'Ada Admin', email: 'ada@example.com' };

interface LogJson {
  rollouts: { rollout: string; outcome: string; revertedBy?: { commit: string } }[];
  history: { branch: string; tip: string; commits: number; complete: boolean };
}

/** Every `log-history-*.json` under `root`. */
function keptFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/^log-history-.+\.json$/.test(name)) out.push(p);
    }
  };
  walk(root);
  return out;
}

describe('log keeps the history it read', () => {
  for (const transport of ['bare', 'http'] as const satisfies readonly Transport[]) {
    test(`[${transport}] after more commits, reverts, a rewritten production and damaged or foreign cache files, the log is the one read without the cache`, async () => {
      const [name] = fleetNames(1) as [string];
      const w: World = await openWorld(transport, { production: fleetFiles([name], { steps: [50] }) });
      const home = mkdtempSync(join(tmpdir(), 'git-canary-kept-log-'));
      const cacheRoot = w.cacheDir ?? home;
      const env = { GIT_CANARY_CACHE: home };
      try {
        w.commit('candidate', fleetRelease([name]), { from: 'production' });
        await w.tick({ at: at(2), env });
        await w.tick({ at: at(4), env });
        const [start, promote] = commitsSince(w, w.sha('production~2'));
        const route = `apps/${name}/virtualservice.yaml`;
        const real = w.sha('candidate');
        const copy = (sha: string, k: number, date: number): HistoryCommit => recordCopy(w, sha, route, real, k, date);
        let date = at(24 * 60).getTime() / 1000;
        let k = 0;
        /** `n` more rollouts (start, promote) between people's commits; the promotions' shas. */
        const rollouts = async (n: number): Promise<string[]> => {
          const commits: HistoryCommit[] = [];
          for (let i = 0; i < n; i++, k++, date += 3600) {
            commits.push(...fillerCommits(3, { start: date, path: `docs/notes-${k % 4}.md` }));
            commits.push(copy(start!, k, date + 600));
            commits.push(copy(promote!, k, date + 1800));
          }
          const built = await buildHistory({ dir: w.dir, branch: 'production', commits });
          return built.shas.filter((_, i) => i % 5 === 4);
        };
        const revert = (sha: string): string => {
          date += 60;
          const message = `Revert "promote"\n\nThis reverts commit ${sha}.\n`;
          return w.commit('production', { [`docs/revert-${sha.slice(0, 7)}.md`]: 'reverted\n' }, { message, date });
        };
        const now = () => new Date((date + 3600) * 1000);
        const log = async (): Promise<LogJson> => {
          const r = await w.cli(['log', '--json'], { at: now(), env });
          assert.equal(r.code, 0, r.stderr);
          return jsonOf<LogJson>(r);
        };
        /** The log without a kept history: the reference every run is compared with. */
        const uncached = async (): Promise<LogJson> => {
          for (const f of keptFiles(cacheRoot)) rmSync(f);
          return log();
        };

        const early = await rollouts(30);
        revert(early[3]!);
        const first = await uncached();
        assert.equal(first.rollouts.length, 31);
        const [kept] = keptFiles(cacheRoot);
        assert.ok(kept, 'the history read is kept in the cache');
        const keptAtFirst = readFileSync(kept, 'utf8');
        assert.deepEqual(JSON.parse(keptAtFirst).tip, first.history.tip);
        assert.deepEqual(await log(), first, 'the same tip again: the same log, from the cache');

        // More history: rollouts, a revert of a promotion below the kept tip and one above it.
        const late = await rollouts(12);
        revert(early[7]!);
        revert(late[2]!);
        const grown = await log();
        const reference = await uncached();
        assert.deepEqual(grown, reference, 'walked down to the kept tip, the rest from the cache');
        assert.equal(reference.rollouts.length, 43);
        const reverted = reference.rollouts.filter((r) => r.revertedBy).map((r) => r.revertedBy!.commit);
        assert.equal(reverted.length, 3, 'reverts from above and below the kept tip');

        // It is the kept history that the walk stopped at: a count changed in it shows through.
        const planted = JSON.parse(keptAtFirst);
        planted.read += 1000;
        writeFileSync(kept, JSON.stringify(planted));
        assert.equal((await log()).history.commits, reference.history.commits + 1000, 'the walk stopped at the kept tip');
        // The same file for another author's records is not used.
        planted.author = PERSON;
        writeFileSync(kept, JSON.stringify(planted));
        assert.deepEqual(await log(), reference, 'a history kept for another author is not used');

        // A damaged file is no memo, and is written afresh.
        for (const damaged of ['{', '', '[]', JSON.stringify({ ...JSON.parse(keptAtFirst), version: 99 }), JSON.stringify({ ...JSON.parse(keptAtFirst), records: 'x' })]) {
          writeFileSync(kept, damaged);
          assert.deepEqual(await log(), reference, `damaged: ${damaged.slice(0, 20)}`);
          assert.equal(JSON.parse(readFileSync(kept, 'utf8')).tip, reference.history.tip, 'kept afresh');
        }

        // Production rewritten below the kept tip (a person's force-push): the kept tip is no longer in
        // its history, so all of it is read.
        await log();
        w.git('update-ref', 'refs/heads/production', `${early[20]!}~1`);
        await rollouts(2);
        assert.deepEqual(await log(), await uncached(), 'a rewritten history is read whole');
      } finally {
        await w.close();
        rmSync(home, { recursive: true, force: true });
      }
    });
  }
});
