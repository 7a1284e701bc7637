/**
 * The Action's outputs (action.yml): `decisions`, `commit`, `phase`, `weight`,
 * computed from a command's JSON result, and written through @actions/core.
 */
import * as core from '@actions/core';

export interface ActionOutputs {
  /** The `tick --json` document. */
  decisions?: string;
  /** The last commit the command made. */
  commit?: string;
  /** Of the `service` input's service, or of the only service. */
  phase?: string;
  weight?: string;
}

/** Where one service stands, from a `tick --json` or `status --json` entry. */
export interface ServiceStanding {
  service: string;
  phase: string;
  weight: number;
}

type Entry = Record<string, unknown>;
const isEntry = (v: unknown): v is Entry => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `services` entries of a result (tick, status), or []. */
export function servicesOf(json: unknown): Entry[] {
  const services = isEntry(json) ? json.services : undefined;
  return Array.isArray(services) ? services.filter(isEntry) : [];
}

/** The last non-null commit of a result: of its services in order (tick), else its own (promote, propose, …). */
export function lastCommit(json: unknown): string | undefined {
  const services = servicesOf(json);
  const commits = services.length > 0 ? services.map((s) => s.commit) : [isEntry(json) ? json.commit : undefined];
  return commits.filter((c): c is string => typeof c === 'string' && c !== '').at(-1);
}

/** Services a result says something about, with where they stand: entries with a `phase` (status, tick). */
export function standingsOf(json: unknown): ServiceStanding[] {
  return servicesOf(json).flatMap((s) =>
    typeof s.service === 'string' && typeof s.phase === 'string'
      ? [{ service: s.service, phase: s.phase, weight: typeof s.weight === 'number' ? s.weight : 0 }]
      : [],
  );
}

/**
 * The outputs of one run. `decisions` only for tick; `phase` and `weight` for
 * `service` (the input), or for the only service when the config has one.
 */
export function actionOutputs(o: {
  command: string;
  json: unknown;
  service?: string;
  /** Every service of the config, when known: picks the only one. */
  services?: readonly string[];
  standings: readonly ServiceStanding[];
}): ActionOutputs {
  const out: ActionOutputs = {};
  if (o.command === 'tick' && o.json !== undefined) out.decisions = JSON.stringify(o.json);
  const commit = lastCommit(o.json);
  if (commit) out.commit = commit;
  const target = o.service || (o.services?.length === 1 ? o.services[0] : undefined);
  const standing = o.standings.find((s) => s.service === target);
  if (standing) {
    out.phase = standing.phase;
    out.weight = String(standing.weight);
  }
  return out;
}

/** Write each output (to $GITHUB_OUTPUT, as @actions/core does). */
export function writeOutputs(outputs: ActionOutputs): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, value);
  }
}
