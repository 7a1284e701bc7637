/**
 * A real Prometheus for tests, filled with exact, backfilled data.
 *
 *   const prom = await startPrometheus({ openmetrics: openMetrics(counterSeries(...), ...) });
 *   ... query prom.url at a fixed time inside the generated window ...
 *   await prom.stop();
 *
 * How: the OpenMetrics text is turned into TSDB blocks with
 * `promtool tsdb create-blocks-from openmetrics`, then `prometheus` (2.42,
 * Debian) serves them with no scrape targets. promtool puts no age limit on the
 * samples, and with nothing scraped no head block ever overlaps them, so any
 * timestamps work (even the last minutes); retention is 100y so old blocks stay.
 * Tests use a fixed window in the past (see FIXED_START) and query at a fixed
 * time inside it, so results are exact and do not depend on the clock.
 *
 * Timestamps in OpenMetrics are seconds. rate(x[1m]) over a counter that grows
 * by `r` per second answers exactly `r` when samples are evenly spaced.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** 2024-01-01T00:00:00Z: a fixed window start, so results never depend on today's date. */
export const FIXED_START = new Date('2024-01-01T00:00:00Z');

export interface StartPrometheusOptions {
  /** OpenMetrics text ending in `# EOF` (use openMetrics() to build it). */
  openmetrics: string;
  /** --storage.tsdb.retention.time; default 100y so backfilled blocks are never deleted. */
  retention?: string;
  /** How long to wait for /-/ready; default 30 s. */
  readyTimeoutMs?: number;
}

export interface RunningPrometheus {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  dataDir: string;
  /** Kills Prometheus and removes its temporary directories. Safe to call twice. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Backfills `openmetrics` into a fresh TSDB and starts Prometheus on a free local port. */
export async function startPrometheus(options: StartPrometheusOptions): Promise<RunningPrometheus> {
  if (!/# EOF\s*$/.test(options.openmetrics)) {
    throw new Error('startPrometheus: the OpenMetrics text must end with "# EOF" (openMetrics() adds it)');
  }
  const dir = await mkdtemp(join(tmpdir(), 'git-canary-prom-'));
  const dataDir = join(dir, 'data');
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const input = join(dir, 'input.om');
    await writeFile(input, options.openmetrics);
    try {
      await execFileAsync('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, dataDir]);
    } catch (e) {
      const err = e as { stderr?: string; stdout?: string; message: string };
      throw new Error(`promtool could not backfill the OpenMetrics text: ${err.stderr || err.stdout || err.message}`);
    }
    const config = join(dir, 'prometheus.yml');
    await writeFile(config, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');

    // A free port can be taken between probing and binding: retry a few times.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      try {
        const child = await launch({
          args: [
            `--storage.tsdb.path=${dataDir}`,
            `--web.listen-address=127.0.0.1:${port}`,
            `--config.file=${config}`,
            `--storage.tsdb.retention.time=${options.retention ?? '100y'}`,
          ],
          url: `http://127.0.0.1:${port}`,
          readyTimeoutMs: options.readyTimeoutMs ?? 30_000,
        });
        let stopped: Promise<void> | undefined;
        return {
          url: `http://127.0.0.1:${port}`,
          dataDir,
          stop: () => {
            stopped ??= kill(child).then(cleanup);
            return stopped;
          },
        };
      } catch (e) {
        if (attempt < 3 && /address already in use/i.test(String((e as Error).message))) continue;
        throw e;
      }
    }
  } catch (e) {
    await cleanup();
    throw e;
  }
}

