/**
 * The bench's output: the tables as text (stdout) and as Markdown (the
 * "last run" section of docs/performance.md, between two markers, so the
 * prose around it stays as written), and the machine they were measured on.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { budgetMs, type Measured, median, meets } from './measure.ts';
import type { MicroResult } from './micro.ts';

export const START_MARK = '<!-- bench:last-run:start -->';
export const END_MARK = '<!-- bench:last-run:end -->';

export interface Section {
  title: string;
  /** What the native column ran. */
  baseline: string;
}

export interface Report {
  micro: MicroResult[];
  sections: Record<string, Section>;
  results: Measured[];
  nodeMs: number;
  /** Lines of "how cost grows", ratios of medians between rows. */
  growth: string[];
  /** Lines about the run: CLI flavour, runs, fixture cache, time. */
  notes: string[];
  machine: string[];
}

const fmt = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(0) : '?');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : '?');

function targetText(m: Measured, nodeMs: number): string {
  const t = m.row.target;
  if (!t) return '-';
  const budget = budgetMs(m, nodeMs)!;
  const time = t.plusNode ? `≤ ${t.ratio}x${t.of ?? ''} + ${t.plusNode}x node = ${fmt(budget)} ms` : `≤ ${t.ratio}x${t.of ?? ''}`;
  return t.rssMb === undefined ? time : `${time}, < ${t.rssMb} MB`;
}

interface Line {
  name: string;
  runs: string;
  ours: string;
  native: string;
  ratio: string;
  target: string;
  met: string;
  rss: string;
}

function lineOf(m: Measured, nodeMs: number): Line {
  const ok = meets(m, nodeMs);
  return {
    name: m.row.name,
    runs: String(m.ours.length),
    ours: fmt(median(m.ours)),
    native: fmt(median(m.native)),
    ratio: ratio(median(m.ours), median(m.native)),
    target: targetText(m, nodeMs),
    met: ok === undefined ? '-' : ok ? 'yes' : 'NO',
    rss: m.rssKb.length ? (median(m.rssKb) / 1024).toFixed(0) : '?',
  };
}

const HEAD: Line = { name: 'case', runs: 'runs', ours: 'ours ms', native: 'native ms', ratio: 'ratio', target: 'target', met: 'met', rss: 'RSS MB' };

/** The report as text: micro table, then every section's rows. */
export function formatText(r: Report): string {
  const out: string[] = ['in-process hot paths (mean µs per call, ratio against a naive way):'];
  for (const m of r.micro) out.push(`  ${m.name.padEnd(30)}${m.oursUs.toFixed(1).padStart(9)}  vs ${m.baselineUs.toFixed(1).padStart(9)} (${m.baseline})  ${ratio(m.oursUs, m.baselineUs)}`);
  out.push('', 'end to end (median ms of interleaved runs; RSS = peak RSS of our process):');
  const lines = r.results.map((m) => lineOf(m, r.nodeMs));
  const w = (k: keyof Line) => Math.max(HEAD[k].length, ...lines.map((l) => l[k].length));
  const row = (l: Line) =>
    `  ${l.name.padEnd(w('name'))}  ${l.runs.padStart(w('runs'))}  ${l.ours.padStart(w('ours'))}  ${l.native.padStart(w('native'))}  ${l.ratio.padStart(w('ratio'))}  ${l.target.padEnd(w('target'))}  ${l.met.padEnd(w('met'))}  ${l.rss.padStart(w('rss'))}`;
  out.push(row(HEAD));
  let section = '';
  r.results.forEach((m, i) => {
    if (m.row.section !== section) {
      section = m.row.section;
      const s = r.sections[section]!;
      out.push(`${s.title} — native: ${s.baseline}`);
    }
    out.push(row(lines[i]!));
  });
  out.push(`  node -e 0: ${fmt(r.nodeMs)} ms (median of the --help row's baseline)`);
  out.push('', 'how cost grows (ratio of medians):', ...r.growth.map((g) => `  ${g}`), '', ...r.notes, '', 'machine:', ...r.machine.map((m) => `  ${m}`));
  return `${out.join('\n')}\n`;
}

/** Text safe in Markdown: `<url>` would read as an HTML tag, `|` would split a cell. */
const md = (s: string) => s.replace(/</g, '&lt;').replace(/>/g, '&gt;');
const cell = (s: string) => md(s).replace(/\|/g, '\\|');

/** The "last run" section as Markdown, markers included. */
export function formatMarkdown(r: Report, when: Date): string {
  const out: string[] = [START_MARK, `_Written by \`npm run bench\` (BENCH_MARKDOWN) on ${when.toISOString().slice(0, 16).replace('T', ' ')} UTC._`, ''];
  for (const n of r.notes) out.push(`- ${md(n)}`);
  out.push('', '#### In-process hot paths', '', '| case | ours (µs) | baseline | baseline (µs) | ratio |', '|---|---:|---|---:|---:|');
  for (const m of r.micro) out.push(`| ${m.name} | ${m.oursUs.toFixed(1)} | ${m.baseline} | ${m.baselineUs.toFixed(1)} | ${ratio(m.oursUs, m.baselineUs)} |`);
  let section = '';
  for (const m of r.results) {
    if (m.row.section !== section) {
      section = m.row.section;
      const s = r.sections[section]!;
      out.push('', `#### ${s.title}`, '', `Native: ${md(s.baseline)}.`, '', '| case | runs | ours (ms) | native (ms) | ratio | target | met | peak RSS (MB) |', '|---|---:|---:|---:|---:|---|---|---:|');
    }
    const l = lineOf(m, r.nodeMs);
    out.push(`| ${cell(l.name)} | ${l.runs} | ${l.ours} | ${l.native} | ${l.ratio} | ${cell(l.target)} | ${l.met} | ${l.rss} |`);
  }
  out.push('', `\`node -e 0\`: ${fmt(r.nodeMs)} ms (median of the \`--help\` row's baseline).`, '', '#### How cost grows (ratio of medians)', '', ...r.growth.map((g) => `- ${md(g)}`));
  out.push('', '#### Machine', '', ...r.machine.map((m) => `- ${m}`), END_MARK);
  return out.join('\n');
}

/** Replace the section between the markers of `path` (or append it, or create the file). */
export function writeMarkdown(path: string, section: string): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const start = text.indexOf(START_MARK);
  const end = text.indexOf(END_MARK);
  let next: string;
  if (start >= 0 && end > start) next = text.slice(0, start) + section + text.slice(end + END_MARK.length);
  else next = `${text}${text && !text.endsWith('\n') ? '\n' : ''}${text ? '\n' : ''}${section}\n`;
  writeFileSync(path, next);
}

/** CPU, cores, memory, OS, node and git: what the figures were measured on. */
export function machine(loadAtStart: number[]): string[] {
  const cpus = os.cpus();
  const release = existsSync('/etc/os-release') ? /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] : undefined;
  let gitVersion = '?';
  try {
    gitVersion = execFileSync('git', ['--version'], { encoding: 'utf8' }).trim();
  } catch {}
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  return [
    `CPU: ${cpus[0]?.model ?? '?'}, ${cpus.length} cores (${os.availableParallelism()} usable)`,
    `RAM: ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    `OS: ${release ?? os.type()} (${os.type()} ${os.release()}, ${os.arch()})`,
    `node ${process.version}, ${gitVersion}`,
    `load average at start ${load(loadAtStart)}, at end ${load(os.loadavg())}`,
  ];
}
