/**
 * End to end: `git-canary log` as the audit trail of real rollouts. The real
 * CLI ticks local bare repositories on a pinned clock (GIT_CANARY_NOW) against
 * a real Prometheus (checkout healthy at 99.95 %, payments failing at 90 %),
 * one repository per scenario: a healthy rollout promoted; an automatic
 * rollback (a failed-judgment record, then the rollback it decided); a pause by
 * a person's edit of the route, then `resume --reason`; a person's
 * `promote --reason` over a hold; a candidate that moved mid-rollout.
 *
 * Each scenario's `log --json` is checked against an independent derivation
 * that reads production with the git CLI only (`git log`, `git notes`), never
 * git-canary's code: every judgment exactly once, on the step it judged.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CliResult } from '../helpers/cli.ts';
import { jsonOf } from '../helpers/cli.ts';
import { type RunningPrometheus, prometheusSkip, startPrometheus } from '../helpers/prometheus.ts';
import { DEMO_TRAFFIC, productionFiles, release, scenarioMetrics, T0 } from '../helpers/scenario.ts';
import { at, openWorld, type World } from './support.ts';

const VS = 'apps/checkout/virtualservice.yaml';
const IMG = (app: string, v: string) => `registry.example.com/${app}:${v}`;
const short = (sha: string) => sha.slice(0, 7);
/** `2024-01-01T00:02:00Z`, `minutes` after T0, as the text prints times. */
const time = (minutes: number) => at(minutes).toISOString().replace('.000Z', 'Z');

interface Check {
  name: string;
  value: number | null;
  outcome: string;
  min?: number;
  max?: number;
}
interface Event {
  kind: string;
  at: string;
  commit: string;
  weight: number;
  step: number;
  total: number;
  outcome?: string;
  checks?: Check[];
  stepCommit?: string;
  actor?: string;
  reason?: string;
  [more: string]: unknown;
}
interface Rollout {
  service: string;
  rollout: string;
  candidate: string;
  outcome: string;
  startedAt: string;
  endedAt: string | null;
  supersededBy?: string;
  steps: { weight: number; step: number; commit: string; at: string; checks: Check[]; judged: { commit: string; outcome: string; inconclusive?: number; source?: string }[] }[];
  events: Event[];
}

let prom: RunningPrometheus | undefined;
const promEnv = () => ({ PROMETHEUS_URL: prom?.url });

async function tick(w: World, minutes: number, service = 'checkout') {
  const t = await w.tick({ at: at(minutes), args: ['--service', service] });
  return t.of(service);
}
/** `log`'s text without its last line, which must say how much of production it read: all of it. */
async function logText(w: World, minutes: number, args: string[] = []): Promise<string> {
  const r = await w.cli(['log', ...args], { at: at(minutes) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const total = Number(w.git('rev-list', '--first-parent', '--count', 'production').trim());
  const read = `${total.toLocaleString('en-US')} commit${total === 1 ? '' : 's'} of production read: its whole history`;
  const extent = args.includes('markdown') ? `\n_${read}._\n` : `${read}\n`;
  assert.ok(r.stdout.endsWith(extent), `${JSON.stringify(r.stdout.slice(-200))} should end with ${JSON.stringify(extent)}`);
  return r.stdout.slice(0, -extent.length);
}
async function logJson(w: World, minutes: number, args: string[] = []): Promise<Rollout[]> {
  const r = await w.cli(['log', '--json', ...args], { at: at(minutes) });
  assert.equal(r.code, 0, r.stderr);
  return jsonOf<{ rollouts: Rollout[] }>(r).rollouts;
}
function oneLineError(r: CliResult, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, r.stdout + r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, pattern);
}

// ---------------------------------------------------------------------------
// The independent derivation: production's first-parent history and its notes,
// read with the git CLI, turned into rollouts, events and judgments.
// ---------------------------------------------------------------------------

interface GitRecord {
  sha: string;
  at: string;
  trailers: Record<string, string>;
  /** The paragraphs between title and trailers. */
  body: string[];
}

const CHECK = /^(\S+) (\S+)(?: \(([^)]*)\))? (pass|fail|no-data|error)$/;

