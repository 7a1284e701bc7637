/**
 * Behind a proxy (HTTP_PROXY / HTTPS_PROXY), a remote is reached only through
 * it: with native git, the ref advertisement is asked by `git ls-remote` like
 * the fetch that follows (node's own request would go straight to the
 * server and fail). The server's name here resolves nowhere but in the proxy,
 * as behind a corporate proxy.
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openRepo } from '../../src/git/index.ts';
import { createRepo, tempDir } from '../helpers/git-fixtures.ts';
import { withEnv } from '../helpers/env.ts';
import { type GitHttpServer, start } from '../helpers/git-http-server.ts';

const HOST = 'git.proxied.invalid';
const root = tempDir('git-canary-proxy-');
let server: GitHttpServer;
let proxy: Server;
let proxyUrl: string;
const proxied: string[] = [];

before(async () => {
  await createRepo({ production: { 'git-canary.yaml': 'version: 1\n', 'apps/a.yaml': 'a: 1\n' }, candidate: { 'apps/a.yaml': 'a: 2\n' } }, { dir: join(root.path, 'srv', 'repo.git') });
  server = await start({ root: join(root.path, 'srv') });
  const target = new URL(server.url);
  // A forward proxy: requests in absolute form for HOST go to the test server, nothing else is served.
  proxy = createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    if (url.hostname !== HOST) {
      res.writeHead(502).end();
      return;
    }
    proxied.push(`${req.method} ${url.pathname}`);
    const upstream = request({ host: target.hostname, port: target.port, method: req.method, path: `${url.pathname}${url.search}`, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise((resolve) => proxy.close(resolve));
  await server.close();
  await root.cleanup();
});

describe('a remote behind a proxy (native git)', () => {
  test('every request goes through the proxy: the advertisement, the fetch, and a refresh', async () => {
    const caches = tempDir();
    try {
      await withEnv({ GIT_CANARY_GIT: 'native', http_proxy: proxyUrl, HTTP_PROXY: proxyUrl, no_proxy: undefined, NO_PROXY: undefined }, async () => {
        const before = server.requests.length;
        const repo = await openRepo(`http://${HOST}/repo.git`, { cacheDir: caches.path, fetchRefs: ['production', 'candidate'] });
        assert.equal(await repo.readFile('production', 'apps/a.yaml'), 'a: 1\n');
        assert.equal(await repo.readFile('candidate', 'apps/a.yaml'), 'a: 2\n');
        await repo.refresh();
        const served = server.requests.slice(before);
        assert.ok(served.some((l) => l.startsWith('GET /repo.git/info/refs')), served.join('\n'));
        assert.equal(proxied.length, served.length, `all ${served.length} requests came through the proxy:\n${proxied.join('\n')}`);
      });
    } finally {
      await caches.cleanup();
    }
  });

  test('without the proxy the same name cannot be reached: an error saying so, not a decision', async () => {
    const caches = tempDir();
    try {
      await withEnv({ GIT_CANARY_GIT: 'native', http_proxy: undefined, HTTP_PROXY: undefined }, async () => {
        const repo = await openRepo(`http://${HOST}/repo.git`, { cacheDir: caches.path });
        await assert.rejects(repo.resolve('production'), (e: Error) => {
          assert.match(e.message, /git\.proxied\.invalid|resolve|reach/i);
          return true;
        });
      });
    } finally {
      await caches.cleanup();
    }
  });
});
