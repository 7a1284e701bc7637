import type { DocEdits, ManifestFile } from '../manifests/types.ts';

/** Traffic split between the stable and the canary destination; always sums to 100. */
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
 * A traffic API. Pure: reads weights from a parsed file and plans edits for new
 * weights; never touches disk. Every rule/route in the file that names both
 * destinations is read and moved together; rules naming only one are left alone.
 */
export interface Router {
  type: string;
  /** Document kinds this router edits, for messages and validation. */
  kinds: readonly string[];
  /** Current weights; throws RouterError (with file:line) when a destination is missing or rules disagree. */
  read(file: ManifestFile, route: RouteConfig): Weights;
  /** Edits that set `weights`; applying them and reading back gives `weights`. */
  plan(file: ManifestFile, route: RouteConfig, weights: Weights): DocEdits[];
}
