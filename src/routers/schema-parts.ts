/**
 * Schema pieces router plug-ins share: a destination as written in
 * `route.stable` / `route.canary`, and the `route` block of a router that
 * splits weights between two named destinations. Each router composes its
 * own `route` schema from these next to its `read`/`plan`; the root config
 * joins them in one discriminated union on `type` (routers/index.ts).
 */
import * as z from 'zod';
import { DNS_LABEL, KubeName, RepoPath, unlessMissing } from '../config/schema-base.ts';
import type { Destination } from './types.ts';

/**
 * A destination host, service or backendRef name: a DNS name (Istio hosts may
 * be short names or FQDNs, Gateway API names are DNS labels). Anything else —
 * a newline, a quote, an ANSI escape, shell metacharacters — can only be a
 * mistake or an attack, and would be written into the route file at start.
 */
export const DestinationName = z
  .string({ error: unlessMissing('expected a destination name') })
  .min(1, { error: 'must not be empty' })
  .max(253, { error: 'must be at most 253 characters (a DNS name)' })
  .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, {
    error: 'must be a host or service name (letters, digits, ".", "_" and "-"), e.g. checkout-canary or checkout.shop.svc.cluster.local',
  });

const Port = z
  .number()
  .int({ error: 'must be a port number' })
  .min(1, { error: 'must be a port number (1-65535)' })
  .max(65535, { error: 'must be a port number (1-65535)' });

/** The fields a destination may have; a router leaves out those its API does not know. */
const DESTINATION_FIELDS = {
  port: Port.optional().describe('Port, when the route names several ports of the same destination.'),
  subset: z
    .string()
    .max(253, { error: 'must be at most 253 characters' })
    .regex(/^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/, { error: 'must be a DestinationRule subset name (letters, digits, ".", "_" and "-")' })
    .optional()
    .describe('Istio DestinationRule subset.'),
  namespace: z
    .string()
    .regex(DNS_LABEL, { error: 'must be a Kubernetes namespace name' })
    .optional()
    .describe('Namespace of the destination, when it is not the route\'s.'),
} as const;

type DestinationField = keyof typeof DESTINATION_FIELDS;

/**
 * A destination: a name, or `{name, …fields}` with the fields this API
 * narrows by (Istio: port, subset, namespace; Gateway API: port, namespace).
 */
export function destinationConfig<F extends DestinationField>(fields: readonly F[], nameDescription: string) {
  const picked = Object.fromEntries(fields.map((f) => [f, DESTINATION_FIELDS[f]])) as Pick<typeof DESTINATION_FIELDS, F>;
  const list = ['name', ...fields].join(', ');
  return z
    .union([DestinationName, z.strictObject({ name: DestinationName.describe(nameDescription), ...picked })], {
      error: unlessMissing(`expected a destination name, or {${list}}`),
    })
    .transform((d): Destination => (typeof d === 'string' ? { name: d } : (d as Destination)))
    .describe(`A destination name, or {${list}} to tell apart destinations sharing a name.`);
}

/** `route.file`: the file holding the route on production. */
export const routeFile = (holds: string) => RepoPath.describe(`The file holding the ${holds} on production.`);

/** `route.name`: which document of the file, when it holds several. */
export const routeName = (kind: string) => KubeName.optional().describe(`metadata.name of the ${kind}, when the file holds several.`);

/**
 * The `route` block of a router splitting weights between two named
 * destinations (Istio, Gateway API, Traefik, Contour, SMI): `type`, `file`,
 * `stable`, `canary` and optionally `name`.
 */
export function splitRouteSchema<T extends string, F extends DestinationField>(
  type: T,
  spec: { holds: string; kind: string; fields: readonly F[]; names: string },
) {
  const destination = destinationConfig(spec.fields, spec.names);
  return z
    .strictObject({
      type: z.literal(type).describe('The traffic API of the route file.'),
      file: routeFile(spec.holds),
      stable: destination.describe('The destination serving the released version.'),
      canary: destination.describe('The destination serving the canary workload.'),
      name: routeName(spec.kind),
    })
    .describe(`Where traffic is split between stable and canary: ${spec.holds}.`);
}
