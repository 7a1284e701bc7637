import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  canonicalRepository,
  formatImageRef,
  ImageRefError,
  type ImageRef,
  parseImageRef,
  parseRepository,
  repositoryOf,
  sameRepository,
  tryParseImageRef,
  versionOf,
} from '../../src/manifests/image-ref.ts';

const SHA = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SHA512 = `sha512:${'ab'.repeat(64)}`;

describe('parseImageRef: valid references', () => {
  const table: [string, ImageRef][] = [
    ['nginx:1.25', { path: 'nginx', tag: '1.25' }],
    ['library/nginx:latest', { path: 'library/nginx', tag: 'latest' }],
    ['registry/checkout:v2', { path: 'registry/checkout', tag: 'v2' }],
    ['registry.example.com/checkout:v2', { domain: 'registry.example.com', path: 'checkout', tag: 'v2' }],
    ['registry.example.com:5000/team/checkout:1.10', { domain: 'registry.example.com:5000', path: 'team/checkout', tag: '1.10' }],
    ['localhost/app:007', { domain: 'localhost', path: 'app', tag: '007' }],
    ['localhost:5000/app:dev', { domain: 'localhost:5000', path: 'app', tag: 'dev' }],
    ['127.0.0.1:5000/a/b/c:x', { domain: '127.0.0.1:5000', path: 'a/b/c', tag: 'x' }],
    ['[::1]:5000/app:v1', { domain: '[::1]:5000', path: 'app', tag: 'v1' }],
    ['Registry.Example.com/app:v1', { domain: 'Registry.Example.com', path: 'app', tag: 'v1' }],
    ['ghcr.io/acme/my_app__x.y-z--w:v1.2.3-rc.1_build', { domain: 'ghcr.io', path: 'acme/my_app__x.y-z--w', tag: 'v1.2.3-rc.1_build' }],
    [`ghcr.io/acme/app@${SHA}`, { domain: 'ghcr.io', path: 'acme/app', digest: SHA }],
    [`ghcr.io/acme/app:v2@${SHA}`, { domain: 'ghcr.io', path: 'acme/app', tag: 'v2', digest: SHA }],
    [`app@${SHA512}`, { path: 'app', digest: SHA512 }],
    ['app:_x', { path: 'app', tag: '_x' }],
    [`app:${'t'.repeat(128)}`, { path: 'app', tag: 't'.repeat(128) }],
    ['us-docker.pkg.dev/proj/repo/img:2024-01-01', { domain: 'us-docker.pkg.dev', path: 'proj/repo/img', tag: '2024-01-01' }],
  ];
  for (const [text, want] of table) {
    it(text.length > 70 ? `${text.slice(0, 70)}…` : text, () => {
      const ref = parseImageRef(text);
      assert.deepEqual(ref, want);
      assert.equal(formatImageRef(ref), text);
    });
  }
});

describe('parseImageRef: refused references', () => {
  const table: [string, RegExp][] = [
    ['', /it is empty/],
    ['nginx', /no tag or digest/],
    ['registry.example.com/checkout', /no tag or digest/],
    ['Registry/Checkout:v2', /must be lowercase/],
    ['CHECKOUT:v1', /must be lowercase/],
    ['registry/check out:v2', /whitespace/],
    [' nginx:1', /whitespace/],
    ['nginx:1\n', /whitespace or a line break/],
    ['nginx:1\nrm -rf /', /whitespace or a line break/],
    ['nginx:1;rm', /contains ";"/],
    ['nginx:$(id)', /contains "\$"/],
    ['nginx:`id`', /contains "`"/],
    ['nginx:1|sh', /contains "\|"/],
    ['nginx:1&', /contains "&"/],
    ["nginx:'1'", /contains "'"/],
    ['nginx:1>x', /contains ">"/],
    ['a..b:1', /not a repository path part/],
    ['registry//checkout:v1', /empty part/],
    ['/checkout:v1', /empty part/],
    ['checkout/:v1', /empty part/],
    ['registry.example.com/:v1', /empty part/],
    ['registry..example.com/app:v1', /not a registry host/],
    ['-registry.com/app:v1', /not a registry host/],
    ['registry.com:port/app:v1', /port .* must be digits/],
    ['app:', /the tag "" must be/],
    ['app:-x', /the tag "-x" must be/],
    ['app:.x', /the tag ".x" must be/],
    [`app:${'t'.repeat(129)}`, /the tag/],
    ['app:v1:v2', /not a repository path part/],
    ['app@sha256:abc', /64 lowercase hex/],
    [`app@sha256:${'A'.repeat(64)}`, /64 lowercase hex/],
    [`app@md5:${'a'.repeat(32)}`, /digest must be sha256/],
    [`app@${SHA}@${SHA}`, /.+/],
    ['_app:v1', /not a repository path part/],
    ['app-:v1', /not a repository path part/],
    ['app___x:v1', /not a repository path part/],
    [`${'a'.repeat(256)}:v1`, /longer than 255/],
    ['app:v1\u0000', /control character|whitespace/],
    ['app:v1\u00e9', /contains "é"/],
  ];
  for (const [text, why] of table) {
    it(JSON.stringify(text).slice(0, 70), () => {
      assert.throws(
        () => parseImageRef(text),
        (e: unknown) => {
          assert.ok(e instanceof ImageRefError, String(e));
          assert.equal(e.code, 'CONFIG');
          assert.match(e.message, why);
          assert.ok(e.message.startsWith(`invalid image reference ${JSON.stringify(text)}: `), e.message);
          assert.match(e.hint ?? '', /registry\[:port\]/);
          assert.equal(e.data?.image, text);
          return true;
        },
      );
    });
  }

  it('an uppercase tag is fine: tags are [\\w][\\w.-]*', () => {
    assert.deepEqual(parseImageRef('checkout:V2x'), { path: 'checkout', tag: 'V2x' });
  });
});

