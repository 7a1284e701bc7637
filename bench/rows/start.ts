/**
 * Start-up: `git-canary --help` against `node -e 0`, the least any Node
 * program costs. Its baseline's median is also the `node -e 0` of the targets
 * written as "+ 1.5 x node -e 0".
 */
import { join } from 'node:path';
import type { BenchContext } from '../context.ts';
import type { Row, Target } from '../measure.ts';
import { cli, must } from '../proc.ts';

export function helpRow(ctx: BenchContext, section: string, target: Target): Row {
  return {
    section,
    name: 'git-canary --help',
    target,
    weight: 3,
    async ours() {
      const p = await cli(['--help'], { scratch: join(ctx.scratch(), 'help') });
      if (!p.stdout.includes('Usage: git-canary')) throw new Error(`git-canary --help printed no usage:\n${p.stdout}\n${p.stderr}`);
      return { ms: p.ms, rssKb: p.rssKb };
    },
    native: async () => (await must(process.execPath, ['-e', '0'], { PATH: process.env.PATH })).ms,
  };
}
