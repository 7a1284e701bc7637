// findRecord shares one lazily read production history per repository object
// and tip (histories of newer tips stacked on older ones). The invariant:
// sharing never changes an answer. Whatever the history, the order of the
// searches or their interleaving, each service gets the same record and the
// same commits as a search on a repository object of its own; and a history
// cut short by a read failure never answers as one that ended.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parsedCommit } from '../../src/audit/trailers.ts';
import { GitError } from '../../src/errors.ts';
import { type CommitInfo, type GitRepo, type Identity, openRepo } from '../../src/git/index.ts';
import { type ObjectStore, walkFrom } from '../../src/git/read.ts';
import { ServiceRouteConfig } from '../../src/routers/index.ts';
import { findRecord, type HistoryScan, type RecordSearch } from '../../src/runner/history.ts';
import { virtualService } from '../e2e/support-scale.ts';
import { buildHistory, fillerCommits, type HistoryCommit } from '../helpers/fast-import.ts';
import { FIXTURE_DATE, git, tempDir } from '../helpers/git-fixtures.ts';

const BOT: Identity = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };
const PERSON: Identity = { name: 'Dana Developer', email: 'dana@example.test' };
const SERVICES = ['svc-a', 'svc-b', 'svc-c', 'svc-d', 'svc-e'];
const CANDIDATE = 'c0ffee'.padEnd(40, '0');

const routeFile = (service: string) => `apps/${service}/virtualservice.yaml`;

function searchFor(service: string): RecordSearch {
  const route = ServiceRouteConfig.parse({ type: 'istio', file: routeFile(service), stable: `${service}-stable`, canary: `${service}-canary` });
  return { service, route, author: BOT };
}

/** A progressing record's message for `service` at `weight`, written out by hand (independent of the formatter). */
function recordMessage(service: string, weight: number): string {
  return [
    `${service}: canary ${weight}% (step 1/2)`,
    '',
    `Canary-Service: ${service}`,
    `Canary-Rollout: ${service}-${CANDIDATE.slice(0, 7)}`,
    `Canary-Candidate: ${CANDIDATE}`,
    'Canary-Phase: progressing',
    'Canary-Step: 1/2',
    `Canary-Weight: ${weight}`,
    '',
  ].join('\n');
}

/** What a search answered, comparable with deepEqual. */
function answer(scan: HistoryScan) {
  return { record: scan.record, commits: scan.commits.map((c) => c.sha) };
}

/** Each service's answer from a repository object of its own (no sharing at all). */
async function freshAnswers(dir: string, tip: string, services: readonly string[]) {
  const out = new Map<string, ReturnType<typeof answer>>();
  for (const s of services) out.set(s, answer(await findRecord(await openRepo(dir), tip, searchFor(s))));
  return out;
}

// ---------------------------------------------------------------------------
// Random histories.

type Who = 'bot' | 'person' | 'bot-author-person-committer';

/** One production commit of a generated history. */
type Step =
  | { kind: 'filler' }
  /** A person edits a service's route by hand (no trailers). */
  | { kind: 'route-edit'; service: number; weight: number }
  /** A commit with Canary-* trailers for a service: trusted only when written by the bot and the route holds its weight. */
  | { kind: 'record'; service: number; weight: number; who: Who; route: 'right' | 'wrong' | 'untouched' }
  /** A merge of the side branch (whose own records are never production's). */
  | { kind: 'merge' };

const stepArb = (services: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'filler' } as const) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('route-edit' as const), service: fc.nat(services - 1), weight: fc.integer({ min: 0, max: 100 }) }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('record' as const),
        service: fc.nat(services - 1),
        weight: fc.integer({ min: 0, max: 100 }),
        who: fc.constantFrom<Who>('bot', 'bot', 'bot', 'person', 'bot-author-person-committer'),
        route: fc.constantFrom('right' as const, 'right' as const, 'right' as const, 'wrong' as const, 'untouched' as const),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'merge' } as const) },
  );

