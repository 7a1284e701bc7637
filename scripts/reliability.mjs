#!/usr/bin/env node
// The reliability suite (test/reliability/): every promise of docs/reliability.md
// as a test. Runs it, then prints the figures the run measured (workers,
// rollouts, kill points, inputs tried, setups…).
//
//   npm run test:reliability                       reduced counts (as in CI)
//   GIT_CANARY_RELIABILITY=full npm run test:reliability   full counts
//   npm run test:reliability -- --write-docs       also rewrite the "Last run"
//                                                  section of docs/reliability.md
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const figuresDir = join(root, 'test-artifacts', 'reliability');
const promisesFile = join(root, 'test-artifacts', 'reliability-promises.jsonl');
const writeDocs = process.argv.includes('--write-docs');
const filters = process.argv.slice(2).filter((a) => a !== '--write-docs');

rmSync(figuresDir, { recursive: true, force: true });
rmSync(promisesFile, { force: true });
mkdirSync(figuresDir, { recursive: true });
const started = Date.now();
const run = spawnSync(process.execPath, [join(root, 'scripts', 'run-tests.mjs'), ...(filters.length ? filters : ['test/reliability/'])], {
  cwd: root, stdio: 'inherit', env: { ...process.env, GIT_CANARY_PROMISES: promisesFile },
});
const seconds = Math.round((Date.now() - started) / 1000);

const tests = existsSync(promisesFile)
  ? readFileSync(promisesFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .map((t) => ({ file: t.file?.replace(/^.*test\/reliability\//, ''), path: [...t.suites, t.name], ok: t.result !== 'fail', skipped: t.result === 'skipped' }))
    .sort((a, b) => (a.file ?? '').localeCompare(b.file ?? ''))
  : [];
const figures = Object.fromEntries(
  (existsSync(figuresDir) ? readdirSync(figuresDir) : []).filter((f) => f.endsWith('.json')).sort()
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(figuresDir, f), 'utf8'))]),
);

console.log('\nfigures of this run:');
for (const [topic, values] of Object.entries(figures)) {
  console.log(`  ${topic}: ${Object.entries(values).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}

if (writeDocs) {
  const docs = join(root, 'docs', 'reliability.md');
  const body = readFileSync(docs, 'utf8');
  const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '<!-- BEGIN LAST RUN (written by `npm run test:reliability -- --write-docs`) -->',
    `Last run: ${new Date().toISOString().slice(0, 10)}, ${figures && Object.values(figures)[0]?.mode === 'full' ? 'full' : 'reduced'} counts, ${seconds} s,`,
    `Node ${process.versions.node}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()} ${arch()}.`,
    `${tests.filter((t) => t.ok && !t.skipped).length} promises held, ${tests.filter((t) => !t.ok).length} failed, ${tests.filter((t) => t.skipped).length} skipped.`,
    '',
    '| figure | value |',
    '|---|---|',
    ...Object.entries(figures).flatMap(([topic, values]) =>
      Object.entries(values).filter(([k]) => k !== 'mode').map(([k, v]) => `| ${cell(topic)}: ${cell(k)} | ${cell(v)} |`)),
    '',
    '| file | promise | held |',
    '|---|---|---|',
    ...tests.map((t) => `| ${cell(t.file ?? '')} | ${cell(t.path.join(' › '))} | ${t.skipped ? 'skipped' : t.ok ? 'yes' : '**no**'} |`),
    '<!-- END LAST RUN -->',
  ];
  const next = body.replace(/<!-- BEGIN LAST RUN[\s\S]*<!-- END LAST RUN -->/, lines.join('\n'));
  if (next === body && !body.includes('<!-- BEGIN LAST RUN')) {
    console.error('docs/reliability.md has no "<!-- BEGIN LAST RUN" section to rewrite');
    process.exit(1);
  }
  writeFileSync(docs, next);
  console.log('wrote the last run into docs/reliability.md');
}
process.exit(run.status ?? 1);
