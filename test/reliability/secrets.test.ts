/**
 * Promises about secrets: no form of a credential — raw, URL-encoded, form
 * encoded, base64, the base64 of `user:password` an HTTP Basic header carries,
 * `Bearer <token>` — ever appears in any output of git-canary: stdout (text and
 * --json), stderr and its JSON logs (debug level), --debug stack traces, commit
 * messages and notes on production, the GitHub Action's job summary and
 * $GITHUB_OUTPUT, and errors from libraries (axios, isomorphic-git).
 *
 * Leaks are provoked on purpose: a metrics server and a git proxy that echo the
 * request (URL and every header, Authorization included) back in the body of a
 * 4xx/5xx answer, as misconfigured proxies do.
 *
 * Real CLI and Action processes, real git (a bare repository, and `git
 * http-backend` over HTTP with Basic auth), a real Prometheus.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { reportError } from '../../src/entry.ts';
import { MetricsError } from '../../src/errors.ts';
import { parseRemoteUrl, redactor } from '../../src/git/credentials.ts';
import { createGitHubClient } from '../../src/github/client.ts';
import { createLogger } from '../../src/log.ts';
import { registerHeaderValue, registerToken, registerUrlSecrets, scrub, scrubDeep } from '../../src/secrets.ts';
import { runAction } from '../action/support.ts';
import { type CliResult, runCli } from '../helpers/cli.ts';
import { git } from '../helpers/git-fixtures.ts';
import { type GitHttpServer, start as startGitServer } from '../helpers/git-http-server.ts';
import { type RunningPrometheus, prometheusSkip } from '../helpers/prometheus.ts';
import { gitCanaryYaml } from '../helpers/scenario.ts';
import { type FaultServer, startFaultServer } from '../metrics/fault-server.ts';
import { at, type ScenarioRepo, scenarioRepo, startScenarioPrometheus, tempDir, tickCli } from '../e2e/support-races.ts';
import { FULL, recordFigures } from './figures.ts';

// ---------------------------------------------------------------------------
// the forms a secret can leak in (computed here, independently of src/secrets.ts)

interface Secret {
  value: string;
  /** Sent as HTTP Basic with this user name: base64(user:value) is a form too. */
  basicUser?: string;
}

function formsOf(s: Secret): string[] {
  const b64 = (x: string) => Buffer.from(x, 'utf8').toString('base64');
  const out = [s.value, encodeURIComponent(s.value), new URLSearchParams({ x: s.value }).toString().slice(2), b64(s.value), b64(s.value).replace(/=+$/, '')];
  if (s.basicUser !== undefined) out.push(b64(`${s.basicUser}:${s.value}`), b64(`${s.basicUser}:${s.value}`).replace(/=+$/, ''));
  return [...new Set(out)];
}

/** An output checked: where it came from, and its text. */
interface Output {
  name: string;
  text: string;
}

function assertClean(setup: string, secrets: Secret[], outputs: Output[]): number {
  const forms = secrets.flatMap(formsOf);
  for (const o of outputs) {
    for (const form of forms) {
      const i = o.text.indexOf(form);
      assert.ok(i === -1, `[${setup}] ${o.name} leaks ${JSON.stringify(form)}: …${o.text.slice(Math.max(0, i - 120), i + 120)}…`);
    }
  }
  return outputs.length;
}

/** The text of every file below `dir` but git objects (config, refs, FETCH_HEAD, logs, locks). */
function filesBelow(dir: string): string {
  let out = '';
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (!entry.isFile() || /[\\/]objects[\\/]/.test(path)) continue;
    out += `${path}\n${readFileSync(path, 'latin1')}\n`;
  }
  return out;
}

const std = (name: string, r: CliResult): Output[] => [
  { name: `${name} stdout`, text: r.stdout },
  { name: `${name} stderr`, text: r.stderr },
];

/** The Action's stdout without the `::add-mask::` lines the runner consumes (they are how it learns what to mask). */
const withoutMasks = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => !l.startsWith('::add-mask::'))
    .join('\n');

