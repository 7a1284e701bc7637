import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { editDistance, suggest } from '../../src/config/suggest.ts';

const SERVICE_KEYS = ['files', 'canary', 'route', 'steps', 'interval', 'analysis', 'gate'];

describe('suggest', () => {
  const table: [string, string | undefined][] = [
    ['intervl', 'interval'],
    ['Interval', 'interval'],
    ['stpes', 'steps'],
    ['file', 'files'],
    ['anaylsis', 'analysis'],
    ['gates', 'gate'],
    ['weights', undefined],
    ['x', undefined],
    ['canaries', undefined],
  ];
  for (const [word, expected] of table) {
    it(`${word} → ${expected ?? 'nothing'}`, () => assert.equal(suggest(word, SERVICE_KEYS), expected));
  }
  it('counts a swap of neighbours as one edit', () => {
    assert.equal(editDistance('prot', 'port'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });
});
