import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutEvent } from '../../src/audit/events.ts';
import type { RolloutLogEntry } from '../../src/audit/log.ts';
import { escapeCell, renderRolloutsMarkdown, renderTickSummary, renderWeightChart } from '../../src/audit/markdown.ts';
import { cand, iso } from './helpers.ts';

const A = cand('a');
const sha = (d: string) => d.repeat(40);
const LIMITS = { checkout: { 'success-rate': { min: 99 }, 'latency-p99': { max: 0.5 } } };
const commitUrl = (s: string) => `https://github.com/acme/manifests/commit/${s}`;

const failed = [
  { name: 'success-rate', value: 90, outcome: 'fail' as const },
  { name: 'latency-p99', value: 0.2, outcome: 'pass' as const },
];
const passed = [
  { name: 'success-rate', value: 99.9, outcome: 'pass' as const },
  { name: 'latency-p99', value: null, outcome: 'no-data' as const },
];
const promoted: RolloutLogEntry = {
  service: 'checkout',
  rollout: 'checkout-aaaaaaa',
  candidate: A,
  outcome: 'promoted',
  startedAt: iso(0),
  endedAt: iso(3),
  steps: [
    { weight: 10, step: 1, commit: sha('1'), at: iso(0), checks: [], judgments: [{ at: iso(1), outcome: 'fail', checks: failed }], judged: [] },
    { weight: 50, step: 2, commit: sha('2'), at: iso(2), checks: passed, judgments: [], judged: [] },
  ],
  events: [
    { kind: 'start', at: iso(0), commit: sha('1'), weight: 10, step: 1, total: 2, why: 'candidate aaaaaaa differs from production' },
    { kind: 'judgment', at: iso(1), commit: sha('f'), weight: 10, step: 1, total: 2, outcome: 'fail', checks: failed, failedChecks: 1, source: 'note', stepCommit: sha('1') },
    // A check that carries its bound (from the record) shows that one, not the config's.
    { kind: 'judgment', at: iso(2), commit: sha('2'), weight: 10, step: 1, total: 2, outcome: 'pass', checks: [{ ...passed[0]!, min: 98 }, passed[1]!], source: 'commit', stepCommit: sha('1') },
    { kind: 'step', at: iso(2), commit: sha('2'), weight: 50, step: 2, total: 2, why: 'step 1/2 (10%) passed', from: 10 },
    { kind: 'promote', at: iso(3), commit: sha('3'), weight: 0, step: 2, total: 2, actor: 'bob', reason: 'ship it | now', why: 'promote requested by bob: ship it | now' },
  ],
};
const link = (d: string) => `[\`${d.repeat(7)}\`](https://github.com/acme/manifests/commit/${sha(d)})`;

