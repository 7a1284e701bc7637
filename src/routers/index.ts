/**
 * The router registry: one entry per file in this folder. Each router exports
 * its `route` schema next to its `read`/`plan`; the config's `route` block is
 * composed here from ROUTERS, so adding a traffic API is its file, its
 * fixtures and one line in ROUTERS. An unknown type at run time is a CONFIG
 * error, never a silent fallback.
 */
import * as z from 'zod';
import { schemasOf } from '../config/schema-base.ts';
import { ConfigError } from '../errors.ts';
import { contour } from './contour.ts';
import { gatewayApi } from './gateway-api.ts';
import { istio } from './istio.ts';
import { knative } from './knative.ts';
import { nginx } from './nginx.ts';
import { smi } from './smi.ts';
import { traefik } from './traefik.ts';
import type { Destination, RouteBase, Router, SplitRoute } from './types.ts';
import { yamlPath } from './yaml-path.ts';

/** Every router, in the order `--help`, errors and the JSON Schema list them. */
const ROUTERS = [istio, gatewayApi, knative, nginx, traefik, contour, smi, yamlPath] as const;

export type RouterType = (typeof ROUTERS)[number]['type'];

/** A service's `route`: parsed by the schema of its `type`'s router. */
export const ServiceRouteConfig = z
  .discriminatedUnion('type', schemasOf(ROUTERS))
  .describe('Where traffic is split between stable and canary. `type` selects the traffic API.');

/** Any service's `route`, as its router's schema parsed it. */
export type RouteConfig = z.output<typeof ServiceRouteConfig>;
export type ServiceRouteConfig = RouteConfig;

/** Every router, keyed by its `type` (the `route.type` of git-canary.yaml). */
export const routers = Object.fromEntries(ROUTERS.map((r) => [r.type, r])) as { [R in (typeof ROUTERS)[number] as R['type']]: R };

/** The known `route.type` values, in registry order. */
export const routerTypes = ROUTERS.map((r) => r.type) as RouterType[];

/** Whether `type` names a registered router. */
export function isRouterType(type: string): type is RouterType {
  return Object.hasOwn(routers, type);
}

/**
 * The router for `route.type`; throws ConfigError (code CONFIG) listing the
 * known types. Typed for any route: the route a caller passes was parsed by
 * this router's own schema.
 */
export function getRouter(type: string): Router<RouteConfig> {
  if (!isRouterType(type)) {
    throw new ConfigError(`unknown route type ${JSON.stringify(type)}`, {
      hint: `known route types: ${routerTypes.join(', ')}`,
      data: { type, known: routerTypes },
    });
  }
  return routers[type] as unknown as Router<RouteConfig>;
}

/** The stable and canary destinations a route names, when its API has named destinations. */
export function destinationsOf(route: RouteBase): { stable: Destination; canary: Destination } | undefined {
  const r = route as Partial<SplitRoute>;
  return r.stable !== undefined && r.canary !== undefined ? { stable: r.stable, canary: r.canary } : undefined;
}
