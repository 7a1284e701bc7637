/**
 * A reader that stops early (`git-canary --help | head -1`) closes the pipe
 * before the CLI has written everything: the CLI says nothing about it and
 * exits as it would have (node's default is an unhandled EPIPE with a stack
 * trace). Both ways help is printed: pre-rendered by bin/git-canary.js, and by
 * the bundle (commander).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, test } from 'node:test';
import { BIN, cliEnv } from '../helpers/cli.ts';

/** Run the CLI with its stdout closed before it writes; resolves with its exit code and stderr. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    // The read end goes away at once: every write the CLI makes meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout', () => {
  for (const [how, args] of [
    ['pre-rendered help', ['--help']],
    ['the bundle\'s help (commander)', ['--repo', '/nonexistent', 'tick', '--help']],
    ['the bundle\'s help with a long text', ['--repo', '/nonexistent', '--help']],
  ] as const) {
    test(`${how}: no EPIPE and no stack trace, exit 0`, async () => {
      const r = await withClosedStdout([...args]);
      assert.equal(r.stderr, '');
      assert.equal(r.code, 0);
    });
  }
});
