/** Shared helpers for the manifest tests: fixtures and a line diff. */
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../fixtures/manifests/', import.meta.url);

/** A fixture's exact text (no newline conversion). */
export function fixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** Split into lines keeping each line's own break, so CRLF differences show. */
export function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * 1-based numbers of the lines of `a` that are not kept in `b` (LCS diff), and
 * the lines `b` adds. Small files only: O(n·m).
 */
export function lineDiff(a: string, b: string): { removed: number[]; added: string[] } {
  const x = lines(a);
  const y = lines(b);
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const removed: number[] = [];
  const added: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      added.push(y[j++]!);
    } else {
      removed.push(++i);
    }
  }
  return { removed, added };
}

/** Dedent a template literal (drops the first newline and common indentation). */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(...raw.split('\n').filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  return raw
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
}
