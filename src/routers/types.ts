import type { z } from 'zod';
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

/** What every `route` block has, whatever its type. */
export interface RouteBase {
  type: string;
  file: string;
  /** Optional metadata.name of the route document when the file holds several. */
  name?: string;
}

/** The `route` of a router splitting weights between two named destinations, after config parsing (shorthands expanded). */
export interface SplitRoute extends RouteBase {
  stable: Destination;
  canary: Destination;
}

/** Any service's `route`, as its router's schema parsed it. */
export type RouteConfig = import('./index.ts').RouteConfig;

/**
 * A traffic API. Pure: reads weights from a parsed file and plans edits for a
 * canary percent; never touches disk. The rules a service manages are every
 * rule naming both destinations; when none does (the canary is absent at rest),
 * the rules without match conditions that route to the stable, where the canary
 * is added at the first step above 0. Only the stable and canary weights ever
 * change; every other destination of a managed rule keeps its weight.
 */
export interface Router<C extends RouteBase = RouteBase> {
  type: string;
  /** Document kinds this router edits, for messages and validation. */
  kinds: readonly string[];
  /**
   * The `route` block of this type: a strict object whose `type` is this
   * router's literal. The root config composes every router's schema.
   */
  schema: z.ZodObject;
  /** Whose metrics the built-in analysis templates read by default for this route type, if any. */
  templateProvider?: 'istio' | 'envoy' | 'nginx' | 'linkerd' | 'knative';
  /**
   * Current weights (canary 0 when the canary is absent at rest); throws
   * RouterError (with file:line) when a destination is missing, no rule could
   * take the canary, or rules disagree.
   */
  read(file: ManifestFile, route: C): Weights;
  /**
   * Edits sending `canaryPercent` (an integer 0..100) of each managed rule's
   * traffic to the canary, taken from the stable's; `read` of the result gives
   * exactly `canaryPercent`, and planning it again gives no edits. Throws
   * RouterError when the stable cannot cover the step or it is not a whole weight.
   */
  plan(file: ManifestFile, route: C, canaryPercent: number): DocEdits[];
  /**
   * The rules this service manages, as JSON-comparable data: changes exactly
   * when one of them changes, never when another service's rules in the same
   * file do. For telling a person's edit of this service's routing apart.
   * Throws RouterError like `read` when no rule is managed (a weight it cannot
   * read is no obstacle: the rules are compared as written).
   */
  owned(file: ManifestFile, route: C): unknown;
  /**
   * For traffic APIs whose canary is a revision of the release itself (Knative):
   * there is no canary workload, and the route file is also the release file.
   * The engine then starts, steps and promotes through these instead of
   * deriving a canary workload (engine/revision-rollout.ts).
   */
  revisions?: RevisionRouter<C>;
}

/**
 * How a rollout of revisions writes the one file that is release, canary and
 * route. Pure: parsed files in, new text out; RouterError (file:line) when it cannot.
 */
export interface RevisionRouter<C extends RouteBase = RouteBase> {
  /**
   * The release as compared between branches, as a canonical string: without
   * what rollouts write (the traffic, the revision's name), so a promoted
   * production and its candidate compare equal.
   */
  releaseView(file: ManifestFile, route: C): string;
  /** The revision a file at rest runs; RouterError when it does not pin one. */
  running(file: ManifestFile, route: C): string;
  /** Production's file running the candidate's revision at `weight`% beside the one it ran. */
  start(production: ManifestFile, candidate: ManifestFile, route: C, o: { weight: number; candidateSha: string }): string;
  /** The rollout's file with the canary revision at `weight`%; `base` is production's file before the rollout. */
  step(current: ManifestFile, base: ManifestFile, route: C, weight: number): string;
  /** The tested candidate's file with the rollout's revision pinned and the stable's traffic on it. */
  promote(current: ManifestFile, base: ManifestFile, tested: ManifestFile, route: C): string;
}
