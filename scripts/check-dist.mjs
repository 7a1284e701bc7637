#!/usr/bin/env node
// Fails when the committed dist/ is not what the sources build to: the Action
// runs dist/ as committed, so a change to src/ without a rebuild would ship old
// code. Builds into a temporary directory and compares it, byte by byte and in
// both directions, with dist/ as git has it staged (the index: on a clean clone
// that is the commit), never with the work tree, which `npm test` and
// `npm run build` rewrite.
//
//   node scripts/check-dist.mjs      # exit 0 same, 1 drift (each file named)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { buildDist, ROOT } from './build.mjs';

/** Every file under `dir`, as `dist/…` paths with `/`. */
function builtFiles(dir) {
  const out = new Map();
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.set(`dist/${relative(dir, p).split(sep).join('/')}`, readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const git = (args, input) => execFileSync('git', args, { cwd: ROOT, input, maxBuffer: 1 << 30 });

/** dist/ as the index holds it: path → bytes. */
function committedFiles() {
  const listing = git(['ls-files', '--stage', '-z', '--', 'dist']).toString('utf8').split('\0').filter(Boolean);
  const entries = listing.map((line) => {
    const [meta, path] = line.split('\t');
    return { sha: meta.split(' ')[1], path };
  });
  const out = new Map();
  if (entries.length === 0) return out;
  // One `git cat-file --batch` for every blob: "<sha> blob <size>\n<bytes>\n" each.
  const batch = git(['cat-file', '--batch'], `${entries.map((e) => e.sha).join('\n')}\n`);
  let at = 0;
  for (const e of entries) {
    const eol = batch.indexOf(0x0a, at);
    const size = Number(batch.subarray(at, eol).toString('utf8').split(' ')[2]);
    out.set(e.path, batch.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return out;
}

const temp = mkdtempSync(join(tmpdir(), 'git-canary-check-dist-'));
try {
  await buildDist(temp);
  const built = builtFiles(temp);
  const committed = committedFiles();
  const problems = [];
  for (const [path, bytes] of built) {
    const old = committed.get(path);
    if (!old) problems.push(`${path}: built but not committed`);
    else if (!old.equals(bytes)) problems.push(`${path}: differs from the committed file`);
  }
  for (const path of committed.keys()) if (!built.has(path)) problems.push(`${path}: committed but no longer built`);
  if (problems.length > 0) {
    console.error(`dist/ is out of date with the sources (${problems.length} file(s)):`);
    for (const p of problems.sort()) console.error(`  ${p}`);
    console.error('run npm run build and commit dist/');
    process.exitCode = 1;
  } else {
    console.log(`dist/ matches the sources (${built.size} files)`);
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
