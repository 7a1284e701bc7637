/**
 * templates/helm/git-canary: rendered as `helm template` renders it
 * (helm-render.ts; no helm binary here), with the least values, with a values
 * file that sets every option, and with secrets given inline. Every rendered
 * object must be one the Kubernetes API accepts; the CronJob must run `tick`
 * with --repo, the image, schedule and secrets from values; values.schema.json
 * must refuse what the chart does not support.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parse, parseAllDocuments } from 'yaml';
import { renderChart, TemplateError, ValuesSchemaError } from '../helpers/helm-render.ts';
import { validateKubeObjects } from '../helpers/kube-validate.ts';
import { type CronJobObject, durationSeconds, flagValue, only, PACKAGE_VERSION, ROOT, runContainerTick, schedulePeriodSeconds } from './support.ts';

const CHART = join(ROOT, 'templates', 'helm', 'git-canary');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'helm');
const EXISTING = readFileSync(join(FIXTURES, 'values-existing-secrets.yaml'), 'utf8');
const INLINE = readFileSync(join(FIXTURES, 'values-inline-secrets.yaml'), 'utf8');
const LEAST = 'repo: { url: https://github.com/acme/manifests.git }\ngitToken: { existingSecret: git-canary }\n';
const RELEASE = { name: 'rollouts', namespace: 'platform' };

const render = (...valuesFiles: string[]) => renderChart(CHART, { valuesFiles, release: RELEASE });
const cronJobOf = (objects: Record<string, unknown>[]) => only<CronJobObject>(objects, 'CronJob');
const podOf = (objects: Record<string, unknown>[]) => cronJobOf(objects).spec.jobTemplate.spec.template.spec;
const envOf = (objects: Record<string, unknown>[]) => new Map(podOf(objects).containers[0]!.env!.map((e) => [e.name, e]));

describe('helm chart: the least values (repo.url and an existing git token Secret)', () => {
  const chart = render(LEAST);

  test('renders a CronJob and a ServiceAccount the Kubernetes API accepts, and no Secret', () => {
    assert.deepEqual(chart.objects.map((o) => o.kind).sort(), ['CronJob', 'ServiceAccount']);
    assert.deepEqual(validateKubeObjects(chart.objects), []);
  });

  test('runs tick with --repo, the appVersion image and the default schedule', () => {
    const cronJob = cronJobOf(chart.objects);
    const c = podOf(chart.objects).containers[0]!;
    assert.deepEqual(c.command, ['git-canary']);
    assert.equal(c.args![0], 'tick');
    assert.equal(flagValue(c.args!, '--repo'), 'https://github.com/acme/manifests.git');
    assert.equal(c.image, `ghcr.io/git-canary/git-canary:${PACKAGE_VERSION}`);
    assert.equal(cronJob.spec.schedule, '*/5 * * * *');
    assert.equal(cronJob.spec.concurrencyPolicy, 'Forbid');
    const period = schedulePeriodSeconds(cronJob.spec.schedule);
    const deadline = durationSeconds(flagValue(c.args!, '--deadline')!);
    const active = cronJob.spec.jobTemplate.spec.activeDeadlineSeconds!;
    assert.ok(deadline < active && active < period, `${deadline}s < ${active}s < ${period}s`);
    assert.equal(flagValue(c.args!, '--shard'), undefined, 'every service by default');
  });

  test('shard: the CronJob ticks only that shard', () => {
    const sharded = render(`${LEAST}shard: "2/3"\n`);
    const args = podOf(sharded.objects).containers[0]!.args!;
    assert.equal(flagValue(args, '--shard'), '2/3');
    assert.deepEqual(validateKubeObjects(sharded.objects), []);
  });

  test('is non-root with a read-only root filesystem and no Kubernetes API token', () => {
    const pod = podOf(chart.objects);
    const c = pod.containers[0]!;
    assert.equal(pod.securityContext!.runAsNonRoot, true);
    assert.ok((pod.securityContext!.runAsUser as number) > 0);
    assert.equal(c.securityContext!.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext!.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext!.capabilities, { drop: ['ALL'] });
    assert.equal(pod.automountServiceAccountToken, false);
    const sa = only<{ metadata: { name: string } }>(chart.objects, 'ServiceAccount');
    assert.equal(pod.serviceAccountName, sa.metadata.name);
  });

  test('reads the git token from the named Secret and sets no optional secret', () => {
    const env = envOf(chart.objects);
    assert.deepEqual(env.get('GIT_CANARY_TOKEN')!.valueFrom, { secretKeyRef: { name: 'git-canary', key: 'GIT_CANARY_TOKEN' } });
    assert.equal(env.has('PROMETHEUS_TOKEN'), false);
    assert.equal(env.has('SLACK_WEBHOOK_URL'), false);
  });

  test('NOTES.txt tells how to run a tick now and where the token comes from', () => {
    const name = cronJobOf(chart.objects).metadata.name;
    assert.match(chart.notes, new RegExp(`kubectl -n platform create job --from=cronjob/${name} `));
    assert.match(chart.notes, /Secret git-canary, key GIT_CANARY_TOKEN/);
  });

  test("the rendered command line ticks a real repository with the real CLI", async () => {
    const run = await runContainerTick(podOf(chart.objects).containers[0]!, { GIT_CANARY_TOKEN: 'unused-locally' });
    try {
      assert.equal(run.result.code, 0, run.result.stderr);
      assert.notEqual(run.repo.git('rev-parse', 'production').trim(), run.productionBefore, 'the tick pushed a step');
    } finally {
      await run.cleanup();
    }
  });
});

