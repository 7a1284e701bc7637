/**
 * `git-canary watch`: the real CLI ticking in a loop on a local repository with
 * a config that steps on interval alone (no metrics needed). With --json each
 * tick is one JSON line; SIGINT ends it between ticks with exit 0; a watch whose
 * every tick fails exits 1; a bad --every is a usage error.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { BIN, cliEnv, runCli } from '../helpers/cli.ts';
import { commitFiles, createRepo, type Fixture, git } from '../helpers/git-fixtures.ts';
import { productionFiles, release, T0 } from '../helpers/scenario.ts';
import { intervalOnlyConfig } from './support-validate.ts';

const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();

async function repoWithCandidate(): Promise<Fixture> {
  const repo = await createRepo({ production: { ...productionFiles(), 'git-canary.yaml': intervalOnlyConfig() } });
  commitFiles(repo.dir, 'candidate', release('checkout', 'registry.example.com/checkout:1.1.0'), { from: 'production' });
  return repo;
}

const jsonLines = (stdout: string) =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { services: { service: string; decision: string }[] });

describe('watch', { concurrency: 2 }, () => {
  test('--times 3 --json: one tick document per line, the first starts, the next wait; exit 0', async () => {
    const repo = await repoWithCandidate();
    try {
      const r = await runCli(['watch', '--repo', repo.dir, '--every', '50ms', '--times', '3', '--json'], { env: { GIT_CANARY_NOW: at(2) } });
      assert.equal(r.code, 0, r.stderr);
      const ticks = jsonLines(r.stdout);
      assert.equal(ticks.length, 3, r.stdout);
      assert.deepEqual(
        ticks.map((t) => t.services.map((s) => s.decision)),
        [
          ['start', 'none'],
          ['none', 'none'],
          ['none', 'none'],
        ],
      );
      assert.equal(git(repo.dir, ['rev-list', '--count', 'production']).trim(), '2', 'exactly one commit in three ticks');
    } finally {
      await repo.cleanup();
    }
  });

  test('SIGINT during the wait ends watch at once with exit 0, after whole ticks only', async () => {
    const repo = await repoWithCandidate();
    try {
      const child = spawn(process.execPath, [BIN, 'watch', '--repo', repo.dir, '--every', '1h'], {
        env: cliEnv({ GIT_CANARY_NOW: at(2) }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      await new Promise<void>((resolve) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          stdout += d;
          if (stdout.includes('payments:')) resolve();
        });
      });
      const sent = Date.now();
      child.kill('SIGINT');
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, stderr);
      assert.ok(Date.now() - sent < 5000, 'did not sleep out the hour');
      assert.match(stdout, /^checkout: start → 20% \(step 1\/2\) [0-9a-f]{7} — /m);
      assert.equal(stdout.trim().split('\n').length, 2, `one tick printed: ${stdout}`);
    } finally {
      await repo.cleanup();
    }
  });

  test('every tick failing (no production branch) exits 1 with one error line per tick', async () => {
    const repo = await createRepo({ main: { 'README.md': 'x\n' } });
    try {
      const r = await runCli(['watch', '--repo', repo.dir, '--every', '10ms', '--times', '2']);
      assert.equal(r.code, 1);
      const errors = r.stderr.split('\n').filter((l) => l.startsWith('error: '));
      assert.equal(errors.length, 2, r.stderr);
      assert.match(errors[0]!, /branch production does not exist/);
    } finally {
      await repo.cleanup();
    }
  });

  test('a bad --every or --times is a usage error (exit 2), nothing ticks', async () => {
    for (const args of [
      ['--every', '5x'],
      ['--times', '0'],
      ['--times', '1.5'],
    ]) {
      const r = await runCli(['watch', '--repo', '/nonexistent', ...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^error: --(every|times) /);
    }
  });
});
