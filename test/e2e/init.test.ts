/**
 * End to end: `git-canary init` on directories laid out as real manifests
 * repositories are (test/fixtures/init/: an Istio bookinfo-style shared file, a
 * Gateway API layout with CRLF line endings, a Kustomize base with a production
 * and a canary overlay, plain manifests), run as the real CLI. What it writes
 * is then committed to `production` of a real repository, beside the files it
 * was detected from, and the real `validate` must accept it: exit 0, no error,
 * also when candidate holds a new image (the canary derivation runs).
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { jsonOf, runCli } from '../helpers/cli.ts';
import { createRepo, type FixtureFiles, tempDir } from '../helpers/git-fixtures.ts';
import { assertOneLineError, replaceOnce } from './support-validate.ts';

const FIXTURES = new URL('../fixtures/init/', import.meta.url).pathname;
const CONFIG = 'git-canary.yaml';
const WORKFLOW = '.github/workflows/git-canary.yaml';
const TEMPLATE = readFileSync(new URL('../../templates/git-canary.yaml', import.meta.url), 'utf8');

interface InitJson {
  written: string[];
  dir: string;
  services: { name: string; files: unknown[]; canary: { file: string }; route: Record<string, unknown> | null; missing?: string }[];
  skipped: { file: string; reason: string }[];
}

interface Report {
  valid: boolean;
  errors: { file: string; line?: number; message: string }[];
  warnings: { file: string; line?: number; message: string }[];
  services: string[];
}

/** Every file of a fixture layout, byte-exact (CRLF stays CRLF). */
function layout(name: string): FixtureFiles {
  const root = join(FIXTURES, name);
  const out: FixtureFiles = {};
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[relative(root, join(e.parentPath, e.name))] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

/** A scratch copy of a layout, `init --json` run in it: the report, the config written, the text output. */
async function initOn(t: { after(fn: () => Promise<void>): void }, name: string, extra: (dir: string) => void = () => {}) {
  const dir = tempDir();
  t.after(() => dir.cleanup());
  cpSync(join(FIXTURES, name), dir.path, { recursive: true });
  extra(dir.path);
  const json = await runCli(['init', '--dir', dir.path, '--json']);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stderr, '');
  const report = jsonOf<InitJson>(json);
  const config = readFileSync(join(dir.path, CONFIG), 'utf8');
  return { dir: dir.path, report, config };
}

/** `validate --json` on a repository whose production holds `files` and `config`, and candidate `candidate` (default: `files`). */
async function validateOn(t: { after(fn: () => Promise<void>): void }, files: FixtureFiles, config: string, candidate: FixtureFiles = files) {
  const repo = await createRepo({ production: { ...files, [CONFIG]: config }, candidate });
  t.after(() => repo.cleanup());
  const r = await runCli(['validate', '--repo', repo.dir, '--json']);
  const report = jsonOf<Report>(r);
  assert.deepEqual(report.errors, [], r.stdout);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const text = await runCli(['validate', '--repo', repo.dir]);
  assert.equal(text.code, 0, text.stdout);
  return report;
}

/** `files` with `from` replaced by `to` in `path` (exactly once). */
function bump(files: FixtureFiles, path: string, from: string, to: string): FixtureFiles {
  return { ...files, [path]: replaceOnce(files[path] as string, from, to) };
}