describe('helm chart: a values file that sets every option', () => {
  const chart = render(EXISTING);
  const cronJob = cronJobOf(chart.objects);
  const pod = podOf(chart.objects);
  const c = pod.containers[0]!;

  test('the two values fixtures together set every leaf of values.yaml', () => {
    const leaves = (v: unknown, path: string[] = []): string[] =>
      v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0
        ? Object.entries(v).flatMap(([k, x]) => leaves(x, [...path, k]))
        : [path.join('.')];
    const at = (v: unknown, path: string) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], v);
    const defaults = parse(readFileSync(join(CHART, 'values.yaml'), 'utf8'));
    const files = [parse(EXISTING), parse(INLINE)];
    const unset = leaves(defaults).filter((p) => files.every((f) => at(f, p) === undefined || JSON.stringify(at(f, p)) === JSON.stringify(at(defaults, p))));
    assert.deepEqual(unset, []);
  });

  test('renders objects the Kubernetes API accepts: CronJob, ServiceAccount, a Role and RoleBinding per namespace', () => {
    assert.deepEqual(validateKubeObjects(chart.objects), []);
    const kinds = chart.objects.map((o) => `${o.kind}/${(o.metadata as { namespace: string }).namespace}`).sort();
    assert.deepEqual(kinds, [
      'CronJob/platform',
      'Role/argocd',
      'Role/flux-system',
      'Role/shop',
      'Role/team-b',
      'RoleBinding/argocd',
      'RoleBinding/flux-system',
      'RoleBinding/shop',
      'RoleBinding/team-b',
      'ServiceAccount/platform',
    ]);
  });

  test('the CronJob carries the schedule, time zone, deadlines and history from values', () => {
    assert.equal(cronJob.metadata.name, 'shop-canary-bot');
    assert.equal(cronJob.spec.schedule, '*/10 * * * *');
    assert.equal(cronJob.spec.timeZone, 'Europe/Berlin');
    assert.equal(flagValue(c.args!, '--deadline'), '8m30s');
    assert.equal(flagValue(c.args!, '--shard'), '1/2');
    assert.equal(cronJob.spec.jobTemplate.spec.activeDeadlineSeconds, 560);
    assert.equal(cronJob.spec.startingDeadlineSeconds, 300);
    assert.equal(cronJob.spec.successfulJobsHistoryLimit, 1);
    assert.equal(cronJob.spec.failedJobsHistoryLimit, 5);
  });

  test('the container runs the image, pull policy, resources and log level from values', () => {
    assert.equal(c.image, 'registry.example.com/platform/git-canary:0.1.0-rc.2');
    assert.equal((c as { imagePullPolicy?: string }).imagePullPolicy, 'Always');
    assert.deepEqual(c.resources, { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } });
    assert.equal(envOf(chart.objects).get('GIT_CANARY_LOG_LEVEL')!.value, 'debug');
    assert.deepEqual(pod.imagePullSecrets, [{ name: 'registry-credentials' }]);
    assert.deepEqual(pod.volumes!.find((v) => v.name === 'cache')!.emptyDir, { sizeLimit: '2Gi' });
  });

  test('every secret is read by the existing Secret name and key, none is inlined, no Secret is created', () => {
    const env = envOf(chart.objects);
    assert.deepEqual(env.get('GIT_CANARY_TOKEN')!.valueFrom, { secretKeyRef: { name: 'git-canary-github', key: 'token' } });
    assert.deepEqual(env.get('MIMIR_TOKEN')!.valueFrom, { secretKeyRef: { name: 'mimir-reader', key: 'bearer' } });
    assert.deepEqual(env.get('SLACK_WEBHOOK_URL')!.valueFrom, { secretKeyRef: { name: 'slack-rollouts', key: 'webhook-url' } });
    assert.equal(chart.objects.some((o) => o.kind === 'Secret'), false);
    assert.deepEqual(env.get('TEAMS_WEBHOOK_URL')!.valueFrom, { secretKeyRef: { name: 'teams-rollouts', key: 'url' } });
    assert.equal(env.get('MIMIR_TENANT')!.value, 'shop');
  });

  test('the pod gets its labels, annotations, scheduling and the API token the Roles are for', () => {
    const meta = cronJob.spec.jobTemplate.spec.template.metadata as { labels: Record<string, string>; annotations: Record<string, string> };
    assert.equal(meta.labels.team, 'platform');
    assert.equal(meta.labels['app.kubernetes.io/name'], 'canary-bot');
    assert.deepEqual(meta.annotations, { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    assert.deepEqual(pod.nodeSelector, { 'kubernetes.io/os': 'linux' });
    assert.equal((pod.tolerations as { key: string }[])[0]!.key, 'dedicated');
    assert.ok(pod.affinity);
    assert.equal(pod.automountServiceAccountToken, true);
    assert.equal(pod.serviceAccountName, 'rollouts');
    const sa = only<{ metadata: { name: string; annotations: Record<string, string> } }>(chart.objects, 'ServiceAccount');
    assert.equal(sa.metadata.name, 'rollouts');
    assert.match(sa.metadata.annotations['iam.gke.io/gcp-service-account']!, /^git-canary@/);
  });

  test('each Role grants what its feature reads, and its RoleBinding binds it to the ServiceAccount', () => {
    type Rbac = { kind: string; metadata: { name: string; namespace: string }; rules?: unknown[]; roleRef?: { name: string }; subjects?: unknown[] };
    const rbac = chart.objects.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding') as Rbac[];
    const role = (ns: string) => rbac.find((o) => o.kind === 'Role' && o.metadata.namespace === ns)!;
    assert.deepEqual(role('argocd').rules, [{ apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get'], resourceNames: ['checkout', 'payments'] }]);
    assert.deepEqual(role('team-b').rules, [{ apiGroups: ['kustomize.toolkit.fluxcd.io'], resources: ['kustomizations'], verbs: ['get'], resourceNames: ['apps'] }]);
    assert.deepEqual(role('shop').rules, [
      { apiGroups: ['metrics.keptn.sh'], resources: ['keptnmetrics', 'analysisdefinitions'], verbs: ['get'] },
      { apiGroups: ['metrics.keptn.sh'], resources: ['analyses'], verbs: ['create', 'get', 'delete'] },
    ]);
    for (const binding of rbac.filter((o) => o.kind === 'RoleBinding')) {
      assert.equal(binding.roleRef!.name, role(binding.metadata.namespace).metadata.name);
      assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: 'rollouts', namespace: 'platform' }]);
    }
  });
});

