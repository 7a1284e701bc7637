/**
 * Offset and line arithmetic on the original text. Every edit is a splice at
 * offsets, so these helpers are the only place that knows about CRLF.
 */

/** A replacement of `text.slice(start, end)` by `insert`. */
export interface Splice {
  start: number;
  end: number;
  insert: string;
}

/** Start offsets of every line, for offset → 1-based line lookups. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** 1-based line holding `offset` (a line break belongs to the line it ends; text end counts as the last line). */
  line(offset: number): number {
    if (offset >= this.text.length && this.text.endsWith('\n')) offset = this.text.length - 1;
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** The file's line break: CRLF when its first line break is CRLF, so inserted lines match. */
export function detectEol(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/** Offset of the first character of the line holding `offset` (after a BOM on line 1, which edits never touch). */
export function lineStart(text: string, offset: number): number {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return start === 0 && text.charCodeAt(0) === 0xfeff && offset > 0 ? 1 : start;
}

/** Offset of the line break (or `\r` of CRLF, or text end) ending the line holding `offset`. */
export function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** Offset just after the line break ending the line holding `offset` (text end on the last line). */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** 0-based column of `offset`. */
export function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** True when only spaces/tabs precede `offset` on its line. */
export function firstOnLine(text: string, offset: number): boolean {
  return /^[ \t]*$/.test(text.slice(lineStart(text, offset), offset));
}

/** Length of the line break ending just before `offset`, 0 when there is none. */
export function eolBefore(text: string, offset: number): number {
  if (text[offset - 1] !== '\n') return 0;
  return text[offset - 2] === '\r' ? 2 : 1;
}

/** Apply non-overlapping splices (any order) to `text`. */
export function applySplices(text: string, splices: readonly Splice[]): string {
  const sorted = [...splices].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const s of sorted) out = out.slice(0, s.start) + s.insert + out.slice(s.end);
  return out;
}

/** UTF-8 length without allocating an encoded copy. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
