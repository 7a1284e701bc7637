/**
 * Property tests for deriveCanary: random workloads (containers and env in
 * another order in the canary, sidecars, env entries and annotations of the
 * canary's own, other replicas) and random candidate edits. After deriving,
 * the invariant holds, a checker written apart from derive.ts confirms every
 * container and env item of the candidate is in the canary with its value and
 * the canary's own items are still there, and every line of the canary that is
 * not on a changed path is still in the output, in order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { canaryViolation, deriveCanary } from '../../src/engine/derive.ts';

interface Container {
  name: string;
  image: string;
  env: [string, string][];
  cpu: string;
}
interface Workload {
  name: string;
  track: string;
  replicas: number;
  annotations: [string, string][];
  containers: Container[];
}

const RELEASE_CONTAINERS = ['app', 'worker', 'metrics'];
const NEW_CONTAINERS = ['cache', 'proxy'];
const OWN_SIDECARS = ['log-shipper', 'debug'];
const RELEASE_ENV = ['LOG_LEVEL', 'DB_URL', 'REGION', 'FEATURE_A', 'FEATURE_B', 'TZ'];
const OWN_ENV = ['TRACK', 'CANARY_ID'];
const VALUES = ['info', 'on', '010', 'a: b', 'http://db:5432', '"q"', 'true', 'x #y', '', 'eu-west-1'];
const CPUS = ['100m', '250m', '500m', '1500m'];

const valueArb = fc.constantFrom(...VALUES);
const envArb = (names: string[]) =>
  fc.shuffledSubarray(names).chain((ns) => fc.tuple(...ns.map((n) => fc.tuple(fc.constant(n), valueArb))).map((xs) => xs as [string, string][]));
const containerArb = (name: string): fc.Arbitrary<Container> =>
  fc.record({
    name: fc.constant(name),
    image: fc.integer({ min: 1, max: 9 }).map((v) => `registry.example.com/${name}:${v}.0`),
    env: envArb(RELEASE_ENV),
    cpu: fc.constantFrom(...CPUS),
  });

const productionArb: fc.Arbitrary<Workload> = fc
  .tuple(fc.shuffledSubarray(RELEASE_CONTAINERS.slice(1)), fc.integer({ min: 0, max: 2 }), fc.boolean(), fc.integer({ min: 2, max: 9 }))
  .chain(([others, at, scrape, replicas]) => {
    const names = [...others];
    names.splice(Math.min(at, names.length), 0, 'app');
    return fc.tuple(...names.map(containerArb)).map((containers) => ({
      name: 'web',
      track: 'stable',
      replicas,
      annotations: [['prometheus.io/scrape', String(scrape)]] as [string, string][],
      containers,
    }));
  });

/** Insert `item` at a position chosen from `pos` (taken modulo the length + 1). */
const insertAt = <T>(list: T[], pos: number, item: T) => list.splice(pos % (list.length + 1), 0, item);

interface CanaryShape {
  order: number[];
  envOrder: number[][];
  ownEnv: { c: number; at: number; name: string; value: string }[];
  sidecars: { at: number; name: string }[];
  ownAnnotation: boolean;
  replicas: number;
}

const canaryShapeArb: fc.Arbitrary<CanaryShape> = fc.record({
  order: fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
  envOrder: fc.array(fc.array(fc.nat(), { minLength: 6, maxLength: 6 }), { minLength: 3, maxLength: 3 }),
  ownEnv: fc.uniqueArray(fc.record({ c: fc.nat(), at: fc.nat(), name: fc.constantFrom(...OWN_ENV), value: valueArb }), { maxLength: 2, selector: (e) => e.name }),
  sidecars: fc.uniqueArray(fc.record({ at: fc.nat(), name: fc.constantFrom(...OWN_SIDECARS) }), { maxLength: 2, selector: (s) => s.name }),
  ownAnnotation: fc.boolean(),
  replicas: fc.integer({ min: 0, max: 1 }),
});

/** Order `list` by the random keys in `by` (a deterministic shuffle). */
const shuffle = <T>(list: T[], by: number[]) =>
  list
    .map((x, i) => [x, by[i] ?? 0] as const)
    .sort((a, b) => a[1] - b[1])
    .map(([x]) => x);