describe('helm chart: secrets given as values', () => {
  const chart = render(INLINE);
  const secrets = parse(INLINE) as { gitToken: { value: string }; metricsToken: { value: string }; slack: { value: string } };

  test('creates one Secret holding them, read by the CronJob under fixed keys', () => {
    assert.deepEqual(validateKubeObjects(chart.objects), []);
    const secret = only<{ metadata: { name: string }; stringData: Record<string, string> }>(chart.objects, 'Secret');
    assert.deepEqual(secret.stringData, {
      GIT_CANARY_TOKEN: secrets.gitToken.value,
      METRICS_TOKEN: secrets.metricsToken.value,
      SLACK_WEBHOOK_URL: secrets.slack.value,
    });
    const env = envOf(chart.objects);
    const name = secret.metadata.name;
    assert.deepEqual(env.get('GIT_CANARY_TOKEN')!.valueFrom, { secretKeyRef: { name, key: 'GIT_CANARY_TOKEN' } });
    assert.deepEqual(env.get('PROMETHEUS_TOKEN')!.valueFrom, { secretKeyRef: { name, key: 'METRICS_TOKEN' } });
    assert.deepEqual(env.get('SLACK_WEBHOOK_URL')!.valueFrom, { secretKeyRef: { name, key: 'SLACK_WEBHOOK_URL' } });
  });

  test('no secret value appears anywhere but in the Secret', () => {
    for (const [file, text] of chart.files) {
      if (file === 'templates/secret.yaml') continue;
      for (const s of [secrets.gitToken.value, secrets.metricsToken.value, secrets.slack.value]) assert.equal(text.includes(s), false, `${file} holds a secret`);
    }
    assert.equal(Object.values(secrets).some((s) => chart.notes.includes(s.value)), false);
  });

  test('a mix: an existing git token Secret and an inline Slack URL creates a Secret with the Slack URL only', () => {
    const mixed = render('repo: { url: https://github.com/acme/manifests.git }\ngitToken: { existingSecret: gh }\nslack: { value: https://hooks.slack.com/services/T1/B1/Z }\n');
    const secret = only<{ stringData: Record<string, string> }>(mixed.objects, 'Secret');
    assert.deepEqual(Object.keys(secret.stringData), ['SLACK_WEBHOOK_URL']);
    assert.deepEqual(envOf(mixed.objects).get('GIT_CANARY_TOKEN')!.valueFrom, { secretKeyRef: { name: 'gh', key: 'GIT_CANARY_TOKEN' } });
  });
});

