/**
 * Our object reader and writer (object-reader.ts, object-writer.ts) against
 * real git: every object git writes, loose or packed (deltas against bases
 * in the same pack and, and by id), reads back
 * byte for byte as `git cat-file` gives it; every object we write is the one
 * git would (same id, `git fsck` clean), and trees come out in git's order.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { readObjectRaw } from '../../src/git/object-reader.ts';
import { treeBytes, writeLooseObject } from '../../src/git/object-writer.ts';
import { parseTree } from '../../src/git/read.ts';
import { buildHistory } from '../helpers/fast-import.ts';
import { FIXTURE_DATE, GIT_ENV, git, tempDir } from '../helpers/git-fixtures.ts';

const catFile = (dir: string, oid: string) => execFileSync('git', ['cat-file', (git(dir, ['cat-file', '-t', oid]).trim()), oid], { cwd: dir, env: { ...process.env, ...GIT_ENV } });

/** A repository with a few hundred versions of similar files: plenty of deltas once packed. */
async function similarHistory(dir: string) {
  const body = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n${Array.from({ length: 40 }, (_, k) => `  key${k}: "${k === i % 40 ? `changed ${i}` : 'same value that repeats'}"`).join('\n')}\n`;
  await buildHistory({
    dir,
    branch: 'production',
    commits: Array.from({ length: 120 }, (_, i) => ({ files: { [`apps/a${i % 3}/config.yaml`]: body(i), 'README.md': `# notes ${i % 7}\n` }, message: `edit ${i}\n`, date: FIXTURE_DATE + i * 60 })),
  });
}

describe('object reader', () => {
  test('every object of a repository, loose and then packed with deltas, reads back as git cat-file says', async () => {
    const temp = tempDir();
    try {
      const dir = `${temp.path}/repo.git`;
      await similarHistory(dir);
      const all = () => git(dir, ['cat-file', '--batch-all-objects', '--batch-check=%(objectname) %(objecttype)']).trim().split('\n').map((l) => l.split(' ') as [string, string]);
      for (const phase of ['as fast-import left it', 'repacked with deltas by offset', 'repacked with deltas by id']) {
        // OFS_DELTA (a base's offset in the pack) is git's default; REF_DELTA (a base's id) is what
        // packs written without --delta-base-offset hold, as some servers send.
        if (phase !== 'as fast-import left it') {
          git(dir, ['-c', `repack.useDeltaBaseOffset=${phase.endsWith('offset')}`, 'repack', '-a', '-d', '-f', '--depth=50', '--window=50', '--quiet']);
        }
        const cache = {};
        const objects = all();
        assert.ok(objects.length > 300, `${objects.length} objects`);
        for (const [oid, type] of objects) {
          const got = await readObjectRaw(dir, cache, oid);
          assert.equal(got?.type, type, `${phase}: ${oid}`);
          assert.ok(Buffer.compare(got.bytes, catFile(dir, oid)) === 0, `${phase}: ${oid} bytes`);
        }
        assert.equal(await readObjectRaw(dir, cache, '0'.repeat(40)), undefined, 'an absent object is undefined');
      }
      // The repack did make deltas (a line of verify-pack -v with a base: 7 fields).
      const idx = readdirSync(join(dir, 'objects/pack')).filter((n) => n.endsWith('.idx')).map((n) => join(dir, 'objects/pack', n));
      const deltas = git(dir, ['verify-pack', '-v', ...idx]).split('\n').filter((l) => l.trim().split(/\s+/).length === 7);
      assert.ok(deltas.length > 50, `${deltas.length} deltas`);
    } finally {
      await temp.cleanup();
    }
  });

  test('a packed object whose data inflates to more than its header says is an error naming the pack, not a read', async () => {
    const temp = tempDir();
    try {
      const dir = `${temp.path}/repo.git`;
      git(temp.path, ['init', '--quiet', '--bare', dir]);
      const oid = git(dir, ['hash-object', '-w', '--stdin'], 'x'.repeat(100)).trim();
      const pack = `${dir}/objects/pack/pack-${git(dir, ['pack-objects', '--quiet', `${dir}/objects/pack/pack`], `${oid}\n`).trim()}.pack`;
      git(dir, ['prune-packed']);
      assert.ok(Buffer.compare((await readObjectRaw(dir, {}, oid))!.bytes, Buffer.from('x'.repeat(100))) === 0, 'read as packed');
      // The entry after the 12-byte pack header: blob, size 100 (0xb4 0x06). Say 50 instead (0xb2 0x03).
      const bytes = readFileSync(pack);
      assert.deepEqual([bytes[12], bytes[13]], [0xb4, 0x06]);
      bytes[12] = 0xb2;
      bytes[13] = 0x03;
      chmodSync(pack, 0o644); // git leaves packs read-only
      writeFileSync(pack, bytes);
      await assert.rejects(readObjectRaw(dir, {}, oid), (err: Error) => {
        assert.match(err.message, /an object inflates to more than the 50 bytes its header says in .*\.pack$/);
        return true;
      });
    } finally {
      await temp.cleanup();
    }
  });
});

