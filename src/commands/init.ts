/**
 * `git-canary init`: writes git-canary.yaml and a GitHub workflow into a
 * directory (the manifests repository's root). The config is written from the
 * workloads and routes found in the directory's YAML files (src/config/detect.ts),
 * checked in memory with the same code as `validate` (a service it refuses is
 * written commented out, saying why); with nothing found it is the example from
 * templates/. Never overwrites a file without --force.
 */
import { type Dirent, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Detection, type DetectedService, detect, type InitFile, type Skipped } from '../config/detect.ts';
import { repoPathProblem } from '../config/index.ts';
import { renderInit } from '../config/render-init.ts';
import type { CommandContext, CommandResult } from '../context.ts';
import { UsageError } from '../errors.ts';
import type { GitRepo } from '../git/types.ts';
import { DEFAULT_LIMITS } from '../manifests/index.ts';
import { formatRepoIssue, type RepoIssue, validateRepository } from '../runner/validate-repo.ts';

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

/** How much of a directory init reads: YAML files up to the manifest size limit, and at most this many. */
export const INIT_LIMITS = { maxFileBytes: DEFAULT_LIMITS.maxBytes, maxFiles: 5000 };

export interface InitOptions {
  dir?: string;
  force?: boolean;
}

/** The YAML files under `root` (paths relative to it), skipping .git, node_modules and hidden entries; unreadable ones are skipped with a reason. */
export async function readYamlFiles(root: string, limits = INIT_LIMITS): Promise<{ files: InitFile[]; skipped: Skipped[] }> {
  const files: InitFile[] = [];
  const skipped: Skipped[] = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let full = false;
  const visit = async (rel: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(join(root, rel), { withFileTypes: true });
    } catch (e) {
      if (rel !== '' || (e as NodeJS.ErrnoException).code !== 'ENOENT') skipped.push({ file: rel || '.', reason: `cannot read the directory: ${(e as NodeJS.ErrnoException).code ?? e}` });
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.name.startsWith('.') || entry.name === 'node_modules' || full) continue;
      if (entry.isDirectory()) await visit(path);
      if (!/\.ya?ml$/i.test(entry.name) || entry.isDirectory() || (rel === '' && Object.values(INIT_FILES).includes(entry.name))) continue;
      const problem = repoPathProblem(path);
      if (entry.isSymbolicLink() || !entry.isFile() || problem) {
        skipped.push({ file: path, reason: problem ? `the path ${problem}` : entry.isSymbolicLink() ? 'a symbolic link (not followed)' : 'not a regular file' });
        continue;
      }
      if (files.length >= limits.maxFiles) {
        full = true;
        skipped.push({ file: path, reason: `more than ${limits.maxFiles} YAML files: this one and the rest were not read` });
        continue;
      }
      let bytes: Buffer;
      try {
        const size = (await stat(join(root, path))).size;
        if (size > limits.maxFileBytes) {
          skipped.push({ file: path, reason: `${size} bytes, over the ${limits.maxFileBytes}-byte limit for a manifest` });
          continue;
        }
        bytes = await readFile(join(root, path));
      } catch (e) {
        skipped.push({ file: path, reason: `cannot read it: ${(e as NodeJS.ErrnoException).code ?? e}` });
        continue;
      }
      try {
        files.push({ path, text: decoder.decode(bytes) });
      } catch {
        skipped.push({ file: path, reason: 'not UTF-8 text' });
      }
    }
  };
  await visit('');
  return { files, skipped };
}

/** The detected files as both branches of a repository, for `validateRepository`. */
function memoryRepo(texts: ReadonlyMap<string, string>): GitRepo {
  const unsupported = (): never => {
    throw new Error('init checks the detected files in memory: no history');
  };
  return {
    label: 'the detected files',
    resolve: async (ref) => (ref === 'production' || ref === 'candidate' ? ref : undefined),
    readFile: async (_commit, path) => texts.get(path),
    listFiles: async () => [...texts.keys()],
    log: async () => [],
    walk: unsupported,
    ensureCommit: async () => false,
    createCommit: unsupported,
    updateRef: unsupported,
    updateRefs: unsupported,
    refresh: async () => {},
  };
}

const configured = (s: DetectedService) => Boolean(s.route) && !s.missing;
const pathsOf = (s: DetectedService) => [...s.files.map((f) => (typeof f === 'string' ? f : f.path)), s.canary.file, s.route?.file];

