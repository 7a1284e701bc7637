/**
 * Many services and long histories through the real CLI (issue 13's promises,
 * never its timings):
 * - push once: a tick with several due services makes one commit per
 *   transition, each touching only its service's files, and pushes them in one
 *   update; a tick with nothing due asks the server once (the ref advertisement);
 * - `--shard i/n`: workers of one repository, even running at the same time,
 *   tick every service exactly once between them; bad shards change nothing;
 * - walk once, never a window: `log` shows every rollout of a history far
 *   longer than a fetch's depth, and says how many commits it read.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { remoteCacheDir } from '../../src/git/index.ts';
import { decodeKeptObjects, KEPT_OBJECTS_FILE } from '../../src/git/kept-objects.ts';
import { jsonOf } from '../helpers/cli.ts';
import { buildHistory, fillerCommits, type HistoryCommit } from '../helpers/fast-import.ts';
import { changedFiles, commitsSince, expectedTrailers, openWorld, productTrailers, type Transport } from './support.ts';
import { fleetFiles, fleetNames, fleetRelease, recordCopy } from './support-scale.ts';

/**
 * The objects kept in `file` (kept-objects.ts): there are some, every one matches its id, and each
 * is a tree or a file (never a commit) of the repository at `gitdir`, byte for byte.
 */
function genuineKeptObjects(file: string, gitdir: string): NonNullable<ReturnType<typeof decodeKeptObjects>> {
  const kept = decodeKeptObjects(readFileSync(file));
  assert.ok(kept && kept.size > 0, 'kept, and every object in it matches its id');
  for (const [oid, o] of kept) {
    assert.ok(o.type === 'blob' || o.type === 'tree', `${oid} is a ${o.type}`);
    const bytes = execFileSync('git', ['--git-dir', gitdir, 'cat-file', o.type, oid]);
    assert.ok(bytes.equals(Buffer.from(o.bytes)), `${oid} is not the repository's ${o.type}`);
  }
  return kept;
}

const at = (minutes: number) => new Date(Date.UTC(2024, 0, 1) + minutes * 60_000);

const serviceOf = (w: Parameters<typeof productTrailers>[0], commit: string) =>
  productTrailers(w, commit).find((l) => l.startsWith('Canary-Service: '))?.slice('Canary-Service: '.length);

describe('push once: several due services', () => {
  for (const transport of ['bare', 'http'] as const satisfies readonly Transport[]) {
    test(`[${transport}] 3 due of 8: one commit each (only its files), one push; then nothing due asks the server once`, async () => {
      const names = fleetNames(8);
      const due = [names[1]!, names[4]!, names[6]!];
      const w = await openWorld(transport, { production: fleetFiles(names) });
      try {
        const candidate = w.commit('candidate', fleetRelease(due), { from: 'production', message: 'ci: three releases\n' });
        const before = w.sha('production');
        const seen = () => w.server?.requests.length ?? 0;
        const r0 = seen();
        const run = await w.tick({ at: at(2) });
        for (const n of names) assert.equal(run.of(n).decision, due.includes(n) ? 'start' : 'none', n);

        const added = commitsSince(w, before);
        assert.equal(added.length, 3, 'one commit per transition');
        assert.deepEqual(added.map((c) => serviceOf(w, c)), due, 'in config order, each on the one before');
        for (const [i, c] of added.entries()) {
          const n = due[i]!;
          assert.deepEqual(productTrailers(w, c), expectedTrailers(n, candidate, 'progressing', 10, '1/2'));
          assert.deepEqual(changedFiles(w, c).sort(), [`apps/${n}/deployment-canary.yaml`, `apps/${n}/virtualservice.yaml`]);
          assert.equal(run.of(n).commit, c, 'the result names the commit that landed');
        }
        if (w.server) {
          const pushes = w.server.requests.slice(r0).filter((l) => l.startsWith('POST ') && l.includes('git-receive-pack'));
          assert.equal(pushes.length, 1, w.server.requests.slice(r0).join('\n'));
        }

        // Half a minute later nothing is due: no commit, and over http a single request.
        const r1 = seen();
        const idle = await w.tick({ at: new Date(at(2).getTime() + 30_000) });
        for (const n of names) assert.equal(idle.of(n).decision, 'none', n);
        assert.equal(w.sha('production'), added[2]);
        if (w.server) assert.deepEqual(w.server.requests.slice(r1), ['GET /repo.git/info/refs?service=git-upload-pack 200']);
      } finally {
        await w.close();
      }
    });
  }
});

