/**
 * The router registry: one entry per file in this folder. A type listed in
 * `RouterType` without an implementation fails to compile; an unknown type at
 * run time is a CONFIG error, never a silent fallback.
 */
import { ConfigError } from '../errors.ts';
import { gatewayApi } from './gateway-api.ts';
import { istio } from './istio.ts';
import type { Router } from './types.ts';

export type RouterType = 'istio' | 'gateway-api';

/** Every router, keyed by its `type` (the `route.type` of git-canary.yaml). */
export const routers = { istio, 'gateway-api': gatewayApi } satisfies Record<RouterType, Router>;

/** The known `route.type` values, in registry order. */
export const routerTypes = Object.keys(routers) as RouterType[];

/** Whether `type` names a registered router. */
export function isRouterType(type: string): type is RouterType {
  return Object.hasOwn(routers, type);
}

/** The router for `route.type`; throws ConfigError (code CONFIG) listing the known types. */
export function getRouter(type: string): Router {
  if (!isRouterType(type)) {
    throw new ConfigError(`unknown route type ${JSON.stringify(type)}`, {
      hint: `known route types: ${routerTypes.join(', ')}`,
      data: { type, known: routerTypes },
    });
  }
  return routers[type];
}
