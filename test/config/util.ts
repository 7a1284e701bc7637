/** Shared fixtures for the config tests. */
import { formatIssue, parseConfig } from '../../src/config/index.ts';

/** Strip the common indentation of a template literal and its first newline, so fixtures can be indented. */
export function dedent(text: string): string {
  const lines = text.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^ */.exec(l)![0].length);
  const cut = Math.min(...indents);
  return lines.map((l) => l.slice(cut)).join('\n');
}

/** A valid config, one service, every key used. Line numbers are referred to by tests. */
export const VALID = dedent(`
  version: 1
  metrics:
    prom:
      type: prometheus
      address: http://prometheus.monitoring:9090
  services:
    checkout:
      files: [apps/checkout/deployment.yaml]
      canary:
        file: apps/checkout/deployment-canary.yaml
      route:
        type: istio
        file: apps/checkout/virtualservice.yaml
        stable: checkout-stable
        canary: checkout-canary
      steps: [10, 25, 50]
      analysis:
        metrics: prom
        checks:
          - name: success-rate
            query: sum(rate(x[1m]))
            min: 99
`);

/** `VALID` with the line starting with `match` (after indentation) replaced by `replacement` lines. */
export function edit(match: string, ...replacement: string[]): string {
  const lines = VALID.split('\n');
  const i = lines.findIndex((l) => l.trimStart().startsWith(match));
  if (i < 0) throw new Error(`no line starts with ${match}`);
  const indent = /^ */.exec(lines[i]!)![0];
  lines.splice(i, 1, ...replacement.map((r) => indent + r));
  return lines.join('\n');
}

/** Every error and warning of `text`, formatted; `env` defaults to empty. */
export function problems(text: string, env: Record<string, string | undefined> = {}) {
  const r = parseConfig(text, { file: 'git-canary.yaml', env });
  return { errors: r.errors.map(formatIssue), warnings: r.warnings.map(formatIssue), result: r };
}
