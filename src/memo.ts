/**
 * A bounded memo for pure functions of text that every service of a tick
 * calls on the same inputs (200 services read the same unchanged files on
 * production and candidate). Only results are kept, never errors: an error
 * names where it happened (a branch), which the next caller's may differ in.
 * When full, the memo starts afresh (a run's working set is what matters).
 */
export class TextMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly max = 4096) {}

  get(key: string, compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined || this.entries.has(key)) return hit as V;
    const value = compute();
    if (this.entries.size >= this.max) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }
}
