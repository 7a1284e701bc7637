import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutLogEntry } from '../../src/audit/log.ts';
import { escapeCell, renderRolloutsMarkdown, renderTickSummary, renderWeightChart } from '../../src/audit/markdown.ts';
import { cand, iso } from './helpers.ts';

const A = cand('a');
const sha = (d: string) => d.repeat(40);
const LIMITS = { checkout: { 'success-rate': { min: 99 }, 'latency-p99': { max: 0.5 } } };
const commitUrl = (s: string) => `https://github.com/acme/manifests/commit/${s}`;

const promoted: RolloutLogEntry = {
  service: 'checkout',
  rollout: 'checkout-aaaaaaa',
  candidate: A,
  outcome: 'promoted',
  startedAt: iso(0),
  endedAt: iso(3),
  steps: [
    {
      weight: 10,
      step: 1,
      commit: sha('1'),
      at: iso(0),
      checks: [],
      judgments: [{ at: iso(1), outcome: 'fail', checks: [{ name: 'success-rate', value: 90, outcome: 'fail' }, { name: 'latency-p99', value: 0.2, outcome: 'pass' }] }],
    },
    {
      weight: 50,
      step: 2,
      commit: sha('2'),
      at: iso(2),
      checks: [
        { name: 'success-rate', value: 99.9, outcome: 'pass' },
        { name: 'latency-p99', value: null, outcome: 'no-data' },
      ],
      judgments: [],
    },
  ],
};

describe('renderRolloutsMarkdown', () => {
  it('renders a rollout: heading, dates, steps with checks against limits, linked commits, the weight chart', () => {
    assert.equal(
      renderRolloutsMarkdown([promoted], { commitUrl, limits: LIMITS }),
      `## checkout: checkout-aaaaaaa (promoted)

Candidate \`aaaaaaa\`, started 2023-11-14T22:13:20.000Z, ended 2023-11-14T22:16:20.000Z.

| step | canary weight | at | commit | checks |
| --- | --- | --- | --- | --- |
| 1 | 10% | 2023-11-14T22:13:20.000Z | [\`1111111\`](https://github.com/acme/manifests/commit/${sha('1')}) | judged 2023-11-14T22:14:20.000Z: fail (success-rate 90 (min 99) fail) |
| 2 | 50% | 2023-11-14T22:15:20.000Z | [\`2222222\`](https://github.com/acme/manifests/commit/${sha('2')}) | success-rate 99.9 (min 99) pass<br>latency-p99 - (max 0.5) no-data |

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

  it('without links or limits: short shas and bare values; no rollouts says so', () => {
    const out = renderRolloutsMarkdown([promoted], { level: 4 });
    assert.match(out, /^#### checkout: checkout-aaaaaaa \(promoted\)\n/);
    assert.match(out, /\| 1 \| 10% \| 2023-11-14T22:13:20.000Z \| `1111111` \| judged 2023-11-14T22:14:20.000Z: fail \(success-rate 90 fail\) \|/);
    assert.match(out, /\| `2222222` \| success-rate 99.9 pass<br>latency-p99 - no-data \|/);
    assert.equal(renderRolloutsMarkdown([]), 'No rollouts.\n');
  });

  it('a rollout in progress, paused or superseded: no end point; a rollback ends at 0', () => {
    const progressing: RolloutLogEntry = { ...promoted, outcome: 'progressing', endedAt: null, supersededBy: 'checkout-bbbbbbb' };
    const out = renderRolloutsMarkdown([progressing]);
    assert.match(out, /^## checkout: checkout-aaaaaaa \(progressing, superseded by checkout-bbbbbbb\)\n\nCandidate `aaaaaaa`, started 2023-11-14T22:13:20.000Z, not ended\.\n/);
    assert.match(out, /x-axis \["22:13", "22:15"\]\n {2}y-axis "percent" 0 --> 100\n {2}line \[10, 50\]\n/);
    const rolledBack: RolloutLogEntry = { ...promoted, outcome: 'rolled-back' };
    assert.match(renderWeightChart(rolledBack), /line \[10, 50, 0\]/);
    // A paused rollout without steps has neither a table nor a chart.
    const bare: RolloutLogEntry = { ...promoted, outcome: 'paused', endedAt: null, steps: [] };
    assert.equal(renderRolloutsMarkdown([bare]), '## checkout: checkout-aaaaaaa (paused)\n\nCandidate `aaaaaaa`, started 2023-11-14T22:13:20.000Z, not ended.\n');
  });

  it('chart labels: seconds when minutes collide, the day when the rollout spans days', () => {
    const steps = (ats: string[]) => ats.map((at, i) => ({ ...promoted.steps[0]!, step: i + 1, at, judgments: [] }));
    const sameMinute: RolloutLogEntry = { ...promoted, outcome: 'progressing', endedAt: null, steps: steps(['2024-01-01T00:00:05Z', '2024-01-01T00:00:35Z']) };
    assert.match(renderWeightChart(sameMinute), /x-axis \["00:00:05", "00:00:35"\]/);
    const days: RolloutLogEntry = { ...promoted, endedAt: '2024-01-02T09:00:00Z', steps: steps(['2024-01-01T23:50:00Z']) };
    assert.match(renderWeightChart(days), /x-axis \["01-01 23:50", "01-02 09:00"\]/);
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
