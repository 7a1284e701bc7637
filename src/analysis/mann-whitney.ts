/**
 * The two-sided Mann-Whitney U test, as SciPy's `scipy.stats.mannwhitneyu(x, y)`
 * computes it with its defaults (`use_continuity=True`, `alternative='two-sided'`,
 * `method='auto'`; SciPy 1.17.1, scipy/stats/_mannwhitneyu.py). Kayenta judges
 * canary against baseline with this test. Pure.
 *
 * - U is the statistic of `x`: R₁ − n₁(n₁+1)/2 with average ranks for ties.
 * - Method (SciPy's `_mwu_choose_method`): asymptotic when both samples have
 *   more than 8 values, or when there is any tie; exact otherwise.
 * - Exact: p = 2·P(U ≥ max(U₁, U₂)) under the exact null distribution of U,
 *   counted with integers (no rounding until the final ratio).
 * - Asymptotic: z = (max(U₁, U₂) − n₁n₂/2 − ½) / σ with the tie-corrected
 *   σ = √(n₁n₂/12 · ((n+1) − Σ(t³−t)/(n(n−1)))), p = 2·(1 − Φ(z)).
 * - p is clipped to [0, 1]. All values equal: σ = 0 and p = 1 (SciPy's answer:
 *   nothing tells the samples apart).
 */

export interface MannWhitneyResult {
  /** U of `x` (SciPy's `statistic`); U of `y` is n·m − u. */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  method: 'exact' | 'asymptotic';
}

/** Above this size in both samples the normal approximation is used (SciPy's rule). */
const EXACT_MAX_SIZE = 8;

/**
 * The two-sided Mann-Whitney U test of `x` against `y`. Throws a RangeError for
 * an empty sample or a non-finite value (callers guard: a series without
 * samples is inconclusive, never tested).
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  if (x.length === 0 || y.length === 0) {
    throw new RangeError(`mannWhitneyU needs two non-empty samples, got ${x.length} and ${y.length} values`);
  }
  for (const v of [...x, ...y]) {
    if (!Number.isFinite(v)) throw new RangeError(`mannWhitneyU needs finite values, got ${v}`);
  }
  const n1 = x.length;
  const n2 = y.length;
  const { ranks, tieSizes } = rank([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const big = Math.max(u1, n1 * n2 - u1);
  const ties = tieSizes.length > 0;

  if ((n1 > EXACT_MAX_SIZE && n2 > EXACT_MAX_SIZE) || ties) {
    return { u: u1, pValue: clip(2 * asymptoticUpperTail(big, n1, n2, tieSizes)), method: 'asymptotic' };
  }
  return { u: u1, pValue: clip(2 * exactUpperTail(big, n1, n2)), method: 'exact' };
}

/** Average ranks (1-based) in input order, and the size of every group of tied values. */
function rank(values: readonly number[]): { ranks: number[]; tieSizes: number[] } {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  const tieSizes: number[] = [];
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && values[order[end]!] === values[order[start]!]) end++;
    // Positions start..end-1 hold ranks start+1..end: their average.
    const average = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = average;
    if (end - start > 1) tieSizes.push(end - start);
    start = end;
  }
  return { ranks, tieSizes };
}

/**
 * P(U ≥ k) under the null hypothesis, no ties. By symmetry of U around n₁n₂/2
 * this is P(U ≤ n₁n₂ − k), a sum over the counts of the lower tail. The counts
 * of U are the coefficients of the Gaussian binomial
 * [m+n choose m]_q = ∏ᵢ₌₁..ₘ (1 − q^{n+i}) / (1 − q^i), built one factor at a
 * time with exact integers (every partial product is itself a polynomial with
 * non-negative integer coefficients).
 */
function exactUpperTail(k: number, n1: number, n2: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const last = n1 * n2 - k;
  if (last < 0) return 0;
  const counts = new Array<bigint>(last + 1).fill(0n);
  counts[0] = 1n;
  for (let i = 1; i <= m; i++) {
    const a = n + i;
    for (let d = last; d >= a; d--) counts[d] = counts[d]! - counts[d - a]!; // × (1 − q^a)
    for (let d = i; d <= last; d++) counts[d] = counts[d]! + counts[d - i]!; // ÷ (1 − q^i)
  }
  let tail = 0n;
  for (const c of counts) tail += c;
  return Number(tail) / Number(binomial(m + n, m));
}

function binomial(n: number, k: number): bigint {
  let out = 1n;
  for (let i = 1; i <= k; i++) out = (out * BigInt(n - k + i)) / BigInt(i);
  return out;
}

/** P(U ≥ u) by the normal approximation with tie and continuity corrections. */
function asymptoticUpperTail(u: number, n1: number, n2: number, tieSizes: readonly number[]): number {
  const n = n1 + n2;
  const tieTerm = tieSizes.reduce((sum, t) => sum + (t ** 3 - t), 0);
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  // Zero only when every value is the same: U sits at its mean, nothing is significant.
  if (!(variance > 0)) return 1;
  const z = (u - (n1 * n2) / 2 - 0.5) / Math.sqrt(variance);
  return normalUpperTail(z);
}

/**
 * 1 − Φ(z) for the standard normal, accurate to about 1e-15 (absolute) and to
 * many digits relative in the far tail. Below 5: Marsaglia's series
 * Φ(z) = ½ + φ(z)·(z + z³/3 + z⁵/(3·5) + …), whose terms are all positive.
 * From 5: Laplace's continued fraction of the Mills ratio.
 */
export function normalUpperTail(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z < 0) return 1 - normalUpperTail(-z);
  if (z === Number.POSITIVE_INFINITY) return 0;
  const density = Math.exp(-(z * z) / 2) / Math.sqrt(2 * Math.PI);
  if (z < 5) {
    let term = z;
    let sum = z;
    for (let k = 1; term > sum * 1e-17; k++) {
      term *= (z * z) / (2 * k + 1);
      sum += term;
    }
    return 0.5 - density * sum;
  }
  let fraction = z;
  for (let k = 80; k >= 1; k--) fraction = z + k / fraction;
  return density / fraction;
}

function clip(p: number): number {
  return Math.min(1, Math.max(0, p));
}