/** The checks line of a body (every `; ` part a check), with the bounds written beside them. */
function checksLine(body: string[]): Check[] | undefined {
  for (const p of body) {
    const parts = p.split('; ').map((s) => CHECK.exec(s));
    if (parts.length === 0 || parts.some((m) => !m)) continue;
    return parts.map((m) => {
      const [, name, value, bounds, outcome] = m!;
      const c: Check = { name: name!, value: value === '-' ? null : Number(value), outcome: outcome! };
      for (const b of bounds?.split(', ') ?? []) {
        const [k, v] = b.split(' ');
        if (k === 'min' || k === 'max') c[k] = Number(v);
      }
      return c;
    });
  }
  return undefined;
}

function gitRecords(w: World): GitRecord[] {
  const out = w.git('log', '--first-parent', '--format=%H%x00%cI%x00%B%x1e', 'production');
  return out
    .split('\x1e')
    .map((r) => r.replace(/^\n+/, ''))
    .filter((r) => r.trim() !== '')
    .map((r) => {
      const [sha = '', date = '', message = ''] = r.split('\x00');
      const paragraphs = message.trim().split(/\n\n+/);
      const trailers: Record<string, string> = {};
      for (const l of paragraphs[paragraphs.length - 1]!.split('\n')) {
        const m = /^(Canary-[A-Za-z-]+): (.*)$/.exec(l);
        if (m) trailers[m[1]!] = m[2]!;
      }
      return { sha, at: new Date(date).toISOString(), trailers, body: paragraphs.slice(1, -1) };
    })
    .filter((r) => r.trailers['Canary-Service'] !== undefined)
    .reverse();
}

