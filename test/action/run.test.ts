/**
 * The Action from its sources, as a process, against a real local repository: inputs to the command,
 * every secret masked before anything prints it, outputs and the job summary,
 * and failures (usage: exit 2, a problem a person must fix: exit 1) failing the step.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRepo, type Fixture } from '../helpers/git-fixtures.ts';
import { gitCanaryYaml, productionFiles, release, T0 } from '../helpers/scenario.ts';
import { maskedValues, runAction } from './support.ts';

const TOKEN = 'ghs_unitTokenNeverPrinted42';
const PROM_TOKEN = 'prom-secret-Zq81x';
const PROM_URL = 'http://127.0.0.1:9';
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
const HEADER = '    headers: { Authorization: "Bearer ${PROM_TOKEN}" }\n';

/** The scenario's config, its Prometheus source with an Authorization header from ${PROM_TOKEN}. */
function configWithHeader(): string {
  const text = gitCanaryYaml();
  // biome-ignore lint/suspicious/noTemplateCurlyInString: as above
  const address = '    address: ${PROMETHEUS_URL}\n';
  assert.ok(text.includes(address));
  return text.replace(address, address + HEADER);
}

describe('the Action (src/action.ts as the program)', () => {
  let repo: Fixture;
  let base: Record<string, string>;
  before(async () => {
    repo = await createRepo({
      production: { ...productionFiles(), 'git-canary.yaml': configWithHeader() },
      candidate: [{ ...productionFiles(), 'git-canary.yaml': configWithHeader() }, release('checkout', 'registry.example.com/checkout:1.1.0')],
    });
    base = {
      INPUT_REPO: repo.dir,
      INPUT_TOKEN: TOKEN,
      PROMETHEUS_URL: PROM_URL,
      PROM_TOKEN,
      GIT_CANARY_NOW: T0.toISOString(),
      HOME: repo.dir,
      PATH: process.env.PATH ?? '',
    };
  });
  after(() => repo.cleanup());

  it('importing src/action.ts runs nothing: only running it as the program does', async () => {
    const mod = await import('../../src/action.ts');
    assert.equal(typeof mod.run, 'function');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(process.exitCode, undefined);
  });

  it('usage errors fail the step with one error line and exit 2, before anything runs', async () => {
    const before = repo.git('rev-parse', 'production');
    const r = await runAction({ ...base, INPUT_COMMAND: 'tick', INPUT_ARGS: '--frob' });
    assert.equal(r.code, 2, 'a usage error');
    assert.equal(r.stderr, "error: git-canary tick: unknown option '--frob' — the inputs and args become: tick --frob\n");
    assert.match(r.stdout, /^::error::git-canary tick: unknown option '--frob'/m);
    assert.deepEqual(r.outputs, {});
    assert.match(r.summary, /^## git-canary tick\n\n\*\*Failed:\*\*\n\n- git-canary tick: unknown option '--frob'/);
    assert.equal(repo.git('rev-parse', 'production'), before, 'nothing committed');
    // The token was masked even so, first thing.
    assert.equal(r.stdout.split('\n')[0], `::add-mask::${TOKEN}`);

    const image = await runAction({ ...base, INPUT_IMAGE: 'registry/x:1' });
    assert.equal(image.code, 2);
    assert.match(image.stderr, /^error: input image does not apply to git-canary tick/);
    assert.match(image.summary, /^## git-canary tick\n/);
    const unknown = await runAction({ ...base, INPUT_COMMAND: '<b>deploy</b>' });
    assert.equal(unknown.code, 2);
    assert.match(unknown.summary, /^## git-canary action\n\n\*\*Failed:\*\*\n\n- input command is "&lt;b>deploy&lt;\/b>", not a git-canary command/);
  });

  it('a problem a person must fix fails the step with its error line (exit 1)', async () => {
    const r = await runAction({ ...base, INPUT_COMMAND: 'status', INPUT_ARGS: '--production nope' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: branch nope does not exist in /);
    assert.match(r.stdout, /^::error::branch nope does not exist in /m);
    assert.deepEqual(r.outputs, {});
    assert.match(r.summary, /^## git-canary status\n\n\*\*Failed:\*\*\n\n- branch nope does not exist in /);
  });

  it('tick: masks the token and every value the config expands from the environment first, prints the text, writes outputs and the summary', async () => {
    const r = await runAction({ ...base });
    assert.equal(r.code, 0, r.stderr);
    const production = repo.git('rev-parse', 'production').trim();

    const masked = maskedValues(r.stdout);
    for (const secret of [TOKEN, Buffer.from(`x-access-token:${TOKEN}`).toString('base64'), PROM_TOKEN, PROM_URL]) {
      assert.ok(masked.includes(secret), `${secret} masked: ${masked.join(', ')}`);
    }
    // Masks come before the first line that is not one.
    const lines = r.stdout.split('\n');
    const firstText = lines.findIndex((l) => !l.startsWith('::add-mask::'));
    assert.ok(lines.slice(firstText).every((l) => !l.startsWith('::add-mask::')), r.stdout);
    assert.equal(lines.slice(firstText).join('\n'), `checkout: start → 10% (step 1/3) ${production.slice(0, 7)} — ${JSON.parse(r.outputs.decisions!).services[0].reason}\npayments: none — ${JSON.parse(r.outputs.decisions!).services[1].reason}\n`);

    assert.deepEqual(Object.keys(r.outputs).sort(), ['commit', 'decisions']);
    assert.equal(r.outputs.commit, production);
    const decisions = JSON.parse(r.outputs.decisions!) as { services: { service: string; decision: string; commit: string | null }[] };
    assert.deepEqual(
      decisions.services.map((s) => [s.service, s.decision, s.commit]),
      [
        ['checkout', 'start', production],
        ['payments', 'none', null],
      ],
    );

    assert.match(r.summary, /^## git-canary tick\n\n\| service \| decision \| canary weight \| step \| commit \| reason \|\n/);
    assert.match(r.summary, new RegExp(`^\\| checkout \\| start \\| 10% \\| 1/3 \\| \`${production.slice(0, 7)}\` \\| `, 'm'));
    assert.match(r.summary, /^\| payments \| none \| – \| – \| – \| /m);
    assert.match(r.summary, /^#### checkout: checkout-[0-9a-f]{7} \(progressing\)$/m);
    assert.match(r.summary, /```mermaid\nxychart-beta\n {2}title "checkout-[0-9a-f]{7}: traffic to the new release"\n {2}x-axis \["00:00"\]\n {2}y-axis "percent" 0 --> 100\n {2}line \[10\]\n```/);
    for (const secret of [TOKEN, PROM_TOKEN]) {
      assert.ok(!r.summary.includes(secret) && !r.outputFile.includes(secret) && !r.stderr.includes(secret), secret);
    }
  });

  it('phase and weight of the service input; --json in args prints the JSON document', async () => {
    const r = await runAction({ ...base, INPUT_COMMAND: 'status', INPUT_SERVICE: 'checkout', INPUT_ARGS: '--json' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.outputs, { phase: 'progressing', weight: '10' });
    const text = r.stdout.split('\n').filter((l) => !l.startsWith('::')).join('\n');
    assert.equal(JSON.parse(text).services[0].service, 'checkout');
    // The summary is for people: the command's text, whatever stdout got.
    assert.match(r.summary, /^## git-canary status\n\n```text\ncheckout: progressing at step 1\/3, canary 10% .*\n```\n/);
    // A command without phase in its result (log) gets them from status.
    const log = await runAction({ ...base, INPUT_COMMAND: 'log', INPUT_SERVICE: 'checkout' });
    assert.equal(log.code, 0, log.stderr);
    assert.deepEqual(log.outputs, { phase: 'progressing', weight: '10' });
  });

  it('a dry-run tick commits nothing and says so', async () => {
    const before = repo.git('rev-parse', 'production');
    const r = await runAction({ ...base, 'INPUT_DRY-RUN': 'true', GIT_CANARY_NOW: new Date(T0.getTime() + 120_000).toISOString() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(repo.git('rev-parse', 'production'), before);
    assert.equal(r.outputs.commit, undefined);
    assert.match(r.summary, /^Dry run: nothing was committed or pushed\.$/m);
    // The step is due, so its checks ran (Prometheus is unreachable here): shown against the config's limits.
    // A dry run records nothing, not even the errored judgment; the summary says why the check had no value.
    assert.match(r.summary, /^\| checkout \| success-rate \| – \| min 99 \| error \| cannot reach prometheus at \S+: connection refused \|$/m);
    assert.match(r.summary, /^\| checkout \| hold \| 10% \| 1\/3 \| – \| metrics error at step 1\/3 \(10%\), 1\/4 in a row before a pause/m);
  });
});
