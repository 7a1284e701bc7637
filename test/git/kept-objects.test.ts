/**
 * Trees and files kept beside a remote's cache between runs (kept-objects.ts).
 * The invariants: an id is git's own id of the object; whatever a kept file
 * holds, what it gives back is only genuine objects (each matches its id), and
 * a file damaged anywhere in an object is refused whole; a store reads a kept
 * object instead of its packs, and gives exactly what the packs give.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  decodeKeptObjects, encodeKeptObjects, type KeptObject, keepObject, loadKeptObjects, localKeptObjectsFile, saveKeptObjects,
} from '../../src/git/kept-objects.ts';
import { gitObjectId } from '../../src/git/object-writer.ts';
import { listFilesAt, type ObjectStore, readFileAt, readTreeEntries } from '../../src/git/read.ts';
import { GIT_ENV, git, tempDir } from '../helpers/git-fixtures.ts';

const PERSON = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };

/** A bare repository of loose objects: one commit of `files` (nested paths), as git itself writes them. */
function repoOf(dir: string, files: Record<string, string>): { commit: string; objects: Map<string, string> } {
  git(join(dir, '..'), ['init', '--quiet', '--bare', dir]);
  const tree = (entries: Record<string, string | Record<string, unknown>>): string => {
    const lines = Object.entries(entries).map(([name, v]) =>
      typeof v === 'string'
        ? `100644 blob ${git(dir, ['hash-object', '-w', '--stdin'], v).trim()}\t${name}`
        : `040000 tree ${tree(v as Record<string, string>)}\t${name}`,
    );
    return git(dir, ['mktree'], `${lines.join('\n')}\n`).trim();
  };
  const nested: Record<string, unknown> = {};
  for (const [path, text] of Object.entries(files)) {
    const parts = path.split('/');
    let at = nested;
    for (const p of parts.slice(0, -1)) {
      at[p] ??= {};
      at = at[p] as Record<string, unknown>;
    }
    at[parts.at(-1)!] = text;
  }
  const commit = git(dir, ['commit-tree', tree(nested as Record<string, string>), '-m', 'manifests'], undefined, PERSON).trim();
  const objects = new Map<string, string>();
  for (const line of git(dir, ['cat-file', '--batch-check', '--batch-all-objects']).trim().split('\n')) {
    const [oid, type] = line.split(' ');
    objects.set(oid!, type!);
  }
  return { commit, objects };
}

/** `git cat-file <type> <oid>` as bytes (a tree is binary). */
function catFile(dir: string, type: string, oid: string): Buffer {
  return execFileSync('git', ['cat-file', type, oid], { cwd: dir, env: GIT_ENV });
}

