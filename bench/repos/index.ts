/**
 * Every fixture the bench uses, by its parameters, built once through the
 * fixture cache (cache.ts) and then reused by every later run.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openFixtureCache } from './cache.ts';
import { buildDue, buildStarted, type DueSpec } from './due.ts';
import { buildLogRepo, type LogSpec } from './log.ts';
import { buildDueServices, buildIdleServices, dueServices } from './services.ts';

/** Everything that sizes a fixture. Part of the cache key. */
export const PARAMETERS = {
  /** Files in the repository, for the rows by size (10 commits after the record). */
  files: [100, 1000, 10_000],
  /** Commits after the record, for the rows by history length (1,000 files). */
  history: [1000, 10_000],
  historyFiles: 1000,
  /** Commits after the record in every row not about history length. */
  recent: 10,
  /** Record recent, long history below. */
  deepBelow: 10_000,
  services: { count: 200, due: [10, 1] },
  log: { commits: 10_000, rollouts: 1000, services: 20 } satisfies LogSpec,
} as const;

export const dueName = (s: DueSpec) => `due-f${s.files}-b${s.below}-a${s.after}`;

/** The due-tick specs: by size, by history length, and the long history below a recent record. */
export function dueSpecs(): DueSpec[] {
  const p = PARAMETERS;
  return [
    ...p.files.map((files) => ({ files, below: 0, after: p.recent })),
    ...p.history.map((after) => ({ files: p.historyFiles, below: 0, after })),
    { files: p.historyFiles, below: p.deepBelow, after: p.recent },
  ];
}

export interface Fixtures {
  /** Folder of the fixture cache. */
  dir: string;
  /** Bare repositories by dueName. */
  due: Map<string, string>;
  servicesIdle: string;
  /** Bare repositories by number of due services. */
  servicesDue: Map<number, string>;
  log: string;
  /** Names built by this run (the rest came from the cache). */
  built: string[];
}

/** Run `jobs` at most `limit` at a time (fixture builds are CPU-bound: one per core). */
async function pool(jobs: (() => Promise<void>)[], limit: number): Promise<void> {
  const queue = [...jobs];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let job = queue.shift(); job; job = queue.shift()) await job();
  }));
}

/** `scratch`: a folder for the CLI's /usr/bin/time reports while building. */
export async function loadFixtures(scratch: string, parallel = 2): Promise<Fixtures> {
  const cache = openFixtureCache(PARAMETERS);
  mkdirSync(scratch, { recursive: true });
  const built: string[] = [];
  const get = async (name: string, build: (into: string) => Promise<void>) => {
    if (!cache.has(name)) built.push(name);
    return cache.get(name, build);
  };
  const due = new Map<string, string>();
  const specs = dueSpecs();
  // One start per (files, below): the specs differing only in `after` share it.
  const starts = new Map<string, DueSpec[]>();
  for (const s of specs) {
    const key = `started-f${s.files}-b${s.below}`;
    starts.set(key, [...(starts.get(key) ?? []), s]);
  }
  const f: Partial<Fixtures> = {};
  const { count, due: dueCounts } = PARAMETERS.services;
  const jobs: (() => Promise<void>)[] = [
    ...[...starts].map(([key, group]) => async () => {
      const missing = group.filter((s) => !cache.has(dueName(s)));
      if (missing.length === 0) {
        for (const s of group) due.set(dueName(s), await cache.get(dueName(s), async () => {}));
        return;
      }
      const started = await get(key, (into) => buildStarted(into, group[0]!, join(scratch, key)));
      for (const s of group) due.set(dueName(s), await get(dueName(s), (into) => buildDue(into, started, s)));
    }),
    async () => {
      f.servicesIdle = await get(`services-${count}-idle`, (into) => buildIdleServices(into, count));
      f.servicesDue = new Map();
      for (const n of dueCounts) {
        f.servicesDue.set(n, await get(`services-${count}-due${n}`, (into) => buildDueServices(into, f.servicesIdle!, dueServices(count, n))));
      }
    },
    async () => {
      f.log = await get('log', (into) => buildLogRepo(into, PARAMETERS.log));
    },
  ];
  await pool(jobs, parallel);
  return { dir: cache.dir, due, servicesIdle: f.servicesIdle!, servicesDue: f.servicesDue!, log: f.log!, built };
}
