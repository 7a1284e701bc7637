/**
 * A long production history for `git-canary log`: `commits` commits in all,
 * `rollouts` of them rollouts spread over `services` services, the rest a
 * person's edits in between. Every record is written the way git-canary
 * writes it: formatCommitMessage's trailers, git-canary's identity as author
 * and committer, and the route file at that commit holding Canary-Weight
 * (what makes a record trusted). Nine in ten rollouts step 10/25/50 and
 * promote; every tenth steps 10/25 and rolls back.
 *
 * Canary-Base and the candidate shas are made up (valid, but no such commit):
 * the log reads them as text, and naming real commits would need the shas
 * before fast-import writes them.
 */
import { createHash } from 'node:crypto';
import { formatCommitMessage, rolloutId } from '../../src/audit/trailers.ts';
import type { CanaryTrailers } from '../../src/engine/types.ts';
import { buildHistory, type HistoryCommit } from '../../test/helpers/fast-import.ts';
import { FIXTURE_DATE, git } from '../../test/helpers/git-fixtures.ts';
import { deployment } from '../../test/helpers/scenario.ts';
import { appFilePaths, appFiles, canaryFile, configMap, configYaml, image, PERSON, releaseFile, routeFile, serviceFiles, virtualService } from './manifests.ts';

export interface LogSpec {
  commits: number;
  rollouts: number;
  services: number;
}

/** git-canary's default identity (src/runner/session.ts DEFAULT_AUTHOR), written out: the fixture must not follow a change of it silently. */
const GIT_CANARY = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };
const STEPS = [10, 25, 50];

const hex = (text: string, algo: 'sha1' | 'sha256') => createHash(algo).update(text).digest('hex');
const logService = (i: number) => `svc-${String(i).padStart(2, '0')}`;

/** Rollout `k`'s id, as `git-canary log --json` must list it. */
export function logRolloutIds(spec: LogSpec): string[] {
  return Array.from({ length: spec.rollouts }, (_, k) => rolloutId(logService(k % spec.services), hex(`candidate ${k}`, 'sha1')));
}

/** Weights of rollout `k`'s progressing records: every tenth rolls back after two steps. */
const rolledBack = (k: number) => k % 10 === 9;
const stepsOf = (k: number) => (rolledBack(k) ? STEPS.slice(0, 2) : STEPS);

/**
 * Record `j` of rollout `k` (its steps, then the end), dated `date`; `started`
 * is the date of the rollout's first record.
 */
function rolloutRecord(k: number, j: number, services: number, date: number, started: number): HistoryCommit {
  const service = logService(k % services);
  const candidate = hex(`candidate ${k}`, 'sha1');
  const version = `1.${Math.floor(k / services) + 1}.0`;
  const previous = `1.${Math.floor(k / services)}.0`;
  const steps = stepsOf(k);
  const common = {
    service, rollout: rolloutId(service, candidate), candidate, base: hex(`base ${k}`, 'sha1'), release: hex(`release ${k}`, 'sha256'), started: new Date(started * 1000),
  };
  const route = routeFile(service);
  if (j < steps.length) {
    const weight = steps[j]!;
    const files: Record<string, string> = { [route]: virtualService(service, weight) };
    if (j === 0) files[canaryFile(service)] = deployment(service, image(service, version), 'canary');
    const trailers: CanaryTrailers = { ...common, phase: 'progressing', step: { index: j + 1, total: STEPS.length }, weight, stepSince: new Date(date * 1000), failedChecks: 0 };
    const body = j === 0 ? `candidate ${candidate.slice(0, 7)} differs from production` : 'interval passed';
    return { files, message: formatCommitMessage({ body, trailers }), date, author: GIT_CANARY };
  }
  const back = rolledBack(k);
  const files: Record<string, string> = { [route]: virtualService(service, 0), [canaryFile(service)]: deployment(service, image(service, back ? previous : version), 'canary') };
  if (!back) files[releaseFile(service)] = deployment(service, image(service, version), 'stable');
  const trailers: CanaryTrailers = { ...common, phase: back ? 'rolled-back' : 'promoted', weight: 0 };
  return { files, message: formatCommitMessage({ body: back ? 'rolled back by a person' : 'all steps passed', trailers }), date, author: GIT_CANARY };
}

/** The commits after the first, oldest first, 60 s apart: each rollout's records in turn, a person's edits spread evenly between them. */
function* history(spec: LogSpec, paths: string[]): Generator<HistoryCommit> {
  const records = Array.from({ length: spec.rollouts }, (_, k) => stepsOf(k).length + 1).reduce((a, b) => a + b, 0);
  const edits = spec.commits - 1 - records;
  if (edits < 0) throw new Error(`log fixture: ${spec.rollouts} rollouts need ${records + 1} commits, more than ${spec.commits}`);
  let date = FIXTURE_DATE;
  let edit = 0;
  let written = 0;
  for (let k = 0; k < spec.rollouts; k++) {
    let started = 0;
    for (let j = 0; j <= stepsOf(k).length; j++) {
      for (const upTo = Math.floor(((written + 1) * edits) / records); edit < upTo; edit++) {
        const path = paths[(edit * 7919) % paths.length]!;
        date += 60;
        yield { files: { [path]: configMap(path, edit + 1) }, message: `config: tune ${path}\n`, date, author: PERSON };
      }
      date += 60;
      if (j === 0) started = date;
      yield rolloutRecord(k, j, spec.services, date, started);
      written++;
    }
  }
}

export async function buildLogRepo(dir: string, spec: LogSpec): Promise<void> {
  const names = Array.from({ length: spec.services }, (_, i) => logService(i));
  const tree: Record<string, string> = { 'git-canary.yaml': configYaml(names) };
  for (const n of names) Object.assign(tree, serviceFiles(n), appFiles(n, 10));
  const paths = names.flatMap((n) => appFilePaths(n, 10));
  const first: HistoryCommit = { files: tree, message: `manifests: ${spec.services} services\n`, date: FIXTURE_DATE, author: PERSON };
  await buildHistory({ dir, branch: 'production', commits: [first, ...history(spec, paths)] });
  git(dir, ['update-ref', 'refs/heads/candidate', 'refs/heads/production']);
  const total = Number(git(dir, ['rev-list', '--count', 'production']).trim());
  if (total !== spec.commits) throw new Error(`log fixture: ${total} commits, want ${spec.commits}`);
  git(dir, ['gc', '--quiet']);
}

/** When the log's clock is pinned: after the fixture's newest commit. */
export const logNow = (spec: LogSpec) => new Date((FIXTURE_DATE + 60 * (spec.commits + 1)) * 1000).toISOString();
