import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as core from '@actions/core';
import { type ActionInputs, defaultRepo, getInput, INPUT_NAMES, readInputs, resolveInvocation, splitArgs } from '../../src/action/inputs.ts';
import { commands } from '../../src/commands/index.ts';
import { CanaryError } from '../../src/errors.ts';

const NONE: ActionInputs = { command: 'tick', repo: '', token: '', service: '', shard: '', image: '', source: '', reason: '', dryRun: false, args: [] };

/** The invocation of `inputs` (on top of NONE): command name, opts, globals. */
function invoke(inputs: Partial<ActionInputs>) {
  const { spec, opts, globals } = resolveInvocation({ ...NONE, ...inputs }, commands);
  return { command: spec.name, opts, globals };
}

function usageError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CanaryError, String(e));
    assert.equal(e.code, 'USAGE');
    assert.match(e.message, message);
    return true;
  });
}

describe('getInput', () => {
  it('reads every input the way @actions/core does (INPUT_<NAME>, upper-cased, hyphens kept, trimmed)', () => {
    const env: Record<string, string> = {};
    for (const name of INPUT_NAMES) env[`INPUT_${name.toUpperCase()}`] = `  value of ${name} \n`;
    assert.equal(env['INPUT_DRY-RUN'], '  value of dry-run \n');
    const saved = { ...process.env };
    try {
      Object.assign(process.env, env);
      for (const name of INPUT_NAMES) assert.equal(getInput(env, name), core.getInput(name), name);
      assert.equal(getInput(env, 'dry-run'), 'value of dry-run');
    } finally {
      for (const k of Object.keys(env)) if (!(k in saved)) delete process.env[k];
    }
    assert.equal(getInput({}, 'service'), '');
  });
});

describe('readInputs', () => {
  it('defaults: tick, no dry run, no args', () => {
    assert.deepEqual(readInputs({}), NONE);
  });

  it('reads each input; dry-run as a YAML boolean', () => {
    const env = {
      INPUT_COMMAND: 'promote',
      INPUT_REPO: 'https://github.com/acme/manifests.git',
      INPUT_TOKEN: 'ghs_x',
      INPUT_SERVICE: 'checkout',
      INPUT_IMAGE: 'registry/checkout:v2',
      INPUT_SOURCE: 'acme/checkout@abc',
      INPUT_REASON: 'on-call said so',
      'INPUT_DRY-RUN': 'True',
      INPUT_ARGS: "--debug --reason 'two words'",
    };
    assert.deepEqual(readInputs(env), {
      command: 'promote',
      repo: 'https://github.com/acme/manifests.git',
      token: 'ghs_x',
      service: 'checkout',
      shard: '',
      image: 'registry/checkout:v2',
      source: 'acme/checkout@abc',
      reason: 'on-call said so',
      dryRun: true,
      args: ['--debug', '--reason', 'two words'],
    });
    for (const v of ['false', 'False', 'FALSE', '']) assert.equal(readInputs({ 'INPUT_DRY-RUN': v }).dryRun, false, v);
    usageError(() => readInputs({ 'INPUT_DRY-RUN': 'yes' }), /^input dry-run is "yes", not a boolean$/);
  });

  it('the repo default is the workflow repository over HTTPS, else the current directory', () => {
    assert.equal(defaultRepo({ GITHUB_SERVER_URL: 'https://ghe.example.com/', GITHUB_REPOSITORY: 'acme/manifests' }), 'https://ghe.example.com/acme/manifests.git');
    assert.equal(defaultRepo({ GITHUB_REPOSITORY: 'acme/manifests' }), '.');
    assert.equal(defaultRepo({}), '.');
  });
});

