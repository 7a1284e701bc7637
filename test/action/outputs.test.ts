import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { actionOutputs, lastCommit, standingsOf, writeOutputs } from '../../src/action/outputs.ts';
import { parseOutputFile } from './support.ts';

const sha = (d: string) => d.repeat(40);
const tickJson = {
  services: [
    { service: 'checkout', decision: 'step', weight: 25, step: '2/3', commit: sha('1'), reason: 'passed', checks: [], phase: 'progressing' },
    { service: 'payments', decision: 'rollback', weight: 0, step: null, commit: sha('2'), reason: 'failed', checks: [], phase: 'rolled-back' },
    { service: 'cart', decision: 'none', weight: null, step: null, commit: null, reason: 'no change', checks: [], phase: 'idle' },
  ],
};

describe('actionOutputs', () => {
  it('tick: decisions is the tick --json document; commit the last one made', () => {
    const out = actionOutputs({ command: 'tick', json: tickJson, standings: standingsOf(tickJson) });
    assert.deepEqual(out, { decisions: JSON.stringify(tickJson), commit: sha('2') });
    assert.deepEqual(JSON.parse(out.decisions!), tickJson);
  });

  it('phase and weight: of the service input, or of the only service', () => {
    const standings = standingsOf(tickJson);
    assert.deepEqual(standings, [
      { service: 'checkout', phase: 'progressing', weight: 25 },
      { service: 'payments', phase: 'rolled-back', weight: 0 },
      { service: 'cart', phase: 'idle', weight: 0 },
    ]);
    const withService = actionOutputs({ command: 'tick', json: tickJson, service: 'checkout', standings });
    assert.equal(withService.phase, 'progressing');
    assert.equal(withService.weight, '25');
    const only = actionOutputs({ command: 'status', json: undefined, services: ['cart'], standings });
    assert.deepEqual(only, { phase: 'idle', weight: '0' });
    assert.deepEqual(actionOutputs({ command: 'status', json: undefined, services: ['cart', 'checkout'], standings }), {});
  });

  it('other commands: no decisions; the commit of a manual decision; nothing without one', () => {
    const manual = { service: 'checkout', action: 'promote', commit: sha('3'), weight: 0, reason: 'r', actor: 'a' };
    assert.deepEqual(actionOutputs({ command: 'promote', json: manual, standings: [] }), { commit: sha('3') });
    assert.deepEqual(actionOutputs({ command: 'pause', json: { ...manual, commit: null }, standings: [] }), {});
    assert.deepEqual(actionOutputs({ command: 'watch', json: undefined, standings: [] }), {});
    assert.equal(lastCommit({ services: [] }), undefined);
    assert.equal(lastCommit({ services: [{ commit: sha('4') }, { commit: null }] }), sha('4'));
  });
});

describe('writeOutputs', () => {
  it('writes $GITHUB_OUTPUT in the runner format, multi-line values included', () => {
    const dir = mkdtempSync(join(tmpdir(), 'git-canary-outputs-'));
    const file = join(dir, 'output');
    writeFileSync(file, '');
    const saved = process.env.GITHUB_OUTPUT;
    process.env.GITHUB_OUTPUT = file;
    try {
      writeOutputs({ decisions: '{"services":[]}', commit: sha('1'), phase: 'progressing', weight: '10' });
      writeOutputs({ commit: 'line one\nline two' });
    } finally {
      if (saved === undefined) delete process.env.GITHUB_OUTPUT;
      else process.env.GITHUB_OUTPUT = saved;
    }
    const text = readFileSync(file, 'utf8');
    rmSync(dir, { recursive: true, force: true });
    // name<<ghadelimiter_<uuid>, the value, the delimiter again: one block per output.
    const blocks = [...text.matchAll(/^(\w+)<<(ghadelimiter_[0-9a-f-]{36})\n([\s\S]*?)\n\2$/gm)].map((m) => [m[1], m[3]]);
    assert.deepEqual(blocks, [
      ['decisions', '{"services":[]}'],
      ['commit', sha('1')],
      ['phase', 'progressing'],
      ['weight', '10'],
      ['commit', 'line one\nline two'],
    ]);
    assert.deepEqual(parseOutputFile(text), { decisions: '{"services":[]}', commit: 'line one\nline two', phase: 'progressing', weight: '10' });
  });
});