describe('init detects the services of a repository, and validate accepts what it writes', { concurrency: 4 }, () => {
  test('bookinfo: two services of one shared file, by documents; Istio subsets and a canary Service of its own', async (t) => {
    const { report, config } = await initOn(t, 'bookinfo');
    const shared = 'mesh/bookinfo/bookinfo.yaml';
    const route = 'mesh/bookinfo/virtual-services.yaml';
    assert.deepEqual(report.services, [
      {
        name: 'ratings-v1',
        files: [{ path: shared, documents: ['Deployment/ratings-v1'] }],
        canary: { file: 'mesh/bookinfo/ratings-canary.yaml' },
        route: { type: 'istio', file: route, name: 'ratings', stable: { name: 'ratings', subset: 'v1' }, canary: { name: 'ratings', subset: 'canary' } },
      },
      {
        name: 'reviews-v2',
        files: [{ path: shared, documents: ['Deployment/reviews-v2'] }],
        canary: { file: 'mesh/bookinfo/reviews-canary.yaml' },
        route: { type: 'istio', file: route, name: 'reviews', stable: { name: 'reviews', subset: 'v2' }, canary: { name: 'reviews-canary' } },
      },
    ]);
    assert.deepEqual(report.skipped, []);
    assert.match(config, /^ {2}# ratings-v1: Deployment ratings-v1 in mesh\/bookinfo\/bookinfo\.yaml; its canary Deployment$/m);
    assert.match(config, /^# Workloads without a canary twin .*\n# {3}Deployment details-v1 \(mesh\/bookinfo\/bookinfo\.yaml\)\n# {3}Deployment reviews-v1 /m);

    const files = layout('bookinfo');
    const v = await validateOn(t, files, config);
    assert.deepEqual(v.services, ['ratings-v1', 'reviews-v2']);
    assert.deepEqual(v.warnings, []);
    // A new reviews image on candidate: the canary derivation carries it, nothing else changes.
    const next = bump(files, shared, 'examples-bookinfo-reviews-v2:1.20.2', 'examples-bookinfo-reviews-v2:1.21.0');
    assert.deepEqual((await validateOn(t, files, config, next)).warnings, []);
  });

  test('Gateway API with CRLF files: an HTTPRoute and a GRPCRoute, destinations found through the Services selecting each track', async (t) => {
    const { report, config } = await initOn(t, 'gateway-api');
    const files = layout('gateway-api');
    assert.ok((files['apps/storefront/httproute.yaml'] as string).includes('\r\n'), 'the fixture keeps its CRLF');
    assert.deepEqual(report.services, [
      {
        name: 'inventory',
        files: ['apps/inventory/inventory.yaml'],
        canary: { file: 'apps/inventory/inventory-canary.yaml' },
        route: { type: 'gateway-api', file: 'apps/inventory/grpcroute.yaml', stable: { name: 'inventory' }, canary: { name: 'inventory-canary' } },
      },
      {
        name: 'storefront',
        files: ['apps/storefront/deployment.yaml'],
        canary: { file: 'apps/storefront/deployment-canary.yaml' },
        route: { type: 'gateway-api', file: 'apps/storefront/httproute.yaml', stable: { name: 'storefront-primary' }, canary: { name: 'storefront-preview' } },
      },
    ]);
    assert.ok(!config.includes('\r'), 'the config is written with LF');
    assert.deepEqual((await validateOn(t, files, config)).warnings, []);
    const next = bump(files, 'apps/storefront/deployment.yaml', 'storefront:4.12.0', 'storefront:4.13.0');
    assert.deepEqual((await validateOn(t, files, config, next)).warnings, []);
  });

  test('Kustomize: the production overlay (images:) and the base workload are the release, the nameSuffix overlay is the canary', async (t) => {
    const { report, config } = await initOn(t, 'kustomize');
    const app = 'apps/catalog';
    assert.deepEqual(report.services, [
      {
        name: 'catalog',
        files: [`${app}/overlays/production/kustomization.yaml`, `${app}/base/deployment.yaml`],
        canary: { file: `${app}/overlays/canary/kustomization.yaml` },
        route: { type: 'istio', file: `${app}/overlays/production/virtualservice.yaml`, stable: { name: 'catalog' }, canary: { name: 'catalog-canary' } },
      },
    ]);
    const files = layout('kustomize');
    assert.deepEqual((await validateOn(t, files, config)).warnings, []);
    const next = bump(files, `${app}/overlays/production/kustomization.yaml`, 'newTag: 3.4.0', 'newTag: 3.5.0');
    // The overlay exercises the nameless release kustomization: an image bump is not an unexercised change.
    assert.deepEqual((await validateOn(t, files, config, next)).warnings, []);
  });

  test('plain manifests: Service and Deployment in one file, the twin in another; a twin without a route is a commented stub; broken YAML is skipped', async (t) => {
    const { report, config } = await initOn(t, 'plain');
    assert.deepEqual(report.services, [
      {
        name: 'checkout',
        files: ['apps/checkout/checkout.yaml'],
        canary: { file: 'apps/checkout/checkout-canary.yaml' },
        route: {
          type: 'istio',
          file: 'apps/checkout/virtualservice.yaml',
          stable: { name: 'checkout.shop.svc.cluster.local' },
          canary: { name: 'checkout-canary.shop.svc.cluster.local' },
        },
      },
      {
        name: 'payments',
        files: ['apps/payments/deployment.yaml'],
        canary: { file: 'apps/payments/deployment-canary.yaml' },
        route: null,
        missing:
          'no VirtualService, HTTPRoute or GRPCRoute routes to both payments or payments-stable (Deployment payments) and payments-canary (Deployment payments-canary)',
      },
    ]);
    assert.equal(report.skipped.length, 1);
    assert.equal(report.skipped[0]!.file, 'apps/legacy/broken.yaml');
    assert.match(report.skipped[0]!.reason, /^invalid YAML in apps\/legacy\/broken\.yaml: .*\(line 12\)$/);
    // The stub is there, commented out, saying what is missing; uncommented it is a service.
    assert.match(config, /^ {2}# payments is not set up: no VirtualService, HTTPRoute or GRPCRoute routes to both/m);
    assert.match(config, /^ {2}# payments:$/m);
    assert.deepEqual(Object.keys((parse(config) as { services: object }).services), ['checkout']);

    const files = layout('plain');
    assert.deepEqual((await validateOn(t, files, config)).warnings, []);
    const next = bump(files, 'apps/checkout/checkout.yaml', 'checkout:2.7.1', 'checkout:2.8.0');
    assert.deepEqual((await validateOn(t, files, config, next)).warnings, []);
  });

  test('the text output names each service and the files it came from, the stubs and the skipped files', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    cpSync(join(FIXTURES, 'plain'), dir.path, { recursive: true });
    const r = await runCli(['init', '--dir', dir.path]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.split('\n');
    assert.deepEqual(lines.slice(0, 8), [
      `found 1 service to roll out in ${dir.path}:`,
      '  checkout: Deployment checkout in apps/checkout/checkout.yaml; canary apps/checkout/checkout-canary.yaml; route VirtualService checkout in apps/checkout/virtualservice.yaml',
      'not set up yet (written commented out, saying what is missing):',
      '  payments: no VirtualService, HTTPRoute or GRPCRoute routes to both payments or payments-stable (Deployment payments) and payments-canary (Deployment payments-canary)',
      lines[4]!,
      `wrote ${CONFIG}`,
      `wrote ${WORKFLOW}`,
      '',
    ]);
    assert.match(lines[4]!, /^skipped apps\/legacy\/broken\.yaml: invalid YAML/);
    assert.match(r.stdout, /git-canary validate/);
  });
});

describe('init reads only what it should', { concurrency: 4 }, () => {
  const twin = (name: string) =>
    ['', '-canary']
      .map((s) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}${s}\nspec:\n  template:\n    metadata:\n      labels: { app: ${name}${s} }\n    spec:\n      containers: [{ name: app, image: "app:1" }]\n`)
      .join('---\n');

  test('.git, node_modules and hidden directories are not read; templates, big files and non-UTF-8 files are skipped with a reason', async (t) => {
    const { report, config } = await initOn(t, 'plain', (dir) => {
      for (const d of ['node_modules/some-chart', '.git/refs', '.argocd', 'charts/web/templates', 'generated']) mkdirSync(join(dir, d), { recursive: true });
      writeFileSync(join(dir, 'node_modules/some-chart/all.yaml'), twin('from-node-modules'));
      writeFileSync(join(dir, '.git/refs/all.yaml'), twin('from-git'));
      writeFileSync(join(dir, '.argocd/all.yaml'), twin('from-hidden'));
      writeFileSync(join(dir, 'charts/web/templates/deployment.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "web.fullname" . }}\n  labels:\n    {{- include "web.labels" . | nindent 4 }}\n');
      writeFileSync(join(dir, 'generated/huge.yaml'), `# ${'x'.repeat(1024 * 1024)}\n`);
      writeFileSync(join(dir, 'generated/latin1.yaml'), Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a]));
    });
    assert.deepEqual(report.services.map((s) => s.name), ['checkout', 'payments']);
    assert.deepEqual(report.skipped.map((s) => s.file), [
      'apps/legacy/broken.yaml',
      'charts/web/templates/deployment.yaml',
      'generated/huge.yaml',
      'generated/latin1.yaml',
    ]);
    const reason = (f: string) => report.skipped.find((s) => s.file === f)!.reason;
    assert.match(reason('charts/web/templates/deployment.yaml'), /^a template \(it has \{\{ \}\}\), not plain YAML: /);
    assert.equal(reason('generated/huge.yaml'), `${1024 * 1024 + 3} bytes, over the 1048576-byte limit for a manifest`);
    assert.equal(reason('generated/latin1.yaml'), 'not UTF-8 text');
    assert.doesNotMatch(config, /from-(node-modules|git|hidden)/);
  });

  test('nothing to detect: the example template, with a note; --json says so', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    writeFileSync(join(dir.path, 'configmap.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata: { a: "1" }\n');
    const r = await runCli(['init', '--dir', dir.path, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(jsonOf(r), { written: [CONFIG, WORKFLOW], dir: dir.path, services: [], skipped: [] });
    assert.equal(readFileSync(join(dir.path, CONFIG), 'utf8'), TEMPLATE);
    const again = await runCli(['init', '--dir', dir.path, '--force']);
    assert.match(again.stdout, /^found no workload with a canary twin \(<name>-canary\) in .*: git-canary\.yaml is the example template/m);
  });

  test('never overwrites without --force; with --force it writes what it detects', async (t) => {
    const dir = tempDir();
    t.after(() => dir.cleanup());
    cpSync(join(FIXTURES, 'gateway-api'), dir.path, { recursive: true });
    writeFileSync(join(dir.path, CONFIG), '# mine\n');
    const r = await runCli(['init', '--dir', dir.path]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assertOneLineError(r, /^error: git-canary\.yaml already exists in .* — pass --force to overwrite$/);
    assert.equal(readFileSync(join(dir.path, CONFIG), 'utf8'), '# mine\n');
    assert.ok(!existsSync(join(dir.path, WORKFLOW)));

    const forced = await runCli(['init', '--dir', dir.path, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(readFileSync(join(dir.path, CONFIG), 'utf8'), /^ {2}storefront:$/m);
    assert.ok(existsSync(join(dir.path, WORKFLOW)));
  });
});