async function launch(o: { args: string[]; url: string; readyTimeoutMs: number }): Promise<ChildProcess> {
  const child = spawn('prometheus', o.args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
    running.delete(child);
  });

  const deadline = Date.now() + o.readyTimeoutMs;
  while (exited === undefined) {
    if (await isReady(o.url)) return child;
    if (Date.now() > deadline) {
      await kill(child);
      throw new Error(`prometheus was not ready after ${o.readyTimeoutMs}ms at ${o.url}\n--- stderr ---\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`prometheus ${exited} before it was ready\n--- stderr ---\n${stderr}`);
}

function isReady(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/-/ready`, { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
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

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when both `prometheus` and `promtool` run. */
export function isPrometheusInstalled(): boolean {
  return ['prometheus', 'promtool'].every((bin) => spawnSync(bin, ['--version'], { stdio: 'ignore' }).status === 0);
}

/**
 * For `describe(name, { skip: prometheusSkip() }, ...)`: a skip message only
 * when the binaries are missing on a developer machine. In CI (CI set) it never
 * skips, so a missing Prometheus fails loudly instead of passing silently.
 */
export function prometheusSkip(): string | false {
  if (isPrometheusInstalled() || process.env['CI']) return false;
  return 'prometheus/promtool not installed (Debian: apt-get install prometheus); skipping tests against a real Prometheus';
}

// ---------------------------------------------------------------------------
// OpenMetrics builders

export type Labels = Record<string, string>;

/** A series (or a histogram's bucket/count/sum series) ready to be written. */
export interface Series {
  /** Metric family name: `http_requests` for `http_requests_total`. */
  family: string;
  type: 'counter' | 'gauge' | 'histogram';
  lines: string[];
}

export interface Timeline {
  start: Date;
  stepSeconds: number;
  /** Number of samples; or give durationSeconds (samples = duration / step + 1). */
  samples?: number;
  durationSeconds?: number;
}

/** Timestamps (seconds) of a timeline. */
export function timestamps(t: Timeline): number[] {
  const n = t.samples ?? (t.durationSeconds === undefined ? undefined : Math.floor(t.durationSeconds / t.stepSeconds) + 1);
  if (n === undefined || n < 1) throw new Error('timeline needs samples or durationSeconds');
  const start = t.start.getTime() / 1000;
  return Array.from({ length: n }, (_, i) => start + i * t.stepSeconds);
}

/**
 * A counter (`name` must end in `_total`): either growing by `ratePerSecond`
 * from `initial` (default 0), or explicit `values`, one per step.
 */
export function counterSeries(
  name: string,
  labels: Labels,
  o: Timeline & ({ ratePerSecond: number; initial?: number } | { values: number[] }),
): Series {
  if (!name.endsWith('_total')) throw new Error(`counter ${name} must end in _total`);
  const values =
    'values' in o ? o.values : timestamps(o).map((t, _, all) => (o.initial ?? 0) + o.ratePerSecond * (t - all[0]!));
  const times = timestamps({ ...o, samples: values.length });
  return {
    family: name.slice(0, -'_total'.length),
    type: 'counter',
    lines: times.map((t, i) => sampleLine(name, labels, values[i]!, t)),
  };
}

/** A gauge: explicit `values`, one per step, or one constant `value`. */
export function gaugeSeries(name: string, labels: Labels, o: Timeline & ({ values: number[] } | { value: number })): Series {
  const values = 'values' in o ? o.values : timestamps(o).map(() => o.value);
  const times = timestamps({ ...o, samples: values.length });
  return { family: name, type: 'gauge', lines: times.map((t, i) => sampleLine(name, labels, values[i]!, t)) };
}

/**
 * A classic histogram whose buckets grow at constant rates.
 * `bucketRates` are cumulative observations per second by upper bound
 * (`{ '0.1': 50, '0.25': 90, '0.5': 100, '+Inf': 100 }`); `+Inf` is required and
 * is also the rate of `_count`. `_sum` grows by `sumPerSecond` (default 0).
 */
export function histogramSeries(
  name: string,
  labels: Labels,
  o: Timeline & { bucketRates: Record<string, number>; sumPerSecond?: number },
): Series {
  const inf = o.bucketRates['+Inf'];
  if (inf === undefined) throw new Error(`histogram ${name} needs a +Inf bucket`);
  const bounds = Object.keys(o.bucketRates).sort((a, b) => Number(a.replace('+Inf', 'Infinity')) - Number(b.replace('+Inf', 'Infinity')));
  const times = timestamps(o);
  const lines: string[] = [];
  // OpenMetrics: one MetricPoint per timestamp, its buckets then _count and _sum.
  for (const t of times) {
    const elapsed = t - times[0]!;
    for (const le of bounds) lines.push(sampleLine(`${name}_bucket`, { ...labels, le }, o.bucketRates[le]! * elapsed, t));
    lines.push(sampleLine(`${name}_count`, labels, inf * elapsed, t));
    lines.push(sampleLine(`${name}_sum`, labels, (o.sumPerSecond ?? 0) * elapsed, t));
  }
  return { family: name, type: 'histogram', lines };
}

/** The OpenMetrics document: families in first-seen order, each with its # TYPE, then `# EOF`. */
export function openMetrics(...series: Series[]): string {
  const families = new Map<string, Series>();
  for (const s of series) {
    const known = families.get(s.family);
    if (known && known.type !== s.type) throw new Error(`family ${s.family} is both ${known.type} and ${s.type}`);
    if (known) known.lines.push(...s.lines);
    else families.set(s.family, { ...s, lines: [...s.lines] });
  }
  const out: string[] = [];
  for (const f of families.values()) out.push(`# TYPE ${f.family} ${f.type}`, ...f.lines);
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}

function sampleLine(name: string, labels: Labels, value: number, seconds: number): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(value)} ${seconds}`;
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