/** Every commit message and every note on every ref of a bare repository. */
function history(dir: string): Output[] {
  const messages = git(dir, ['log', '--all', '--format=%H%n%B']);
  let notes = '';
  try {
    for (const row of git(dir, ['notes', '--ref=refs/notes/git-canary', 'list']).trim().split('\n').filter(Boolean)) {
      notes += git(dir, ['notes', '--ref=refs/notes/git-canary', 'show', row.split(' ')[1]!]);
    }
  } catch {
    // no notes ref
  }
  const refs = git(dir, ['for-each-ref', '--format=%(refname) %(objectname)']);
  return [
    { name: 'commit messages', text: messages },
    { name: 'notes', text: notes },
    { name: 'refs', text: refs },
  ];
}

let checked = 0;
let setups = 0;
let edges = 0;
let credentials = 0;
const tally = (n: number) => {
  checked += n;
};

// ---------------------------------------------------------------------------
// servers

let prom: RunningPrometheus | undefined;
let echo: FaultServer;

before(async () => {
  echo = await startFaultServer();
  if (!prometheusSkip()) prom = await startScenarioPrometheus();
});
after(async () => {
  await echo?.close();
  await prom?.stop();
  recordFigures('secrets', {
    'credential setups end to end': setups,
    'credentials checked end to end': credentials,
    'outputs checked end to end': checked,
    'in-process edges checked': edges,
    'forms checked per secret': 'raw, URL-encoded, form-encoded, base64, base64 unpadded; with a user name also base64(user:secret)',
  });
});

