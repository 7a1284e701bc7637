/**
 * Escaping and clipping of person-written text (service names, reasons,
 * check names) for each target's markup, so a reason can neither format nor
 * link nor mention anything, and a long one never makes a receiver refuse the
 * whole message.
 */

/** Slack mrkdwn: the three characters Slack asks to escape (`<` would start a link or a mention). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Teams TextBlock markdown (bold, italic, links, lists): the characters that
 * open those backslash-escaped, a list marker at a line's start too, and `{`
 * so no `{{DATE()}}` function is evaluated. Hyphens and dots elsewhere stay
 * as they are (service names and numbers are full of them).
 */
export function escapeTeamsMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>~#]/g, (c) => `\\${c}`).replace(/^(\s*)([-+]|\d+\.)(?=\s)/gm, (_, space: string, marker: string) => `${space}${marker.replace(/([-+.])$/, '\\$1')}`);
}

/**
 * At most `max` characters, ending in `…` when cut; never cuts inside an
 * `&amp;`-style entity or a backslash escape (that would show stray markup).
 */
export function clip(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  let cut = chars.slice(0, max - 1).join('');
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';') && cut.length - amp < 6) cut = cut.slice(0, amp);
  if (/(^|[^\\])(\\\\)*\\$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
