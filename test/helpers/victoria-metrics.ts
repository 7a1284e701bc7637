/**
 * A real VictoriaMetrics (single node, Debian's `victoria-metrics`) for tests,
 * with optional Basic auth on it and an optional vmauth in front that takes a
 * Bearer token (the single-node server itself only knows Basic auth:
 * `-httpAuth.username/-httpAuth.password`; vmauth is VictoriaMetrics' own
 * auth proxy, and adds the Basic header towards the server).
 *
 *   const vm = await startVictoriaMetrics({ basicAuth: { username, password }, bearerToken: 'T' });
 *   await vm.importPrometheus(text);   // exposition format, timestamps in ms
 *   ... query vm.url (Basic) or vm.proxyUrl (Bearer) ...
 *   await vm.stop();
 *
 * Retention is 100y so fixed 2024 timestamps are kept; the response cache is
 * off so every query reads what was imported; an import is followed by
 * `/internal/force_flush` so it is searchable at once.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.ts';

export interface StartVictoriaMetricsOptions {
  /** -httpAuth.username / -httpAuth.password on the server. */
  basicAuth?: { username: string; password: string };
  /** Start vmauth in front, accepting this Bearer token. */
  bearerToken?: string;
  readyTimeoutMs?: number;
}

export interface RunningVictoriaMetrics {
  /** The server itself: http://127.0.0.1:<port>. */
  url: string;
  /** vmauth in front (with bearerToken). */
  proxyUrl?: string;
  /** POST Prometheus exposition text (timestamps in ms) to /api/v1/import/prometheus, then flush. */
  importPrometheus(text: string): Promise<void>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function isVictoriaMetricsInstalled(): boolean {
  return ['victoria-metrics', 'vmauth'].every((bin) => spawnSync(bin, ['-version'], { stdio: 'ignore' }).status === 0);
}

/** For `describe(name, { skip: victoriaMetricsSkip() })`: never skips in CI, where a missing binary must fail. */
export function victoriaMetricsSkip(): string | false {
  if (isVictoriaMetricsInstalled() || process.env['CI']) return false;
  return 'victoria-metrics not installed (Debian: apt-get install victoria-metrics); skipping tests against a real VictoriaMetrics';
}

export async function startVictoriaMetrics(options: StartVictoriaMetricsOptions = {}): Promise<RunningVictoriaMetrics> {
  const dir = await mkdtemp(join(tmpdir(), 'git-canary-vm-'));
  const children: ChildProcess[] = [];
  const stopAll = async () => {
    await Promise.all(children.map(kill));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const auth = options.basicAuth;
    const authHeader = auth ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : undefined;
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    children.push(
      await launch('victoria-metrics', [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${join(dir, 'data')}`,
        '-retentionPeriod=100y',
        '-search.disableCache',
        ...(auth ? [`-httpAuth.username=${auth.username}`, `-httpAuth.password=${auth.password}`] : []),
      ], url, options.readyTimeoutMs),
    );

    let proxyUrl: string | undefined;
    if (options.bearerToken !== undefined) {
      const config = join(dir, 'auth.yml');
      const headers = authHeader ? `    headers:\n      - ${JSON.stringify(`Authorization: ${authHeader}`)}\n` : '';
      await writeFile(config, `users:\n  - bearer_token: ${JSON.stringify(options.bearerToken)}\n    url_prefix: ${JSON.stringify(url)}\n${headers}`);
      const proxyPort = await freePort();
      proxyUrl = `http://127.0.0.1:${proxyPort}`;
      children.push(await launch('vmauth', [`-httpListenAddr=127.0.0.1:${proxyPort}`, `-auth.config=${config}`], proxyUrl, options.readyTimeoutMs));
    }

    let stopped: Promise<void> | undefined;
    return {
      url,
      ...(proxyUrl ? { proxyUrl } : {}),
      importPrometheus: async (text) => {
        const headers: Record<string, string> = authHeader ? { authorization: authHeader } : {};
        const imported = await request('POST', `${url}/api/v1/import/prometheus`, headers, text);
        if (imported.status !== 204) throw new Error(`victoria-metrics refused the import (HTTP ${imported.status}): ${imported.body}`);
        const flushed = await request('GET', `${url}/internal/force_flush`, headers);
        if (flushed.status !== 200) throw new Error(`victoria-metrics could not flush (HTTP ${flushed.status}): ${flushed.body}`);
      },
      stop: () => {
        stopped ??= stopAll();
        return stopped;
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

async function launch(bin: string, args: string[], url: string, readyTimeoutMs = 30_000): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  let exited: string | undefined;
  child.once('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
    running.delete(child);
  });
  child.once('error', (e) => {
    exited = `could not start: ${e.message}`;
  });
  const deadline = Date.now() + readyTimeoutMs;
  while (exited === undefined) {
    // /health answers without credentials on both.
    if ((await request('GET', `${url}/health`, {}).catch(() => ({ status: 0, body: '' }))).status === 200) return child;
    if (Date.now() > deadline) {
      await kill(child);
      throw new Error(`${bin} was not ready after ${readyTimeoutMs}ms at ${url}\n--- stderr ---\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${bin} ${exited} before it was ready\n--- stderr ---\n${stderr}`);
}

function request(method: string, url: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        text += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  running.delete(child);
}
