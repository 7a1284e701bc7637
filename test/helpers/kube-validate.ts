/**
 * Checks Kubernetes objects against the Kubernetes OpenAPI shapes, as
 * `kubectl apply --validate=strict` would, without a cluster:
 *
 * - values: each object through the kubernetes-models validator of its
 *   apiVersion and kind (generated from the Kubernetes OpenAPI: types, enums,
 *   required fields, int32/int64 formats);
 * - fields: those validators accept unknown fields (OpenAPI allows them; the API
 *   server's strict field validation does not), so every object is also
 *   type-checked by the TypeScript compiler as an object literal of the
 *   kubernetes-models interface generated from the same OpenAPI: an unknown or
 *   misspelt field at any depth is an excess-property error;
 * - names: metadata.name as DNS-1123 (a CronJob's at most 52 characters, so its
 *   Jobs' names fit), label keys and values as the API server checks them.
 *
 * Returns one message per problem, naming the object and the path.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

interface KubeObject extends Record<string, unknown> {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; labels?: Record<string, unknown> };
}

/** Problems of `objects` (empty when every one is valid). */
export function validateKubeObjects(objects: readonly Record<string, unknown>[]): string[] {
  const problems: string[] = [];
  const typed: { module: string; iface: string; obj: unknown; label: string }[] = [];
  for (const obj of objects as readonly KubeObject[]) {
    const label = `${String(obj.kind)} ${String(obj.metadata?.name)}`;
    if (typeof obj.apiVersion !== 'string' || typeof obj.kind !== 'string') {
      problems.push(`${label}: apiVersion and kind are required`);
      continue;
    }
    const module = `kubernetes-models/${obj.apiVersion.includes('/') ? obj.apiVersion : `v1`}/${obj.kind}`;
    let Model: new (data: unknown) => { validate(): void };
    try {
      Model = (require(module) as Record<string, typeof Model>)[obj.kind]!;
    } catch {
      problems.push(`${label}: no Kubernetes model for ${obj.apiVersion} ${obj.kind}`);
      continue;
    }
    try {
      new Model(obj).validate();
    } catch (e) {
      problems.push(`${label}: ${(e as Error).message}`);
    }
    problems.push(...checkNames(obj, label));
    typed.push({ module, iface: `I${obj.kind}`, obj, label });
  }
  problems.push(...typeCheck(typed));
  return problems;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

function checkNames(obj: KubeObject, label: string): string[] {
  const problems: string[] = [];
  const name = obj.metadata?.name;
  const max = obj.kind === 'CronJob' ? 52 : 253;
  if (typeof name !== 'string' || !DNS1123_SUBDOMAIN.test(name) || name.length > max) {
    problems.push(`${label}: metadata.name must be a DNS-1123 name of at most ${max} characters`);
  }
  const labelSets: [string, unknown][] = [['metadata.labels', obj.metadata?.labels]];
  const podLabels = (obj as { spec?: { jobTemplate?: { spec?: { template?: { metadata?: { labels?: unknown } } } } } }).spec?.jobTemplate?.spec?.template?.metadata?.labels;
  labelSets.push(['spec.jobTemplate.spec.template.metadata.labels', podLabels]);
  for (const [where, labels] of labelSets) {
    for (const [k, v] of Object.entries((labels ?? {}) as Record<string, unknown>)) {
      const keyName = k.split('/').pop()!;
      if (!LABEL_NAME.test(k) || keyName.length > 63) problems.push(`${label}: ${where}: invalid label key ${JSON.stringify(k)}`);
      if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63) problems.push(`${label}: ${where}.${k}: invalid label value ${JSON.stringify(v)}`);
    }
  }
  return problems;
}

/** One virtual TypeScript file declaring each object as a literal of its model's interface. */
function typeCheck(items: { module: string; iface: string; obj: unknown; label: string }[]): string[] {
  if (items.length === 0) return [];
  const file = join(ROOT, 'test', '__kube_objects__.ts');
  const lines = items.map((it, i) => `import type { ${it.iface} as T${i} } from '${it.module}';\nexport const o${i}: T${i} = ${JSON.stringify(it.obj, null, 2)};`);
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.fileExists = ((exists) => (f: string) => f === file || exists(f))(host.fileExists.bind(host));
  host.readFile = (f) => (f === file ? source : readFile(f));
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, source, lang, true) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram([file], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
  return diagnostics.map((d) => {
    const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    const index = source.split('\n').slice(0, line + 1).filter((l) => l.startsWith('export const o')).length - 1;
    const text = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    return `${items[Math.max(index, 0)]!.label}: ${text}`;
  });
}