function gitNotes(w: World, sha: string): { rollout: string; at: string; outcome: string; checks: Check[] }[] {
  let text: string;
  try {
    text = w.git('notes', '--ref=refs/notes/git-canary', 'show', sha);
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
}

/** What `log --json` must say, derived from git alone; newest first. */
function derive(w: World): Rollout[] {
  const rollouts: (Rollout & { pos?: { step: number; total: number; weight: number; stepCommit: string } })[] = [];
  const open = new Map<string, (typeof rollouts)[number]>();
  const latest = new Map<string, (typeof rollouts)[number]>();
  for (const r of gitRecords(w)) {
    const t = r.trailers;
    const id = t['Canary-Rollout']!;
    const phase = t['Canary-Phase']!;
    let ro = open.get(id);
    if (!ro) {
      ro = { service: t['Canary-Service']!, rollout: id, candidate: t['Canary-Candidate']!, outcome: '', startedAt: r.at, endedAt: null, steps: [], events: [] };
      const previous = latest.get(ro.service);
      if (previous && previous.endedAt === null) previous.supersededBy = id;
      rollouts.push(ro);
      open.set(id, ro);
      latest.set(ro.service, ro);
    }
    const [index, total] = (t['Canary-Step'] ?? t['Canary-Rollout-Step'] ?? `${ro.pos?.step}/${ro.pos?.total}`).split('/').map(Number);
    const weight = Number(t['Canary-Weight']);
    const who = { ...(t['Canary-Actor'] ? { actor: t['Canary-Actor'] } : {}), ...(t['Canary-Reason'] ? { reason: t['Canary-Reason'] } : {}) };
    const notes = gitNotes(w, r.sha).filter((n) => n.rollout === id);
    const checks = checksLine(r.body);
    const judge = (outcome: string) => {
      const i = notes.findIndex((n) => n.outcome === outcome);
      const noted = i >= 0 ? notes.splice(i, 1)[0] : undefined;
      const bounds = new Map((checks ?? []).map((c) => [c.name, c]));
      const values = noted ? noted.checks.map((c) => ({ ...c, ...(bounds.get(c.name)?.min !== undefined ? { min: bounds.get(c.name)!.min } : {}) })) : checks!;
      const p = ro.pos!;
      ro.events.push({ kind: 'judgment', at: r.at, commit: r.sha, weight: p.weight, step: p.step, total: p.total, ...who, outcome, checks: values, stepCommit: p.stepCommit });
    };
    // A judgment record (fail, inconclusive, error) says which; a pause a limit made holds its judgment in its note.
    if (t['Canary-Judgment']) judge(t['Canary-Judgment']);
    else if (phase === 'paused' && ro.pos && notes.length > 0 && (t['Canary-Errors'] || t['Canary-Inconclusive'])) judge(notes[0]!.outcome);
    else if (checks && ro.pos) judge(phase === 'rolled-back' ? 'fail' : 'pass');

    const base = { at: r.at, commit: r.sha, weight, step: index!, total: total!, ...who };
    if (phase === 'progressing' && !t['Canary-Judgment']) {
      ro.events.push({ ...base, kind: ro.pos ? 'step' : 'start' });
      ro.steps.push({ weight, step: index!, commit: r.sha, at: r.at, checks: [], judged: [] });
      ro.pos = { step: index!, total: total!, weight, stepCommit: r.sha };
    } else if (phase === 'paused' || phase === 'resumed') {
      ro.events.push({ ...base, kind: phase === 'paused' ? 'pause' : 'resume' });
      ro.pos = { ...ro.pos!, weight };
    } else if (phase === 'promoted' || phase === 'rolled-back') {
      ro.events.push({ ...base, kind: phase === 'promoted' ? 'promote' : 'rollback', weight: 0 });
      ro.endedAt = r.at;
      open.delete(id);
    }
    for (const n of notes) {
      const p = ro.pos!;
      ro.events.push({ kind: 'judgment', at: n.at, commit: r.sha, weight: p.weight, step: p.step, total: p.total, outcome: n.outcome, checks: n.checks, stepCommit: p.stepCommit });
    }
    ro.outcome = phase === 'resumed' ? 'progressing' : phase;
  }
  for (const ro of rollouts) {
    for (const s of ro.steps) s.judged = ro.events.filter((e) => e.kind === 'judgment' && e.stepCommit === s.commit).map((e) => ({ commit: e.commit, outcome: e.outcome! }));
    delete ro.pos;
  }
  return rollouts.reverse();
}

/** `log --json` cut to what the derivation knows. */
function comparable(rollouts: Rollout[]): Rollout[] {
  const EVENT_KEYS = ['kind', 'at', 'commit', 'weight', 'step', 'total', 'actor', 'reason', 'outcome', 'checks', 'stepCommit'];
  return rollouts.map((r) => ({
    service: r.service,
    rollout: r.rollout,
    candidate: r.candidate,
    outcome: r.outcome,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    steps: r.steps.map((s) => ({ weight: s.weight, step: s.step, commit: s.commit, at: s.at, checks: [], judged: s.judged.map((j) => ({ commit: j.commit, outcome: j.outcome })) })),
    events: r.events.map((e) => Object.fromEntries(EVENT_KEYS.filter((k) => e[k] !== undefined).map((k) => [k, e[k]])) as Event),
    ...(r.supersededBy ? { supersededBy: r.supersededBy } : {}),
  }));
}

/** `log --json` agrees with git read directly, and every judgment sits once on the step it judged. */
function assertDerived(w: World, rollouts: Rollout[]): void {
  const derived = derive(w);
  assert.deepEqual(comparable(rollouts), derived);
  for (const r of rollouts) {
    const judgments = r.events.filter((e) => e.kind === 'judgment');
    assert.equal(
      r.steps.reduce((n, s) => n + s.judged.length, 0),
      judgments.length,
      `${r.rollout}: each judgment on exactly one step`,
    );
    for (const j of judgments) {
      const judgedStep = r.steps.find((s) => s.commit === j.stepCommit)!;
      assert.equal(j.step, judgedStep.step, `${r.rollout}: a judgment names the step it judged`);
    }
  }
}

describe('log: the audit trail of real rollouts', { skip: prometheusSkip(), concurrency: 5 }, () => {
  before(async () => {
    prom = await startPrometheus({ openmetrics: scenarioMetrics(DEMO_TRAFFIC) });
  });
  after(async () => {
    await prom?.stop();
  });

  test('a healthy rollout: each pass judges the step before the move; the promotion ends it after its own judgment', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: promEnv });
    try {
      const candidate = w.commit('candidate', release('checkout', IMG('checkout', '1.1.0')), { from: 'production', message: 'ci: checkout 1.1.0\n' });
      const commits = [];
      for (const [minute, decision] of [[2, 'start'], [3, 'step'], [4, 'step'], [5, 'promote']] as const) {
        const d = await tick(w, minute);
        assert.equal(d.decision, decision);
        commits.push(short(d.commit!));
      }
      const [s1, s2, s3, p] = commits;
      const c = short(candidate);
      assert.equal(
        await logText(w, 6),
        `checkout-${c}  promoted after 3m
  service checkout  candidate ${c}  started ${time(2)}  ended ${time(5)}
  ${time(2)}  +0s  start     1/3  10%  ${s1}  candidate ${c} differs from production
  ${time(3)}  +1m  judgment  1/3  10%  ${s2}  pass: success-rate 99.95 (min 99) pass
  ${time(3)}  +1m  step      2/3  25%  ${s2}  10% → 25%: step 1/3 (10%) passed
  ${time(4)}  +2m  judgment  2/3  25%  ${s3}  pass: success-rate 99.95 (min 99) pass
  ${time(4)}  +2m  step      3/3  50%  ${s3}  25% → 50%: step 2/3 (25%) passed
  ${time(5)}  +3m  judgment  3/3  50%  ${p}  pass: success-rate 99.95 (min 99) pass
  ${time(5)}  +3m  promote   3/3   0%  ${p}  last step 3/3 (50%) passed
`,
      );
      const rollouts = await logJson(w, 6);
      assertDerived(w, rollouts);
      const [r] = rollouts;
      assert.equal(r!.outcome, 'promoted');
      // PRODUCT.md's `steps` are kept as they were: the checks that moved traffic *to* each step.
      assert.deepEqual(r!.steps.map((s) => [s.weight, s.checks.map((k) => k.outcome)]), [[10, []], [25, ['pass']], [50, ['pass']]]);
      assert.deepEqual(r!.steps.map((s) => s.judged.map((j) => `${j.outcome}@${short(j.commit)}`)), [[`pass@${s2}`], [`pass@${s3}`], [`pass@${p}`]]);
      assert.deepEqual(r!.events.filter((e) => e.kind === 'judgment').map((e) => e.checks), Array(3).fill([{ name: 'success-rate', value: 99.95, outcome: 'pass', min: 99 }]));

      const md = await logText(w, 6, ['--format', 'markdown']);
      assert.ok(md.startsWith(`## checkout: checkout-${c} (promoted)\n`), md);
      assert.ok(md.includes('| time | event | step | canary weight | checks | commit | actor / reason |\n| --- | --- | --- | --- | --- | --- | --- |\n'), md);
      assert.ok(md.includes(`| ${time(3)} (+1m) | judgment: pass | 1/3 | 10% | success-rate 99.95 (min 99) pass | \`${s2}\` | – |\n`), md);
      assert.ok(md.includes(`| ${time(5)} (+3m) | promote | 3/3 | 0% | – | \`${p}\` | last step 3/3 (50%) passed |\n`), md);
      assert.ok(
        md.includes(
          `\`\`\`mermaid\nxychart-beta\n  title "checkout-${c}: traffic to the new release"\n  x-axis ["00:02", "00:03", "00:04", "00:05"]\n  y-axis "percent" 0 --> 100\n  line [10, 25, 50, 100]\n\`\`\`\n`,
        ),
        md,
      );
    } finally {
      await w.close();
    }
  });

  test('an automatic rollback: the failed-judgment record, then the deciding failure and the rollback; --outcome and --service filter', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: promEnv });
    try {
      const candidate = w.commit('candidate', release('payments', IMG('payments', '4.3.0')), { from: 'production', message: 'ci: payments 4.3.0\n' });
      const commits = [];
      for (const [minute, decision] of [[2, 'start'], [3, 'hold'], [4, 'rollback']] as const) {
        const d = await tick(w, minute, 'payments');
        assert.equal(d.decision, decision);
        commits.push(short(d.commit!));
      }
      const [s1, f1, r1] = commits;
      const c = short(candidate);
      assert.equal(
        await logText(w, 5),
        `payments-${c}  rolled-back after 2m
  service payments  candidate ${c}  started ${time(2)}  ended ${time(4)}
  ${time(2)}  +0s  start     1/3  10%  ${s1}  candidate ${c} differs from production
  ${time(3)}  +1m  judgment  1/3  10%  ${f1}  fail: success-rate 90 (min 99) fail (1 failed check counted)
  ${time(4)}  +2m  judgment  1/3  10%  ${r1}  fail: success-rate 90 (min 99) fail (2 failed checks counted)
  ${time(4)}  +2m  rollback  1/3   0%  ${r1}  2/2 failed checks
`,
      );
      const rollouts = await logJson(w, 5);
      assertDerived(w, rollouts);
      const judgments = rollouts[0]!.events.filter((e) => e.kind === 'judgment');
      assert.deepEqual(judgments.map((e) => [e.outcome, e.failedChecks, e.source]), [['fail', 1, 'note'], ['fail', 2, 'commit']]);

      assert.deepEqual((await logJson(w, 5, ['--outcome', 'rolled-back'])).map((r) => r.rollout), [`payments-${c}`]);
      assert.deepEqual(await logJson(w, 5, ['--outcome', 'promoted', '--outcome', 'paused,progressing']), []);
      oneLineError(await w.cli(['log', '--outcome', 'finished'], { at: at(5) }), 2, /^error: --outcome finished is not an outcome — use promoted, rolled-back, paused, progressing/);
      oneLineError(
        await w.cli(['log', '--service', 'nope'], { at: at(5) }),
        1,
        /^error: no service named nope in git-canary\.yaml .* — services: checkout, payments$/,
      );
    } finally {
      await w.close();
    }
  });

  test("a person's edit of the route pauses the rollout; resume --reason continues it, and the next judgment judges the weight the person set", async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: promEnv });
    try {
      const candidate = w.commit('candidate', release('checkout', IMG('checkout', '1.1.0')), { from: 'production', message: 'ci: checkout 1.1.0\n' });
      const s1 = short((await tick(w, 2)).commit!);
      const route = w.show('production', VS)!;
      const edited = route.replace('weight: 90', 'weight: 95').replace('weight: 10', 'weight: 5');
      assert.notEqual(edited, route);
      const human = w.commit('production', { [VS]: edited }, { message: 'ops: less canary traffic\n', date: T0.getTime() / 1000 + 150 });
      const paused = await tick(w, 3);
      assert.equal(paused.decision, 'pause');
      const resume = await w.cli(['resume', '--service', 'checkout', '--reason', 'less traffic is fine', '--json'], { at: at(4), env: { GIT_CANARY_ACTOR: 'alice' } });
      assert.equal(resume.code, 0, resume.stderr);
      const r1 = short(jsonOf<{ commit: string }>(resume).commit);
      const stepped = await tick(w, 5);
      assert.equal(stepped.decision, 'step');
      const [p1, s2] = [short(paused.commit!), short(stepped.commit!)];
      const c = short(candidate);
      assert.equal(
        await logText(w, 6),
        `checkout-${c}  progressing for 4m
  service checkout  candidate ${c}  started ${time(2)}  ended -
  ${time(2)}  +0s  start     1/3  10%  ${s1}  candidate ${c} differs from production
  ${time(3)}  +1m  pause     1/3   5%  ${p1}  ${VS} changed on production in ${short(human)} by someone else during the rollout
  ${time(4)}  +2m  resume    1/3   5%  ${r1}  resume requested by alice: less traffic is fine
  ${time(5)}  +3m  judgment  1/3   5%  ${s2}  pass: success-rate 99.95 (min 99) pass
  ${time(5)}  +3m  step      2/3  25%  ${s2}  5% → 25%: step 1/3 (5%) passed
`,
      );
      const rollouts = await logJson(w, 6);
      assertDerived(w, rollouts);
      const [pause, resumed] = rollouts[0]!.events.filter((e) => e.kind === 'pause' || e.kind === 'resume');
      assert.deepEqual([pause!.by, pause!.files, pause!.actor], [short(human), [VS], undefined]);
      assert.deepEqual([resumed!.actor, resumed!.reason], ['alice', 'less traffic is fine']);
    } finally {
      await w.close();
    }
  });

  test("a person's promote --reason over a hold: the inconclusive judgment is recorded (a record changing no file), then the decision", async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: promEnv });
    try {
      const candidate = w.commit('candidate', release('checkout', IMG('checkout', '1.1.0')), { from: 'production', message: 'ci: checkout 1.1.0\n' });
      // After the metrics window: the start needs no metrics; the judgment finds no data and holds.
      const s1 = short((await tick(w, 125)).commit!);
      const hold = await tick(w, 126);
      assert.equal(hold.decision, 'hold');
      assert.match(hold.reason, /^inconclusive at step 1\/3 \(10%\), 1\/5 in a row/);
      const h = short(hold.commit!);
      const promote = await w.cli(['promote', '--service', 'checkout', '--reason', 'metrics are gone; verified by hand', '--json'], { at: at(127), env: { GIT_CANARY_ACTOR: 'bob' } });
      assert.equal(promote.code, 0, promote.stderr);
      const p = short(jsonOf<{ commit: string }>(promote).commit);
      const c = short(candidate);
      assert.equal(
        await logText(w, 128),
        `checkout-${c}  promoted after 2m
  service checkout  candidate ${c}  started ${time(125)}  ended ${time(127)}
  ${time(125)}  +0s  start     1/3  10%  ${s1}  candidate ${c} differs from production
  ${time(126)}  +1m  judgment  1/3  10%  ${h}  inconclusive: success-rate - (min 99) no-data (query returned no series) (1 inconclusive in a row)
  ${time(127)}  +2m  promote   1/3   0%  ${p}  promote requested by bob: metrics are gone; verified by hand
`,
      );
      const rollouts = await logJson(w, 128);
      assertDerived(w, rollouts);
      const end = rollouts[0]!.events.at(-1)!;
      assert.deepEqual([end.kind, end.actor, end.reason], ['promote', 'bob', 'metrics are gone; verified by hand']);
      assert.deepEqual(rollouts[0]!.steps.map((s) => s.judged.map((j) => [j.commit, j.outcome, j.inconclusive, j.source])), [[[hold.commit, 'inconclusive', 1, 'note']]]);
    } finally {
      await w.close();
    }
  });

  test('a candidate that moves mid-rollout restarts it: the old rollout is superseded, the new one says so; --since', async () => {
    const w = await openWorld('bare', { production: productionFiles() }, { env: promEnv });
    try {
      const first = w.commit('candidate', release('checkout', IMG('checkout', '1.1.0')), { from: 'production', message: 'ci: checkout 1.1.0\n' });
      const a1 = short((await tick(w, 2)).commit!);
      const a2 = short((await tick(w, 3)).commit!);
      const moved = w.commit('candidate', release('checkout', IMG('checkout', '1.2.0')), { message: 'ci: checkout 1.2.0\n' });
      const restart = await tick(w, 4);
      assert.equal(restart.decision, 'start');
      const b1 = short(restart.commit!);
      const b2 = short((await tick(w, 5)).commit!);
      const [a, b] = [short(first), short(moved)];
      const newer = `checkout-${b}  progressing for 2m
  service checkout  candidate ${b}  started ${time(4)}  ended -
  ${time(4)}  +0s  start     1/3  10%  ${b1}  candidate moved to ${b} during rollout checkout-${a}; restarting at step 1; supersedes checkout-${a}
  ${time(5)}  +1m  judgment  1/3  10%  ${b2}  pass: success-rate 99.95 (min 99) pass
  ${time(5)}  +1m  step      2/3  25%  ${b2}  10% → 25%: step 1/3 (10%) passed
`;
      assert.equal(
        await logText(w, 6),
        `${newer}
checkout-${a}  progressing, superseded by checkout-${b} (the candidate moved)
  service checkout  candidate ${a}  started ${time(2)}  ended -
  ${time(2)}  +0s  start     1/3  10%  ${a1}  candidate ${a} differs from production
  ${time(3)}  +1m  judgment  1/3  10%  ${a2}  pass: success-rate 99.95 (min 99) pass
  ${time(3)}  +1m  step      2/3  25%  ${a2}  10% → 25%: step 1/3 (10%) passed
`,
      );
      const rollouts = await logJson(w, 6);
      assertDerived(w, rollouts);
      assert.deepEqual(rollouts.map((r) => [r.rollout, r.outcome, r.supersededBy]), [[`checkout-${b}`, 'progressing', undefined], [`checkout-${a}`, 'progressing', `checkout-${b}`]]);
      assert.equal(rollouts[0]!.events[0]!.supersedes, `checkout-${a}`);

      // --since: a duration before the pinned now (an hour after the restart), or a date.
      assert.equal((await logText(w, 63.5, ['--since', '1h'])).replace(/progressing for \S+/, 'progressing for 2m'), newer);
      const since = async (minutes: number, value: string) => (await logJson(w, minutes, ['--since', value])).map((r) => r.rollout);
      assert.deepEqual(await since(93.5, '1h30m'), [`checkout-${b}`]);
      assert.deepEqual(await since(63.5, '2h'), [`checkout-${b}`, `checkout-${a}`]);
      assert.deepEqual(await since(6, '2024-01-01T00:03:00Z'), [`checkout-${b}`]);
      oneLineError(await w.cli(['log', '--since', 'yesterday'], { at: at(6) }), 2, /^error: --since yesterday is neither a duration nor a date — write a duration before now \(1h, 30m, 2d, 1h30m\) or an ISO date/);
    } finally {
      await w.close();
    }
  });
});