describe('helm chart: values it refuses, with a message naming the value', () => {
  const refusals: [string, string, RegExp][] = [
    ['a secret both named and given', 'repo: { url: https://github.com/acme/manifests.git }\ngitToken: { existingSecret: gh, value: ghp_x }\n', /\/gitToken\/value/],
    ['an unknown key (a typo)', `${LEAST}schedul: "*/5 * * * *"\n`, /additionalProperty.*schedul/],
    ['an unknown log level', `${LEAST}logLevel: loud\n`, /\/logLevel/],
    ['an unknown pull policy', `${LEAST}image: { pullPolicy: Sometimes }\n`, /\/image\/pullPolicy/],
    ['a deadline git-canary cannot parse', `${LEAST}deadline: 4 minutes\n`, /\/deadline/],
    ['a shard that is not i/n', `${LEAST}shard: "2 of 3"\n`, /\/shard/],
    ['an ssh repository URL (the token is sent over https)', 'repo: { url: "git@github.com:acme/manifests.git" }\ngitToken: { existingSecret: gh }\n', /\/repo\/url/],
    ['a namespace that is not a DNS label', `${LEAST}rbac: { argocd: { namespaces: [Argo_CD] } }\n`, /\/rbac\/argocd\/namespaces\/0/],
    ['a schedule that is not five fields', `${LEAST}schedule: "*/5 * * *"\n`, /\/schedule/],
    ['a negative history limit', `${LEAST}failedJobsHistoryLimit: -1\n`, /\/failedJobsHistoryLimit/],
    // Helm's numbers are float64: 1000000 would print as 1e+06 and break the manifest, so the schema caps them.
    ['a deadline of over a day', `${LEAST}activeDeadlineSeconds: 1000000\n`, /\/activeDeadlineSeconds/],
  ];
  for (const [what, values, message] of refusals) {
    test(what, () => {
      assert.throws(() => render(values), (e: unknown) => e instanceof ValuesSchemaError && message.test(e.message));
    });
  }

  test('no repo.url: the required message says what to set', () => {
    assert.throws(() => render('gitToken: { existingSecret: gh }\n'), (e: unknown) => e instanceof TemplateError && /repo\.url is required/.test(e.message));
  });

  test('no git token at all: the required message names both ways to give one', () => {
    assert.throws(
      () => render('repo: { url: https://github.com/acme/manifests.git }\n'),
      (e: unknown) => e instanceof TemplateError && /gitToken\.existingSecret or gitToken\.value is required/.test(e.message),
    );
  });
});

