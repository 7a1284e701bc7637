/**
 * templates/Dockerfile: the image both install files run. No Docker engine runs
 * here, so the test checks what the image promises against the manifests (its
 * user is the pod's runAsUser, its entrypoint the containers' command, its cache
 * the --cache-dir) and runs the CLI from exactly the files the image copies,
 * laid out as the image lays them out: no node_modules, no sources.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { tempDir } from '../helpers/git-fixtures.ts';
import { type CronJobObject, flagValue, ROOT } from './support.ts';

const DOCKERFILE = readFileSync(join(ROOT, 'templates', 'Dockerfile'), 'utf8');
const cronJob = parseAllDocuments(readFileSync(join(ROOT, 'templates', 'kubernetes', 'cronjob.yaml'), 'utf8'))
  .map((d) => d.toJS() as Record<string, unknown>)
  .find((o) => o.kind === 'CronJob') as unknown as CronJobObject;
const pod = cronJob.spec.jobTemplate.spec.template.spec;

/** The instructions of the Dockerfile: [INSTRUCTION, rest] with continuations joined. */
const instructions = DOCKERFILE.replace(/\\\n/g, ' ')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => {
    const m = /^(\w+)\s+(.*)$/.exec(l.trim());
    assert.ok(m, `a Dockerfile instruction: ${l}`);
    return [m[1]!, m[2]!] as const;
  });
const all = (name: string) => instructions.filter(([n]) => n === name).map(([, rest]) => rest);

describe('templates/Dockerfile', () => {
  test('is node:20-slim based and runs as the non-root user the pod asks for', () => {
    assert.deepEqual(all('FROM'), ['node:20-slim']);
    const [user, group] = all('USER').at(-1)!.split(':').map(Number);
    assert.equal(user, pod.securityContext!.runAsUser);
    assert.equal(group, pod.securityContext!.runAsGroup);
    assert.ok(user! > 0);
  });

  test('its entrypoint is the command the CronJob runs, and its cache the --cache-dir', () => {
    assert.deepEqual(JSON.parse(all('ENTRYPOINT')[0]!), pod.containers[0]!.command);
    const env = all('ENV').join(' ');
    assert.match(env, new RegExp(`GIT_CANARY_CACHE=${flagValue(pod.containers[0]!.args!, '--cache-dir')}\\b`));
    assert.match(env, /HOME=\/tmp\b/);
  });

  test('the files it copies run the CLI without node_modules or sources', () => {
    const copied = all('COPY').map((c) => c.split(/\s+/)[0]!.replace(/\/$/, ''));
    assert.deepEqual(copied, ['package.json', 'bin', 'dist', 'templates']);
    const image = tempDir('git-canary-image-');
    try {
      for (const path of copied) cpSync(join(ROOT, path), join(image.path, path), { recursive: true });
      const r = spawnSync(process.execPath, [join(image.path, 'bin', 'git-canary.js'), 'tick', '--help'], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: image.path } });
      assert.equal(r.status, 0, r.stderr);
      for (const flag of ['--repo', '--deadline', '--cache-dir']) assert.ok(r.stdout.includes(flag), `tick --help lists ${flag}`);
    } finally {
      void image.cleanup();
    }
  });
});
