#!/usr/bin/env node
// Writes test/fixtures/github/openapi-subset.json: the operations git-canary
// calls, cut from GitHub's published REST description (@octokit/openapi), with
// every component they reference. The tests validate each request and each fake
// response against it. The package is 385 MB unpacked, so it is not a
// dependency; regenerate with:
//   npm install --no-save @octokit/openapi@23.0.2 && node scripts/github-openapi-subset.mjs
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkgDir = require.resolve('@octokit/openapi/package.json').replace(/package\.json$/, '');
const version = JSON.parse(readFileSync(`${pkgDir}package.json`, 'utf8')).version;
const full = JSON.parse(readFileSync(`${pkgDir}generated/api.github.com.json`, 'utf8'));

/** path → methods git-canary uses (src/github/). */
export const OPERATIONS = {
  '/repos/{owner}/{repo}/pulls': ['get', 'post'],
  '/repos/{owner}/{repo}/pulls/{pull_number}': ['get', 'patch'],
  '/repos/{owner}/{repo}/pulls/{pull_number}/reviews': ['get'],
  '/repos/{owner}/{repo}/pulls/{pull_number}/merge': ['put'],
  '/repos/{owner}/{repo}/issues/{issue_number}/comments': ['get', 'post'],
  '/repos/{owner}/{repo}/issues/comments/{comment_id}': ['patch'],
  '/repos/{owner}/{repo}/statuses/{sha}': ['post'],
  '/repos/{owner}/{repo}/commits/{ref}/statuses': ['get'],
  '/repos/{owner}/{repo}/deployments': ['get', 'post'],
  '/repos/{owner}/{repo}/deployments/{deployment_id}/statuses': ['get', 'post'],
};

const paths = {};
for (const [path, methods] of Object.entries(OPERATIONS)) {
  const item = full.paths[path];
  if (!item) throw new Error(`${path} is not in @octokit/openapi ${version}`);
  paths[path] = {};
  for (const m of methods) {
    if (!item[m]) throw new Error(`${m.toUpperCase()} ${path} is not in @octokit/openapi ${version}`);
    paths[path][m] = item[m];
  }
  if (item.parameters) paths[path].parameters = item.parameters;
}

// Every #/components/... reachable from the kept operations.
const components = {};
const seen = new Set();
function visit(node) {
  if (Array.isArray(node)) return node.forEach(visit);
  if (!node || typeof node !== 'object') return;
  const ref = node.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/') && !seen.has(ref)) {
    seen.add(ref);
    const [, , kind, name] = ref.split('/');
    const target = full.components[kind]?.[name];
    if (!target) throw new Error(`dangling ${ref}`);
    components[kind] = components[kind] ?? {};
    components[kind][name] = target;
    visit(target);
  }
  for (const v of Object.values(node)) visit(v);
}
visit(paths);
for (const kind of Object.keys(components)) {
  components[kind] = Object.fromEntries(Object.entries(components[kind]).sort(([a], [b]) => a.localeCompare(b)));
}

const subset = {
  openapi: full.openapi,
  info: { ...full.info, description: `Subset of @octokit/openapi ${version} (api.github.com.json) written by scripts/github-openapi-subset.mjs: the operations git-canary calls.` },
  servers: full.servers,
  paths,
  components,
};
const out = new URL('../test/fixtures/github/openapi-subset.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(subset, null, 1)}\n`);
console.log(`wrote ${out.pathname}: ${Object.keys(paths).length} paths, ${seen.size} components, from @octokit/openapi ${version}`);