describe('helm chart and templates/kubernetes/cronjob.yaml agree', () => {
  test('the chart with the manifest\'s repository and Secret runs the same job, pod and container', () => {
    const manifest = parseAllDocuments(readFileSync(join(ROOT, 'templates', 'kubernetes', 'cronjob.yaml'), 'utf8'))
      .map((d) => d.toJS() as Record<string, unknown>)
      .find((o) => o.kind === 'CronJob') as unknown as CronJobObject;
    const plainContainer = manifest.spec.jobTemplate.spec.template.spec.containers[0]!;
    const url = flagValue(plainContainer.args!, '--repo')!;
    const chart = cronJobOf(render(`repo: { url: "${url}" }\ngitToken: { existingSecret: git-canary }\n`).objects);
    const job = (c: CronJobObject) => {
      const { schedule, concurrencyPolicy, startingDeadlineSeconds, successfulJobsHistoryLimit, failedJobsHistoryLimit } = c.spec;
      const { activeDeadlineSeconds, backoffLimit } = c.spec.jobTemplate.spec;
      const { securityContext, volumes, restartPolicy, automountServiceAccountToken } = c.spec.jobTemplate.spec.template.spec;
      const { command, args, securityContext: containerSecurity, resources, volumeMounts, env } = c.spec.jobTemplate.spec.template.spec.containers[0]!;
      const plainEnv = env!.filter((e) => e.value !== undefined);
      return { schedule, concurrencyPolicy, startingDeadlineSeconds, successfulJobsHistoryLimit, failedJobsHistoryLimit, activeDeadlineSeconds, backoffLimit, securityContext, volumes, restartPolicy, automountServiceAccountToken, command, args, containerSecurity, resources, volumeMounts, plainEnv };
    };
    assert.deepEqual(job(chart), job(manifest));
  });
});

describe('helm chart: names and metadata', () => {
  test('Chart.yaml is apiVersion v2 and its appVersion is the package version', () => {
    const chart = parse(readFileSync(join(CHART, 'Chart.yaml'), 'utf8')) as Record<string, string>;
    assert.equal(chart.apiVersion, 'v2');
    assert.equal(chart.appVersion, PACKAGE_VERSION);
  });

  test('any release name gives a CronJob name of at most 52 characters the API accepts', () => {
    const releaseName = fc.stringMatching(/^[a-z]([-a-z0-9]{0,51}[a-z0-9])?$/);
    fc.assert(
      fc.property(releaseName, (name) => {
        const { objects } = renderChart(CHART, { valuesFiles: [LEAST], release: { name, namespace: 'ops' } });
        const cronName = cronJobOf(objects).metadata.name;
        return cronName.length <= 52 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(cronName) && cronName.startsWith(name.slice(0, 10));
      }),
      { numRuns: 40 },
    );
  });
});