function canaryOf(p: Workload, s: CanaryShape): Workload {
  const containers = shuffle(structuredClone(p.containers), s.order).map((c, i) => ({ ...c, env: shuffle(c.env, s.envOrder[i]!) }));
  for (const e of s.ownEnv) insertAt(containers[e.c % containers.length]!.env, e.at, [e.name, e.value]);
  for (const sc of s.sidecars) insertAt(containers, sc.at, { name: sc.name, image: `example.com/${sc.name}:0.1`, env: [], cpu: '50m' });
  const annotations = structuredClone(p.annotations);
  if (s.ownAnnotation) annotations.push(['sidecar.istio.io/inject', 'true']);
  return { name: 'web-canary', track: 'canary', replicas: s.replicas, annotations, containers };
}

type Edit =
  | { kind: 'image'; c: number; v: number }
  | { kind: 'envInsert'; c: number; at: number; name: number; value: string }
  | { kind: 'envDelete'; c: number; at: number }
  | { kind: 'envChange'; c: number; at: number; value: string }
  | { kind: 'addContainer'; at: number; name: number }
  | { kind: 'removeContainer'; c: number }
  | { kind: 'cpu'; c: number; value: string }
  | { kind: 'annotation' }
  | { kind: 'replicas'; value: number };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('image' as const), c: fc.nat(), v: fc.integer({ min: 10, max: 20 }) }),
  fc.record({ kind: fc.constant('envInsert' as const), c: fc.nat(), at: fc.nat(), name: fc.nat(), value: valueArb }),
  fc.record({ kind: fc.constant('envDelete' as const), c: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('envChange' as const), c: fc.nat(), at: fc.nat(), value: valueArb }),
  fc.record({ kind: fc.constant('addContainer' as const), at: fc.nat(), name: fc.nat() }),
  fc.record({ kind: fc.constant('removeContainer' as const), c: fc.nat() }),
  fc.record({ kind: fc.constant('cpu' as const), c: fc.nat(), value: fc.constantFrom(...CPUS) }),
  fc.record({ kind: fc.constant('annotation' as const) }),
  fc.record({ kind: fc.constant('replicas' as const), value: fc.integer({ min: 10, max: 12 }) }),
);

function applyEdits(p: Workload, edits: Edit[]): Workload {
  const w = structuredClone(p);
  const cs = w.containers;
  for (const e of edits) {
    const c = 'c' in e ? cs[e.c % cs.length] : undefined;
    if (e.kind === 'image' && c) c.image = c.image.replace(/:\d+\.0$/, `:${e.v}.0`);
    if (e.kind === 'envInsert' && c) {
      const free = RELEASE_ENV.filter((n) => !c.env.some(([m]) => m === n));
      if (free.length) insertAt(c.env, e.at, [free[e.name % free.length]!, e.value]);
    }
    if (e.kind === 'envDelete' && c && c.env.length) c.env.splice(e.at % c.env.length, 1);
    if (e.kind === 'envChange' && c && c.env.length) c.env[e.at % c.env.length]![1] = e.value;
    if (e.kind === 'cpu' && c) c.cpu = e.value;
    if (e.kind === 'removeContainer' && cs.length > 1) cs.splice(e.c % cs.length, 1);
    if (e.kind === 'addContainer') {
      const free = NEW_CONTAINERS.filter((n) => !cs.some((x) => x.name === n));
      if (free.length) {
        const name = free[e.name % free.length]!;
        insertAt(cs, e.at, { name, image: `registry.example.com/${name}:1.0`, env: [['LOG_LEVEL', 'info']], cpu: '100m' });
      }
    }
    if (e.kind === 'annotation') w.annotations[0]![1] = w.annotations[0]![1] === 'true' ? 'false' : 'true';
    if (e.kind === 'replicas') w.replicas = e.value;
  }
  return w;
}

