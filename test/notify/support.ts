/** Shared pieces of the notification tests: a logger whose lines can be read, and realistic decisions. */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.ts';
import type { DecisionSummary } from '../../src/notify/index.ts';

export interface CapturedLog {
  log: Logger;
  /** Every line written so far, parsed. */
  lines(): { level: number; msg: string; [k: string]: unknown }[];
  /** The raw text written so far. */
  text(): string;
}

export function captureLog(): CapturedLog {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const log = createLogger({ level: 'info', destination });
  return {
    log,
    text: () => text,
    lines: () =>
      text
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { level: number; msg: string }),
  };
}

export const WARN = 40;

export const SHA = '3f2a9c1e5b7d4f60a1b2c3d4e5f60718293a4b5c';

/** A step of checkout at 25 %, judged by two checks, as `tick --json` reports it. */
export function stepDecision(over: Partial<DecisionSummary> = {}): DecisionSummary {
  return {
    service: 'checkout',
    decision: 'step',
    weight: 25,
    step: '2/3',
    commit: SHA,
    reason: 'step 1/3 passed after 5m — success-rate 99.95 (min 99) pass; latency-p99 0.21 (max 0.5) pass',
    checks: [
      { name: 'success-rate', value: 99.95, outcome: 'pass' },
      { name: 'latency-p99', value: 0.21, outcome: 'pass' },
    ],
    rollout: 'checkout-3f2a9c1',
    ...over,
  };
}

export const AT = new Date('2024-01-01T00:05:00Z');
export const githubCommit = (sha: string) => `https://github.com/acme/manifests/commit/${sha}`;

/** A local port nothing listens on (bound, then released): a receiver that is down. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
