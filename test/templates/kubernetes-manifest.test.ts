/**
 * templates/kubernetes/: the CronJob a user applies with kubectl, and the
 * optional RBAC for applied:/keptn. Each object must be one the API server
 * accepts (kube-validate.ts: the Kubernetes OpenAPI shapes, unknown fields
 * refused), the CronJob must run what the README promises (one `tick` with
 * --repo, bounded by --deadline inside the schedule, non-root, read-only root,
 * secrets by reference) and its exact command line must work with the real CLI.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { validateKubeObjects } from '../helpers/kube-validate.ts';
import {
  type CronJobObject,
  durationSeconds,
  flagValue,
  only,
  PACKAGE_VERSION,
  ROOT,
  runContainerTick,
  schedulePeriodSeconds,
} from './support.ts';

const DIR = join(ROOT, 'templates', 'kubernetes');
const CRONJOB_TEXT = readFileSync(join(DIR, 'cronjob.yaml'), 'utf8');
const RBAC_TEXT = readFileSync(join(DIR, 'rbac-applied.yaml'), 'utf8');

function objectsOf(text: string, where: string): Record<string, unknown>[] {
  return parseAllDocuments(text, { uniqueKeys: true }).flatMap((doc) => {
    assert.deepEqual(doc.errors, [], `${where} parses`);
    const v = doc.toJS() as Record<string, unknown> | null;
    return v === null ? [] : [v];
  });
}

/** The documents after the first commented `# ---`, uncommented once: the optional examples. */
function commentedExamples(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('# ---'));
  assert.ok(start > 0, 'rbac-applied.yaml has commented examples');
  return lines
    .slice(start)
    .filter((l) => l.startsWith('#'))
    .map((l) => l.replace(/^# ?/, ''))
    .join('\n');
}

const objects = objectsOf(CRONJOB_TEXT, 'cronjob.yaml');
const cronJob = only<CronJobObject>(objects, 'CronJob');
const pod = cronJob.spec.jobTemplate.spec.template.spec;
const container = pod.containers[0]!;

describe('templates/kubernetes/cronjob.yaml', () => {
  test('is a ServiceAccount and a CronJob the Kubernetes API accepts', () => {
    assert.deepEqual(
      objects.map((o) => o.kind),
      ['ServiceAccount', 'CronJob'],
    );
    assert.deepEqual(validateKubeObjects(objects), []);
  });

  test('runs one tick against --repo, bounded inside the schedule', () => {
    assert.equal(pod.containers.length, 1);
    assert.deepEqual(container.command, ['git-canary']);
    assert.equal(container.args![0], 'tick');
    assert.match(flagValue(container.args!, '--repo') ?? '', /^https:\/\/\S+\.git$/);
    const period = schedulePeriodSeconds(cronJob.spec.schedule);
    const deadline = durationSeconds(flagValue(container.args!, '--deadline')!);
    const active = cronJob.spec.jobTemplate.spec.activeDeadlineSeconds!;
    // --deadline ends the tick cleanly (undecided services hold) before the Job is killed, and both before the next run.
    assert.ok(deadline < active && active < period, `--deadline ${deadline}s < activeDeadlineSeconds ${active}s < period ${period}s`);
    assert.equal(cronJob.spec.concurrencyPolicy, 'Forbid');
    assert.ok(cronJob.spec.startingDeadlineSeconds! > 0 && cronJob.spec.startingDeadlineSeconds! < period);
    assert.ok(cronJob.spec.successfulJobsHistoryLimit! >= 1 && cronJob.spec.failedJobsHistoryLimit! >= 1);
    assert.equal(cronJob.spec.jobTemplate.spec.backoffLimit, 0);
  });

  test('runs the released image, non-root, with a read-only root and writable cache and /tmp', () => {
    assert.equal(container.image.split(':').pop(), PACKAGE_VERSION, 'the image tag is the package version');
    assert.equal(pod.securityContext!.runAsNonRoot, true);
    assert.ok((pod.securityContext!.runAsUser as number) > 0);
    assert.deepEqual(pod.securityContext!.seccompProfile, { type: 'RuntimeDefault' });
    assert.equal(container.securityContext!.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext!.allowPrivilegeEscalation, false);
    assert.deepEqual(container.securityContext!.capabilities, { drop: ['ALL'] });
    const emptyDirs = new Set(pod.volumes!.filter((v) => v.emptyDir).map((v) => v.name));
    const mountOf = (path: string) => container.volumeMounts!.find((m) => m.mountPath === path);
    for (const path of [flagValue(container.args!, '--cache-dir')!, '/tmp']) {
      assert.ok(emptyDirs.has(mountOf(path)?.name ?? ''), `${path} is an emptyDir mount`);
    }
    assert.equal(container.env!.find((e) => e.name === 'HOME')?.value, '/tmp');
    assert.ok(container.resources!.requests && container.resources!.limits);
  });

  test('reads every secret by reference from the Secret the header says to create', () => {
    const refs = container.env!.filter((e) => e.valueFrom?.secretKeyRef);
    assert.deepEqual(
      refs.map((e) => e.name),
      ['GIT_CANARY_TOKEN', 'PROMETHEUS_TOKEN', 'SLACK_WEBHOOK_URL'],
    );
    const created = [...CRONJOB_TEXT.matchAll(/--from-literal=([A-Z_]+)=/g)].map((m) => m[1]);
    const secretName = /create secret generic (\S+)/.exec(CRONJOB_TEXT)?.[1];
    for (const e of refs) {
      assert.equal(e.value, undefined, `${e.name} is never inlined`);
      assert.equal(e.valueFrom!.secretKeyRef!.name, secretName, `${e.name} comes from the Secret the header creates`);
      assert.ok(created.includes(e.valueFrom!.secretKeyRef!.key), `the header's kubectl command creates key ${e.valueFrom!.secretKeyRef!.key}`);
    }
    // The git token is what every tick needs: a missing one fails the pod at start, not halfway.
    assert.equal(refs[0]!.valueFrom!.secretKeyRef!.optional, undefined);
    assert.equal(refs[1]!.valueFrom!.secretKeyRef!.optional, true);
  });

  test('its ServiceAccount is the one the pod runs as, in the same namespace', () => {
    const sa = only<{ metadata: { name: string; namespace: string } }>(objects, 'ServiceAccount');
    assert.equal(pod.serviceAccountName, sa.metadata.name);
    assert.equal(sa.metadata.namespace, cronJob.metadata.namespace);
    assert.equal(pod.automountServiceAccountToken, false, 'no Kubernetes API token unless applied:/keptn need one');
  });

  test('its exact command line ticks a real repository with the real CLI', async () => {
    const run = await runContainerTick(container, { GIT_CANARY_TOKEN: 'unused-for-a-local-repository' });
    try {
      assert.equal(run.result.code, 0, run.result.stderr);
      assert.match(run.result.stdout, /checkout/);
      assert.notEqual(run.repo.git('rev-parse', 'production').trim(), run.productionBefore, 'the tick pushed a step to production');
      assert.match(run.repo.git('log', '-1', '--format=%B', 'production'), /Canary-Phase:/);
    } finally {
      await run.cleanup();
    }
  });
});

describe('templates/kubernetes/rbac-applied.yaml', () => {
  const active = objectsOf(RBAC_TEXT, 'rbac-applied.yaml');
  const examples = objectsOf(commentedExamples(RBAC_TEXT), 'rbac-applied.yaml (commented examples)');
  const sa = only<{ metadata: { name: string; namespace: string } }>(objects, 'ServiceAccount');

  test('its Role, RoleBinding and the commented Flux and Keptn examples are valid objects', () => {
    assert.deepEqual(
      active.map((o) => o.kind),
      ['Role', 'RoleBinding'],
    );
    assert.deepEqual(
      examples.map((o) => o.kind),
      ['Role', 'RoleBinding', 'Role', 'RoleBinding'],
    );
    assert.deepEqual(validateKubeObjects([...active, ...examples]), []);
  });

  test('grants exactly what applied: (README "Health checks") and keptn read to the CronJob\'s ServiceAccount', () => {
    const rules = (o: Record<string, unknown>) => (o as { rules: { apiGroups: string[]; resources: string[]; verbs: string[] }[] }).rules;
    assert.deepEqual(rules(active[0]!), [{ apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get'] }]);
    assert.deepEqual(rules(examples[0]!), [{ apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get'] }]);
    // What src/metrics/keptn.ts does: GET KeptnMetric and AnalysisDefinition, POST, GET and DELETE an Analysis.
    assert.deepEqual(rules(examples[2]!), [
      { apiGroups: ['metrics.keptn.sh'], resources: ['keptnmetrics', 'analysisdefinitions'], verbs: ['get'] },
      { apiGroups: ['metrics.keptn.sh'], resources: ['analyses'], verbs: ['create', 'get', 'delete'] },
    ]);
    for (const binding of [active[1]!, examples[1]!, examples[3]!]) {
      const b = binding as { subjects: { kind: string; name: string; namespace: string }[]; roleRef: { name: string } };
      assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: sa.metadata.namespace }]);
    }
    // Each binding names the Role beside it, in the same namespace.
    for (const [role, binding] of [
      [active[0], active[1]],
      [examples[0], examples[1]],
      [examples[2], examples[3]],
    ] as [Record<string, { name: string; namespace: string }>, Record<string, { name: string; namespace?: string }>][]) {
      assert.equal(binding.roleRef!.name, role.metadata!.name);
      assert.equal(binding.metadata!.namespace, role.metadata!.namespace);
    }
  });
});
