/**
 * Fixtures are built once and kept between runs of `npm run bench`, under
 * BENCH_CACHE (default node_modules/.cache/git-canary-bench) in a folder named
 * by a hash of the generators' source text and of every fixture's
 * parameters: a changed generator or parameter gets a new folder (older ones
 * are removed), an unchanged one is reused as is. A fixture is built into a
 * temporary folder and renamed into place, so an interrupted build is never
 * mistaken for a finished one. Timed runs never touch these folders: they work
 * on copies.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every file whose text decides a fixture's bytes. */
const GENERATOR_SOURCES = [
  'bench/repos/cache.ts',
  'bench/repos/manifests.ts',
  'bench/repos/due.ts',
  'bench/repos/services.ts',
  'bench/repos/log.ts',
  'test/helpers/fast-import.ts',
  'test/helpers/git-fixtures.ts',
  'test/helpers/scenario.ts',
];

export interface FixtureCache {
  /** The folder of this generator version. */
  dir: string;
  /** Whether `name` was already built (by an earlier run). */
  has(name: string): boolean;
  /** The path of fixture `name`, built by `build(into)` when missing. */
  get(name: string, build: (into: string) => Promise<void>): Promise<string>;
}

export function openFixtureCache(parameters: unknown): FixtureCache {
  const root = resolve(process.env.BENCH_CACHE ?? join(ROOT, 'node_modules', '.cache', 'git-canary-bench'));
  const hash = createHash('sha256');
  for (const file of GENERATOR_SOURCES) hash.update(`${file}\0${readFileSync(join(ROOT, file), 'utf8')}\0`);
  hash.update(JSON.stringify(parameters));
  const version = hash.digest('hex').slice(0, 16);
  const dir = join(root, version);
  mkdirSync(dir, { recursive: true });
  // Other generator versions are dead weight (a 10,000-file repository is tens of MB).
  for (const entry of readdirSync(root)) if (entry !== version && /^[0-9a-f]{16}$/.test(entry)) rmSync(join(root, entry), { recursive: true, force: true });
  const path = (name: string) => join(dir, name);
  return {
    dir,
    has: (name) => existsSync(path(name)),
    async get(name, build) {
      const done = path(name);
      if (existsSync(done)) return done;
      const temp = `${done}.tmp-${process.pid}`;
      rmSync(temp, { recursive: true, force: true });
      try {
        await build(temp);
        renameSync(temp, done);
      } finally {
        rmSync(temp, { recursive: true, force: true });
      }
      return done;
    },
  };
}