/** A block-YAML writer apart from the manifest layer; each line is tagged with the path it belongs to. */
function render(w: Workload, eol: string): { text: string; tags: string[] } {
  const lines: [string, string][] = [];
  const line = (tag: string, s: string) => lines.push([s, tag]);
  for (const s of [`# ${w.track} workload of web`, 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${w.name}`, '  labels:', '    app: web']) line('', s);
  line('', `    track: ${w.track}`);
  for (const s of ['spec:', `  replicas: ${w.replicas}`, '  selector:', '    matchLabels:', '      app: web', `      track: ${w.track}`]) line('', s);
  for (const s of ['  template:', '    metadata:', '      labels:', '        app: web', `        track: ${w.track}`, '      annotations:']) line('', s);
  for (const [k, v] of w.annotations) line(`ann/${k}`, `        ${k}: ${JSON.stringify(v)}`);
  line('', '    spec:');
  line('', '      containers:');
  for (const c of w.containers) {
    const t = `c/${c.name}`;
    line(t, `        - name: ${c.name}`);
    line(`${t}/image`, `          image: ${c.image}   # renovate: datasource=docker`);
    if (c.env.length) {
      line(`${t}/env`, '          env:');
      for (const [n, v] of c.env) {
        line(`${t}/env/${n}`, `            - name: ${n}`);
        line(`${t}/env/${n}`, `              value: ${JSON.stringify(v)}`);
      }
    }
    for (const s of ['          resources:', '            requests:', `              cpu: ${c.cpu}`]) line(`${t}/resources`, s);
  }
  return { text: lines.map(([s]) => s + eol).join(''), tags: lines.map(([, t]) => t) };
}

/** Paths whose lines may change: what differs between production and candidate, per container and env entry. */
function changedPaths(p: Workload, n: Workload): string[] {
  const out: string[] = [];
  const byName = (w: Workload) => new Map(w.containers.map((c) => [c.name, c]));
  const pc = byName(p);
  const nc = byName(n);
  for (const [name, c] of pc) {
    const t = `c/${name}`;
    const m = nc.get(name);
    if (!m) {
      out.push(t);
      continue;
    }
    if (c.image !== m.image) out.push(`${t}/image`);
    if (c.cpu !== m.cpu) out.push(`${t}/resources`);
    const before = new Map(c.env);
    const after = new Map(m.env);
    for (const [k, v] of before) if (after.get(k) !== v) out.push(`${t}/env/${k}`);
    if (before.size !== after.size || [...after.keys()].some((k) => !before.has(k))) out.push(`${t}/env`);
  }
  p.annotations.forEach(([k, v], i) => {
    if (n.annotations[i]![1] !== v) out.push(`ann/${k}`);
  });
  return out;
}

type Json = Record<string, unknown>;
const containersIn = (doc: Json) => ((doc.spec as Json).template as { spec: { containers: Json[] } }).spec.containers;
const envOf = (c: Json | undefined) => ((c?.env ?? []) as { name: string; value: string }[]).map((e) => [e.name, e.value] as [string, string]);

/** The checker: written against the parsed output, not against derive.ts's rules. */
function checkCarried(out: Json, canary: Workload, p: Workload, n: Workload): void {
  assert.equal((out.metadata as Json).name, 'web-canary');
  assert.deepEqual((out.metadata as Json).labels, { app: 'web', track: 'canary' });
  assert.equal((out.spec as Json).replicas, canary.replicas);
  const tmeta = ((out.spec as Json).template as Json).metadata as Json;
  assert.deepEqual(tmeta.labels, { app: 'web', track: 'canary' });
  assert.deepEqual(tmeta.annotations, Object.fromEntries([...n.annotations, ...canary.annotations.filter(([k]) => k !== 'prometheus.io/scrape')]));
  const got = containersIn(out);
  const names = got.map((c) => c.name as string);
  assert.equal(new Set(names).size, names.length, 'no container twice');
  const own = (name: string) => !RELEASE_CONTAINERS.includes(name) && !NEW_CONTAINERS.includes(name);
  for (const c of n.containers) {
    const g = got.find((x) => x.name === c.name);
    assert.ok(g, `container ${c.name} of the candidate is in the canary`);
    assert.equal(g.image, c.image);
    assert.deepEqual(g.resources, { requests: { cpu: c.cpu } });
    const env = envOf(g);
    const canaryOwn = (canary.containers.find((x) => x.name === c.name)?.env ?? []).filter(([k]) => OWN_ENV.includes(k));
    for (const e of c.env) assert.ok(env.some(([k, v]) => k === e[0] && v === e[1]), `env ${e[0]}=${e[1]} in ${c.name}`);
    for (const e of canaryOwn) assert.ok(env.some(([k, v]) => k === e[0] && v === e[1]), `own env ${e[0]} kept in ${c.name}`);
    assert.equal(env.length, c.env.length + canaryOwn.length, `no other env entries in ${c.name}`);
  }
  for (const c of canary.containers.filter((x) => own(x.name))) {
    assert.deepEqual(got.find((x) => x.name === c.name), { name: c.name, image: c.image, resources: { requests: { cpu: c.cpu } } }, `own sidecar ${c.name} kept`);
  }
  for (const c of p.containers) {
    if (!n.containers.some((x) => x.name === c.name)) assert.ok(!names.includes(c.name), `removed container ${c.name} is gone`);
  }
  // Survivors keep the canary's order; a new container sits right after its predecessor in the candidate.
  const before = canary.containers.map((c) => c.name).filter((x) => names.includes(x));
  assert.deepEqual(names.filter((x) => before.includes(x)), before);
  n.containers.forEach((c, i) => {
    if (canary.containers.some((x) => x.name === c.name)) return;
    assert.equal(names.indexOf(c.name), i === 0 ? 0 : names.indexOf(n.containers[i - 1]!.name) + 1, `${c.name} placed after its predecessor`);
  });
}

/** Every line of `input` whose tag is not under a changed path appears in `output`, in order. */
function assertUntouchedLines(input: string, tags: string[], output: string, changed: string[]): void {
  const inLines = input.split('\n');
  const outLines = output.split('\n');
  const free = (tag: string) => !changed.some((c) => tag === c || tag.startsWith(`${c}/`));
  let j = 0;
  inLines.forEach((l, i) => {
    if (i < tags.length && !free(tags[i]!)) return;
    while (j < outLines.length && outLines[j] !== l) j++;
    assert.ok(j < outLines.length, `line ${i + 1} ${JSON.stringify(l)} (${tags[i]}) is still there, in order`);
    j++;
  });
}

describe('deriveCanary properties', () => {
  it('the canary carries the candidate, keeps its own items, and changes only changed lines', () => {
    fc.assert(
      fc.property(productionArb, canaryShapeArb, fc.array(editArb, { minLength: 1, maxLength: 4 }), fc.constantFrom('\n', '\r\n'), (p, shape, edits, eol) => {
        const canary = canaryOf(p, shape);
        const n = applyEdits(p, edits);
        const c = render(canary, eol);
        const input = {
          canaryPath: 'web/canary.yaml',
          canaryText: c.text,
          fromPath: 'web/deployment.yaml',
          productionFrom: render(p, eol).text,
          candidateFrom: render(n, eol).text,
        };
        const out = deriveCanary(input);
        assert.equal(canaryViolation({ ...input, derivedText: out.text }), undefined);
        checkCarried(parse(out.text) as Json, canary, p, n);
        assertUntouchedLines(c.text, c.tags, out.text, changedPaths(p, n));
        if (eol === '\r\n') assert.ok(!/[^\r]\n/.test(out.text), 'every line break stays CRLF');
        // Deriving again from the result changes nothing.
        assert.equal(deriveCanary({ ...input, canaryText: out.text }).text, out.text);
      }),
      { seed: 0x5eed_0d1f, numRuns: 200, includeErrorInReport: true },
    );
  });

  it('with nothing to change the output is the canary, byte for byte', () => {
    fc.assert(
      fc.property(productionArb, canaryShapeArb, (p, shape) => {
        const text = render(canaryOf(p, shape), '\n').text;
        const release = render(p, '\n').text;
        assert.equal(deriveCanary({ canaryPath: 'c.yaml', canaryText: text, fromPath: 'd.yaml', productionFrom: release, candidateFrom: release }).text, text);
      }),
      { seed: 0x5eed_0d20, numRuns: 50, includeErrorInReport: true },
    );
  });
});
