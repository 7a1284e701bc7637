/**
 * Rows and how they are timed: every row runs once per round, ours and the
 * native baseline back to back (which goes first alternating run by run), so both
 * see the same machine load; a row's figure is the median of its runs. A
 * row's `ours` checks that the run did what it is timed for and throws
 * otherwise: a timing of a broken run is never printed. Timings are never
 * asserted.
 */

export interface Sample {
  ms: number;
  /** Peak RSS of our process (kB). */
  rssKb?: number;
}

/**
 * What a row should meet: ours <= ratio x native + plusNode x `node -e 0`,
 * and a peak RSS under rssMb when given.
 */
export interface Target {
  ratio: number;
  plusNode?: number;
  rssMb?: number;
  /** How the baseline multiple reads in the table when not "x": e.g. "x ls-remote". */
  of?: string;
}

export interface Row {
  section: string;
  name: string;
  ours(): Promise<Sample>;
  native(): Promise<number>;
  target?: Target;
  /** Runs as many as the other rows of the same round (default 1); cheap, noisy rows take more. */
  weight?: number;
}

export interface Measured {
  row: Row;
  ours: number[];
  native: number[];
  rssKb: number[];
  /** Wall time spent on this row's runs (ours, native, and their untimed set-up). */
  spentMs: number;
}

export const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface RoundsOptions {
  /** Runs per row wanted (BENCH_RUNS). */
  runs: number;
  /** Wall-clock instant (performance.now()) past which no more optional runs start. */
  deadline: number;
  /** Called after each run, for progress on stderr. */
  progress?: (m: Measured) => void;
}

/** A row whose run (ours + native + set-up) costs less than this always gets all its runs. */
const CHEAP_MS = 1500;

/**
 * Run `rows` in rounds. The first round runs every row; each later round
 * takes the rows cheapest first, and a row's next run starts only when its
 * average cost so far still fits before the deadline (cheap rows always run),
 * so slow rows get fewer runs rather than the bench running long.
 */
export async function measure(rows: Row[], o: RoundsOptions): Promise<Measured[]> {
  const results = rows.map((row): Measured => ({ row, ours: [], native: [], rssKb: [], spentMs: 0 }));
  const wanted = (m: Measured) => o.runs * (m.row.weight ?? 1);
  const cost = (m: Measured) => m.spentMs / m.ours.length;
  for (let round = 0; results.some((m) => m.ours.length < wanted(m)); round++) {
    const order = round === 0 ? results : [...results].sort((a, b) => cost(a) - cost(b));
    let ran = false;
    for (const m of order) {
      if (m.ours.length >= wanted(m)) continue;
      if (round > 0 && cost(m) > CHEAP_MS && performance.now() + cost(m) > o.deadline) continue;
      const t = performance.now();
      let sample: Sample;
      let native: number;
      if (m.ours.length % 2 === 0) {
        sample = await m.row.ours();
        native = await m.row.native();
      } else {
        native = await m.row.native();
        sample = await m.row.ours();
      }
      m.ours.push(sample.ms);
      m.native.push(native);
      if (sample.rssKb !== undefined) m.rssKb.push(sample.rssKb);
      m.spentMs += performance.now() - t;
      ran = true;
      o.progress?.(m);
    }
    if (!ran) break;
  }
  return results;
}

/** The budget a row's target allows (ms), given the median of `node -e 0`. */
export function budgetMs(m: Measured, nodeMs: number): number | undefined {
  const t = m.row.target;
  if (!t) return undefined;
  return t.ratio * median(m.native) + (t.plusNode ?? 0) * nodeMs;
}

/** Whether the row meets its target: time within budget and peak RSS under the bound. */
export function meets(m: Measured, nodeMs: number): boolean | undefined {
  const budget = budgetMs(m, nodeMs);
  if (budget === undefined) return undefined;
  const rssOk = m.row.target?.rssMb === undefined || (m.rssKb.length > 0 && median(m.rssKb) / 1024 < m.row.target.rssMb);
  return median(m.ours) <= budget && rssOk;
}
