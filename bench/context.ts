/**
 * What every row shares: one temporary work folder, one HTTP server (`git
 * http-backend`) serving bare repositories by name, and fresh copies, so each
 * timed run starts from the same bytes. A served repository keeps its URL for
 * the whole bench: git-canary's cache folder is named by the URL, so a warm
 * cache made in set-up matches every later run.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GitHttpServer, start } from '../test/helpers/git-http-server.ts';

export interface BenchContext {
  /** Temporary folder removed at the end. */
  work: string;
  server: GitHttpServer;
  /** The URL of served repository `name`. */
  url(name: string): string;
  /** Serve a fresh copy of bare repository `from` as `name` (replacing what was served); returns its path. */
  serve(name: string, from: string): string;
  /** The served repository's folder (to check what a push did). */
  served(name: string): string;
  /** An empty folder for one run (the previous run's is removed). */
  scratch(): string;
  /** A folder kept for the whole bench (warm caches, prepared clones). */
  keep(name: string): string;
  close(): Promise<void>;
}

/** A copy of a folder (a bare repository, a cache, a clone). */
export function copy(from: string, to: string): string {
  rmSync(to, { recursive: true, force: true });
  cpSync(from, to, { recursive: true });
  return to;
}

export async function openContext(): Promise<BenchContext> {
  const work = mkdtempSync(join(tmpdir(), 'git-canary-bench-'));
  const srv = join(work, 'srv');
  mkdirSync(srv);
  const server = await start({ root: srv });
  const run = join(work, 'run');
  return {
    work,
    server,
    url: (name) => `${server.url}/${name}.git`,
    serve: (name, from) => copy(from, join(srv, `${name}.git`)),
    served: (name) => join(srv, `${name}.git`),
    scratch() {
      rmSync(run, { recursive: true, force: true });
      mkdirSync(run);
      return run;
    },
    keep(name) {
      const dir = join(work, 'keep', name);
      mkdirSync(join(work, 'keep'), { recursive: true });
      return dir;
    },
    async close() {
      await server.close();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