describe('kept objects', () => {
  test("an object's id is git's id of it, for any bytes", async () => {
    const temp = tempDir();
    try {
      const dir = join(temp.path, 'ids.git');
      git(temp.path, ['init', '--quiet', '--bare', dir]);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
          const path = join(temp.path, 'blob.bin');
          writeFileSync(path, bytes);
          assert.equal(gitObjectId('blob', bytes), git(dir, ['hash-object', path]).trim());
        }),
        { numRuns: 40 },
      );
    } finally {
      await temp.cleanup();
    }
  });

  test("a repository's trees and files round-trip through the file, in order, each checked", async () => {
    const temp = tempDir();
    try {
      const dir = join(temp.path, 'repo.git');
      const { objects } = repoOf(dir, {
        'apps/checkout/deployment.yaml': 'kind: Deployment\r\nmetadata:\r\n  name: checkout\r\n',
        'apps/checkout/virtualservice.yaml': '# héllo ✓\nkind: VirtualService\n',
        'apps/cart/kustomization.yaml': 'images:\n  - name: cart\n    newTag: "1.2"\n',
        'git-canary.yaml': 'version: 1\n',
        'empty.yaml': '',
      });
      const all: [string, KeptObject][] = [];
      for (const [oid, type] of objects) if (type === 'tree' || type === 'blob') all.push([oid, { type, bytes: catFile(dir, type, oid) }]);
      assert.ok(all.some(([, o]) => o.type === 'tree') && all.some(([, o]) => o.bytes.byteLength === 0));
      const decoded = decodeKeptObjects(encodeKeptObjects(all));
      assert.ok(decoded);
      assert.deepEqual([...decoded.keys()], all.map(([oid]) => oid));
      for (const [oid, o] of all) {
        assert.equal(decoded.get(oid)?.type, o.type);
        assert.ok(Buffer.from(decoded.get(oid)!.bytes).equals(Buffer.from(o.bytes)), oid);
      }
      // Over the budget: the first ones are kept, the rest left out (never cut).
      const budget = all[0]![1].bytes.byteLength + all[1]![1].bytes.byteLength;
      const some = decodeKeptObjects(encodeKeptObjects(all, budget));
      assert.ok(some && [...some.keys()].every((oid) => all.slice(0, 2).some(([k]) => k === oid) || decoded.get(oid)!.bytes.byteLength === 0));
    } finally {
      await temp.cleanup();
    }
  });

  test('whatever is done to the file, what it gives back is genuine objects of it, and a changed byte refuses it whole', () => {
    const objects: [string, KeptObject][] = ['kind: Deployment\n', 'spec:\n  replicas: 3\n', 'x'.repeat(700)].map((text) => {
      const bytes = Buffer.from(text);
      return [gitObjectId('blob', bytes), { type: 'blob', bytes }];
    });
    const file = encodeKeptObjects(objects);
    const genuine = (m: Map<string, KeptObject> | undefined) =>
      m === undefined || [...m].every(([oid, o]) => gitObjectId(o.type, o.bytes) === oid && objects.some(([k]) => k === oid));
    fc.assert(
      fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const changed = Buffer.from(file);
        changed[at] = changed[at]! ^ xor;
        // The magic, an id, a length, a header or content: never accepted.
        assert.equal(decodeKeptObjects(changed), undefined, `byte ${at} ^ ${xor}`);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat({ max: file.length }), fc.uint8Array({ maxLength: 40 }), (cut, tail) => {
        assert.ok(genuine(decodeKeptObjects(file.subarray(0, cut))), `cut at ${cut}`);
        assert.ok(genuine(decodeKeptObjects(Buffer.concat([file, tail]))), 'with bytes after it');
      }),
      { numRuns: 200 },
    );
    assert.equal(decodeKeptObjects(Buffer.from('{"not":"ours"}')), undefined);
  });

  test('a store reads kept trees and files instead of its objects, and gives what git gives', async () => {
    const temp = tempDir();
    try {
      const dir = join(temp.path, 'repo.git');
      const files = {
        'apps/web/deployment.yaml': 'kind: Deployment\nmetadata:\n  name: web\n',
        'apps/web/route.yaml': 'kind: HTTPRoute\n',
        'apps/api/values.yaml': 'image:\n  tag: "2.0"\n',
      };
      const { commit, objects } = repoOf(dir, files);
      const path = join(temp.path, 'kept', 'objects-v1.bin');
      const first: ObjectStore = { gitdir: dir, cache: {}, label: 'repo', kept: loadKeptObjects(path) };
      for (const [p, text] of Object.entries(files)) assert.equal(await readFileAt(first, commit, p), text);
      assert.ok(first.kept!.added);
      await saveKeptObjects(first.kept!);
      assert.ok(existsSync(path));
      const kept = decodeKeptObjects(readFileSync(path))!;
      // Every tree and file read, and nothing else: the commit is git's to say.
      assert.deepEqual([...kept.keys()].sort(), [...objects].filter(([, t]) => t !== 'commit').map(([oid]) => oid).sort());

      // The trees and files go from the repository; a store with the kept file still reads them all.
      for (const [oid, type] of objects) if (type !== 'commit') rmSync(join(dir, 'objects', oid.slice(0, 2), oid.slice(2)));
      const second: ObjectStore = { gitdir: dir, cache: {}, label: 'repo', kept: loadKeptObjects(path) };
      for (const [p, text] of Object.entries(files)) assert.equal(await readFileAt(second, commit, p), text);
      assert.deepEqual(await listFilesAt(second, commit), Object.keys(files).sort());
      assert.equal(second.kept!.added, false, 'nothing new was read');
      const mtime = statSync(path).mtimeMs;
      await saveKeptObjects(second.kept!);
      assert.equal(statSync(path).mtimeMs, mtime, 'not written when nothing new was read');
      const bare: ObjectStore = { gitdir: dir, cache: {}, label: 'repo' };
      await assert.rejects(readFileAt(bare, commit, 'apps/web/route.yaml'), /not in the repository/, 'without it, the objects are gone');

      // A damaged file is no file: the reads fail as the repository does.
      const damaged = readFileSync(path);
      damaged[damaged.length - 1] = damaged[damaged.length - 1]! ^ 1;
      writeFileSync(path, damaged);
      const third: ObjectStore = { gitdir: dir, cache: {}, label: 'repo', kept: loadKeptObjects(path) };
      assert.equal(third.kept!.objects.size, 0);
      await assert.rejects(readTreeEntries(third, [...objects].find(([, t]) => t === 'tree')![0]), /not in the repository/);
    } finally {
      await temp.cleanup();
    }
  });

  test("a local repository's first file keeps the 32 most recently written of local repositories, and none idle for 30 days", async () => {
    const temp = tempDir();
    try {
      const now = Date.now() / 1000;
      /** A new repository's file written in `dir`, among `ages` (seconds) of other repositories' files: which others are left. */
      const among = async (dir: string, ages: number[]) => {
        mkdirSync(dir, { recursive: true });
        const others = ages.map((age, i) => {
          const path = join(dir, `objects-${i.toString(16).padStart(16, '0')}-v1.bin`);
          writeFileSync(path, encodeKeptObjects([]));
          utimesSync(path, now - age, now - age);
          return path;
        });
        // A remote's file, which is never theirs to remove.
        writeFileSync(join(dir, 'objects-v1.bin'), encodeKeptObjects([]));
        const kept = loadKeptObjects(join(dir, basename(localKeptObjectsFile(temp.path, dir))));
        assert.equal(kept.existed, false);
        const bytes = Buffer.from('kind: Service\n');
        keepObject(kept, gitObjectId('blob', bytes), 'blob', bytes);
        await saveKeptObjects(kept);
        const left = readdirSync(dir);
        assert.ok(left.includes(basename(kept.path)), 'its own');
        assert.ok(left.includes('objects-v1.bin'), "a remote's");
        return others.map((p, i) => [i, existsSync(p)] as const).filter(([, there]) => there).map(([i]) => i);
      };
      const hour = 3600;
      // 40 others, an hour apart: the 31 newest stay (with its own, 32).
      assert.deepEqual(await among(join(temp.path, 'many'), Array.from({ length: 40 }, (_, i) => (i + 1) * hour)), Array.from({ length: 31 }, (_, i) => i));
      // Few, but one not written for 31 days: it goes.
      assert.deepEqual(await among(join(temp.path, 'few'), [hour, 29 * 24 * hour, 31 * 24 * hour]), [0, 1]);
    } finally {
      await temp.cleanup();
    }
  });

  test('commits and objects over the size limit are not kept', () => {
    const kept = loadKeptObjects('/nonexistent/objects-v1.bin');
    keepObject(kept, 'a'.repeat(40), 'commit', Buffer.from('tree x\n'));
    keepObject(kept, 'b'.repeat(40), 'blob', Buffer.alloc(1024 * 1024 + 1));
    assert.equal(kept.objects.size, 0);
    assert.equal(kept.added, false);
  });
});
