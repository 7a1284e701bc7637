import type { RouteBase, SplitRoute, Weights } from '../../src/routers/types.ts';

/** Where a plug-in keeps its weight, for the local-edit check: the key a weight is written at and how. */
export interface WeightForm {
  /** The last key of a weight's path (`weight`, `percent`, `nginx.ingress.kubernetes.io/canary-weight`). */
  key: string;
  /** `number`: digits; `string`: digits in quotes (an annotation). */
  form: 'number' | 'string';
}

/** A real-looking route file, the route config that manages it and the weights it holds. */
export interface RouterCase<C extends RouteBase = RouteBase> {
  fixture: string;
  route: C;
  /** What `read` gives for the fixture as written (percents of the whole rule). */
  initial: Weights;
  /** Steps `plan` must accept; any other percent is either accepted or refused as not coverable / not a whole weight. */
  steps: number[];
  /** Where this router writes weights; default `{ key: 'weight', form: 'number' }`. */
  weight?: WeightForm;
  /**
   * Routes naming what the file does not hold: read, plan and owned must each
   * throw a ROUTER error naming the file, a line and `missing` (in message and hint).
   * Routers with named destinations get "a missing stable" without listing it.
   */
  broken?: { route: C; missing: string }[];
  /**
   * Routers with named destinations: whether a rule without match conditions
   * routes to the stable (so an absent canary is added there, else it is an error).
   * Undefined for routers without destinations (nginx, yaml-path).
   */
  defaultRule?: boolean;
}

export const DEFAULT_WEIGHT: WeightForm = { key: 'weight', form: 'number' };

/** A route of a router with named stable and canary destinations. */
export const split = (type: string, file: string, r: Omit<SplitRoute, 'type' | 'file'>): SplitRoute => ({ type, file, ...r });

/** The route's named destinations, when its router has them. */
export const named = (route: RouteBase): SplitRoute | undefined => ('stable' in route && 'canary' in route ? (route as SplitRoute) : undefined);

export const ALL = [0, 10, 25, 50, 99, 100];
