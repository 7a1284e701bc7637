/**
 * `notify:`'s ${ENV} variables belong to the commands that notify (tick and
 * the manual decisions). A command that never notifies (validate, status,
 * log) may stand in for a variable that is unset only inside `notify:`.
 */
import type { ConfigIssue } from '../config/index.ts';

/** A value that stands in for an unset notify variable; never contacted (`.invalid` never resolves). */
export const NOTIFY_STAND_IN = 'https://notify-variable-unset.invalid';

const UNSET = /^environment variable (\w+) is not set$/;

/** Whether a formatted config path lies in `notify:`. */
export function inNotify(path: string): boolean {
  return path === 'notify' || path.startsWith('notify[') || path.startsWith('notify.');
}

/** The variables of `errors` that are unset only at `notify:` paths (one unset elsewhere too is not). */
export function unsetOnlyInNotify(errors: readonly ConfigIssue[]): string[] {
  const only = new Map<string, boolean>();
  for (const e of errors) {
    const name = UNSET.exec(e.message)?.[1];
    if (name !== undefined) only.set(name, (only.get(name) ?? true) && inNotify(e.path));
  }
  return [...only].filter(([, ok]) => ok).map(([name]) => name);
}
