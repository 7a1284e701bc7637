// observeService gives every service the digest of its release on each branch
// (Canary-Release, and whether candidate equals production). When the release
// files read the same on both branches it takes production's digest for the
// candidate instead of computing it again. The invariant: that shortcut never
// changes an answer. Whatever the files (whole or shared with documents,
// absent, unparseable, equal or not between the branches), each digest is the
// one computed from that branch's texts alone, and a release that cannot be
// read fails with the same error, naming the same branch.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import type { PlanService } from '../../src/engine/plan.ts';
import type { FileTexts } from '../../src/engine/release.ts';
import { type GitRepo, openRepo } from '../../src/git/index.ts';
import { ServiceRouteConfig } from '../../src/routers/index.ts';
import { observeService, releaseDigestOf } from '../../src/runner/observe.ts';
import { virtualService } from '../e2e/support-scale.ts';
import { createRepo, type Fixture, type FixtureFiles } from '../helpers/git-fixtures.ts';

const DEPLOY = 'apps/web/deploy.yaml';
const CONFIG = 'apps/web/config.yaml';
const ROUTE = 'apps/web/virtualservice.yaml';
const AUTHOR = { name: 'git-canary', email: 'git-canary@users.noreply.github.com' };

const deployment = (image: string, replicas = 2) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: istio-proxy
          image: docker.io/istio/proxyv2:1.22.0
        - name: web
          image: registry.example.test/shop/web:${image}
          env:
            - name: LOG_LEVEL
              value: info
`;
const service = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
`;

/** Texts a release file may hold: several releases, a shared file with documents, CRLF, YAML that does not parse. */
const TEXTS = [
  deployment('1.4.0'),
  deployment('1.5.0'),
  deployment('1.4.0', 3),
  `${deployment('1.4.0')}---\n${service}`,
  `${service}---\n${deployment('1.5.0')}`,
  `${deployment('1.4.0')}---\n${service}`.replace(/\n/g, '\r\n'),
  'kind: Deployment\nmetadata: {name: web\n',
  `${service}`,
];
const text = fc.option(fc.constantFrom(...TEXTS), { nil: undefined });

interface Case {
  shared: boolean;
  production: { deploy: string | undefined; config: string | undefined };
  candidate: { deploy: string | undefined; config: string | undefined };
}

/** null: the same as production's, the common case (three times in four); else any text. */
const candidateText = fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: text, weight: 1 });

/** Candidate's files: each the same as production's or another text. */
const caseArb: fc.Arbitrary<Case> = fc
  .record({ shared: fc.boolean(), deploy: text, config: text, candidateDeploy: candidateText, candidateConfig: candidateText })
  .map((c) => ({
    shared: c.shared,
    production: { deploy: c.deploy, config: c.config },
    candidate: { deploy: c.candidateDeploy === null ? c.deploy : c.candidateDeploy, config: c.candidateConfig === null ? c.config : c.candidateConfig },
  }));

const CASES = fc.sample(caseArb, { numRuns: 80, seed: 20261203 });

function files(f: Case['production']): FixtureFiles {
  const out: FixtureFiles = { [ROUTE]: virtualService('web') };
  if (f.deploy !== undefined) out[DEPLOY] = f.deploy;
  if (f.config !== undefined) out[CONFIG] = f.config;
  return out;
}

function planService(c: Case): PlanService {
  return {
    files: [DEPLOY, CONFIG],
    documents: c.shared ? { [DEPLOY]: [{ kind: 'Deployment', name: 'web' }] } : {},
    route: ServiceRouteConfig.parse({ type: 'istio', file: ROUTE, stable: 'web-stable', canary: 'web-canary' }),
  };
}

/** The digest computed from one branch's texts alone (no shortcut), or the error it fails with. */
function direct(spec: PlanService, texts: FileTexts, branch: string): { digest: string } | { error: string } {
  try {
    return { digest: releaseDigestOf(spec, texts, branch) };
  } catch (e) {
    return { error: errorOf(e) };
  }
}

const errorOf = (e: unknown) => JSON.stringify({ message: (e as Error).message, where: (e as { where?: unknown }).where });

let fixture: Fixture;
let repo: GitRepo;

before(async () => {
  const branches: Record<string, FixtureFiles> = {};
  CASES.forEach((c, i) => {
    branches[`production-${i}`] = files(c.production);
    branches[`candidate-${i}`] = files(c.candidate);
  });
  fixture = await createRepo(branches);
  repo = await openRepo(fixture.dir);
});

after(() => fixture?.cleanup());

test('the candidate digest is the one of its own texts, shortcut or not; errors name the same branch', async () => {
  let same = 0;
  let differ = 0;
  let failed = 0;
  for (const [i, c] of CASES.entries()) {
    const spec = planService(c);
    const production = `production-${i}`;
    const candidate = `candidate-${i}`;
    const tips = { production: (await repo.resolve(production))!, candidate: (await repo.resolve(candidate))!, notes: undefined };
    const texts = (b: Case['production']): FileTexts => ({ [DEPLOY]: b.deploy, [CONFIG]: b.config });
    const wantProduction = direct(spec, texts(c.production), production);
    const wantCandidate = direct(spec, texts(c.candidate), candidate);
    let got: { production: string; candidate: string } | { error: string };
    try {
      got = (await observeService({ repo, name: 'web', service: spec, tips, author: AUTHOR, production, candidate })).releaseDigest;
    } catch (e) {
      got = { error: errorOf(e) };
    }
    const label = `case ${i}: ${JSON.stringify(c)}`;
    if ('error' in wantProduction || 'error' in wantCandidate) {
      assert.deepEqual(got, 'error' in wantProduction ? wantProduction : wantCandidate, label);
      failed++;
    } else {
      assert.deepEqual(got, { production: wantProduction.digest, candidate: wantCandidate.digest }, label);
      if (wantProduction.digest === wantCandidate.digest) same++;
      else differ++;
    }
  }
  // The sample exercises both answers, not only one.
  assert.ok(same >= 10 && differ >= 10 && failed >= 5, `equal ${same}, different ${differ}, failing ${failed}`);
});
