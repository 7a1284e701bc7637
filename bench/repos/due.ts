/**
 * The repository of a due tick: one service (checkout) in git-canary.yaml,
 * `files` files in all (the rest spread over apps/app-NNN/{base,overlays/...}),
 * `below` commits of a person's before the rollout, the rollout started at T0
 * by the real CLI (so the record is exactly what git-canary writes), then
 * `after` commits of a person's within the next 50 s. A tick at T0+2m is due
 * (interval 1m) and commits step 2/3 (25%); one at T0+55s is not due.
 */
import { cpSync } from 'node:fs';
import { buildHistory, type HistoryCommit } from '../../test/helpers/fast-import.ts';
import { commitFiles, FIXTURE_DATE, git } from '../../test/helpers/git-fixtures.ts';
import { deployment, T0 } from '../../test/helpers/scenario.ts';
import { cliJson } from '../proc.ts';
import { appFilePaths, appFiles, configMap, configYaml, image, PERSON, releaseFile, serviceFiles } from './manifests.ts';

export interface DueSpec {
  /** Files on production, git-canary.yaml included. */
  files: number;
  /** A person's commits before the rollout started. */
  below: number;
  /** A person's commits between the record and the tip. */
  after: number;
}

export const SERVICE = 'checkout';
export const T0S = Math.floor(T0.getTime() / 1000);
export const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000).toISOString();
/** The timed due tick: step 2/3 is due (interval 1m). */
export const DUE_AT = at(120);
/** The warm-up and no-op tick: step 1 is 55 s old, not due. */
export const NOT_DUE_AT = at(55);

/** Files per application directory. */
const PER_APP = 20;

/** Production's first tree: config, checkout, and filler applications up to `files` files. */
function initialTree(files: number): { tree: Record<string, string>; filler: string[] } {
  const tree: Record<string, string> = { 'git-canary.yaml': configYaml([SERVICE]), ...serviceFiles(SERVICE) };
  const filler: string[] = [];
  for (let app = 0, left = files - Object.keys(tree).length; left > 0; app++, left -= PER_APP) {
    const name = `app-${String(app).padStart(3, '0')}`;
    Object.assign(tree, appFiles(name, Math.min(PER_APP, left)));
    filler.push(...appFilePaths(name, Math.min(PER_APP, left)));
  }
  return { tree, filler };
}

/** A person's edits, one line of one file each, spread over the tree (the tree keeps its size). */
function* edits(paths: string[], n: number, first: number, date: (i: number) => number): Generator<HistoryCommit> {
  for (let i = 0; i < n; i++) {
    const path = paths[((first + i) * 7919) % paths.length]!;
    yield { files: { [path]: configMap(path, first + i + 1) }, message: `config: tune ${path}\n`, date: date(i), author: PERSON };
  }
}

/** The part every spec with the same `files` and `below` shares: up to and including the start record. */
export async function buildStarted(dir: string, spec: Omit<DueSpec, 'after'>, scratch: string): Promise<void> {
  const { tree, filler } = initialTree(spec.files);
  const below = spec.below > 0 ? [...edits(filler, spec.below, 0, (i) => FIXTURE_DATE + 60 + i * 30)] : [];
  await buildHistory({ dir, branch: 'production', commits: [{ files: tree, message: 'manifests: initial import\n', date: FIXTURE_DATE, author: PERSON }, ...below] });
  commitFiles(dir, 'candidate', { [releaseFile(SERVICE)]: deployment(SERVICE, image(SERVICE, '1.1.0'), 'stable') }, { from: 'production', message: 'checkout: release 1.1.0\n' });
  const started = await cliJson<TickJson>(['--repo', dir, 'tick', '--json'], { now: at(0), scratch: `${scratch}-start` });
  const s = started.json.services.find((x) => x.service === SERVICE);
  if (s?.decision !== 'start' || !s.commit) throw new Error(`fixture ${dir}: the first tick did not start ${SERVICE}: ${started.stdout}`);
}

/** `started` (from buildStarted) plus `after` commits of a person's. */
export async function buildDue(dir: string, started: string, spec: DueSpec): Promise<void> {
  cpSync(started, dir, { recursive: true });
  const record = git(dir, ['rev-parse', 'production']).trim();
  if (spec.after > 0) {
    const { filler } = initialTree(spec.files);
    await buildHistory({ dir, branch: 'production', commits: edits(filler, spec.after, spec.below, (i) => T0S + 1 + Math.floor((i * 49) / spec.after)) });
  }
  const between = Number(git(dir, ['rev-list', '--count', `${record}..production`]).trim());
  const files = Number(git(dir, ['ls-tree', '-r', '--name-only', 'production']).split('\n').filter(Boolean).length);
  if (between !== spec.after || files !== spec.files) throw new Error(`fixture ${dir}: ${between} commits after the record (want ${spec.after}), ${files} files (want ${spec.files})`);
  git(dir, ['gc', '--quiet']);
}

/** What `tick --json` prints, the fields the bench checks. */
export interface TickJson {
  services: { service: string; decision: string; commit: string | null }[];
}
