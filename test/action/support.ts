/**
 * Helpers of the Action tests: the Action run as the runner runs it (a process
 * with INPUT_* in its environment and the runner's files in a temp directory),
 * and $GITHUB_OUTPUT read back the way the runner reads it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Parse a $GITHUB_OUTPUT file as the runner does: `name<<DELIM`, value lines,
 * `DELIM` (what @actions/core writes), or `name=value`. Asserts nothing else is in it.
 */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end === -1) throw new Error(`output ${name}: no closing ${delimiter}`);
      out[name!] = lines.slice(i + 1, end).join('\n');
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`not an output line: ${JSON.stringify(line)}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

export interface ActionRun {
  /** The process's exit code: 0, or 1 once setFailed failed the step. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** What the step's $GITHUB_OUTPUT got, parsed, and as written. */
  outputs: Record<string, string>;
  outputFile: string;
  summary: string;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Run the Action as a process, from a program file (`src/action.ts` through tsx,
 * or a bundle), with exactly `env` plus the runner's files in a temp directory.
 */
export function runAction(
  env: Record<string, string | undefined>,
  program: { file: string; tsx: boolean; node?: string } = { file: join(ROOT, 'src', 'action.ts'), tsx: true },
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'git-canary-action-run-'));
  const outputPath = join(dir, 'output');
  const summaryPath = join(dir, 'summary');
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const childEnv: Record<string, string> = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LANG: 'C' };
  for (const [k, v] of Object.entries({ ...env, GITHUB_OUTPUT: outputPath, GITHUB_STEP_SUMMARY: summaryPath })) if (v !== undefined) childEnv[k] = v;
  const args = program.tsx ? ['--import', 'tsx', program.file] : [program.file];
  return new Promise((resolve, reject) => {
    const child = spawn(program.node ?? process.execPath, args, { cwd: program.tsx ? ROOT : dirname(program.file), env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        const outputFile = readFileSync(outputPath, 'utf8');
        resolve({ code, stdout, stderr, outputs: parseOutputFile(outputFile), outputFile, summary: readFileSync(summaryPath, 'utf8') });
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/** The values of `::add-mask::` lines. */
export function maskedValues(stdout: string): string[] {
  return [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => m[1]!);
}
