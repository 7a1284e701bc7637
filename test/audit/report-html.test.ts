import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RolloutEvent } from '../../src/audit/events.ts';
import type { RolloutLogEntry } from '../../src/audit/log.ts';
import { CHART, escapeHtml, type ReportInput, renderReportHtml } from '../../src/audit/report-html.ts';
import { cand, iso } from './helpers.ts';

const sha = (d: string) => d.repeat(40);
const [S1, S2, S3, S4] = [sha('1'), sha('2'), sha('3'), sha('4')];
const commitUrl = (s: string) => `https://github.com/acme/manifests/commit/${s}`;
const sr = (value: number | null, outcome: 'pass' | 'fail' | 'no-data') => ({ name: 'success-rate', value, outcome, min: 99 });
const lat = (value: number) => ({ name: 'latency-p99', value, outcome: 'pass' as const, max: 0.5 });

/** checkout walks 10 → 25 → 50 % one minute apart and is promoted at minute 3; step 2 fails once and holds once on no data. */
const events: RolloutEvent[] = [
  { kind: 'start', at: iso(0), commit: S1, weight: 10, step: 1, total: 3, why: 'candidate aaaaaaa differs from production' },
  { kind: 'judgment', at: iso(1), commit: S2, weight: 10, step: 1, total: 3, outcome: 'pass', checks: [sr(99.9, 'pass'), lat(0.2)], source: 'commit', stepCommit: S1 },
  { kind: 'step', at: iso(1), commit: S2, weight: 25, step: 2, total: 3, why: 'step 1/3 (10%) passed', from: 10 },
  { kind: 'judgment', at: iso(1.5), commit: S2, weight: 25, step: 2, total: 3, outcome: 'fail', checks: [sr(98, 'fail'), lat(0.3)], failedChecks: 1, source: 'note', stepCommit: S2 },
  { kind: 'judgment', at: iso(1.75), commit: S2, weight: 25, step: 2, total: 3, outcome: 'inconclusive', checks: [sr(null, 'no-data'), lat(0.3)], source: 'note', stepCommit: S2 },
  { kind: 'judgment', at: iso(2), commit: S3, weight: 25, step: 2, total: 3, outcome: 'pass', checks: [sr(99.7, 'pass'), lat(0.25)], source: 'commit', stepCommit: S2 },
  { kind: 'step', at: iso(2), commit: S3, weight: 50, step: 3, total: 3, why: 'step 2/3 (25%) passed', from: 25 },
  { kind: 'judgment', at: iso(3), commit: S4, weight: 50, step: 3, total: 3, outcome: 'pass', checks: [sr(99.95, 'pass'), lat(0.21)], source: 'commit', stepCommit: S3 },
  { kind: 'promote', at: iso(3), commit: S4, weight: 0, step: 3, total: 3, why: 'last step 3/3 (50%) passed' },
];

const rollout: RolloutLogEntry = {
  service: 'checkout',
  rollout: 'checkout-aaaaaaa',
  candidate: cand('a'),
  outcome: 'promoted',
  startedAt: iso(0),
  endedAt: iso(3),
  steps: [],
  events,
};

const input: ReportInput = { rollout, events, commitUrl };