interface Generated {
  dir: string;
  tip: string;
  services: string[];
  /** Per service, the sha of its newest trusted record by the model, if any. */
  expected: Map<string, string | undefined>;
  /** First-parent chain from the tip, newest first. */
  chain: string[];
}

/** Write the history `steps` describes into a new bare repository, and what the model says each search must find. */
async function generate(root: string, services: string[], steps: Step[]): Promise<Generated> {
  const dir = join(root, 'repo.git');
  const weights = new Map(services.map((s) => [s, 0]));
  const initial = Object.fromEntries(services.map((s) => [routeFile(s), virtualService(s, 0)]));
  // A side branch of records that are trusted in their own history, merged into production as a second parent.
  const side = await buildHistory({
    dir,
    branch: 'side',
    commits: [
      { files: initial, message: 'side: start\n', date: FIXTURE_DATE, author: PERSON },
      ...services.map((s, i) => ({ files: { [routeFile(s)]: virtualService(s, 33) }, message: recordMessage(s, 33), date: FIXTURE_DATE + 1 + i, author: BOT })),
    ],
  });
  const commits: HistoryCommit[] = [{ files: initial, message: 'production: start\n', date: FIXTURE_DATE, author: PERSON }];
  const trustedAt: (string | undefined)[] = [undefined];
  steps.forEach((step, i) => {
    const date = FIXTURE_DATE + 60 * (i + 1);
    if (step.kind === 'filler') {
      commits.push({ files: { 'filler.txt': `filler ${i}\n` }, message: `filler ${i}\n`, date, author: PERSON });
      trustedAt.push(undefined);
    } else if (step.kind === 'route-edit') {
      const s = services[step.service]!;
      weights.set(s, step.weight);
      commits.push({ files: { [routeFile(s)]: virtualService(s, step.weight) }, message: `tune ${s}\n`, date, author: PERSON });
      trustedAt.push(undefined);
    } else if (step.kind === 'merge') {
      commits.push({ files: {}, message: `Merge side ${i}\n`, date, author: PERSON, merge: [side.tip] });
      trustedAt.push(undefined);
    } else {
      const s = services[step.service]!;
      if (step.route !== 'untouched') weights.set(s, step.route === 'right' ? step.weight : (step.weight + 1 + (i % 100)) % 101);
      const files = step.route === 'untouched' ? {} : { [routeFile(s)]: virtualService(s, weights.get(s)!) };
      const author = step.who === 'person' ? PERSON : BOT;
      const committer = step.who === 'bot' ? BOT : PERSON;
      commits.push({ files, message: recordMessage(s, step.weight), date, author, committer });
      trustedAt.push(step.who === 'bot' && weights.get(s) === step.weight ? s : undefined);
    }
  });
  const { shas, tip } = await buildHistory({ dir, branch: 'production', commits });
  const expected = new Map(services.map((s) => [s, shas[trustedAt.lastIndexOf(s)]]));
  return { dir, tip, services, expected, chain: [...shas].reverse() };
}

/** A commit on `parent` made through `repo` and moved to by its updateRef, like a tick publishing one service. */
async function stackCommit(repo: GitRepo, parent: string, service: string, weight: number, n: number): Promise<string> {
  const sha = await repo.createCommit({
    parent,
    changes: [{ path: routeFile(service), content: virtualService(service, weight) }],
    message: recordMessage(service, weight),
    author: BOT,
    date: new Date((FIXTURE_DATE + 60 * 10_000 + n) * 1000),
  });
  await repo.updateRef('production', sha, parent);
  return sha;
}

