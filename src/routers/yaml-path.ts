/**
 * yaml-path router: the canary weight is a number at a path of any YAML file,
 * e.g. a Helm values file a chart renders into an Istio VirtualService or an
 * nginx canary Ingress. `route.path` holds the canary's percent (0-100);
 * with `route.stablePath` the stable's percent is written there too, and the
 * two always sum to 100. Numbers stay numbers.
 *
 * Paths: `canary.weight` is keys only (a segment of digits is a key, as Helm's
 * `--set` would read it); a JSON pointer `/canary/weight` may index lists
 * (`/routes/0/weight`) and name keys holding dots or slashes
 * (`/podAnnotations/nginx.ingress.kubernetes.io~1canary-weight`).
 * Multi-document files: the path is looked up in every document, and must be in
 * exactly one; the stable path is looked up in that same document.
 */
import * as z from 'zod';
import { RouterError } from '../errors.ts';
import { lineOf } from '../manifests/index.ts';
import type { DocEdits, ManifestDoc, ManifestFile, YamlPath } from '../manifests/types.ts';
import { routeFile } from './schema-parts.ts';
import { formatPath, isRecord, validatePercent } from './shared.ts';
import type { Router, Weights } from './types.ts';

/** The `route` of a yaml-path service, after config parsing. */
export interface YamlPathRoute {
  type: 'yaml-path';
  file: string;
  name?: string;
  path: string;
  stablePath?: string;
}

const DOTTED = /^[^./][^.]*(\.[^.]+)*$/;
const POINTER = /^(\/([^~/]|~[01])*)+$/;

/** Why `path` is not a weight path, or undefined when it is one. */
export function pathProblem(path: string): string | undefined {
  if (path.startsWith('/')) return POINTER.test(path) ? undefined : 'is not a JSON pointer: "~" must be written ~0 and "/" inside a key ~1';
  if (path.trim() !== path || path === '') return 'must not be empty or start or end with spaces';
  return DOTTED.test(path) ? undefined : 'is not a dotted path of keys (canary.weight): no empty keys; use a JSON pointer (/a/b) for keys with dots';
}

const WeightPath = z
  .string({ error: 'expected a path such as canary.weight or /canary/weight' })
  .superRefine((p, ctx) => {
    const problem = pathProblem(p);
    if (problem) ctx.addIssue({ code: 'custom', message: `path ${JSON.stringify(p)} ${problem}` });
  });

/** One segment of a parsed path: a mapping key, or (pointer only) a key that indexes a list when it meets one. */
interface Segment {
  key: string;
  index: boolean;
}

/** `canary.weight` → keys; `/a/0/b` → segments that may index lists. */
export function segmentsOf(path: string): Segment[] {
  if (!path.startsWith('/')) return path.split('.').map((key) => ({ key, index: false }));
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((key) => ({ key, index: /^(0|[1-9]\d*)$/.test(key) }));
}

const schema = z
  .strictObject({
    type: z.literal('yaml-path').describe('The traffic API of the route file.'),
    file: routeFile('canary weight (any YAML, e.g. a Helm values file)'),
    path: WeightPath.describe(
      'Where the canary weight (a number, percent 0-100) is: a dotted path of keys (canary.weight) or a JSON pointer (/canary/weight), which may also index lists (/routes/0/weight).',
    ),
    stablePath: WeightPath.optional().describe('Where the stable weight is, when the file holds one: always 100 minus the canary weight. Same forms as path.'),
  })
  .superRefine((r, ctx) => {
    if (r.stablePath === undefined || pathProblem(r.path) || pathProblem(r.stablePath)) return;
    const a = segmentsOf(r.path).map((s) => s.key);
    const b = segmentsOf(r.stablePath).map((s) => s.key);
    const n = Math.min(a.length, b.length);
    if (a.slice(0, n).join('\0') === b.slice(0, n).join('\0')) {
      ctx.addIssue({ code: 'custom', path: ['stablePath'], message: `must not be ${a.length === b.length ? 'the same as' : 'inside or above'} path (${r.path}): the two weights need places of their own` });
    }
  })
  .describe('Where traffic is split between stable and canary: a weight at a path of any YAML file.');

/** How far `segments` reach into `root`: the typed path walked and the value found, if all of it exists. */
function walk(root: unknown, segments: Segment[]): { path: (string | number)[]; found: boolean; value: unknown } {
  const path: (string | number)[] = [];
  let v = root;
  for (const s of segments) {
    if (Array.isArray(v) && s.index && Number(s.key) < v.length) {
      path.push(Number(s.key));
      v = v[Number(s.key)];
    } else if (isRecord(v) && Object.hasOwn(v, s.key)) {
      path.push(s.key);
      v = v[s.key];
    } else return { path, found: false, value: undefined };
  }
  return { path, found: true, value: v };
}

