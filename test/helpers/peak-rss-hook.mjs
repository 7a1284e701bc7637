// Preloaded into a node child (NODE_OPTIONS=--import, see peak-rss.ts): as the
// process exits, append its peak resident set (VmHWM, kB) to the file named
// by GIT_CANARY_TEST_RSS.
import { appendFileSync, readFileSync } from 'node:fs';

process.on('exit', () => {
  try {
    const m = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m && process.env.GIT_CANARY_TEST_RSS) appendFileSync(process.env.GIT_CANARY_TEST_RSS, `${m[1]}\n`);
  } catch {
    // no /proc: the caller's polled figure (vmHwmKb) stands
  }
});
