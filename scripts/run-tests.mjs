#!/usr/bin/env node
// Runs every test file under test/ with node's test runner through tsx.
// The file list is explicit: `node --test dir/` can silently find nothing.
// Usage: npm test [-- path-filter ...]   e.g. npm test -- test/git
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') return [];
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.test.ts') ? [p] : [];
  });
}
const filters = process.argv.slice(2);
const files = walk(join(root, 'test'))
  .map((p) => relative(root, p))
  .filter((p) => filters.length === 0 || filters.some((f) => p.startsWith(f) || p.includes(f)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched ${filters.join(' ') || 'test/**/*.test.ts'}`);
  process.exit(1);
}
// Build first: bin/git-canary.js runs the bundle when it is fresh, which makes the
// e2e tests' hundreds of CLI runs fast and tests the artifact the Action ships.
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

// spec for people on stdout, TAP to a file for the closing count line.
const tap = join(mkdtempSync(join(tmpdir(), 'git-canary-tests-')), 'results.tap');
// GIT_CANARY_PROMISES=<file>: also write every test's file, name and result
// there, one JSON line each (scripts/reliability.mjs lists the promises from it).
const promises = process.env.GIT_CANARY_PROMISES
  ? [`--test-reporter=${join(root, 'scripts', 'promises-reporter.mjs')}`, `--test-reporter-destination=${process.env.GIT_CANARY_PROMISES}`]
  : [];
const args = [
  '--import', 'tsx', '--test', '--test-concurrency=2',
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...promises,
  ...files,
];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
const count = (key) => Number(text.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? 0);
// A test cancelled (its suite's before-hook failed, or it outlived its parent) did not pass: it counts as failed.
const cancelled = count('cancelled');
console.log(`${count('pass')} passed, ${count('fail') + cancelled} failed${cancelled ? ` (${cancelled} cancelled)` : ''}, ${count('skipped') + count('todo')} skipped`);
process.exit(r.status ?? 1);