interface Located {
  doc: ManifestDoc;
  canary: { path: YamlPath; value: unknown };
  stable?: { path: YamlPath; value: unknown };
}

function fail(file: ManifestFile, line: number, message: string, hint: string, data?: Record<string, unknown>): never {
  throw new RouterError(message, { where: { file: file.path, line }, hint, data });
}

function missing(file: ManifestFile, doc: ManifestDoc, written: string, segments: Segment[], reached: YamlPath, role: string): never {
  const parent = reached.length === 0 ? 'the document root' : formatPath(reached);
  const next = segments[reached.length]!.key;
  const message = `${role} ${written} not found: ${parent} has no ${JSON.stringify(next)}`;
  const key = role === 'route.path' ? 'path' : 'stablePath';
  fail(file, lineOf(file, doc.index, reached), message, `fix route.${key} (${written}), or write the weight there (0 at rest)`, { missing: written });
}

/** The document holding route.path, and the canary (and stable) weights as written. */
function locate(file: ManifestFile, route: YamlPathRoute): Located {
  const segments = segmentsOf(route.path);
  const docs = file.docs.filter((d) => d.value !== null && d.value !== undefined);
  const walks = docs.map((doc) => ({ doc, ...walk(doc.value, segments) }));
  const holding = walks.filter((w) => w.found);
  if (holding.length > 1) {
    const which = holding.map((w) => `document ${w.doc.index + 1} (line ${w.doc.line})`).join(' and ');
    fail(file, holding[1]!.doc.line, `route.path ${route.path} is in ${holding.length} documents: ${which}`, 'keep the weight in one document of the file');
  }
  if (holding.length === 0) {
    const nearest = walks.reduce<(typeof walks)[number] | undefined>((best, w) => (!best || w.path.length > best.path.length ? w : best), undefined);
    if (!nearest) fail(file, 1, `route.path ${route.path} not found: the file is empty`, `write the weight at ${route.path} (0 at rest)`, { missing: route.path });
    missing(file, nearest.doc, route.path, segments, nearest.path, 'route.path');
  }
  const [{ doc, path, value }] = holding as [(typeof walks)[number]];
  const located: Located = { doc, canary: { path, value } };
  if (route.stablePath !== undefined) {
    const s = segmentsOf(route.stablePath);
    const w = walk(doc.value, s);
    if (!w.found) missing(file, doc, route.stablePath, s, w.path, 'route.stablePath');
    located.stable = { path: w.path, value: w.value };
  }
  return located;
}

/** A weight as written: an integer percent; RouterError otherwise. */
function percentAt(file: ManifestFile, doc: ManifestDoc, at: { path: YamlPath; value: unknown }, written: string): number {
  const v = at.value;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 100) return v;
  const line = lineOf(file, doc.index, at.path);
  const hint = typeof v === 'string' ? 'write the weight as a number, without quotes (git-canary keeps numbers numbers)' : 'fix the weight by hand: an integer percent from 0 to 100';
  fail(file, line, `${written} is ${JSON.stringify(v)}, not an integer percent from 0 to 100`, hint);
}

function weightsOf(file: ManifestFile, route: YamlPathRoute, at: Located): Weights {
  const canary = percentAt(file, at.doc, at.canary, route.path);
  if (!at.stable) return { stable: 100 - canary, canary };
  const stable = percentAt(file, at.doc, at.stable, route.stablePath!);
  if (stable + canary !== 100) {
    const message = `${route.stablePath} (${stable}) and ${route.path} (${canary}) do not sum to 100`;
    fail(file, lineOf(file, at.doc.index, at.stable.path), message, 'fix them by hand so stable + canary = 100');
  }
  return { stable, canary };
}

function plan(file: ManifestFile, route: YamlPathRoute, canaryPercent: number): DocEdits[] {
  validatePercent(file, canaryPercent);
  const at = locate(file, route);
  const now = weightsOf(file, route, at);
  const ops: DocEdits['ops'] = [];
  if (at.stable && now.stable !== 100 - canaryPercent) ops.push({ op: 'set', path: at.stable.path, value: 100 - canaryPercent });
  if (now.canary !== canaryPercent) ops.push({ op: 'set', path: at.canary.path, value: canaryPercent });
  return ops.length ? [{ docIndex: at.doc.index, ops }] : [];
}

/** yaml-path router: moves the number at route.path (and route.stablePath). */
export const yamlPath = {
  type: 'yaml-path',
  kinds: ['any YAML (e.g. Helm values)'],
  schema,
  read: (file: ManifestFile, route: YamlPathRoute): Weights => weightsOf(file, route, locate(file, route)),
  plan,
  owned: (file: ManifestFile, route: YamlPathRoute): unknown => {
    const at = locate(file, route);
    return { document: at.doc.index, [route.path]: at.canary.value, ...(at.stable ? { [route.stablePath!]: at.stable.value } : {}) };
  },
} as const satisfies Router<YamlPathRoute>;
