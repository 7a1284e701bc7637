/**
 * dist/help.json, which bin/git-canary.js prints for help and version argv
 * without loading the bundle, says exactly what the bundle itself prints, for
 * every such argv of every command: checked on a fresh build, in a copy of the
 * package layout without src/ (as installed), against the bundle run directly.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
// @ts-expect-error: a JavaScript build script without declarations
import { buildDist } from '../../scripts/build.mjs';
import { buildProgram, helpInvocations } from '../../src/cli.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let root: string;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'git-canary-help-'));
  await buildDist(join(root, 'dist'));
  mkdirSync(join(root, 'bin'));
  for (const f of ['git-canary.js', 'package.json']) cpSync(join(ROOT, 'bin', f), join(root, 'bin', f));
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
});
after(() => rmSync(root, { recursive: true, force: true }));

const run = (script: string, argv: string[], env: NodeJS.ProcessEnv = { PATH: process.env.PATH }) =>
  spawnSync(process.execPath, [join(root, script), ...argv], { encoding: 'utf8', env });

describe('pre-rendered help', () => {
  test('every command of the program has its help forms listed', () => {
    const names = buildProgram(async () => 0).commands.map((c) => c.name());
    const listed = new Set(helpInvocations().map((argv) => JSON.stringify(argv)));
    for (const name of names) {
      for (const argv of [[name, '--help'], [name, '-h'], ['help', name]]) assert.ok(listed.has(JSON.stringify(argv)), `${argv.join(' ')} is not pre-rendered`);
    }
    for (const argv of [['--help'], ['-h'], ['help'], ['--version'], ['-V']]) assert.ok(listed.has(JSON.stringify(argv)));
  });

  test('help.json lists exactly those forms', () => {
    const help = JSON.parse(readFileSync(join(root, 'dist', 'help.json'), 'utf8')) as { forms: Record<string, number>; texts: string[] };
    assert.deepEqual(Object.keys(help.forms).sort(), helpInvocations().map((a) => JSON.stringify(a)).sort());
  });

  test('bin prints, for each form, byte for byte what the bundle prints, whatever the environment', () => {
    const busy = { PATH: process.env.PATH, GIT_CANARY_REPO: '/elsewhere', GIT_CANARY_CACHE: '/tmp/c', GIT_CANARY_TOKEN: 'ghp_secret', NO_COLOR: '1', COLUMNS: '40' };
    for (const argv of helpInvocations()) {
      const bundle = run('dist/cli.js', argv);
      assert.equal(bundle.status, 0, `${argv.join(' ')}: ${bundle.stderr}`);
      assert.ok(bundle.stdout.length > 0);
      for (const env of [undefined, busy]) {
        const bin = run('bin/git-canary.js', argv, env);
        assert.equal(bin.status, 0, bin.stderr);
        assert.equal(bin.stderr, '');
        assert.equal(bin.stdout, bundle.stdout, `git-canary ${argv.join(' ')}`);
      }
    }
  });

  test('anything else still goes to the bundle: an unknown option is a usage error', () => {
    const r = run('bin/git-canary.js', ['tick', '--bogus']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option '--bogus'/);
  });
});
