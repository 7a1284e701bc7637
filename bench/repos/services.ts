/**
 * One repository with `count` services (svc-000…), each with its own release,
 * canary and route files plus a few files of its own, all listed in
 * git-canary.yaml. Idle: candidate is production's commit (nothing to do).
 * Due: candidate has one more commit giving `due` of them a new image (spread
 * over the list), so a tick starts exactly those rollouts, one commit each.
 */
import { cpSync } from 'node:fs';
import { buildHistory } from '../../test/helpers/fast-import.ts';
import { commitFiles, FIXTURE_DATE, git } from '../../test/helpers/git-fixtures.ts';
import { deployment } from '../../test/helpers/scenario.ts';
import { appFiles, configYaml, image, PERSON, releaseFile, serviceFiles } from './manifests.ts';

/** Extra files per service besides its release, canary and route. */
const OWN_FILES = 3;

export const serviceName = (i: number) => `svc-${String(i).padStart(3, '0')}`;

/** The `due` services of `count`, spread evenly (svc-000, svc-020, … for 10 of 200). */
export function dueServices(count: number, due: number): string[] {
  return Array.from({ length: due }, (_, k) => serviceName(Math.floor((k * count) / due)));
}

export async function buildIdleServices(dir: string, count: number): Promise<void> {
  const names = Array.from({ length: count }, (_, i) => serviceName(i));
  const tree: Record<string, string> = { 'git-canary.yaml': configYaml(names) };
  for (const n of names) Object.assign(tree, serviceFiles(n), appFiles(n, OWN_FILES));
  await buildHistory({ dir, branch: 'production', commits: [{ files: tree, message: `manifests: ${count} services\n`, date: FIXTURE_DATE, author: PERSON }] });
  git(dir, ['update-ref', 'refs/heads/candidate', 'refs/heads/production']);
  git(dir, ['gc', '--quiet']);
}

/** `idle` plus a candidate commit releasing a new image of each of `services`. */
export async function buildDueServices(dir: string, idle: string, services: string[]): Promise<void> {
  cpSync(idle, dir, { recursive: true });
  const files = Object.fromEntries(services.map((s) => [releaseFile(s), deployment(s, image(s, '1.1.0'), 'stable')]));
  commitFiles(dir, 'candidate', files, { message: `release: ${services.length} services\n` });
}
