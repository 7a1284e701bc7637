/** `git-canary init`: writes git-canary.yaml and a GitHub workflow from templates/ into a directory. */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.ts';
import type { CommandContext, CommandResult } from '../context.ts';

/** templates/ beside the package: two levels up from src/commands and from the bundle's dist/chunks/, one from dist/. */
function templatesDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const found = [join(here, '..', '..', 'templates'), join(here, '..', 'templates')].find((d) =>
    existsSync(join(d, 'workflow.yaml')),
  );
  if (!found) throw new UsageError('templates/ not found next to git-canary', { hint: 'reinstall the package' });
  return found;
}

/** template file → where init writes it, relative to the target directory. */
export const INIT_FILES: Record<string, string> = {
  'git-canary.yaml': 'git-canary.yaml',
  'workflow.yaml': '.github/workflows/git-canary.yaml',
};

export interface InitOptions {
  dir?: string;
  force?: boolean;
}

export async function init(ctx: CommandContext, opts: InitOptions): Promise<CommandResult> {
  const target = resolve(ctx.cwd, opts.dir ?? '.');
  const plan = Object.entries(INIT_FILES).map(([template, out]) => ({ template, out, path: join(target, out) }));
  const existing = plan.filter((p) => existsSync(p.path));
  if (existing.length > 0 && !opts.force) {
    throw new UsageError(`${existing.map((p) => p.out).join(', ')} already exist${existing.length === 1 ? 's' : ''} in ${target}`, {
      hint: 'pass --force to overwrite',
    });
  }
  for (const p of plan) {
    await mkdir(dirname(p.path), { recursive: true });
    await writeFile(p.path, await readFile(join(templatesDir(), p.template), 'utf8'));
  }
  const written = plan.map((p) => p.out);
  const text = [
    ...written.map((f) => `wrote ${f}`),
    '',
    'Next: edit git-canary.yaml for your services and commit it to the production branch;',
    'commit the workflow to your default branch (scheduled runs read it there) and to candidate',
    'and production (runs on push read it from the pushed branch).',
    'Then `git-canary validate --repo .` checks the config and every file it names.',
  ].join('\n');
  return { exitCode: 0, text, json: { written, dir: target } };
}
