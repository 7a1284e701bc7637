/**
 * The README table "fixed limit vs baseline on the same regression": what each
 * check configuration decided at each tick of the stable-relative regression,
 * with the check's value and outcome.
 */
import type { Tick } from './world.ts';

export interface TableColumn {
  /** Column header, e.g. "fixed `max: 250`". */
  title: string;
  ticks: readonly Tick[];
}

function cell(t: Tick | undefined): string {
  if (!t) return '';
  const check = t.checks[0];
  if (!check || t.decision === 'start') return t.decision;
  const value = check.value === null ? '-' : Number(check.value.toFixed(1));
  return `${t.decision} (${value} ${check.outcome})`;
}

/** A markdown table: one row per tick minute, one column per configuration. */
export function decisionTable(columns: readonly TableColumn[]): string {
  const minutes = [...new Set(columns.flatMap((c) => c.ticks.map((t) => t.minute)))].sort((a, b) => a - b);
  const header = `| minute | ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---').join('|')}|`;
  const rows = minutes.map((m) => `| ${m} | ${columns.map((c) => cell(c.ticks.find((t) => t.minute === m))).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}
