import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { unifiedDiff } from '../../src/manifests/line-diff.ts';

/** What `diff -u --minimal` prints for the same texts (its header lines dropped): without --minimal, GNU diff's heuristics may give a longer diff. */
function gnuDiff(a: string, b: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'git-canary-diff-'));
  writeFileSync(join(dir, 'a'), a);
  writeFileSync(join(dir, 'b'), b);
  const r = spawnSync('diff', ['-u', '--minimal', 'a', 'b'], { cwd: dir, encoding: 'utf8' });
  return r.stdout.split('\n').slice(2).join('\n');
}

describe('unifiedDiff', () => {
  it('is empty for equal texts and shows a new file whole', () => {
    assert.equal(unifiedDiff('a.yaml', 'x\n', 'x\n'), '');
    assert.equal(unifiedDiff('a.yaml', undefined, 'a\nb\n'), '--- /dev/null\n+++ b/a.yaml\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });

  it('a one-line image change in a Deployment', () => {
    const before = 'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: checkout\n          image: shop/checkout:1.4.2\n';
    const after = before.replace('1.4.2', '1.5.0');
    assert.equal(
      unifiedDiff('apps/checkout/deployment.yaml', before, after),
      '--- a/apps/checkout/deployment.yaml\n+++ b/apps/checkout/deployment.yaml\n@@ -4,4 +4,4 @@\n     spec:\n       containers:\n         - name: checkout\n-          image: shop/checkout:1.4.2\n+          image: shop/checkout:1.5.0\n',
    );
  });

  it('hunks agree with diff -u on random edits of a file (property)', () => {
    const line = fc.constantFrom('a', 'b', 'c', 'image: x', '  - name: y', '');
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.array(line, { maxLength: 30 }), (xs, ys) => {
        const a = xs.map((l) => `${l}\n`).join('');
        const b = ys.map((l) => `${l}\n`).join('');
        const ours = unifiedDiff('f', a, b).split('\n').slice(2).join('\n');
        // Both are minimal; when several minimal diffs exist they may choose differently, so compare the counts of lines removed and added.
        const count = (d: string, c: string) => d.split('\n').filter((l) => l.startsWith(c) && !l.startsWith('@@')).length;
        const theirs = a === b ? '' : gnuDiff(a, b);
        // (seed 407575401 found GNU diff's default heuristics removing 7 lines where 6 do.)
        assert.equal(count(ours, '-'), count(theirs, '-'), `${ours}\n---\n${theirs}`);
        assert.equal(count(ours, '+'), count(theirs, '+'), `${ours}\n---\n${theirs}`);
      }),
      { numRuns: 150 },
    );
  });
});