describe('tick --shard i/n', () => {
  test('[bare] three workers at once tick every service exactly once between them', async () => {
    const names = fleetNames(9);
    const w = await openWorld('bare', { production: fleetFiles(names) });
    try {
      const candidate = w.commit('candidate', fleetRelease(names), { from: 'production' });
      const before = w.sha('production');
      const runs = await Promise.all(['1/3', '2/3', '3/3'].map((shard) => w.tick({ at: at(2), args: ['--shard', shard] })));
      const ticked = runs.map((r) => r.services.map((s) => s.service));
      assert.deepEqual(ticked.flat().sort(), names, 'every service in exactly one shard');
      for (const r of runs) for (const s of r.services) assert.equal(s.decision, 'start', `${s.service}: ${s.reason}`);

      const added = commitsSince(w, before);
      assert.equal(added.length, names.length, 'one start each, whoever won which race');
      assert.deepEqual(added.map((c) => serviceOf(w, c)).sort(), names);
      for (const c of added) assert.deepEqual(productTrailers(w, c), expectedTrailers(serviceOf(w, c)!, candidate, 'progressing', 10, '1/2'));
      // The split is the same on every run: the same shard again has the same services, now all waiting.
      const again = await w.tick({ at: at(2), args: ['--shard', '2/3'] });
      assert.deepEqual(again.services.map((s) => s.service), ticked[1]);
      assert.ok(again.services.every((s) => s.decision === 'none'));
    } finally {
      await w.close();
    }
  });

  test('[bare] a bad --shard, or --shard with --service, is a usage error that changes nothing', async () => {
    const names = fleetNames(2);
    const w = await openWorld('bare', { production: fleetFiles(names) });
    try {
      w.commit('candidate', fleetRelease(names), { from: 'production' });
      const refs = w.refs();
      for (const shard of ['0/3', '4/3', '1/0', 'two/3', '1/3/2', '']) {
        const r = await w.cli(['tick', '--shard', shard], { at: at(2) });
        assert.equal(r.code, 2, `${shard}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, new RegExp(`--shard ${shard.replace(/\//g, '\\/')} is not a shard`));
        assert.match(r.stderr, /i\/n/);
      }
      const both = await w.cli(['tick', '--shard', '1/2', '--service', names[0]!], { at: at(2) });
      assert.equal(both.code, 2);
      assert.match(both.stderr, /--shard and --service cannot be used together/);
      assert.equal(w.refs(), refs, 'nothing moved');
    } finally {
      await w.close();
    }
  });
});

describe('node\'s HTTP stack is not loaded when native git does the talking', () => {
  for (const transport of ['bare', 'http'] as const satisfies readonly Transport[]) {
    test(`[${transport}] a tick with nothing due never loads http, https or tls (about 10 ms of every start)`, async () => {
      const names = fleetNames(2);
      const w = await openWorld(transport, { production: fleetFiles(names) });
      const dir = mkdtempSync(join(tmpdir(), 'git-canary-builtins-'));
      try {
        // Preloaded into the CLI: the node built-ins it loaded, written as it exits.
        const list = join(dir, 'loaded.txt');
        const preload = join(dir, 'preload.cjs');
        writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, process.moduleLoadList.join('\\n')));\n`);
        w.commit('candidate', {}, { from: 'production', message: 'ci: nothing new\n' });
        const run = await w.tick({ at: at(2), env: { NODE_OPTIONS: `--require ${preload}` } });
        for (const n of names) assert.equal(run.of(n).decision, 'none');
        const loaded = readFileSync(list, 'utf8').split('\n').filter((l) => l.startsWith('NativeModule ')).map((l) => l.slice('NativeModule '.length));
        assert.ok(loaded.includes('child_process') && loaded.includes('zlib'), `the list is real: ${loaded.join(' ')}`);
        assert.deepEqual(loaded.filter((m) => ['http', 'https', 'tls', '_http_client'].includes(m)), []);
      } finally {
        await w.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('log reads the whole history', () => {
  for (const transport of ['bare', 'http'] as const satisfies readonly Transport[]) {
    test(`[${transport}] 121 rollouts over 1,800 commits (a fetch depth is 200): every one shown, and how much was read`, async () => {
      const [name] = fleetNames(1) as [string];
      const w = await openWorld(transport, { production: fleetFiles([name], { steps: [50] }) });
      try {
        // One real rollout (start at 50%, then promote) made by the CLI: the template of the copies.
        w.commit('candidate', fleetRelease([name]), { from: 'production' });
        await w.tick({ at: at(2) });
        await w.tick({ at: at(4) });
        const [start, promote] = commitsSince(w, w.sha('production~2'));
        const route = `apps/${name}/virtualservice.yaml`;
        const real = w.sha('candidate');
        const copy = (sha: string, k: number, date: number): HistoryCommit => recordCopy(w, sha, route, real, k, date);
        const commits: HistoryCommit[] = [];
        // After the real rollout (the ticks ran at 00:02 and 00:04), a day later.
        let date = at(24 * 60).getTime() / 1000;
        for (let k = 0; k < 120; k++, date += 3600) {
          commits.push(...fillerCommits(7, { start: date, path: `docs/notes-${k % 10}.md` }));
          commits.push(copy(start!, k, date + 600));
          commits.push(...fillerCommits(6, { start: date + 660, path: 'docs/changelog.md' }));
          commits.push(copy(promote!, k, date + 1800));
        }
        await buildHistory({ dir: w.dir, branch: 'production', commits });
        const total = Number(w.git('rev-list', '--first-parent', '--count', 'production').trim());
        assert.ok(total > 1800, `${total} commits`);

        const r = await w.cli(['log', '--json'], { at: new Date((date + 3600) * 1000) });
        assert.equal(r.code, 0, r.stderr);
        const json = jsonOf<{ rollouts: { rollout: string; outcome: string }[]; history: { commits: number; complete: boolean } }>(r);
        assert.equal(json.rollouts.length, 121, 'every rollout, however far back');
        assert.ok(json.rollouts.every((x) => x.outcome === 'promoted'));
        assert.equal(new Set(json.rollouts.map((x) => x.rollout)).size, 121);
        assert.deepEqual(json.history, { branch: 'production', tip: w.sha('production'), commits: total, complete: true });

        const text = await w.cli(['log'], { at: new Date((date + 3600) * 1000) });
        assert.equal(text.code, 0, text.stderr);
        assert.ok(text.stdout.endsWith(`${total.toLocaleString('en-US')} commits of production read: its whole history\n`), text.stdout.slice(-300));
      } finally {
        await w.close();
      }
    });
  }
});

describe('what a tick learnt of its files is kept in the cache', () => {
  test('[bare] a local repository keeps it in the cache directory: the next tick decides the same, and a config broken since is an error with its line', async () => {
    const names = fleetNames(3);
    const w = await openWorld('bare', { production: fleetFiles(names) });
    const cache = mkdtempSync(join(tmpdir(), 'git-canary-local-memo-'));
    try {
      w.commit('candidate', {}, { from: 'production', message: 'ci: nothing new\n' });
      const env = { GIT_CANARY_CACHE: cache };
      const first = await w.tick({ at: at(2), env });
      const memoDir = join(cache, 'git-canary-memo');
      const [file, ...more] = readdirSync(memoDir).filter((n) => n.startsWith('memo-'));
      assert.equal(more.length, 0);
      // The trees and files read, in a file of this repository's: each the repository's own object.
      const objects = readdirSync(memoDir).filter((n) => /^objects-[0-9a-f]{16}-v1\.bin$/.test(n));
      assert.equal(objects.length, 1, readdirSync(memoDir).join(', '));
      genuineKeptObjects(join(memoDir, objects[0]!), w.dir);
      const memos = JSON.parse(readFileSync(join(memoDir, file!), 'utf8')) as Record<string, Record<string, unknown>>;
      assert.equal(Object.keys(memos['config-data'] ?? {}).length, 1, 'the config that loaded');
      const second = await w.tick({ at: at(3), env });
      assert.deepEqual(second.services.map((s) => [s.service, s.decision, s.reason]), first.services.map((s) => [s.service, s.decision, s.reason]));
      // A config broken since is still an error with its line, though an older one was kept.
      const config = w.show('production', 'git-canary.yaml')!;
      const broken = config.replace('version: 1', 'version: 1\nbogus: true');
      w.commit('production', { 'git-canary.yaml': broken }, { message: 'a person adds a key\n' });
      const r = await w.cli(['tick', '--json'], { at: at(4), env });
      assert.equal(r.code, 1, r.stdout);
      const line = broken.split('\n').indexOf('bogus: true') + 1;
      assert.match(r.stderr, new RegExp(`unknown key "bogus".*\\(git-canary\\.yaml:${line}\\)`));
    } finally {
      rmSync(cache, { recursive: true, force: true });
      await w.close();
    }
  });

  test('[http] the trees and files it read are kept beside the cache: only genuine objects of it, unchanged by a tick that reads nothing new, ignored and rewritten when damaged', async () => {
    const names = fleetNames(4);
    const w = await openWorld('http', { production: fleetFiles(names) });
    try {
      w.commit('candidate', fleetRelease([names[1]!]), { from: 'production', message: 'ci: one release\n' });
      const first = await w.tick({ at: at(2) });
      assert.equal(first.of(names[1]!).decision, 'start');
      const gitdir = remoteCacheDir(w.spec, w.cacheDir!);
      const file = join(gitdir, KEPT_OBJECTS_FILE);
      const kept = genuineKeptObjects(file, gitdir);
      const types = new Set([...kept.values()].map((o) => o.type));
      assert.deepEqual([...types].sort(), ['blob', 'tree']);

      // The start's commit is new to read (its trees); after that, nothing new: the same decisions, and the file is left as it was.
      const idle = await w.tick({ at: at(2.5) });
      const decisions = (r: typeof idle) => r.services.map((s) => [s.service, s.decision, s.reason]);
      assert.ok(idle.services.every((s) => s.decision === 'none'), JSON.stringify(decisions(idle)));
      const bytes = readFileSync(file);
      assert.deepEqual(decisions(await w.tick({ at: at(2.5) })), decisions(idle));
      assert.ok(readFileSync(file).equals(bytes), 'rewritten by a tick that read nothing new');

      // One byte changed in a file's content: the whole file is refused, the tick decides the same, and it is written anew.
      const damaged = Buffer.from(bytes);
      damaged[damaged.length - 2] = damaged[damaged.length - 2]! ^ 0x20;
      writeFileSync(file, damaged);
      assert.equal(decodeKeptObjects(damaged), undefined);
      const again = await w.tick({ at: at(2.5) });
      assert.deepEqual(decisions(again), decisions(idle));
      assert.ok(decodeKeptObjects(readFileSync(file))?.size, 'written anew, whole');

      // And without the file at all: the same decisions again.
      rmSync(file);
      assert.deepEqual(decisions(await w.tick({ at: at(2.5) })), decisions(idle));
    } finally {
      await w.close();
    }
  });

  test('[http] the next tick decides the same from it; a file broken since is still an error, every time', async () => {
    const names = fleetNames(4);
    const w = await openWorld('http', { production: fleetFiles(names) });
    try {
      w.commit('candidate', {}, { from: 'production', message: 'ci: nothing new\n' });
      const first = await w.tick({ at: at(2) });
      const memoDir = join(remoteCacheDir(w.spec, w.cacheDir!), 'git-canary-memo');
      // The memos (the trees and files read are kept beside them, in their own file).
      const kept = readdirSync(memoDir).filter((n) => n !== 'objects-v1.bin');
      assert.equal(kept.length, 1, kept.join(', '));
      assert.match(kept[0]!, /^memo-[0-9a-f]{16}\.json$/, 'keyed by the build (the CLI runs the bundle)');
      const memos = JSON.parse(readFileSync(join(memoDir, kept[0]!), 'utf8')) as Record<string, Record<string, unknown>>;
      // The verdicts on files are keyed by digests and hold no text of them; the config's data
      // (what git-canary.yaml says, before ${ENV}) and what it validated to (kept only for a file
      // without ${ENV}) are the only texts kept, and no manifest's.
      const { 'config-data': config, 'config-valid': valid, ...verdicts } = memos;
      assert.equal(Object.keys(valid ?? {}).length, 1, 'what the config validated to');
      assert.doesNotMatch(JSON.stringify(valid), /registry\.example\.com/, 'no manifest text');
      assert.ok(Object.keys(verdicts).length > 0);
      assert.doesNotMatch(JSON.stringify(verdicts), /registry\.example\.com|svc-/, 'digests only, no manifest text');
      assert.equal(Object.keys(config ?? {}).length, 1, 'the config that loaded');
      assert.doesNotMatch(JSON.stringify(config), /registry\.example\.com/, 'no manifest text');

      const second = await w.tick({ at: at(3) });
      assert.deepEqual(second.services.map((s) => [s.service, s.decision, s.reason]), first.services.map((s) => [s.service, s.decision, s.reason]));

      // A release file broken on both branches after its verdict was kept: an error naming it, on each tick.
      const broken = names[2]!;
      const bad = { [`apps/${broken}/deployment.yaml`]: 'spec:\n  template: [\n' };
      w.commit('production', bad, { message: 'a person breaks the deployment\n' });
      w.commit('candidate', bad, { message: 'and on candidate\n' });
      for (const minute of [4, 5]) {
        const r = await w.cli(['tick', '--json'], { at: at(minute) });
        assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
        const { services } = jsonOf<{ services: { service: string; decision: string; reason: string }[] }>(r);
        for (const s of services) assert.equal(s.decision, s.service === broken ? 'error' : 'none', JSON.stringify(s));
        assert.match(services.find((s) => s.service === broken)!.reason, /deployment\.yaml/);
      }

      // A damaged memo is only a slower tick.
      writeFileSync(join(memoDir, kept[0]!), '{ damaged');
      const r = await w.cli(['tick', '--json'], { at: at(6) });
      assert.equal(r.code, 1);
      assert.equal(jsonOf<{ services: { decision: string }[] }>(r).services.filter((s) => s.decision === 'error').length, 1);
      assert.doesNotThrow(() => JSON.parse(readFileSync(join(memoDir, kept[0]!), 'utf8')), 'rewritten whole');
    } finally {
      await w.close();
    }
  });

  test('[http] an idle service\'s verdict: the next process recalls it, and reads again once anything it was read from moves', async () => {
    const names = fleetNames(3);
    const [, released] = names as [string, string, string];
    const w = await openWorld('http', { production: fleetFiles(names) });
    const env = { GIT_CANARY_LOG_LEVEL: 'info' };
    /** Each service's decision, and whether it was recalled, from the tick's JSON logs. */
    const said = (stderr: string) =>
      Object.fromEntries(
        stderr
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { service?: string; decision?: string; recalled?: boolean })
          .filter((l) => l.service && l.decision)
          .map((l) => [l.service, `${l.decision}${l.recalled ? ' (recalled)' : ''}`]),
      );
    const all = (what: string) => Object.fromEntries(names.map((n) => [n, what]));
    try {
      w.commit('candidate', {}, { from: 'production', message: 'ci: nothing new\n' });
      const first = await w.tick({ at: at(2), env });
      assert.deepEqual(said(first.result.stderr), all('none'));
      const memoDir = join(remoteCacheDir(w.spec, w.cacheDir!), 'git-canary-memo');
      const file = readdirSync(memoDir).find((n) => /^memo-[0-9a-f]{16}\.json$/.test(n))!;
      const verdicts = (JSON.parse(readFileSync(join(memoDir, file), 'utf8')) as Record<string, Record<string, unknown>>)['idle-verdicts'] ?? {};
      assert.deepEqual(Object.values(verdicts), names.map(() => 'candidate and production releases are the same'));
      assert.doesNotMatch(JSON.stringify(verdicts), /svc-|apps\/|registry\.example\.com|production"/, 'keyed by digests: no service, file or branch is written');

      // Nothing moved: every verdict recalled, the same result.
      const second = await w.tick({ at: at(3), env });
      assert.deepEqual(said(second.result.stderr), all('none (recalled)'));
      assert.deepEqual(second.services, first.services);

      // Candidate moved (one release): every service reads again, the released one starts.
      w.commit('candidate', fleetRelease([released]), { message: 'ci: one release\n' });
      const third = await w.tick({ at: at(4), env });
      assert.deepEqual(said(third.result.stderr), { ...all('none'), [released]: 'start' });
      // Production moved (the start). Read again, but for the service decided after the start in
      // that tick: it was decided on the start's commit, the production tip now; the rollout never.
      const [before, , afterwards] = names as [string, string, string];
      assert.deepEqual(said((await w.tick({ at: at(4.5), env })).result.stderr), { [before]: 'none', [released]: 'none', [afterwards]: 'none (recalled)' });
      const fifth = await w.tick({ at: at(4.6), env });
      assert.deepEqual(said(fifth.result.stderr), { ...all('none (recalled)'), [released]: 'none' });
      assert.deepEqual([fifth.of(released).weight, fifth.of(released).step], [10, '1/2'], 'the rollout waits at its first step');
    } finally {
      await w.close();
    }
  });
});