describe('repositories', () => {
  it('tryParseImageRef accepts a reference without a version and refuses garbage', () => {
    assert.deepEqual(tryParseImageRef('nginx'), { path: 'nginx' });
    assert.deepEqual(tryParseImageRef('nginx:1'), { path: 'nginx', tag: '1' });
    assert.equal(tryParseImageRef('$(IMAGE)'), undefined);
    assert.equal(tryParseImageRef('Nginx'), undefined);
    assert.equal(tryParseImageRef('nginx:'), undefined);
  });

  it('parseRepository reads Helm repository values', () => {
    assert.deepEqual(parseRepository('registry.example.com:5000/team/app'), { domain: 'registry.example.com:5000', path: 'team/app' });
    assert.equal(parseRepository('app:v1'), undefined);
    assert.equal(parseRepository(''), undefined);
  });

  it('Docker Hub spellings are one repository', () => {
    const same = [
      ['docker.io/library/nginx', 'nginx'],
      ['index.docker.io/library/nginx', 'library/nginx'],
      ['docker.io/x/y', 'x/y'],
      ['Registry.Example.COM/app', 'registry.example.com/app'],
    ];
    for (const [a, b] of same) assert.ok(sameRepository(parseRepository(a!)!, parseRepository(b!)!), `${a} ≡ ${b}`);
    const different = [
      ['registry/checkout', 'checkout'],
      ['docker.io/library/nginx', 'docker.io/nginx/nginx'],
      ['ghcr.io/library/nginx', 'nginx'],
      ['registry.example.com:5000/app', 'registry.example.com/app'],
      ['library/a/b', 'a/b'],
    ];
    for (const [a, b] of different) assert.ok(!sameRepository(parseRepository(a!)!, parseRepository(b!)!), `${a} ≢ ${b}`);
    assert.equal(canonicalRepository(parseRepository('docker.io/library/nginx')!), 'nginx');
  });

  it('repositoryOf and versionOf split a reference', () => {
    const ref = parseImageRef(`r.io:1/a/b:t@${SHA}`);
    assert.equal(repositoryOf(ref), 'r.io:1/a/b');
    assert.equal(versionOf(ref), `:t@${SHA}`);
    assert.equal(versionOf({}), '');
  });
});

describe('parseImageRef: properties', () => {
  const alnum = fc.stringMatching(/^[a-z0-9]{1,6}$/);
  const separator = fc.constantFrom('.', '_', '__', '-', '--');
  const component = fc
    .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 2 }))
    .map(([first, rest]) => first + rest.map(([s, a]) => s + a).join(''));
  const host = fc.oneof(
    fc.constant('localhost'),
    fc.array(fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,4}[a-z0-9])?$/), { minLength: 2, maxLength: 3 }).map((xs) => xs.join('.')),
  );
  const domain = fc.option(
    fc.tuple(host, fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined })).map(([h, p]) => (p === undefined ? h : `${h}:${p}`)),
    { nil: undefined },
  );
  const tag = fc.stringMatching(/^[\w][\w.-]{0,20}$/);
  const digest = fc.stringMatching(/^[0-9a-f]{64}$/).map((h) => `sha256:${h}`);
  const version = fc.oneof(
    tag.map((t) => ({ tag: t })),
    digest.map((d) => ({ digest: d })),
    fc.tuple(tag, digest).map(([t, d]) => ({ tag: t, digest: d })),
  );
  const ref = fc
    .tuple(domain, fc.array(component, { minLength: 1, maxLength: 3 }), version)
    .filter(([d, parts]) => d !== undefined || !/[.:]|^localhost$/.test(parts[0]!) || parts.length === 1)
    .map(([d, parts, v]): ImageRef => ({ ...(d === undefined ? {} : { domain: d }), path: parts.join('/'), ...v }));

  it('formatting a parsed reference and parsing it again is the identity', () => {
    fc.assert(
      fc.property(ref, (r) => {
        const text = formatImageRef(r);
        const parsed = parseImageRef(text);
        assert.deepEqual(parsed, r);
        assert.equal(formatImageRef(parsed), text);
        assert.deepEqual(parseImageRef(formatImageRef(parsed)), parsed);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but ImageRefError, and what parses formats back to the same text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        try {
          assert.equal(formatImageRef(parseImageRef(s)), s);
        } catch (e) {
          assert.ok(e instanceof ImageRefError, String(e));
        }
      }),
      { numRuns: 1000 },
    );
  });
});
