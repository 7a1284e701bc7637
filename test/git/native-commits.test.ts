/**
 * Long walks read commits in bulk through native git (native-commits.ts).
 * The invariant: a walk yields exactly the same commits, in the same order,
 * with the same fields and messages byte for byte, whether or not it reads in
 * bulk, and whether or not the bulk read fails. Checked on a real repository
 * long enough for bulk reads to start, with merges, CRLF messages, trailers,
 * a message in another encoding and commits with equal dates; and the bulk
 * reader must really have been used (else the test would prove nothing).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { nativeCommitReader, objectAt } from '../../src/git/native-commits.ts';
import { type BulkRead, type ObjectStore, walkFrom } from '../../src/git/read.ts';
import type { CommitInfo } from '../../src/git/types.ts';
import { git, tempDir } from '../helpers/git-fixtures.ts';

const COMMITS = 900;
let dir: { path: string; cleanup: () => Promise<void> };
let tip: string;

/** A fast-import stream: a main line of COMMITS commits with a side branch merged every 50, odd messages, some equal dates. */
function history(): Buffer {
  const parts: (string | Buffer)[] = [];
  const data = (b: string | Buffer) => {
    const bytes = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    parts.push(`data ${bytes.length}\n`, bytes, '\n');
  };
  let mark = 0;
  let side = 0;
  for (let i = 1; i <= COMMITS; i++) {
    const date = 1_700_000_000 + Math.floor(i / 3) * 60; // three commits a minute: equal dates
    if (i % 50 === 25) {
      // A side commit off the main line, merged at the next multiple of 50.
      parts.push('commit refs/heads/side\n', `mark :${++mark}\n`, `author Side <side@example.test> ${date} +0200\n`, `committer Side <side@example.test> ${date} +0200\n`);
      data(`side ${i}\n`);
      if (mark > 1) parts.push(`from :${mark - 1}\n`);
      parts.push(`M 100644 inline side.yaml\n`);
      data(`side: ${i}\n`);
      side = mark;
      continue;
    }
    let message: string | Buffer = `commit ${i}\n`;
    if (i % 7 === 0) message = `Step ${i}\r\n\r\nWith CRLF lines\r\n\r\nCanary-Service: web\r\nCanary-Weight: ${i % 100}\r\n`;
    if (i % 11 === 0) message = `  leading spaces and no newline ${i}`;
    if (i % 13 === 0) message = Buffer.concat([Buffer.from(`latin-1 caf`), Buffer.from([0xe9]), Buffer.from(` ${i}\n`)]);
    parts.push('commit refs/heads/production\n', `mark :${++mark}\n`, `author Ann <ann@example.test> ${date} -0130\n`, `committer Bot <bot@example.test> ${date} +0000\n`);
    if (i % 13 === 0) parts.push('encoding ISO-8859-1\n');
    data(message);
    if (mark > 1) parts.push(`from :${mark - 1}\n`);
    if (i % 50 === 0 && side) parts.push(`merge :${side}\n`);
    parts.push('M 100644 inline a.yaml\n');
    data(`a: ${i}\n`);
  }
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

before(() => {
  dir = tempDir('git-canary-bulk-');
  git(dir.path, ['init', '--bare', '-q', '.']);
  git(dir.path, ['fast-import', '--quiet'], history());
  tip = git(dir.path, ['rev-parse', 'production']).trim();
});
after(() => dir.cleanup());

async function walkAll(store: ObjectStore, firstParent: boolean): Promise<CommitInfo[]> {
  const out: CommitInfo[] = [];
  const onMissing = async () => {
    throw new Error('nothing is missing in a full repository');
  };
  for await (const c of walkFrom(store, tip, { firstParent, onMissing })) out.push(c);
  return out;
}

const plain = (): ObjectStore => ({ gitdir: dir.path, cache: {}, label: 'plain' });

describe('bulk commit reads', () => {
  for (const firstParent of [true, false]) {
    test(`a walk (${firstParent ? 'first parent' : 'every parent'}) yields the same commits with and without bulk reads`, async () => {
      const expected = await walkAll(plain(), firstParent);
      assert.ok(expected.length > 300, `long enough for bulk reads (${expected.length})`);
      const store = plain();
      const reader = nativeCommitReader(store);
      const reads: Promise<number>[] = [];
      store.readCommitsInBulk = (...args) => {
        const r = reader(...args);
        reads.push(r.done);
        return r;
      };
      const bulk = await walkAll(store, firstParent);
      const added = (await Promise.all(reads)).reduce((a, b) => a + b, 0);
      assert.ok(added > 100, `the bulk reader was used (${added} commits)`);
      assert.deepEqual(bulk, expected);
      // And git agrees on the commits and their order.
      const order = git(dir.path, ['rev-list', ...(firstParent ? ['--first-parent'] : []), tip]).trim().split('\n');
      if (firstParent) assert.deepEqual(bulk.map((c) => c.sha), order);
      else assert.deepEqual(new Set(bulk.map((c) => c.sha)), new Set(order));
    });
  }

  test('messages stay byte for byte: CRLF, no final newline, another encoding', async () => {
    const store = plain();
    store.readCommitsInBulk = nativeCommitReader(store);
    const commits = await walkAll(store, true);
    const crlf = commits.find((c) => c.message.startsWith('Step 7\r\n'));
    assert.equal(crlf?.message, 'Step 7\r\n\r\nWith CRLF lines\r\n\r\nCanary-Service: web\r\nCanary-Weight: 7\r\n');
    assert.ok(commits.some((c) => c.message === '  leading spaces and no newline 11'));
    const raw = git(dir.path, ['cat-file', 'commit', commits.find((c) => c.message.includes('latin-1 caf') && c.message.endsWith(' 13\n'))!.sha]);
    assert.match(raw, /^encoding ISO-8859-1$/m);
  });

  test('a bulk reader that fails leaves the walk as it would be without one', async () => {
    const expected = await walkAll(plain(), true);
    const store = plain();
    let calls = 0;
    store.readCommitsInBulk = (from, count, firstParent) => {
      calls++;
      // A git that cannot start: nothing arrives, the read ends at once.
      return nativeCommitReader(store, async () => {
        throw new Error('no git here');
      })(from, count, firstParent);
    };
    assert.deepEqual(await walkAll(store, true), expected);
    assert.ok(calls > 0);
  });

  test('a bulk read whose git dies midway: the walk reads on itself, the same commits', async () => {
    const expected = await walkAll(plain(), true);
    const store = plain();
    const reader = nativeCommitReader(store);
    let calls = 0;
    store.readCommitsInBulk = (from, count, firstParent) => {
      calls++;
      const r = reader(from, count, firstParent);
      // Stopped as soon as it started: whatever it listed is kept, the rest is read one at a time.
      r.cancel();
      return r;
    };
    assert.deepEqual(await walkAll(store, true), expected);
    assert.ok(calls > 0);
  });

  test('the walk goes on while git lists: a parent is waited for, not the whole read', async () => {
    const store = plain();
    const reader = nativeCommitReader(store);
    let read: BulkRead | undefined;
    let ended = false;
    let walkedBeforeEnd = 0;
    store.readCommitsInBulk = (...args) => {
      read = reader(...args);
      void read.done.then(() => {
        ended = true;
      });
      return read;
    };
    let n = 0;
    for await (const _ of walkFrom(store, tip, { firstParent: true, onMissing: async () => {} })) {
      n++;
      if (read && !ended) walkedBeforeEnd++;
    }
    assert.ok(n > 300);
    assert.ok(walkedBeforeEnd > 0, 'some commits were walked before git had listed them all');
  });

  test('a walk that stops early stops git too', async () => {
    const store = plain();
    const reader = nativeCommitReader(store);
    let read: BulkRead | undefined;
    store.readCommitsInBulk = (...args) => (read = reader(...args));
    let n = 0;
    for await (const _ of walkFrom(store, tip, { firstParent: true, onMissing: async () => {} })) if (++n === 300) break;
    assert.ok(read, 'a bulk read started');
    // Ended by the walk's end (cancelled), well short of the 4,096 it was asked for.
    assert.ok((await read.done) < 600, `${await read.done} commits`);
  });

  test('short walks never start git', async () => {
    const store = plain();
    let calls = 0;
    store.readCommitsInBulk = (...args) => {
      calls++;
      return nativeCommitReader(store)(...args);
    };
    let n = 0;
    for await (const _ of walkFrom(store, tip, { firstParent: true, onMissing: async () => {} })) if (++n === 200) break;
    assert.equal(calls, 0);
  });

  test('objectAt: objects with newlines inside, a missing one, and one not all there yet', () => {
    const body = Buffer.from('tree x\n\nline\n\nmore\n');
    const out = Buffer.concat([Buffer.from(`${'a'.repeat(40)} commit ${body.length}\n`), body, Buffer.from('\n'), Buffer.from(`${'b'.repeat(40)} missing\n`)]);
    const first = objectAt(out, 0);
    assert.ok(first && !('missing' in first));
    assert.equal(first.oid, 'a'.repeat(40));
    assert.deepEqual(first.bytes, body);
    assert.deepEqual(objectAt(out, first.next), { missing: true, next: out.length });
    assert.equal(objectAt(out, out.length), undefined);
    // Not all there yet: undefined, to be read again once more has arrived.
    assert.equal(objectAt(out.subarray(0, 60), 0), undefined);
    assert.equal(objectAt(out.subarray(0, 30), 0), undefined);
    const noNewline = Buffer.concat([out.subarray(0, first.next - 1), Buffer.from('X')]);
    assert.throws(() => objectAt(noNewline, 0), /not followed by a newline/);
    assert.throws(() => objectAt(Buffer.from(`${'c'.repeat(40)} commit -1\n`), 0), /bad header/);
  });
});
