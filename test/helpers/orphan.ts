/**
 * A process working in a directory that is nobody's child of ours, as a git
 * left running by a killed git-canary is: sh starts `sleep` in the background
 * there and exits, so the sleep is adopted by init (or a subreaper).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

/** Start the orphan with `cwd` as its working directory; resolves with its pid (kill it with SIGKILL when done). */
export async function startOrphan(cwd: string): Promise<number> {
  const sh = spawn('sh', ['-c', 'sleep 60 >/dev/null 2>&1 & echo $!'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  sh.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await new Promise((resolve) => sh.on('close', resolve));
  const pid = Number(out.trim());
  assert.ok(Number.isInteger(pid) && pid > 0, `the orphan's pid: ${out}`);
  return pid;
}