/**
 * Render `detection` and validate it with the files as production and
 * candidate; a service validate refuses becomes a stub naming the problem,
 * until what is left validates. Returns the text and validate's warnings.
 */
async function checkedConfig(detection: Detection, files: InitFile[]): Promise<{ text: string; warnings: RepoIssue[] }> {
  for (;;) {
    const rendered = renderInit(detection);
    const texts = new Map(files.map((f) => [f.path, f.text]));
    texts.set('git-canary.yaml', rendered.text);
    const report = await validateRepository(memoryRepo(texts), { production: 'production', env: {} });
    const active = detection.services.filter(configured);
    // With no service left, what remains is the config's own frame: nothing more to take out.
    if (report.errors.length === 0 || active.length === 0) return { text: rendered.text, warnings: [...report.errors, ...report.warnings] };
    const blamed = new Map<DetectedService, RepoIssue>();
    for (const e of report.errors) {
      for (const s of active) {
        const lines = rendered.lines[s.name];
        const hit = e.file === 'git-canary.yaml' ? lines !== undefined && e.line !== undefined && e.line >= lines[0] && e.line <= lines[1] : pathsOf(s).includes(e.file);
        if (hit && !blamed.has(s)) blamed.set(s, e);
      }
    }
    // A problem no service's lines or files explain: no service is trusted.
    if (blamed.size === 0) for (const s of active) blamed.set(s, report.errors[0]!);
    for (const [s, e] of blamed) s.missing = `validate refuses it: ${formatRepoIssue(e)}`;
  }
}

function summary(s: DetectedService): string {
  const route = s.route ? `; route ${s.route.document} in ${s.route.file}` : '';
  return [`  ${s.name}: ${s.workload.kind} ${s.workload.name} in ${s.workload.file}; canary ${s.canary.file}${route}`, ...s.notes.map((n) => `    note: ${n}`)].join('\n');
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
  const { files, skipped: unread } = await readYamlFiles(target);
  const detection = detect(files);
  const skipped = [...unread, ...detection.skipped].sort((a, b) => (a.file < b.file ? -1 : 1));
  const found = detection.services.length > 0 ? await checkedConfig(detection, files) : undefined;
  const contents: Record<string, string> = {};
  for (const p of plan) contents[p.out] = p.template === 'git-canary.yaml' && found ? found.text : await readFile(join(templatesDir(), p.template), 'utf8');
  for (const p of plan) {
    await mkdir(dirname(p.path), { recursive: true });
    await writeFile(p.path, contents[p.out]!);
  }

  const written = plan.map((p) => p.out);
  const active = detection.services.filter(configured);
  const stubs = detection.services.filter((s) => !configured(s));
  const text = [
    ...(found
      ? [`found ${active.length} service${active.length === 1 ? '' : 's'} to roll out in ${target}${active.length ? ':' : ''}`, ...active.map(summary)]
      : [`found no workload with a canary twin (<name>-canary) in ${target}: git-canary.yaml is the example template; edit it for your services`]),
    ...(stubs.length ? ['not set up yet (written commented out, saying what is missing):', ...stubs.map((s) => `  ${s.name}: ${s.missing}`)] : []),
    ...(found?.warnings ?? []).map((w) => `warning: ${formatRepoIssue(w)}`),
    ...skipped.map((s) => `skipped ${s.file}: ${s.reason}`),
    ...written.map((f) => `wrote ${f}`),
    '',
    'Next: review git-canary.yaml (without analysis, steps advance on their interval alone) and commit it',
    'to the production branch; commit the workflow to your default branch (scheduled runs read it there)',
    'and to candidate and production (runs on push read it from the pushed branch).',
    'Then `git-canary validate --repo .` checks the config and every file it names.',
  ].join('\n');
  const services = detection.services.map((s) => ({
    name: s.name,
    files: s.files,
    canary: s.canary,
    route: s.route && !s.missing ? { type: s.route.type, file: s.route.file, ...(s.route.name ? { name: s.route.name } : {}), stable: s.route.stable, canary: s.route.canary } : null,
    ...(configured(s) ? {} : { missing: s.missing ?? 'no route found' }),
  }));
  return { exitCode: 0, text, json: { written, dir: target, services, skipped } };
}
