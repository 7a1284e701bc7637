/**
 * Warnings from the git layer (a stale lock broken, a broken cache rebuilt).
 * The git layer has no logger of its own; the command that opens a repository
 * installs one (session.ts), and without one warnings go nowhere.
 */
export type GitWarningHandler = (message: string, data: Record<string, unknown>) => void;

let handler: GitWarningHandler | undefined;

/** Install `next` as the receiver of git-layer warnings (undefined: none); returns the previous one. */
export function setGitWarningHandler(next: GitWarningHandler | undefined): GitWarningHandler | undefined {
  const previous = handler;
  handler = next;
  return previous;
}

export function gitWarn(message: string, data: Record<string, unknown> = {}): void {
  try {
    handler?.(message, data);
  } catch {
    // a warning never breaks the operation it is about
  }
}