/** Every match of `re`'s first group. */
const all = (html: string, re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!);
/** Every tag of `html`: its element name and attribute names; `rest` is the text outside tags. */
function tags(html: string): { tags: { name: string; attrs: string[] }[]; rest: string } {
  const TAG = /<\/?([a-zA-Z][\w-]*)((?:\s+[^\s=>/]+(?:="[^"]*"|='[^']*'|=[^\s>"']+)?)*)\s*\/?>|<!doctype html>/gi;
  const found: { name: string; attrs: string[] }[] = [];
  const rest = html.replace(TAG, (_, name: string | undefined, attrs: string | undefined) => {
    if (name) found.push({ name: name.toLowerCase(), attrs: all(attrs ?? '', /\s([^\s=]+)(?:="[^"]*"|='[^']*'|=[^\s>"']+)?/g) });
    return '';
  });
  return { tags: found, rest };
}
const ELEMENTS = 'html head meta title style body main header h1 h2 code section p strong span dl div dt dd svg rect line text polyline g circle path figure figcaption table thead tbody tr th td a br footer';

/** The weight chart's SVG. */
const weightChart = (html: string) => /<svg id="weight-chart"[\s\S]*?<\/svg>/.exec(html)![0];

describe('renderReportHtml: the weight chart', () => {
  it('draws 10 → 25 → 50 → 0 % as a step line over the rollout, one minute apart', () => {
    const html = renderReportHtml(input);
    // x: 52 + minutes/3 × 648; y: 16 + (100 − weight)/100 × 192.
    assert.equal(CHART.left, 52);
    assert.equal(CHART.width - CHART.left - CHART.right, 648);
    assert.deepEqual(all(weightChart(html), /<polyline class="weight-line" points="([^"]+)"/g), [
      '52,188.8 268,188.8 268,160 484,160 484,112 700,112 700,208',
    ]);
    assert.deepEqual(all(weightChart(html), /<text class="weight-label"[^>]*>(\d+)%<\/text>/g), ['10', '25', '50']);
    assert.match(weightChart(html), /<title id="weight-chart-title">canary weight over time: 10% → 25% → 50% → 0%<\/title>/);
  });

  it('marks every judgment at its time and the weight it judged, its class by outcome', () => {
    const svg = weightChart(renderReportHtml(input));
    assert.deepEqual(all(svg, /<g class="judgment judgment-(\w+)"/g), ['pass', 'fail', 'inconclusive', 'pass', 'pass']);
    assert.deepEqual(all(svg, /<g class="judgment [^"]*" data-at="([^"]+)"/g), [iso(1), iso(1.5), iso(1.75), iso(2), iso(3)]);
    // pass: a circle; at minute 1 judging 10 %.
    assert.match(svg, /<g class="judgment judgment-pass" data-at="[^"]+" data-outcome="pass"><title>[^<]*<\/title><circle cx="268" cy="188.8" r="5"\/><\/g>/);
    // fail: a cross at minute 1.5 (x 376) judging 25 % (y 160).
    assert.match(svg, /judgment-fail"[^>]*><title>[^<]*success-rate 98 \(min 99\) fail[^<]*<\/title><path d="M371,155L381,165M371,165L381,155"\/>/);
    assert.match(svg, /class="end-label end-promote"[^>]*>promoted</);
  });

  it('runs a rollout still going up to generatedAt and shades a pause', () => {
    const going: RolloutEvent[] = [
      events[0]!,
      { kind: 'pause', at: iso(1), commit: S2, weight: 10, step: 1, total: 3, why: 'paused by alice', actor: 'alice', reason: 'incident 42' },
    ];
    const html = renderReportHtml({ rollout: { ...rollout, outcome: 'paused', endedAt: null, events: going }, events: going, generatedAt: iso(2) });
    // Two minutes wide: x 52 → 700 at weight 10 throughout.
    assert.deepEqual(all(html, /class="weight-line" points="([^"]+)"/g), ['52,188.8 700,188.8']);
    assert.match(html, /<rect class="paused-band" x="376" y="16" width="324" height="192"><title>paused 2023-11-14 22:14:20 UTC: paused by alice<\/title>/);
    assert.match(html, /<section id="outcome" class="outcome outcome-paused" data-outcome="paused"><p><strong class="outcome-label">paused<\/strong>: <span class="why">paused by alice<\/span><\/p><p class="person">by alice, reason: incident 42<\/p>/);
    assert.match(html, /Made by git-canary report on 2023-11-14 22:15:20 UTC/);
  });
});

describe('renderReportHtml: checks and commits', () => {
  it('tabulates each judgment with every check value, outcome and limit', () => {
    const html = renderReportHtml(input);
    assert.deepEqual(all(html, /<th scope="col" data-check="([^"]+)">/g), ['success-rate', 'latency-p99']);
    assert.match(html, /data-check="success-rate">success-rate<br><span class="muted">min 99<\/span><\/th>/);
    assert.match(html, /data-check="latency-p99">latency-p99<br><span class="muted">max 0.5<\/span><\/th>/);
    const rows = all(html, /<tr class="judgment-row" (data-at="[^"]+" data-step="\d" data-weight="\d+" data-outcome="\w+")/g);
    assert.deepEqual(rows, [
      `data-at="${iso(1)}" data-step="1" data-weight="10" data-outcome="pass"`,
      `data-at="${iso(1.5)}" data-step="2" data-weight="25" data-outcome="fail"`,
      `data-at="${iso(1.75)}" data-step="2" data-weight="25" data-outcome="inconclusive"`,
      `data-at="${iso(2)}" data-step="2" data-weight="25" data-outcome="pass"`,
      `data-at="${iso(3)}" data-step="3" data-weight="50" data-outcome="pass"`,
    ]);
    assert.deepEqual(all(html, /<td class="check [^"]*" data-check="success-rate" data-value="([^"]*)"/g), ['99.9', '98', '', '99.7', '99.95']);
    assert.deepEqual(all(html, /<td class="check [^"]*" data-check="latency-p99" data-value="([^"]*)"/g), ['0.2', '0.3', '0.3', '0.25', '0.21']);
    assert.match(html, /<span class="tag">fail<\/span> <span class="muted">\(1 failed\)<\/span>/);
    // One small chart per check, with its limit line.
    assert.deepEqual(all(html, /<figure class="check-chart" data-check="([^"]+)">/g), ['success-rate', 'latency-p99']);
    assert.equal(all(html, /<line class="limit limit-(min|max)"/g).join(), 'min,max');
  });

  it("takes a check's limit from the config when the events carry none", () => {
    const bare = events.map((e) => (e.kind === 'judgment' ? { ...e, checks: e.checks.map(({ min, max, ...c }) => c) } : e));
    const html = renderReportHtml({ rollout, events: bare, limits: { 'success-rate': { min: 98.5 } } });
    assert.match(html, /data-check="success-rate">success-rate<br><span class="muted">min 98.5<\/span>/);
    assert.match(html, /data-check="latency-p99">latency-p99<\/th>/);
  });

  it('lists each commit once, oldest first, linked to GitHub, with what it did', () => {
    const html = renderReportHtml(input);
    assert.deepEqual(all(html, /<tr data-sha="([0-9a-f]{40})"/g), [S1, S2, S3, S4]);
    assert.deepEqual(all(html, /<a class="sha" href="([^"]+)"/g), [commitUrl(cand('a')), ...[S1, S2, S3, S4].map(commitUrl)]);
    assert.match(html, /<tr data-sha="4{40}" data-kinds="judgment promote">.*?judged step 3\/3 \(50%\): pass<br>promoted: last step 3\/3 \(50%\) passed/);
    assert.match(html, /<strong class="outcome-label">promoted<\/strong> on 2023-11-14 22:16:20 UTC, after 3m: <span class="why">last step 3\/3 \(50%\) passed<\/span>/);
  });

  it('links nothing without a commit URL, and never a URL that is not http(s)', () => {
    assert.doesNotMatch(renderReportHtml({ rollout, events }), /<a /);
    const html = renderReportHtml({ rollout, events, commitUrl: (s) => `javascript:alert('${s}')` });
    assert.doesNotMatch(html, /<a |javascript:/);
  });
});

describe('renderReportHtml: safety', () => {
  it('escapes every string from git: a <script> in a name or a reason renders as text', () => {
    const evil = '<script>alert(1)</script>';
    const attr = '"><img src=x onerror=alert(2)>';
    const bad: RolloutEvent[] = [
      { ...events[0]!, kind: 'start', why: evil },
      { kind: 'judgment', at: iso(1), commit: S2, weight: 10, step: 1, total: 3, outcome: 'fail', checks: [{ name: attr, value: 1, outcome: 'fail', min: 2 }], source: 'commit', stepCommit: S1 },
      { kind: 'rollback', at: iso(1), commit: S2, weight: 0, step: 1, total: 3, why: `${evil} & more`, actor: `${attr}'`, reason: evil },
    ];
    const html = renderReportHtml({
      rollout: { ...rollout, service: evil, rollout: attr, outcome: 'rolled-back', endedAt: iso(1), supersededBy: evil, events: bad },
      events: bad,
      commitUrl,
      limits: { [attr]: { min: 2 } },
    });
    const parsed = tags(html);
    assert.doesNotMatch(parsed.rest, /</, 'every < in the text is escaped');
    assert.deepEqual([...new Set(parsed.tags.map((t) => t.name))].filter((n) => !ELEMENTS.split(' ').includes(n)), []);
    assert.deepEqual(parsed.tags.flatMap((t) => t.attrs).filter((a) => /^on/i.test(a)), [], 'no event handler attribute');
    assert.doesNotMatch(html, /<script|<img/i);
    assert.match(html, /<h1>&#60;script&#62;alert\(1\)&#60;\/script&#62;: /);
    assert.match(html, /<span class="why">&#60;script&#62;alert\(1\)&#60;\/script&#62; &#38; more<\/span>/);
    assert.match(html, /data-check="&#34;&#62;&#60;img src=x onerror=alert\(2\)&#62;"/);
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;');
  });

  it('is self-contained: no script, no external resource, a CSP that forbids them', () => {
    const html = renderReportHtml({ ...input, generatedAt: iso(4) });
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/);
    assert.doesNotMatch(html, /<script|<link|<img|<iframe|\ssrc=|url\(|@import/i);
    // The only URLs are the commit links.
    const urls = all(html, /(https?:\/\/[^"'\s<]+)/g);
    assert.ok(urls.length > 0 && urls.every((u) => u.startsWith('https://github.com/acme/manifests/commit/')), urls.join('\n'));
  });

  it('is deterministic: the same data gives the same bytes, and no clock is read', () => {
    const a = renderReportHtml(input);
    assert.equal(renderReportHtml({ ...input, rollout: structuredClone(rollout), events: structuredClone(events) }), a);
    assert.match(a, /Made by git-canary report from production/);
  });
});