describe('renderRolloutsMarkdown', () => {
  it('renders a rollout: heading, dates, its events with checks against limits, linked commits, who and why, the weight chart', () => {
    assert.equal(
      renderRolloutsMarkdown([promoted], { commitUrl, limits: LIMITS }),
      `## checkout: checkout-aaaaaaa (promoted)

Candidate \`aaaaaaa\`, started 2023-11-14T22:13:20.000Z, ended 2023-11-14T22:16:20.000Z (after 3m).

| time | event | step | canary weight | checks | commit | actor / reason |
| --- | --- | --- | --- | --- | --- | --- |
| 2023-11-14T22:13:20Z (+0s) | start | 1/2 | 10% | – | ${link('1')} | candidate aaaaaaa differs from production |
| 2023-11-14T22:14:20Z (+1m) | judgment: fail | 1/2 | 10% | success-rate 90 (min 99) fail<br>latency-p99 0.2 (max 0.5) pass | ${link('f')} | 1 failed check counted |
| 2023-11-14T22:15:20Z (+2m) | judgment: pass | 1/2 | 10% | success-rate 99.9 (min 98) pass<br>latency-p99 - (max 0.5) no-data | ${link('2')} | – |
| 2023-11-14T22:15:20Z (+2m) | step | 2/2 | 50% | – | ${link('2')} | 10% → 50%: step 1/2 (10%) passed |
| 2023-11-14T22:16:20Z (+3m) | promote | 2/2 | 0% | – | ${link('3')} | bob: ship it \\| now |

\`\`\`mermaid
xychart-beta
  title "checkout-aaaaaaa: traffic to the new release"
  x-axis ["22:13", "22:15", "22:16"]
  y-axis "percent" 0 --> 100
  line [10, 50, 100]
\`\`\`
`,
    );
  });

  it('without links or limits: short shas and the bounds the events carry; no rollouts says so', () => {
    const out = renderRolloutsMarkdown([promoted], { level: 4 });
    assert.match(out, /^#### checkout: checkout-aaaaaaa \(promoted\)\n/);
    assert.match(out, /\| 2023-11-14T22:14:20Z \(\+1m\) \| judgment: fail \| 1\/2 \| 10% \| success-rate 90 fail<br>latency-p99 0.2 pass \| `fffffff` \| 1 failed check counted \|/);
    assert.match(out, /\| success-rate 99.9 \(min 98\) pass<br>latency-p99 - no-data \| `2222222` \|/);
    assert.equal(renderRolloutsMarkdown([]), 'No rollouts.\n');
  });

  it('a rollout in progress, paused or superseded: no end point; a rollback ends at 0; a pause shows the weight a person set', () => {
    const progressing: RolloutLogEntry = { ...promoted, outcome: 'progressing', endedAt: null, supersededBy: 'checkout-bbbbbbb', events: promoted.events.slice(0, 4) };
    const out = renderRolloutsMarkdown([progressing]);
    assert.match(out, /^## checkout: checkout-aaaaaaa \(progressing, superseded by checkout-bbbbbbb\)\n\nCandidate `aaaaaaa`, started 2023-11-14T22:13:20.000Z, not ended\.\n/);
    assert.match(out, /x-axis \["22:13", "22:15"\]\n {2}y-axis "percent" 0 --> 100\n {2}line \[10, 50\]\n/);
    const end = { kind: 'rollback' as const, at: iso(3), commit: sha('3'), weight: 0, step: 2, total: 2, why: '2/2 failed checks' };
    const rolledBack: RolloutLogEntry = { ...promoted, outcome: 'rolled-back', events: [...promoted.events.slice(0, 4), end] };
    assert.match(renderWeightChart(rolledBack), /line \[10, 50, 0\]/);
    const pause = { kind: 'pause' as const, at: iso(3), commit: sha('4'), weight: 5, step: 2, total: 2, why: 'apps/checkout/virtualservice.yaml changed on production in 1234abc by someone else during the rollout', by: '1234abc', files: ['apps/checkout/virtualservice.yaml'] };
    const paused: RolloutLogEntry = { ...promoted, outcome: 'paused', endedAt: null, events: [...promoted.events.slice(0, 4), pause] };
    assert.match(renderWeightChart(paused), /line \[10, 50, 5\]/);
    assert.match(renderRolloutsMarkdown([paused]), /\| pause \| 2\/2 \| 5% \| – \| `4444444` \| apps\/checkout\/virtualservice.yaml changed on production in 1234abc by someone else during the rollout \|/);
    // A rollout without events has neither a table nor a chart.
    const bare: RolloutLogEntry = { ...promoted, outcome: 'paused', endedAt: null, steps: [], events: [] };
    assert.equal(renderRolloutsMarkdown([bare]), '## checkout: checkout-aaaaaaa (paused)\n\nCandidate `aaaaaaa`, started 2023-11-14T22:13:20.000Z, not ended.\n');
  });

  it('chart labels: seconds when minutes collide, the day when the rollout spans days; one point per instant', () => {
    const events = (ats: string[]): RolloutEvent[] =>
      ats.map((at, i) => ({ kind: 'step', at, commit: sha('1'), weight: 10 * (i + 1), step: 1, total: 2, why: '', from: 0 }));
    const sameMinute: RolloutLogEntry = { ...promoted, outcome: 'progressing', endedAt: null, events: events(['2024-01-01T00:00:05Z', '2024-01-01T00:00:35Z']) };
    assert.match(renderWeightChart(sameMinute), /x-axis \["00:00:05", "00:00:35"\]/);
    const days: RolloutLogEntry = { ...promoted, endedAt: '2024-01-02T09:00:00Z', events: [...events(['2024-01-01T23:50:00Z']), { ...promoted.events[4]!, at: '2024-01-02T09:00:00Z' }] };
    assert.match(renderWeightChart(days), /x-axis \["01-01 23:50", "01-02 09:00"\]/);
    const sameInstant: RolloutLogEntry = { ...promoted, events: events(['2024-01-01T00:00:05Z', '2024-01-01T00:00:05Z']) };
    assert.match(renderWeightChart(sameInstant), /x-axis \["00:00"\]\n {2}y-axis "percent" 0 --> 100\n {2}line \[20\]/);
  });
});

describe('escapeCell', () => {
  it('escapes pipes, HTML and line breaks, so a cell stays one cell', () => {
    assert.equal(escapeCell('a | b <img src=x> & c\nd\r\ne'), 'a \\| b &lt;img src=x> &amp; c<br>d<br>e');
  });
});

describe('renderTickSummary', () => {
  const results = [
    {
      service: 'checkout',
      decision: 'step',
      weight: 50,
      step: '2/3',
      commit: sha('2'),
      reason: 'step 1 passed | all checks <ok>\nnext: 50%',
      checks: [
        { name: 'success-rate', value: 99.9, outcome: 'pass' as const },
        { name: 'latency-p99', value: null, outcome: 'no-data' as const },
      ],
      files: ['apps/checkout/virtualservice.yaml'],
    },
    { service: 'payments', decision: 'none', weight: null, step: null, commit: null, reason: 'candidate matches production', checks: [], files: [] },
  ];

  it('renders the services, their checks against limits, and the rollouts', () => {
    assert.equal(
      renderTickSummary(results, [promoted], { commitUrl, limits: LIMITS }),
      `## git-canary tick

| service | decision | canary weight | step | commit | reason |
| --- | --- | --- | --- | --- | --- |
| checkout | step | 50% | 2/3 | [\`2222222\`](https://github.com/acme/manifests/commit/${sha('2')}) | step 1 passed \\| all checks &lt;ok><br>next: 50% |
| payments | none | – | – | – | candidate matches production |

### Checks

| service | check | value | limit | outcome |
| --- | --- | --- | --- | --- |
| checkout | success-rate | 99.9 | min 99 | pass |
| checkout | latency-p99 | – | max 0.5 | no-data |

### Rollouts

${renderRolloutsMarkdown([promoted], { commitUrl, limits: LIMITS, level: 4 })}`,
    );
  });

  it('a dry run says nothing was pushed and which decisions would have committed; no checks, no checks table', () => {
    const dry = [{ ...results[0]!, commit: null, checks: [] }, results[1]!];
    assert.equal(
      renderTickSummary(dry, [], { dryRun: true }),
      `## git-canary tick

Dry run: nothing was committed or pushed.

| service | decision | canary weight | step | commit | reason |
| --- | --- | --- | --- | --- | --- |
| checkout | step | 50% | 2/3 | not committed (dry run) | step 1 passed \\| all checks &lt;ok><br>next: 50% |
| payments | none | – | – | – | candidate matches production |
`,
    );
    assert.equal(renderTickSummary([], []), '## git-canary tick\n\nNo services in git-canary.yaml.\n');
  });
});
