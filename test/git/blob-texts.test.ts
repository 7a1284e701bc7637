/**
 * Files read once per blob (read.ts `blobTexts`): a service reads the same
 * blob on production, on candidate and at its record, and only the first read
 * locates, sizes and inflates it. A kept text is the blob's, whatever path or
 * commit names it, and the size limit of each read still holds.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ManifestError } from '../../src/errors.ts';
import { type ObjectStore, readFileAt } from '../../src/git/read.ts';
import { git, tempDir } from '../helpers/git-fixtures.ts';

/** A bare repository (loose objects) with two commits whose trees name one blob at two paths. */
function twoCommitsOneBlob(dir: string, text: string): { first: string; second: string; blob: string } {
  git(join(dir, '..'), ['init', '--quiet', '--bare', dir]);
  const blob = git(dir, ['hash-object', '-w', '--stdin'], text).trim();
  const tree = (name: string) => git(dir, ['mktree'], `100644 blob ${blob}\t${name}\n`).trim();
  const person = { GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' };
  const commit = (t: string, msg: string) => git(dir, ['commit-tree', t, '-m', msg], undefined, person).trim();
  return { first: commit(tree('route.yaml'), 'one'), second: commit(tree('canary.yaml'), 'two'), blob };
}

describe('files kept by blob id', () => {
  test('a blob read once is the text of every path and commit naming it, even with its object gone', async () => {
    const temp = tempDir();
    try {
      const dir = join(temp.path, 'repo.git');
      const text = 'apiVersion: v1\nkind: ConfigMap\n# héllo ✓\n';
      const { first, second, blob } = twoCommitsOneBlob(dir, text);
      const store: ObjectStore = { gitdir: dir, cache: {}, label: 'repo' };
      assert.equal(await readFileAt(store, first, 'route.yaml'), text);
      // The object goes: only what was kept can answer now.
      rmSync(join(dir, 'objects', blob.slice(0, 2), blob.slice(2)));
      assert.equal(await readFileAt(store, second, 'canary.yaml'), text, 'the kept text, by blob id');
      const fresh: ObjectStore = { gitdir: dir, cache: {}, label: 'repo' };
      await assert.rejects(readFileAt(fresh, second, 'canary.yaml'), /is not in the repository/, 'a store that kept nothing reads the object');
      assert.equal(await readFileAt(store, second, 'absent.yaml'), undefined, 'a path no tree names is still absent');
    } finally {
      await temp.cleanup();
    }
  });

  test('a kept text larger than a read\'s limit is refused by that read, as an unkept one is', async () => {
    const temp = tempDir();
    try {
      const dir = join(temp.path, 'repo.git');
      const text = `${'x'.repeat(99)}\n`;
      const { first, second } = twoCommitsOneBlob(dir, text);
      const store: ObjectStore = { gitdir: dir, cache: {}, label: 'repo' };
      assert.equal(await readFileAt(store, first, 'route.yaml'), text);
      await assert.rejects(readFileAt(store, second, 'canary.yaml', second, 50), (e: Error) => {
        assert.ok(e instanceof ManifestError);
        assert.match(e.message, /canary\.yaml on [0-9a-f]{7} is larger than 50 bytes \(100 bytes\)/);
        return true;
      });
      assert.equal(await readFileAt(store, second, 'canary.yaml', second, 100), text, 'at the limit it is read');
    } finally {
      await temp.cleanup();
    }
  });
});