const hostOf = (url: string) => url.replace(/^https?:\/\//, '');

// ---------------------------------------------------------------------------
// metrics credentials: each a config whose Prometheus source carries a secret

interface MetricsSetup {
  name: string;
  /** Replaces the address line of the scenario's config (headers may follow). */
  source: string;
  secrets: Secret[];
  env: Record<string, string>;
  /** What the metrics server must have been sent (the address's query string is kept, not dropped). */
  sent?: RegExp;
}

const PASS = 'Pw-user1nfo-7Kq!x';
const BEARER = 'bearer-T0k3n-Zr8w';
const BASIC_USER = 'svc-reader';
const BASIC_PASS = 'basic-Pa55-h3ad3r';
const QUERY_TOKEN = 'q-t0k3n-Vb6n+/=';

/* biome-ignore-start lint/suspicious/noTemplateCurlyInString: literal ${ENV} references that git-canary expands */
const SEPARATE_SETUPS: MetricsSetup[] = [
  {
    name: 'URL user-info password in the metrics address (${PASS})',
    source: '    address: http://reader:${PROM_PASS}@${PROM_HOST}\n',
    secrets: [{ value: PASS, basicUser: 'reader' }],
    env: { PROM_PASS: PASS },
  },
  {
    name: 'Authorization: Bearer ${TOKEN} header',
    source: '    address: http://${PROM_HOST}\n    headers:\n      Authorization: "Bearer ${PROM_TOKEN}"\n',
    secrets: [{ value: BEARER }],
    env: { PROM_TOKEN: BEARER },
  },
  {
    name: 'Authorization: Basic ${B64} header',
    source: '    address: http://${PROM_HOST}\n    headers:\n      Authorization: "Basic ${PROM_BASIC}"\n',
    secrets: [{ value: BASIC_PASS, basicUser: BASIC_USER }],
    env: { PROM_BASIC: Buffer.from(`${BASIC_USER}:${BASIC_PASS}`).toString('base64') },
  },
  {
    name: 'a token in the query string of the address (?access_token=)',
    source: '    address: http://${PROM_HOST}?partial_response=true&access_token=${PROM_QT}\n',
    secrets: [{ value: QUERY_TOKEN }],
    env: { PROM_QT: QUERY_TOKEN },
    sent: new RegExp(`^/echo-500/api/v1/query\\?partial_response=true&access_token=${QUERY_TOKEN.replace(/[+/=]/g, '\\$&')}&query=`),
  },
];
const COMBINED: MetricsSetup = {
  name: 'URL user-info password and ?access_token= in one metrics address',
  source: '    address: http://reader:${PROM_PASS}@${PROM_HOST}?partial_response=true&access_token=${PROM_QT}\n',
  secrets: [{ value: PASS, basicUser: 'reader' }, { value: QUERY_TOKEN }],
  env: { PROM_PASS: PASS, PROM_QT: QUERY_TOKEN },
  sent: SEPARATE_SETUPS[3]!.sent!,
};
/* biome-ignore-end lint/suspicious/noTemplateCurlyInString: literal ${ENV} references that git-canary expands */

/** Reduced runs check the user-info password and the query token in one address; full runs each alone too. */
const METRICS_SETUPS: MetricsSetup[] = FULL ? [...SEPARATE_SETUPS, COMBINED] : [COMBINED, SEPARATE_SETUPS[1]!, SEPARATE_SETUPS[2]!];

// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
const ADDRESS_LINE = '    address: ${PROMETHEUS_URL}\n';

describe('secrets of the metrics source', { skip: prometheusSkip(), concurrency: 2 }, () => {
  for (const setup of METRICS_SETUPS) {
    test(`${setup.name}: no form of it in stdout, --json, logs, --debug, validate --online, commits, notes, the Action's summary and outputs`, async () => {
      const config = gitCanaryYaml().replace(ADDRESS_LINE, setup.source);
      assert.notEqual(config, gitCanaryYaml());
      const repo: ScenarioRepo = await scenarioRepo({ extra: { 'git-canary.yaml': config } });
      const outputs: Output[] = [];
      const live = { ...setup.env, PROM_HOST: hostOf(prom!.url), GIT_CANARY_LOG_LEVEL: 'debug' };
      const echoing = (fault: 'echo-500' | 'echo-400' | 'http-401' | 'http-403') => ({ ...live, PROM_HOST: `${hostOf(echo.url)}/${fault}` });
      try {
        // A real rollout: start, then a judged step (a commit with a note).
        const t1 = await tickCli(repo.dir, { now: at(2), env: live, service: 'checkout' });
        assert.equal(t1.code, 0, t1.stderr);
        assert.match(t1.stdout, /"decision": "start"/);
        const t2 = await runCli(['tick', '--repo', repo.dir, '--service', 'checkout'], { env: { ...live, GIT_CANARY_NOW: at(4) } });
        assert.equal(t2.code, 0, t2.stderr);
        assert.match(t2.stdout, /^checkout: step/m);
        outputs.push(...std('tick --json (start)', t1), ...std('tick (step)', t2));

        // Servers that echo our request back in their error: --json --debug, text, both error kinds. Each errored
        // judgment is recorded (its reason in the commit body and its note), so the next is judged an interval later.
        const t3 = await runCli(['tick', '--repo', repo.dir, '--json', '--debug'], { env: { ...echoing('echo-500'), GIT_CANARY_NOW: at(6) } });
        assert.equal(t3.code, 0, t3.stderr);
        assert.match(t3.stdout, /"decision": "hold"/);
        assert.match(t3.stdout, /upstream failed for/, 'the echoed body is shown (scrubbed), so the test can see a leak');
        if (setup.sent) {
          const sent = setup.sent;
          assert.ok(
            echo.seen.some((r) => sent.test(r.url)),
            `the address's query string is sent: ${echo.seen.map((r) => r.url).join('\n')}`,
          );
        }
        const t4 = await runCli(['tick', '--repo', repo.dir], { env: { ...echoing('echo-400'), GIT_CANARY_NOW: at(7) } });
        assert.match(t4.stdout, /hold/);
        const v2 = await runCli(['validate', '--online', '--debug', '--repo', repo.dir], { env: { ...echoing('echo-400'), GIT_CANARY_NOW: at(7) } });
        assert.match(v2.stdout + v2.stderr, /error|you sent/);
        outputs.push(...std('tick --json --debug (echo 500)', t3), ...std('tick (echo 400)', t4), ...std('validate --online --debug (echo 400)', v2));
        if (FULL) {
          const v1 = await runCli(['validate', '--online', '--json', '--repo', repo.dir], { env: { ...echoing('http-403'), GIT_CANARY_NOW: at(7) } });
          const st = await runCli(['status', '--repo', repo.dir, '--json'], { env: { ...live, GIT_CANARY_NOW: at(7) } });
          assert.equal(st.code, 0, st.stderr);
          outputs.push(...std('validate --online --json (echo 403)', v1), ...std('status --json', st));
        }

        // The Action: the same tick, its job summary and $GITHUB_OUTPUT.
        const a = await runAction({
          ...echoing('echo-500'),
          INPUT_REPO: repo.dir,
          INPUT_ARGS: '--debug',
          GIT_CANARY_NOW: at(8),
          HOME: repo.dir,
          PATH: process.env.PATH ?? '',
        });
        assert.equal(a.code, 0, a.stderr);
        assert.match(a.summary, /hold/);
        outputs.push(
          { name: 'Action stdout', text: withoutMasks(a.stdout) },
          { name: 'Action stderr', text: a.stderr },
          { name: 'Action job summary', text: a.summary },
          { name: 'Action $GITHUB_OUTPUT', text: a.outputFile },
        );
        outputs.push(...history(repo.dir));
        setups++;
        credentials += setup.secrets.length;
        tally(assertClean(setup.name, setup.secrets, outputs));
      } finally {
        await repo.cleanup();
      }
    });
  }
});

// ---------------------------------------------------------------------------
// git credentials: GIT_CANARY_TOKEN and user-info in --repo, over HTTP

/** A proxy to the git server that can answer a request itself, echoing every header back in a 500. */
async function startEchoingProxy(target: string): Promise<{ url: string; echoPush: boolean; echoAll: boolean; close(): Promise<void> }> {
  const upstream = new URL(target);
  const state = { url: '', echoPush: false, echoAll: false, close: async (): Promise<void> => undefined };
  const server = http.createServer((req: IncomingMessage, res: ServerResponse) => {
    const isPush = /git-receive-pack/.test(req.url ?? '');
    if (state.echoAll || (state.echoPush && isPush && req.method === 'POST')) {
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`proxy failed for ${req.method} ${req.url} ${JSON.stringify(req.headers)}`);
      return;
    }
    const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return state;
}

const GIT_TOKEN = 'ghs_GitT0kenNeverPrinted9x';
const GIT_PASS = 'git-Pa55w0rd-in-URL';

interface GitSetup {
  name: string;
  auth: { username: string; password: string };
  /** The --repo URL, given the proxy's base URL. */
  repo: (base: string) => string;
  env: Record<string, string>;
  secrets: Secret[];
  /** The Action's inputs. */
  action: (base: string) => Record<string, string>;
}

const GIT_SETUPS: GitSetup[] = [
  {
    name: 'GIT_CANARY_TOKEN for an https remote',
    auth: { username: 'x-access-token', password: GIT_TOKEN },
    repo: (base) => `${base}/repo.git`,
    env: { GIT_CANARY_TOKEN: GIT_TOKEN },
    secrets: [{ value: GIT_TOKEN, basicUser: 'x-access-token' }],
    action: (base) => ({ INPUT_REPO: `${base}/repo.git`, INPUT_TOKEN: GIT_TOKEN }),
  },
  {
    name: 'a password in the user-info of --repo',
    auth: { username: 'alice', password: GIT_PASS },
    repo: (base) => `${base.replace('http://', `http://alice:${encodeURIComponent(GIT_PASS)}@`)}/repo.git`,
    env: {},
    secrets: [{ value: GIT_PASS, basicUser: 'alice' }],
    action: (base) => ({ INPUT_REPO: `${base.replace('http://', `http://alice:${encodeURIComponent(GIT_PASS)}@`)}/repo.git` }),
  },
];

describe('secrets of the git remote', { skip: prometheusSkip(), concurrency: 2 }, () => {
  for (const setup of GIT_SETUPS) {
    test(`${setup.name}: no form of it in stdout, --json, logs, --debug stack traces, isomorphic-git errors, commits, notes, the Action's summary and outputs`, async () => {
      const t = tempDir('git-canary-secrets-');
      let server: GitHttpServer | undefined;
      let proxy: Awaited<ReturnType<typeof startEchoingProxy>> | undefined;
      const outputs: Output[] = [];
      try {
        const repo = await scenarioRepo({ dir: join(t.path, 'repo.git') });
        server = await startGitServer({ root: t.path, auth: setup.auth });
        proxy = await startEchoingProxy(server.url);
        const url = setup.repo(proxy.url);
        const env = { ...setup.env, PROMETHEUS_URL: prom!.url, GIT_CANARY_LOG_LEVEL: 'debug' };
        const cache = join(t.path, 'cache');
        const run = (args: string[], now: string) =>
          runCli([...args, '--repo', url, '--cache-dir', cache], { env: { ...env, GIT_CANARY_NOW: now } });

        const t1 = await run(['tick', '--json'], at(2));
        assert.equal(t1.code, 0, t1.stderr);
        assert.match(t1.stdout, /"decision": "start"/);
        const t2 = await run(['tick', '--service', 'checkout', '--debug'], at(4));
        assert.equal(t2.code, 0, t2.stderr);
        outputs.push(...std('tick --json (start)', t1), ...std('tick --debug (step)', t2));
        if (FULL) outputs.push(...std('status', await run(['status'], at(4))));

        // The push answered by a proxy echoing our headers: isomorphic-git's error, with --debug's stack.
        proxy.echoPush = true;
        const t3 = await run(['tick', '--json', '--debug', '--service', 'checkout'], at(6));
        assert.notEqual(t3.code, 0, `the push failed: ${t3.stdout}`);
        if (FULL) {
          const t4 = await run(['tick', '--service', 'checkout'], at(6));
          assert.notEqual(t4.code, 0);
          outputs.push(...std('tick (push echoed)', t4));
        }
        // Every request echoed (the first fetch too).
        proxy.echoPush = false;
        proxy.echoAll = true;
        const t5 = await run(['status', '--json', '--debug'], at(6));
        assert.notEqual(t5.code, 0);
        const t6 = await runCli(['status', '--debug', '--repo', url, '--cache-dir', join(t.path, 'cold-cache')], { env: { ...env, GIT_CANARY_NOW: at(6) } });
        assert.notEqual(t6.code, 0);
        outputs.push(...std('tick --json --debug (push echoed)', t3));
        outputs.push(...std('status --json --debug (all echoed)', t5), ...std('status --debug, cold cache (all echoed)', t6));
        proxy.echoAll = false;

        // The Action, once through (a step), once against the echoing proxy (failing the step).
        const action = (now: string) =>
          runAction({
            ...setup.action(proxy!.url),
            INPUT_ARGS: '--debug',
            PROMETHEUS_URL: prom!.url,
            GIT_CANARY_NOW: now,
            RUNNER_TEMP: t.path,
            HOME: t.path,
            PATH: process.env.PATH ?? '',
          });
        const a1 = await action(at(8));
        assert.equal(a1.code, 0, a1.stderr);
        proxy.echoPush = true;
        const a2 = await action(at(10));
        assert.notEqual(a2.code, 0);
        proxy.echoPush = false;
        for (const [label, a] of [
          ['Action (step)', a1],
          ['Action (push echoed)', a2],
        ] as const) {
          outputs.push(
            { name: `${label} stdout`, text: withoutMasks(a.stdout) },
            { name: `${label} stderr`, text: a.stderr },
            { name: `${label} job summary`, text: a.summary },
            { name: `${label} $GITHUB_OUTPUT`, text: a.outputFile },
          );
        }
        outputs.push(...history(repo.dir));
        // The caches' own git config and refs hold no credential either.
        outputs.push({ name: 'cache files (config, refs, FETCH_HEAD, locks)', text: filesBelow(cache) });
        setups++;
        credentials += setup.secrets.length;
        tally(assertClean(setup.name, setup.secrets, outputs));
      } finally {
        await proxy?.close();
        await server?.close();
        await t.cleanup();
      }
    });
  }
});

// ---------------------------------------------------------------------------
// the scrubber itself, in process: every form, every edge that uses it

/** What `run` writes to stdout and stderr, captured instead of printed. */
function capturingOutput(run: () => void): string {
  const writes: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const capture = ((chunk: string | Uint8Array) => writes.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stdout.write = capture;
  process.stderr.write = capture;
  try {
    run();
  } finally {
    process.stdout.write = original.out;
    process.stderr.write = original.err;
  }
  return writes.join('');
}

describe('the scrubber (src/secrets.ts)', () => {
  const token = { value: 'unit-T0ken/with+odd=chars', basicUser: 'x-access-token' };
  const header = { value: 'unit-Hdr-S3cret' };
  const pair = { value: 'unit-Pa55:word', basicUser: 'unit-user' };
  const query = { value: 'unit-api-K3y' };
  before(() => {
    registerToken(token.value);
    registerHeaderValue(`Bearer ${header.value}`);
    registerHeaderValue(`Basic ${Buffer.from(`${pair.basicUser}:${pair.value}`).toString('base64')}`);
    registerUrlSecrets(`https://prom.example/?api_key=${query.value}&dedup=true`);
  });
  const all = [token, header, pair, query];
  const text = all.flatMap(formsOf).map((f) => `[${f}] Bearer ${f} "${JSON.stringify(f).slice(1, -1)}"`).join('\n');

  test('every form of every registered secret is replaced, the words around it kept', () => {
    const clean = scrub(text);
    assert.match(clean, /\[\*\*\*\] Bearer \*\*\*/);
    edges += assertClean('scrub()', all, [{ name: 'scrub', text: clean }]);
    // Ordinary words are not secrets: a name of a parameter, a scheme, the host.
    assert.equal(scrub('api_key dedup=true Bearer Basic prom.example'), 'api_key dedup=true Bearer Basic prom.example');
  });

  test('deep values (a JSON document, an error body) are scrubbed in keys and values', () => {
    const doc = scrubDeep({ [token.value]: [text, { nested: `token=${encodeURIComponent(token.value)}` }] });
    edges += assertClean('scrubDeep()', all, [{ name: 'scrubDeep', text: JSON.stringify(doc) }]);
  });

  test('the log destination scrubs a library error logged whole (request headers and all)', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(l) } });
    const libraryError = Object.assign(new Error(`Request failed: ${text}`), {
      config: { headers: { 'X-Forwarded': `Basic ${Buffer.from(`${pair.basicUser}:${pair.value}`).toString('base64')}` } },
    });
    log.debug({ err: libraryError, url: `https://prom.example/?api_key=${query.value}` }, 'query failed');
    assert.equal(lines.length, 1);
    edges += assertClean('log destination', all, [{ name: 'pino line', text: lines.join('') }]);
  });

  test('the error reporter scrubs the line, the --debug stack and the --json document', () => {
    const written = capturingOutput(() => {
      const e = new MetricsError(`echoed: ${text}`, { data: { body: text } });
      reportError(e, { json: true, debug: true });
      reportError(new Error(`library: ${text}`), { json: true, debug: true });
    });
    assert.ok(written.includes('error: echoed:'));
    edges += assertClean('reportError', all, [{ name: 'stderr + stdout', text: written }]);
  });

  test('an Octokit error whose body quotes our request (token included) is scrubbed in the report and the logs', async () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(l) } });
    const gh = createGitHubClient({
      token: token.value,
      repository: { owner: 'o', repo: 'r' },
      baseUrl: `${echo.url}/echo-github-401`,
      log,
      retries: 0,
      paceWrites: false,
    });
    const e = await gh.getPullRequest(1).catch((x: unknown) => x);
    assert.ok(e instanceof Error);
    const written = capturingOutput(() => {
      reportError(e, { json: true, debug: true });
      log.error({ err: e }, 'GitHub failed');
    });
    assert.match(written, /error: .*401/);
    edges += assertClean('Octokit error', [token], [
      { name: 'report', text: written },
      { name: 'logs', text: lines.join('') },
    ]);
  });

  test("git's redactor covers the Basic value of user-info and every encoding of the password", () => {
    const creds = parseRemoteUrl(`https://${pair.basicUser}:${encodeURIComponent(pair.value)}@git.example/r.git`, undefined);
    const redact = redactor(creds);
    const b64 = Buffer.from(`${pair.basicUser}:${pair.value}`).toString('base64');
    const out = redact(`auth ${b64} ${pair.value} ${encodeURIComponent(pair.value)} https://${pair.basicUser}:x@git.example`);
    edges += assertClean('git redactor', [pair], [{ name: 'redacted', text: out }]);
  });
});
