/**
 * The query syntax of a `keptn` check, as Flagger's Keptn provider reads it:
 *
 *   keptnmetric/<namespace>/<name>
 *   analysis/<namespace>/<analysis-definition>/<timeframe>[/<k=v;k=v>]
 *
 * `<timeframe>` is the Analysis' `spec.timeframe.recent` (a Go duration such
 * as 5m or 1h30m); the pairs become `spec.args`. Unlike Flagger, nothing is
 * lower-cased (argument values are the user's) and a malformed query is an
 * error, never a default: a timeframe must be written.
 */

export type KeptnQuery =
  | { kind: 'keptnmetric'; namespace: string; name: string }
  | { kind: 'analysis'; namespace: string; definition: string; timeframe: string; args: Record<string, string> };

export type KeptnQueryParse = { ok: true; query: KeptnQuery } | { ok: false; problem: string };

const SYNTAX = 'write keptnmetric/<namespace>/<name> or analysis/<namespace>/<analysis-definition>/<timeframe>/<k=v;k=v>';
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Go's time.ParseDuration units, as Keptn parses `recent`. */
const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const ARG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export { SYNTAX as KEPTN_QUERY_SYNTAX };

/** Parses a check's query; `problem` says what is wrong in words a person can act on. */
export function parseKeptnQuery(raw: string): KeptnQueryParse {
  const q = raw.trim();
  const parts = q.split('/');
  const bad = (problem: string): KeptnQueryParse => ({ ok: false, problem: `${problem}: ${SYNTAX}` });
  const kind = parts[0];
  if (kind !== 'keptnmetric' && kind !== 'analysis') return bad(`unknown keptn query kind ${JSON.stringify(kind ?? '')}`);
  const namespace = parts[1] ?? '';
  if (!DNS_LABEL.test(namespace) || namespace.length > 63) return bad(`${JSON.stringify(namespace)} is not a Kubernetes namespace`);
  const name = parts[2] ?? '';
  if (!DNS_SUBDOMAIN.test(name) || name.length > 253) return bad(`${JSON.stringify(name)} is not a Kubernetes object name`);

  if (kind === 'keptnmetric') {
    if (parts.length !== 3) return bad('a keptnmetric query has 3 parts');
    return { ok: true, query: { kind, namespace, name } };
  }
  if (parts.length !== 4 && parts.length !== 5) return bad('an analysis query has 4 or 5 parts');
  const timeframe = parts[3]!;
  if (!GO_DURATION.test(timeframe)) return bad(`timeframe ${JSON.stringify(timeframe)} is not a duration such as 5m or 1h30m`);
  // A Map, then fromEntries: a key such as __proto__ stays an ordinary key.
  const args = new Map<string, string>();
  const pairs = parts.length === 5 ? parts[4]!.split(';') : [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq < 0 || !ARG_KEY.test(key)) return bad(`argument ${JSON.stringify(pair)} is not key=value`);
    if (args.has(key)) return bad(`argument ${key} is given twice`);
    args.set(key, pair.slice(eq + 1));
  }
  return { ok: true, query: { kind, namespace, definition: name, timeframe, args: Object.fromEntries(args) } };
}
