/**
 * `git --version` is asked once per git binary where memos are kept, not on
 * every run (src/git/native.ts): the binary is named by its real path, inode,
 * size and times (gitBinary), and only a plain ELF executable named git is
 * trusted to print the same version while it does not change. Scripts and
 * multiplexers (version managers' shims) are asked every time.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gitBinary } from '../../src/git/native.ts';
import { tempDir } from '../helpers/git-fixtures.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
const realVersion = execFileSync(realGit, ['--version'], { encoding: 'utf8' });
const work = tempDir('git-canary-git-version-');
after(() => work.cleanup());

let dirs = 0;
/** A new directory under the work folder. */
function dir(): string {
  const d = join(work.path, `d${++dirs}`);
  mkdirSync(d);
  return d;
}

/** What gitMode(setting) says in a fresh process whose memos are kept in `memos`, with `path` as PATH. */
function modeInFreshProcess(memos: string, path: string, setting = 'auto'): { mode?: string; error?: string } {
  const code = `
    const { keepMemosIn, flushMemos } = await import(${JSON.stringify(join(ROOT, 'src/memo.ts'))});
    const { gitMode } = await import(${JSON.stringify(join(ROOT, 'src/git/native.ts'))});
    keepMemosIn(${JSON.stringify(memos)}, 'test-build');
    const out = await gitMode(${JSON.stringify(setting)}).then((mode) => ({ mode }), (e) => ({ error: e.message }));
    await flushMemos();
    console.log(JSON.stringify(out));`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: path } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const memoFile = (memos: string) => join(memos, 'memo-test-build.json');
const digest = (key: string) => createHash('sha256').update(key).digest('base64url');

describe('gitBinary: which git a spawn runs, named so that a change to it shows', () => {
  test('the git on PATH, by real path; a copy elsewhere is another binary, and touching it makes it another again', () => {
    const id = gitBinary();
    assert.ok(id?.startsWith(`${execFileSync('realpath', [realGit], { encoding: 'utf8' }).trim()}\0`), String(id));
    const bin = dir();
    copyFileSync(realGit, join(bin, 'git'));
    chmodSync(join(bin, 'git'), 0o755);
    const copy = gitBinary(`${bin}:${process.env.PATH}`);
    assert.ok(copy?.startsWith(`${join(bin, 'git')}\0`));
    utimesSync(join(bin, 'git'), new Date(), new Date(Date.now() + 5000));
    assert.notEqual(gitBinary(`${bin}:${process.env.PATH}`), copy);
  });

  test('a script or a shim named git is never trusted; a git that is not executable is passed over, as execvp does', () => {
    const scripts = dir();
    writeFileSync(join(scripts, 'git'), `#!/bin/sh\nexec '${realGit}' "$@"\n`);
    chmodSync(join(scripts, 'git'), 0o755);
    assert.equal(gitBinary(`${scripts}:${process.env.PATH}`), undefined, 'a script');
    const shims = dir();
    symlinkSync(process.execPath, join(shims, 'git'));
    assert.equal(gitBinary(`${shims}:${process.env.PATH}`), undefined, 'a link to a binary of another name');
    const plain = dir();
    writeFileSync(join(plain, 'git'), 'not executable');
    assert.equal(gitBinary(`${plain}:${process.env.PATH}`), gitBinary(), 'the next git on PATH');
    assert.equal(gitBinary(dir()), undefined, 'no git at all');
  });
});

describe('the version of a git binary, kept between runs', () => {
  test('asked once and kept; the next run believes what was kept for the same binary, and asks anew for another', () => {
    const memos = dir();
    assert.deepEqual(modeInFreshProcess(memos, process.env.PATH!), { mode: 'native' });
    const kept = JSON.parse(readFileSync(memoFile(memos), 'utf8')) as Record<string, Record<string, string>>;
    assert.deepEqual(kept['git-version'], { [digest(gitBinary()!)]: realVersion });
    // Plant an old version for this very binary: a run that believes it picks the embedded git.
    kept['git-version'] = { [digest(gitBinary()!)]: 'git version 2.30.0\n' };
    writeFileSync(memoFile(memos), JSON.stringify(kept));
    assert.deepEqual(modeInFreshProcess(memos, process.env.PATH!), { mode: 'embedded' });
    assert.deepEqual(modeInFreshProcess(memos, process.env.PATH!, 'native'), { error: 'git 2.30 is too old for GIT_CANARY_GIT=native' });
    // Another binary (a copy elsewhere) is asked: the real answer.
    const bin = dir();
    copyFileSync(realGit, join(bin, 'git'));
    chmodSync(join(bin, 'git'), 0o755);
    assert.deepEqual(modeInFreshProcess(memos, `${bin}:${process.env.PATH}`), { mode: 'native' });
  });

  test('a script is asked every time: nothing is kept for it', () => {
    const memos = dir();
    const scripts = dir();
    writeFileSync(join(scripts, 'git'), `#!/bin/sh\nexec '${realGit}' "$@"\n`);
    chmodSync(join(scripts, 'git'), 0o755);
    assert.deepEqual(modeInFreshProcess(memos, `${scripts}:${process.env.PATH}`), { mode: 'native' });
    // Nothing learnt: no memo file written at all.
    assert.equal(existsSync(memoFile(memos)), false);
  });
});
