import type { DocEdits, ManifestFile } from '../manifests/types.ts';

/**
 * Traffic of the managed rules, in percent of each rule's whole traffic:
 * stable + canary + every other destination of the rule = 100, so with no other
 * destination stable + canary = 100.
 */
export interface Weights {
  stable: number;
  canary: number;
}

/**
 * A destination as written in `route.stable` / `route.canary`: a service (or host)
 * name, optionally narrowed by port, subset (Istio) or namespace.
 * The string shorthand `checkout-stable` means `{ name: 'checkout-stable' }`.
 */
export interface Destination {
  name: string;
  port?: number;
  subset?: string;
  namespace?: string;
}

/** The `route` block of a service, after config parsing (shorthands expanded). */
export interface RouteConfig {
  type: string;
  file: string;
  stable: Destination;
  canary: Destination;
  /** Optional metadata.name of the route document when the file holds several. */
  name?: string;
}

/**
 * A traffic API. Pure: reads weights from a parsed file and plans edits for a
 * canary percent; never touches disk. The rules a service manages are every
 * rule naming both destinations; when none does (the canary is absent at rest),
 * the rules without match conditions that route to the stable, where the canary
 * is added at the first step above 0. Only the stable and canary weights ever
 * change; every other destination of a managed rule keeps its weight.
 */
export interface Router {
  type: string;
  /** Document kinds this router edits, for messages and validation. */
  kinds: readonly string[];
  /**
   * Current weights (canary 0 when the canary is absent at rest); throws
   * RouterError (with file:line) when a destination is missing, no rule could
   * take the canary, or rules disagree.
   */
  read(file: ManifestFile, route: RouteConfig): Weights;
  /**
   * Edits sending `canaryPercent` (an integer 0..100) of each managed rule's
   * traffic to the canary, taken from the stable's; `read` of the result gives
   * exactly `canaryPercent`, and planning it again gives no edits. Throws
   * RouterError when the stable cannot cover the step or it is not a whole weight.
   */
  plan(file: ManifestFile, route: RouteConfig, canaryPercent: number): DocEdits[];
  /**
   * The rules this service manages, as JSON-comparable data: changes exactly
   * when one of them changes, never when another service's rules in the same
   * file do. For telling a person's edit of this service's routing apart.
   * Throws RouterError like `read` when no rule is managed (a weight it cannot
   * read is no obstacle: the rules are compared as written).
   */
  owned(file: ManifestFile, route: RouteConfig): unknown;
}
