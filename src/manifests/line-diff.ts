/**
 * A unified diff of two texts, for people to read (pull request bodies, dry
 * runs). Line-based longest common subsequence with 3 lines of context; big
 * inputs get a summary instead of a quadratic table.
 */

const CONTEXT = 3;
/** Beyond this many lines × lines the diff is summarised, not computed. */
const MAX_CELLS = 4_000_000;

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

/** `--- a/path` / `+++ b/path` and hunks; '' when equal. `undefined` text: the file is absent on that side. */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined): string {
  if (before === after) return '';
  const a = splitLines(before ?? '');
  const b = splitLines(after ?? '');
  const head = `--- ${before === undefined ? '/dev/null' : `a/${path}`}\n+++ ${after === undefined ? '/dev/null' : `b/${path}`}\n`;
  if (a.length * b.length > MAX_CELLS) return `${head}@@ ${a.length} lines → ${b.length} lines (too large to show here) @@\n`;
  const ops = diffOps(a, b);
  return head + hunks(ops).join('');
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function diffOps(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: length of the LCS of a[i..] and b[j..], in one flat array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[at(i, j)] = a[i] === b[j] ? lcs[at(i + 1, j + 1)]! + 1 : Math.max(lcs[at(i + 1, j)]!, lcs[at(i, j + 1)]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', line: a[i]!, a: i++, b: j++ });
    // Deletions before insertions, as diff -u writes them.
    else if (i < n && (j === m || lcs[at(i + 1, j)]! >= lcs[at(i, j + 1)]!)) ops.push({ kind: '-', line: a[i]!, a: i++, b: j });
    else ops.push({ kind: '+', line: b[j]!, a: i, b: j++ });
  }
  return ops;
}

function hunks(ops: Op[]): string[] {
  const changed = ops.flatMap((o, i) => (o.kind === ' ' ? [] : [i]));
  // Changes closer than 2×CONTEXT unchanged lines share a hunk.
  const groups: [number, number][] = [];
  for (const i of changed) {
    const last = groups[groups.length - 1];
    if (last && i - last[1] <= 2 * CONTEXT + 1) last[1] = i;
    else groups.push([i, i]);
  }
  return groups.map(([first, last]) => {
    const slice = ops.slice(Math.max(0, first - CONTEXT), Math.min(ops.length, last + CONTEXT + 1));
    const aCount = slice.filter((o) => o.kind !== '+').length;
    const bCount = slice.filter((o) => o.kind !== '-').length;
    const top = slice[0]!;
    const header = `@@ -${top.a + (aCount ? 1 : 0)},${aCount} +${top.b + (bCount ? 1 : 0)},${bCount} @@\n`;
    return header + slice.map((o) => `${o.kind}${o.line}\n`).join('');
  });
}
