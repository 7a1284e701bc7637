/**
 * `git-canary propose --service S --image I [--source REF] [--path P] [--dry-run]`:
 * for app CI, commit a new image of a service to the candidate branch.
 */
import type { CommandContext, CommandResult } from '../context.ts';
import { describeChange } from '../engine/propose.ts';
import { UsageError } from '../errors.ts';
import { ImageRefError, parseImageRef, type ImageRef } from '../manifests/image-ref.ts';
import { unifiedDiff } from '../manifests/line-diff.ts';
import { runPropose } from '../runner/propose.ts';
import { openSession } from '../runner/session.ts';
import { actorFrom } from './manual.ts';

export interface ProposeCommandOptions {
  service?: string;
  image?: string;
  source?: string;
  path?: string;
  dryRun?: boolean;
}

/** `Canary-Proposed-By`: --source, else GITHUB_REPOSITORY@GITHUB_SHA, else the actor. */
export function proposedBy(source: string | undefined, env: Record<string, string | undefined>): string {
  if (source !== undefined) return source;
  if (env.GITHUB_REPOSITORY && env.GITHUB_SHA) return `${env.GITHUB_REPOSITORY}@${env.GITHUB_SHA}`;
  return actorFrom(env);
}

function imageOption(text: string): ImageRef {
  try {
    return parseImageRef(text);
  } catch (e) {
    if (e instanceof ImageRefError) throw new ImageRefError(text, e.reason, { where: { detail: '--image' } });
    throw e;
  }
}

export async function propose(ctx: CommandContext, opts: ProposeCommandOptions): Promise<CommandResult> {
  if (!opts.service) throw new UsageError('propose needs --service <name>');
  if (opts.image === undefined) throw new UsageError('propose needs --image <ref>', { hint: 'e.g. --image registry.example.com/checkout:v2' });
  const source = opts.source?.trim();
  if (source !== undefined && (source === '' || /[\u0000-\u001f\u007f]/.test(source))) {
    throw new UsageError('--source must be one non-empty line of text', { hint: 'it is recorded as the Canary-Proposed-By trailer' });
  }
  // Refused before the repository is even opened: nothing to fetch for a reference that cannot be right.
  const image = imageOption(opts.image);
  const dryRun = Boolean(opts.dryRun);
  const session = await openSession(ctx, { write: !dryRun, metrics: false });
  const out = await runPropose(session, opts.service, {
    image,
    valuesPath: opts.path,
    proposedBy: proposedBy(source, ctx.env),
    now: ctx.now,
    dryRun,
    log: ctx.log,
  });
  const { result, candidate } = out;
  const body = out.lines.map((c) => `  ${describeChange(c)}\n`).join('');
  let text: string;
  if (result.noop) text = `${result.service}: already at ${result.image} on ${candidate}\n`;
  else if (dryRun) {
    text = `${result.service}: would propose ${result.image} on ${candidate} (dry run: not committed)\n${body}${out.files.map((f) => unifiedDiff(f.path, f.before, f.after)).join('')}`;
  } else text = `${result.service}: proposed ${result.image} on ${candidate} ${result.commit!.slice(0, 7)}\n${body}`;
  return { exitCode: 0, text, json: result };
}
