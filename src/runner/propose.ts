/**
 * `propose`'s I/O: read the service's release on candidate's tip, plan the
 * image change (engine/propose.ts), and publish it as one commit on candidate,
 * compare-and-swap. A lost race (another app CI job proposed at the same
 * moment) re-reads candidate's new tip and applies the proposal again on top,
 * so both land, in order, and nothing is lost.
 */
import { type ImageChange, planProposal, proposalMessage } from '../engine/propose.ts';
import { GitError, UsageError } from '../errors.ts';
import type { FileChange } from '../git/types.ts';
import type { Logger } from '../log.ts';
import { formatImageRef, type ImageRef } from '../manifests/image-ref.ts';
import { readFiles } from './observe.ts';
import { withCompareAndSwap } from './retry.ts';
import type { Session } from './session.ts';

export interface ProposeOptions {
  image: ImageRef;
  /** `--path` for Helm values. */
  valuesPath?: string;
  /** `Canary-Proposed-By`. */
  proposedBy: string;
  now: () => Date;
  dryRun: boolean;
  log: Logger;
  /** Backoff between attempts after a lost race; injected so tests need not sleep. */
  sleep?: (ms: number) => Promise<void>;
}

/** What `propose --json` prints (`before`/`after` only for the dry run's diff; not printed). */
export interface ProposeResult {
  service: string;
  image: string;
  /** The commit made on candidate; null for a no-op or a dry run. */
  commit: string | null;
  changes: { file: string; document: string; path: string; from: unknown; to: string | null }[];
  noop: boolean;
  dryRun: boolean;
}

export interface ProposeOutcome {
  result: ProposeResult;
  /** Human lines describing each change (the commit body). */
  lines: ImageChange[];
  /** The files before and after, for a diff. */
  files: { path: string; before: string; after: string }[];
  candidate: string;
}

export async function runPropose(session: Session, serviceName: string, o: ProposeOptions): Promise<ProposeOutcome> {
  const service = session.config.services[serviceName];
  if (!service) {
    throw new UsageError(`no service named ${serviceName} in git-canary.yaml`, {
      hint: `services: ${Object.keys(session.config.services).join(', ') || '(none)'}`,
    });
  }
  const { repo } = session;
  const branch = session.candidate;
  const image = formatImageRef(o.image);
  return withCompareAndSwap(
    async () => {
      const tip = await repo.resolve(branch);
      if (!tip) {
        throw new GitError(`branch ${branch} does not exist in ${repo.label}`, {
          where: { branch },
          hint: `create it from production first (git push origin ${session.production}:refs/heads/${branch}); propose commits on top of it`,
        });
      }
      const texts = await readFiles(repo, tip, service.files);
      const proposal = planProposal({
        service: serviceName,
        release: { files: service.files, documents: service.documents },
        texts,
        image: o.image,
        valuesPath: o.valuesPath,
        branch,
      });
      const changes = proposal.changes.map(({ file, document, path, from, to }) => ({ file, document, path, from, to }));
      const files = proposal.files.map((f: FileChange) => ({ path: f.path, before: texts[f.path] ?? '', after: f.content ?? '' }));
      const outcome = (commit: string | null): ProposeOutcome => ({
        result: { service: serviceName, image, commit, changes, noop: proposal.noop, dryRun: o.dryRun },
        lines: proposal.changes,
        files,
        candidate: branch,
      });
      if (proposal.noop || o.dryRun) return outcome(null);
      const commit = await repo.createCommit({
        parent: tip,
        changes: proposal.files,
        message: proposalMessage({ service: serviceName, image: o.image, changes: proposal.changes, proposedBy: o.proposedBy }),
        author: session.author,
        date: o.now(),
      });
      await repo.updateRef(branch, commit, tip);
      o.log.info({ service: serviceName, image, commit }, 'proposed');
      return outcome(commit);
    },
    {
      refresh: () => repo.refresh(),
      sleep: o.sleep,
      onRetry: (attempt, wait) =>
        o.log.info({ service: serviceName, attempt, wait }, `${branch} moved while proposing; re-reading it and proposing again`),
    },
  );
}
