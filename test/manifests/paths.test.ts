/** Repository paths that stay inside the checkout are normalised, not refused. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPath, safeRepoPath } from '../../src/manifests/index.ts';

describe('safeRepoPath', () => {
  const cases: [string, string][] = [
    ['apps/checkout/deployment.yaml', 'apps/checkout/deployment.yaml'],
    ['./apps/web.yaml', 'apps/web.yaml'],
    ['apps/./web/../checkout/vs.yaml', 'apps/checkout/vs.yaml'],
    ['a/b/../../c.yaml', 'c.yaml'],
    ['.hidden/x.yaml', '.hidden/x.yaml'],
    ['dir with space/ü.yaml', 'dir with space/ü.yaml'],
    ['..foo/x', '..foo/x'],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () => {
      assert.equal(safeRepoPath(input), want);
    });
  }
});

describe('formatPath', () => {
  it('writes paths the way messages show them', () => {
    assert.equal(formatPath([]), '(document root)');
    assert.equal(formatPath(['spec', 'http', 1, 'route', 0, 'weight']), 'spec.http[1].route[0].weight');
    assert.equal(formatPath(['metadata', 'labels', 'app.kubernetes.io/name']), 'metadata.labels["app.kubernetes.io/name"]');
  });
});