describe('findRecord through a shared history', () => {
  test('gives every service exactly what a search of its own gives: sequential, interleaved, and on stacked tips', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 3, max: 5 }).chain((n) =>
          fc.record({
            n: fc.constant(n),
            steps: fc.array(stepArb(n), { minLength: 0, maxLength: 300 }),
            order: fc.shuffledSubarray(SERVICES.slice(0, n), { minLength: n }),
            stack: fc.array(fc.record({ service: fc.nat(n - 1), weight: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 3 }),
          }),
        ),
        async ({ n, steps, order, stack }) => {
          const temp = tempDir();
          try {
            const services = SERVICES.slice(0, n);
            const g = await generate(temp.path, services, steps);
            const fresh = await freshAnswers(g.dir, g.tip, services);
            for (const s of services) {
              const a = fresh.get(s)!;
              // The model agrees with an unshared search: the newest trusted first-parent record, and the chain down to it.
              assert.equal(a.record?.sha, g.expected.get(s), `${s}: record by the model`);
              const depth = a.record ? g.chain.indexOf(a.record.sha) + 1 : g.chain.length;
              assert.deepEqual(a.commits, g.chain.slice(0, depth), `${s}: commits down to the record`);
            }

            // One repository object, the services one after another in a random order.
            const shared = await openRepo(g.dir);
            const sequential = new Map<string, HistoryScan>();
            for (const s of order) {
              sequential.set(s, await findRecord(shared, g.tip, searchFor(s)));
              assert.deepEqual(answer(sequential.get(s)!), fresh.get(s), `${s}: shared, one after another`);
            }

            // Another repository object, every search at once (and some twice).
            const concurrent = await openRepo(g.dir);
            const all = [...order, ...order.slice(0, 2)];
            const scans = await Promise.all(all.map((s) => findRecord(concurrent, g.tip, searchFor(s))));
            for (const [i, s] of all.entries()) assert.deepEqual(answer(scans[i]!), fresh.get(s), `${s}: shared, interleaved`);

            // Tips stacked on the tip searched before, through the same repository object: each the
            // record of one service. Every stacked tip is checked against the answers at the base (which
            // matched unshared searches above), the last one against unshared searches too.
            let tip = g.tip;
            const stacked: { sha: string; service: string }[] = [];
            for (const [k, c] of stack.entries()) {
              tip = await stackCommit(shared, tip, services[c.service]!, c.weight, k);
              stacked.unshift({ sha: tip, service: services[c.service]! });
              const got = await Promise.all(order.map((s) => findRecord(shared, tip, searchFor(s))));
              order.forEach((s, i) => {
                const newest = stacked.findIndex((x) => x.service === s);
                const above = stacked.map((x) => x.sha);
                const want = newest >= 0
                  ? { record: above[newest], commits: above.slice(0, newest + 1) }
                  : { record: fresh.get(s)!.record?.sha, commits: [...above, ...fresh.get(s)!.commits] };
                assert.deepEqual({ record: got[i]!.record?.sha, commits: got[i]!.commits.map((x) => x.sha) }, want, `${s}: stacked tip ${k + 1}`);
                if (newest < 0) assert.deepEqual(got[i]!.record, fresh.get(s)!.record, `${s}: the record found at the base`);
              });
              if (k === stack.length - 1) {
                const unshared = await freshAnswers(g.dir, tip, services);
                for (const [i, s] of order.entries()) assert.deepEqual(answer(got[i]!), unshared.get(s), `${s}: stacked tip ${k + 1}, unshared`);
              }
            }

            // Answers given earlier have not changed since, though later searches read further.
            for (const [s, scan] of sequential) assert.deepEqual(answer(scan), fresh.get(s), `${s}: earlier answer, afterwards`);
          } finally {
            await temp.cleanup();
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  test(
    'an answer does not grow when a later search reads further (record exactly at the end of a read chunk)',
    async () => {
      const temp = tempDir();
      try {
        const dir = join(temp.path, 'repo.git');
        const init = { [routeFile('svc-a')]: virtualService('svc-a', 0), [routeFile('svc-b')]: virtualService('svc-b', 0) };
        // svc-b's record far back, svc-a's the 64th commit from the tip: the first read (64 commits) ends on it.
        const { tip } = await buildHistory({
          dir,
          branch: 'production',
          commits: [
            { files: init, message: 'start\n', date: FIXTURE_DATE, author: PERSON },
            { files: { [routeFile('svc-b')]: virtualService('svc-b', 10) }, message: recordMessage('svc-b', 10), date: FIXTURE_DATE + 1, author: BOT },
            ...fillerCommits(100, { start: FIXTURE_DATE + 2, author: PERSON }),
            { files: { [routeFile('svc-a')]: virtualService('svc-a', 20) }, message: recordMessage('svc-a', 20), date: FIXTURE_DATE + 200, author: BOT },
            ...fillerCommits(63, { start: FIXTURE_DATE + 201, author: PERSON, path: 'other.txt' }),
          ],
        });
        const repo = await openRepo(dir);
        const a = await findRecord(repo, tip, searchFor('svc-a'));
        assert.equal(a.commits.length, 64);
        const b = await findRecord(repo, tip, searchFor('svc-b'));
        assert.equal(b.commits.length, 165);
        assert.equal(a.commits.length, 64, "svc-a's answer is unchanged by svc-b's search");
      } finally {
        await temp.cleanup();
      }
    },
  );
});

// ---------------------------------------------------------------------------
// A history that cannot be read to its end.

/** Move `dir`'s packs out and unpack them, so each object is one loose file that can be deleted. */
function unpackAll(dir: string): void {
  const packDir = join(dir, 'objects', 'pack');
  const aside = mkdtempSync(join(tmpdir(), 'git-canary-packs-'));
  try {
    for (const name of readdirSync(packDir)) renameSync(join(packDir, name), join(aside, name));
    for (const name of readdirSync(aside).filter((n) => n.endsWith('.pack'))) {
      git(dir, ['unpack-objects', '-q'], readFileSync(join(aside, name)));
    }
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
}

/** The loose object file of `sha` in `dir`. */
const looseObject = (dir: string, sha: string) => join(dir, 'objects', sha.slice(0, 2), sha.slice(2));

describe('findRecord when the history cannot be read', () => {
  test('a missing first-parent commit is a GitError, never a shorter history: also on the next search of the same repository', async () => {
    const temp = tempDir();
    try {
      const dir = join(temp.path, 'repo.git');
      const init = Object.fromEntries(['svc-a', 'svc-b'].map((s) => [routeFile(s), virtualService(s, 0)]));
      const { shas, tip } = await buildHistory({
        dir,
        branch: 'production',
        commits: [
          { files: init, message: 'start\n', date: FIXTURE_DATE, author: PERSON },
          { files: { [routeFile('svc-a')]: virtualService('svc-a', 10) }, message: recordMessage('svc-a', 10), date: FIXTURE_DATE + 60, author: BOT },
          ...fillerCommits(150, { start: FIXTURE_DATE + 120, author: PERSON }),
          { files: { [routeFile('svc-b')]: virtualService('svc-b', 20) }, message: recordMessage('svc-b', 20), date: FIXTURE_DATE + 60 * 200, author: BOT },
          ...fillerCommits(5, { start: FIXTURE_DATE + 60 * 201, author: PERSON, path: 'other.txt' }),
        ],
      });
      unpackAll(dir);
      // Before the damage: svc-b's record is near the tip, svc-a's far back.
      const before = answer(await findRecord(await openRepo(dir), tip, searchFor('svc-b')));
      assert.equal(before.record?.sha, shas[152]);
      // A commit between the two records goes missing.
      unlinkSync(looseObject(dir, shas[20]!));

      const repo = await openRepo(dir);
      const b = await findRecord(repo, tip, searchFor('svc-b'));
      assert.deepEqual(answer(b), before, 'a record before the gap is still found');
      const isGitError = (e: unknown) => {
        assert.ok(e instanceof GitError, `a GitError, got ${String(e)}`);
        assert.equal(e.code, 'GIT');
        assert.match(e.message, new RegExp(shas[20]!), 'names the missing commit');
        return true;
      };
      await assert.rejects(findRecord(repo, tip, searchFor('svc-a')), isGitError);
      await assert.rejects(findRecord(repo, tip, searchFor('svc-a')), isGitError, 'the second search fails too, not a truncated answer');
      await assert.rejects(findRecord(repo, tip, searchFor('svc-none')), isGitError, 'a service with no record: not "no record"');
      assert.deepEqual(answer(await findRecord(repo, tip, searchFor('svc-b'))), before, 'a later search starts afresh');
      assert.deepEqual(answer(b), before, 'the earlier answer is unchanged');

      // Several searches at once on a new repository object: every one that reaches the gap fails.
      const together = await openRepo(dir);
      const settled = await Promise.allSettled(['svc-a', 'svc-none', 'svc-b', 'svc-a'].map((s) => findRecord(together, tip, searchFor(s))));
      assert.deepEqual(settled.map((r) => r.status), ['rejected', 'rejected', 'fulfilled', 'rejected']);
      for (const r of settled) if (r.status === 'rejected') isGitError(r.reason);

      // A tip stacked on the broken history is not answered from it either.
      const next = await stackCommit(repo, tip, 'svc-b', 30, 0);
      await assert.rejects(findRecord(repo, next, searchFor('svc-a')), isGitError);
      assert.equal((await findRecord(repo, next, searchFor('svc-b'))).record?.sha, next);
    } finally {
      await temp.cleanup();
    }
  });
});

// ---------------------------------------------------------------------------
// What the sharing stands on: one commit object per sha, parsed once.

describe('parsedCommit and the commit memo', () => {
  test('walks of one repository hand out the same commit objects; parsedCommit returns one frozen parse per object', async () => {
    const temp = tempDir();
    try {
      const dir = join(temp.path, 'repo.git');
      const { tip } = await buildHistory({
        dir,
        branch: 'production',
        commits: [
          { files: { [routeFile('svc-a')]: virtualService('svc-a', 10) }, message: recordMessage('svc-a', 10), date: FIXTURE_DATE, author: BOT },
          ...fillerCommits(10, { start: FIXTURE_DATE + 60 }),
        ],
      });
      const store: ObjectStore = { gitdir: dir, cache: {}, label: dir };
      const walk = async () => {
        const out: CommitInfo[] = [];
        for await (const c of walkFrom(store, tip, { firstParent: true, onMissing: async () => assert.fail('nothing is missing') })) out.push(c);
        return out;
      };
      const first = await walk();
      assert.equal(first.length, 11);
      assert.equal(store.commits?.size, 11, 'every commit read is kept');
      const second = await walk();
      for (const [i, c] of second.entries()) assert.equal(c, first[i], `commit ${i}: the same object`);

      const record = first.at(-1)!;
      const parsed = parsedCommit(record);
      assert.equal(parsedCommit(record), parsed, 'parsed once');
      assert.equal(parsedCommit(second.at(-1)!), parsed, 'shared by every walk');
      assert.equal(parsed.trailers?.service, 'svc-a');
      assert.equal(parsed.trailers?.weight, 10);
      assert.ok(Object.isFrozen(parsed) && Object.isFrozen(parsed.trailers));
      assert.throws(() => {
        (parsed as { title: string }).title = 'changed';
      }, TypeError);
      assert.throws(() => {
        (parsed.trailers as { weight: number }).weight = 99;
      }, TypeError);
      assert.equal(parsedCommit(record).trailers?.weight, 10);
      // An equal commit object from elsewhere parses alike, separately.
      const copy = { ...record };
      assert.notEqual(parsedCommit(copy), parsed);
      assert.deepEqual(parsedCommit(copy), parsed);
      const filler = parsedCommit(first[0]!);
      assert.equal(filler.trailers, undefined);
      assert.ok(Object.isFrozen(filler));
    } finally {
      await temp.cleanup();
    }
  });

  test('the nested parts of a shared parse are frozen too', () => {
    const parsed = parsedCommit({ message: recordMessage('svc-a', 10) });
    assert.throws(() => {
      (parsed.trailers!.step as { index: number }).index = 2;
    }, TypeError);
  });
});