describe('object writer', () => {
  test('blobs, trees and commits we write are the objects git writes (same ids; fsck clean)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Names git accepts in a tree, each once: at least one entry, so there is always a tree to write.
        fc.uniqueArray(
          fc.tuple(
            fc.stringMatching(/^[a-z0-9._-]{1,12}$/).filter((name) => name !== '.' && name !== '..'),
            fc.string({ maxLength: 200 }),
            fc.boolean(),
          ),
          { minLength: 1, maxLength: 12, selector: ([name]) => name },
        ),
        async (files) => {
          const temp = tempDir();
          try {
            const dir = `${temp.path}/repo.git`;
            git(temp.path, ['init', '--quiet', '--bare', dir]);
            const cache = {};
            const entries = new Map<string, { mode: string; path: string; oid: string; type: 'blob' | 'tree' }>();
            for (const [name, text, asDir] of files) {
              const blob = await writeLooseObject(dir, cache, 'blob', Buffer.from(text, 'utf8'));
              assert.equal(blob, git(dir, ['hash-object', '--stdin'], text).trim(), 'blob id as git computes it');
              if (asDir) {
                const sub = await writeLooseObject(dir, cache, 'tree', treeBytes([{ mode: '100644', path: 'f', oid: blob, type: 'blob' }]));
                entries.set(name, { mode: '040000', path: name, oid: sub, type: 'tree' });
              } else entries.set(name, { mode: '100644', path: name, oid: blob, type: 'blob' });
            }
            const tree = await writeLooseObject(dir, cache, 'tree', treeBytes([...entries.values()]));
            // git's own tree of the same entries (mktree sorts them git's way).
            const listing = [...entries.values()].map((e) => `${e.mode === '040000' ? '040000' : e.mode} ${e.type} ${e.oid}\t${e.path}`).join('\n');
            assert.equal(tree, git(dir, ['mktree'], `${listing}\n`).trim(), 'tree id and order as git mktree writes them');
            assert.deepEqual(parseTree((await readObjectRaw(dir, cache, tree))!.bytes).map((e) => e.path).sort(), [...entries.keys()].sort());
            const commit = await writeLooseObject(dir, cache, 'commit', Buffer.from(`tree ${tree}\nauthor a <a@b> 1 +0000\ncommitter a <a@b> 1 +0000\n\nmsg\r\nkept as is`, 'utf8'));
            assert.equal(git(dir, ['cat-file', '-t', commit]).trim(), 'commit');
            git(dir, ['update-ref', 'refs/heads/x', commit]);
            assert.equal(git(dir, ['fsck', '--strict', '--no-dangling']).trim(), '');
          } finally {
            await temp.cleanup();
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
