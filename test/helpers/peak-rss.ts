/**
 * Peak memory of a child process, for tests that promise a memory bound:
 * VmHWM from /proc, read by the child itself as it exits (a preloaded hook)
 * and, for a child killed before that, polled by the parent. Memory, never
 * timings, is what these tests assert.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const HOOK = pathToFileURL(new URL('./peak-rss-hook.mjs', import.meta.url).pathname).href;

/** Environment that makes a node child append its peak RSS (kB) to `file` as it exits. */
export function peakRssEnv(file: string): Record<string, string> {
  return { GIT_CANARY_TEST_RSS: file, NODE_OPTIONS: `--import=${HOOK}` };
}

/** The highest peak (kB) written to `file` by peakRssEnv children; 0 when none wrote. */
export function readPeakKb(file: string): number {
  try {
    return Math.max(0, ...readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number));
  } catch {
    return 0;
  }
}

/** The current peak RSS (kB) of a running process, 0 once it is gone. */
export function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}
