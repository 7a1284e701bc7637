/** Reading the status of a GitOps object: shared by argocd.ts and flux.ts. */
import type { z } from 'zod';
import type { AppliedObservation } from '../engine/types.ts';
import type { ObserveContext } from './types.ts';

const MAX_TEXT = 300;

/** RFC 3339 as Kubernetes writes it (metav1.Time); a bare date or garbage is refused. */
export function parseTime(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const at = new Date(text);
  return Number.isFinite(at.getTime()) ? at : undefined;
}

/** A controller's message (may be multi-line, may be long) as one short line. */
export function brief(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_TEXT ? `${line.slice(0, MAX_TEXT)}…` : line;
}

export function badShape(ctx: ObserveContext, error: z.ZodError): AppliedObservation {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return {
    state: 'error',
    reason: `${ctx.what} has an unexpected shape at ${path}: ${issue?.message ?? 'invalid'} — check that the API server serves the expected CRD version`,
  };
}

export function unreadableTime(ctx: ObserveContext, path: string, value: string): AppliedObservation {
  return {
    state: 'error',
    reason: `${ctx.what} has an unreadable time at ${path}: "${brief(value)}" — expected an RFC 3339 time such as 2024-01-01T00:00:00Z`,
  };
}