describe('splitArgs', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['  --every 1m \n --times   3 ', ['--every', '1m', '--times', '3']],
    ["--reason 'rolled back: p99 > 0.5s'", ['--reason', 'rolled back: p99 > 0.5s']],
    ['--reason "say \\"no\\" to \\$HOME and \\\\ \\n"', ['--reason', 'say "no" to $HOME and \\ \\n']],
    ['a\\ b c\\"d', ['a b', 'c"d']],
    ["'' x\"\"y ''z", ['', 'xy', 'z']],
    ['$HOME `id` $(id) *.yaml # not a comment', ['$HOME', '`id`', '$(id)', '*.yaml', '#', 'not', 'a', 'comment']],
    ['it"\'"s  "two  spaces"', ["it's", 'two  spaces']],
  ];
  for (const [text, words] of cases) {
    it(`splits ${JSON.stringify(text)}`, () => assert.deepEqual(splitArgs(text), words));
  }
  it('refuses an unterminated quote', () => {
    usageError(() => splitArgs("--reason 'oops"), /unterminated ' quote/);
    usageError(() => splitArgs('--reason "oops'), /unterminated " quote/);
  });
});

describe('resolveInvocation', () => {
  it('maps each input to the command and its options, as the CLI parses them', () => {
    const none = { json: false, debug: false };
    assert.deepEqual(invoke({}), { command: 'tick', opts: {}, globals: none });
    assert.deepEqual(invoke({ service: 'checkout', dryRun: true }), { command: 'tick', opts: { service: 'checkout', dryRun: true }, globals: none });
    assert.deepEqual(invoke({ command: 'status', service: 'checkout' }), { command: 'status', opts: { service: 'checkout' }, globals: none });
    assert.deepEqual(invoke({ command: 'rollback', service: 'checkout', reason: 'p99 too high' }), {
      command: 'rollback',
      opts: { service: 'checkout', reason: 'p99 too high' },
      globals: none,
    });
    assert.deepEqual(invoke({ command: 'propose', service: 'checkout', image: 'registry/checkout:v2', source: 'acme/checkout@abc' }).opts, {
      service: 'checkout',
      image: 'registry/checkout:v2',
      source: 'acme/checkout@abc',
    });
    assert.deepEqual(invoke({ shard: '2/3' }).opts, { shard: '2/3' });
    assert.deepEqual(invoke({ command: 'watch', shard: '1/2' }).opts, { every: '30s', shard: '1/2' });
    // Defaults of a command's own options apply, as in the CLI.
    assert.deepEqual(invoke({ command: 'watch' }).opts, { every: '30s' });
    assert.deepEqual(invoke({ command: 'validate' }).opts, { online: false });
  });

  it('args: the command options and the global ones (--json, --debug, --production, --cache-dir)', () => {
    assert.deepEqual(invoke({ command: 'watch', args: splitArgs('--every 1m --times 3 --dry-run') }).opts, { every: '1m', times: '3', dryRun: true });
    assert.deepEqual(invoke({ args: splitArgs('--json --debug --production main --cache-dir "/tmp/a cache"') }), {
      command: 'tick',
      opts: {},
      globals: { json: true, debug: true, production: 'main', cacheDir: '/tmp/a cache' },
    });
    // The later of an input and the same flag in args wins, as on a command line.
    assert.deepEqual(invoke({ service: 'a', args: ['--service', 'b'] }).opts, { service: 'b' });
  });

  it('usage errors: an unknown command, an unknown flag, an input the command does not take, a stray word', () => {
    usageError(() => invoke({ command: 'deploy' }), /^input command is "deploy", not a git-canary command$/);
    usageError(() => invoke({ args: ['--frobnicate'] }), /^git-canary tick: unknown option '--frobnicate'$/);
    usageError(() => invoke({ args: ['--service'] }), /^git-canary tick: option '--service <name>' argument missing$/);
    usageError(() => invoke({ args: ['--repo', 'x'] }), /unknown option '--repo'/);
    usageError(() => invoke({ args: ['--help'] }), /unknown option '--help'/);
    usageError(() => invoke({ args: ['checkout'] }), /too many arguments/);
    usageError(() => invoke({ image: 'registry/checkout:v2' }), /^input image does not apply to git-canary tick$/);
    usageError(() => invoke({ command: 'status', shard: '1/2' }), /^input shard does not apply to git-canary status$/);
    usageError(() => invoke({ command: 'status', dryRun: true }), /^input dry-run does not apply to git-canary status$/);
    usageError(() => invoke({ command: 'validate', reason: 'x' }), /^input reason does not apply to git-canary validate$/);
  });
});
