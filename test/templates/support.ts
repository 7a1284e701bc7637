/**
 * Shared by the install tests: the container spec of a rendered CronJob, and
 * running exactly that command line (its args and plain env) through the real
 * CLI against a real repository, so a flag or variable the CLI does not take
 * fails here rather than in someone's cluster.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type CliResult, runCli } from '../helpers/cli.ts';
import { createRepo, type Fixture, tempDir } from '../helpers/git-fixtures.ts';
import { productionFiles, release, T0 } from '../helpers/scenario.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
  resources?: Record<string, unknown>;
}
export interface PodSpec {
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: { name: string; emptyDir?: Record<string, unknown> }[];
  [key: string]: unknown;
}
export interface CronJobObject {
  kind: 'CronJob';
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: {
    schedule: string;
    concurrencyPolicy?: string;
    startingDeadlineSeconds?: number;
    timeZone?: string;
    successfulJobsHistoryLimit?: number;
    failedJobsHistoryLimit?: number;
    jobTemplate: { spec: { activeDeadlineSeconds?: number; backoffLimit?: number; template: { metadata?: Record<string, unknown>; spec: PodSpec } } };
  };
}

/** The one object of `kind` among `objects` (fails unless exactly one). */
export function only<T = Record<string, unknown>>(objects: readonly Record<string, unknown>[], kind: string): T {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `expected one ${kind}, got ${found.length}`);
  return found[0] as T;
}

/** The value after `flag` in `args`. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

/** Seconds in a git-canary duration like `4m` or `1m30s`. */
export function durationSeconds(d: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  assert.ok(m && d !== '', `not a duration: ${d}`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The period in seconds of a `*\/N * * * *` schedule (the only form the install files use). */
export function schedulePeriodSeconds(schedule: string): number {
  const m = /^\*\/(\d+) \* \* \* \*$/.exec(schedule);
  assert.ok(m, `schedule ${schedule} is not every N minutes`);
  return Number(m[1]) * 60;
}

export interface ContainerTick {
  result: CliResult;
  repo: Fixture;
  productionBefore: string;
  cleanup(): Promise<void>;
}

/**
 * Run the container's command line as the pod would, on a real repository
 * whose candidate has a new checkout release: `--repo` becomes the local
 * repository and `--cache-dir` a temp dir; env values are kept (HOME moved to
 * a temp dir), secret references get `secrets[key]`. The clock is pinned.
 */
export async function runContainerTick(container: Container, secrets: Record<string, string> = {}): Promise<ContainerTick> {
  assert.deepEqual(container.command, ['git-canary'], 'the container runs the git-canary command');
  const files = productionFiles({ analysis: false });
  const repo = await createRepo({
    production: files,
    candidate: { ...files, ...release('checkout', 'registry.example.com/checkout:2.0.0') },
  });
  const scratch = tempDir('git-canary-pod-');
  const args = [...(container.args ?? [])];
  const repoAt = args.indexOf('--repo');
  const cacheAt = args.indexOf('--cache-dir');
  assert.ok(repoAt >= 0 && cacheAt >= 0, 'the command line names --repo and --cache-dir');
  args[repoAt + 1] = repo.dir;
  args[cacheAt + 1] = join(scratch.path, 'cache');
  const env: Record<string, string> = { GIT_CANARY_NOW: T0.toISOString() };
  for (const e of container.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.name === 'HOME' ? scratch.path : e.value;
    const ref = e.valueFrom?.secretKeyRef;
    if (ref && secrets[ref.key] !== undefined) env[e.name] = secrets[ref.key]!;
  }
  const productionBefore = repo.git('rev-parse', 'production').trim();
  const result = await runCli(args, { env });
  return {
    result,
    repo,
    productionBefore,
    cleanup: async () => {
      await repo.cleanup();
      await scratch.cleanup();
    },
  };
}
