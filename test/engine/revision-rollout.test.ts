/**
 * A revision rollout (Knative) through the engine's own functions: the
 * promotion a pull request previews before the start (`gate: pull-request`)
 * is exactly the promotion the rollout writes after any steps, and a rollback
 * is production's file before the start, byte for byte.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { promoteRevision, promotionPreview, releaseViews, revisionsOf, rollbackRevision, startRevision, stepRevision } from '../../src/engine/revision-rollout.ts';
import type { ServiceObservations } from '../../src/engine/types.ts';
import type { RouteConfig } from '../../src/routers/types.ts';

const FILE = 'services/frontend/service.yaml';
const PROD = readFileSync(new URL('../fixtures/routers/knative/two-services.yaml', import.meta.url), 'utf8');
const SHA = 'a1b2c3d4'.padEnd(40, 'e');
const route = { type: 'knative', file: FILE, name: 'frontend' } as RouteConfig;
const service = { files: [FILE, 'services/frontend/config.yaml'], documents: {}, route, views: releaseViews({ route }) };
const revisions = revisionsOf(route)!;

/** Observations of a rollout in progress with production's file `current`. */
const during = (current: string, candidate: string) =>
  ({ production: { [FILE]: current, 'services/frontend/config.yaml': 'a: 1\n' }, candidate: { [FILE]: candidate, 'services/frontend/config.yaml': 'a: 2\n' }, candidateSha: SHA, pristineCanary: PROD }) as unknown as ServiceObservations;

describe('revision rollouts', () => {
  test('property: the previewed promotion is the one the rollout writes, whatever the steps; the other release files are copied', () => {
    fc.assert(
      fc.property(fc.constantFrom('7.0.1', '7.2.0'), fc.uniqueArray(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 3 }), (tag, steps) => {
        const candidate = PROD.replace('frontend:7.0.0', `frontend:${tag}`);
        steps.sort((a, b) => a - b);
        const obs0 = during(PROD, candidate);
        const preview = promotionPreview(revisions, service, obs0, { candidate: 'candidate' });
        let text = startRevision(revisions, service, obs0, steps[0]!).changes[0]!.content!;
        for (const w of steps.slice(1)) text = stepRevision(revisions, service, during(text, candidate), 'production', w).content!;
        const promoted = promoteRevision(revisions, service, during(text, candidate), during(text, candidate).candidate, { base: 'production', tested: 'candidate' });
        assert.deepEqual(preview, promoted);
        assert.deepEqual(promoted.map((c) => c.path), [FILE, 'services/frontend/config.yaml']);
      }),
      { numRuns: 25, seed: 5 },
    );
  });

  test('a rollback writes production\'s file before the start, byte for byte', () => {
    const candidate = PROD.replace('frontend:7.0.0', 'frontend:7.1.0');
    const started = startRevision(revisions, service, during(PROD, candidate), 10).changes[0]!.content!;
    assert.notEqual(started, PROD);
    assert.deepEqual(rollbackRevision(service, during(started, candidate), 'production'), { path: FILE, content: PROD });
  });
});
