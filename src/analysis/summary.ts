/**
 * The checks line of a judgment: one line in a commit body (and status, log),
 * written here and read back by src/audit/checks.ts. Additive over the first
 * grammar (`name value (min X, max Y) outcome`), so every older body still reads.
 *
 *     line       = entry *( "; " entry )
 *     entry      = name SP value [ SP "(" details ")" ] SP outcome [ SP "critical" ] [ SP "(" note ")" ]
 *     value      = number | "-"                    ; "-": none (no data, NaN, ±Inf, an error)
 *     details    = item *( ", " item )             ; a comparison is always the last item
 *     item       = "min" SP number | "max" SP number | "minRequests" SP number | comparison
 *     comparison = ( "ref" | "first" ) SP number [ SP change ]
 *                  [ SP "mann-whitney" [ SP "p=" number SP "effect" SP ( number | "-" ) ] ] [ SP bounds ]
 *     change     = ( "+" | "-" ) number "%"         ; (value − reference) / |reference|; method value only,
 *                                                   ; absent when the reference is 0
 *     bounds     = bound [ ", " bound ]             ; as written in the config
 *     bound      = ( "maxIncrease" | "maxDecrease" ) SP number [ "%" ]
 *     outcome    = "pass" | "fail" | "inconclusive" | "no-data" | "error"
 *     note       = the reason of a no-data, error or inconclusive check (no ";")
 *
 * `ref` is a reference measured by baseline.query, `first` the check's first
 * value in the rollout; `mann-whitney` marks a comparison of two series (the
 * value and `ref` are then the means over the step), with its p-value and
 * effect size (canary mean / reference mean) once the test ran. `critical`
 * marks a critical check. The minRequests floor is a pseudo-check written
 * first: `requests 12 (minRequests 100) inconclusive`. Examples:
 *
 *     success-rate 99.7 (min 99) pass; latency-p99 0.21 (max 0.5) pass
 *     latency-p99 212 (max 500, ref 180 +17.8% maxIncrease 10%) fail critical
 *     latency-p99 212 (ref 180 mann-whitney p=0.0012 effect 1.178 maxIncrease 10%) fail
 *     errors 0.2 (first 0.18 +11.1% maxIncrease 20%, maxDecrease 50%) pass
 *     requests 12 (minRequests 100) inconclusive; success-rate 99.9 (min 99) pass
 */
import type { CheckOutcome, CheckResult, Comparison, Judgment } from './evaluate.ts';
import { formatChange, formatMeasured, formatNumber } from './format.ts';

/** One entry of the checks line. */
export interface ChecksLineEntry {
  name: string;
  value: number | null;
  outcome: CheckOutcome;
  min?: number;
  max?: number;
  minRequests?: number;
  critical?: boolean;
  comparison?: Pick<Comparison, 'method' | 'reference' | 'from' | 'change' | 'pValue' | 'effectSize' | 'bound'>;
  /** The reason shown after a no-data, error or inconclusive outcome. */
  note?: string;
}

/** The name of the minRequests pseudo-check. */
export const REQUESTS_ENTRY = 'requests';

/**
 * One entry in the grammar above. `exact` writes numbers with String() (every
 * digit) instead of the compact form of commit bodies (formatNumber).
 */
export function formatChecksEntry(e: ChecksLineEntry, exact = false): string {
  const num = exact ? String : formatNumber;
  const value =
    e.value === null || !Number.isFinite(e.value) ? '-' : exact ? String(e.value) : formatMeasured(e.value, [e.min, e.max, e.minRequests]);
  const items: string[] = [];
  if (e.min !== undefined) items.push(`min ${e.min}`);
  if (e.max !== undefined) items.push(`max ${e.max}`);
  if (e.minRequests !== undefined) items.push(`minRequests ${e.minRequests}`);
  if (e.comparison) items.push(formatComparison(e.comparison, num));
  const details = items.length > 0 ? ` (${items.join(', ')})` : '';
  const critical = e.critical ? ' critical' : '';
  const note = e.note !== undefined ? ` (${e.note})` : '';
  return `${e.name} ${value}${details} ${e.outcome}${critical}${note}`;
}

function formatComparison(c: NonNullable<ChecksLineEntry['comparison']>, num: (n: number) => string): string {
  const parts = [`${c.from === 'first-value' ? 'first' : 'ref'} ${num(c.reference)}`];
  // A change beyond ±1e306 (a subnormal reference) has no percentage to write.
  if (c.method === 'value' && c.change !== null && Number.isFinite(c.change * 100)) parts.push(formatChange(c.change, percentagesIn(c.bound)));
  if (c.method === 'mann-whitney') {
    parts.push('mann-whitney');
    if (c.pValue !== undefined) {
      const effect = c.effectSize === null || c.effectSize === undefined ? '-' : num(c.effectSize);
      parts.push(`p=${num(c.pValue)}`, `effect ${effect}`);
    }
  }
  if (c.bound !== '') parts.push(c.bound);
  return parts.join(' ');
}

/** The percentages of a bound as written (`maxIncrease 10%, maxDecrease 5%` → [10, 5]): a change never prints as one of them. */
function percentagesIn(bound: string): number[] {
  return [...bound.matchAll(/(\d+(?:\.\d+)?)%/g)].map((m) => Number(m[1]));
}

/** The checks line of a judgment: the minRequests pseudo-check first, then every check in order. */
export function summarize(results: readonly CheckResult[], requests?: Judgment['requests']): string {
  const entries: ChecksLineEntry[] = [];
  if (requests) {
    entries.push({
      name: REQUESTS_ENTRY,
      value: requests.value,
      outcome: requests.outcome,
      minRequests: requests.min,
      ...(requests.outcome === 'no-data' || requests.outcome === 'error' ? { note: requests.reason } : {}),
    });
  }
  for (const r of results) {
    entries.push({
      name: r.name,
      value: r.value,
      outcome: r.outcome,
      ...(r.min !== undefined ? { min: r.min } : {}),
      ...(r.max !== undefined ? { max: r.max } : {}),
      ...(r.critical ? { critical: true } : {}),
      ...(r.comparison ? { comparison: r.comparison } : {}),
      ...(r.outcome === 'no-data' || r.outcome === 'error' || r.outcome === 'inconclusive' ? { note: r.reason } : {}),
    });
  }
  if (entries.length === 0) return 'no checks';
  return entries.map((e) => formatChecksEntry(e)).join('; ');
}
