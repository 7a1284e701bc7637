import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/errors.ts';
import { gatewayApi } from '../../src/routers/gateway-api.ts';
import { getRouter, isRouterType, routers, routerTypes } from '../../src/routers/index.ts';
import { istio } from '../../src/routers/istio.ts';

test('getRouter returns the registered router', () => {
  assert.equal(getRouter('istio'), istio);
  assert.equal(getRouter('gateway-api'), gatewayApi);
  assert.deepEqual(routerTypes, ['istio', 'gateway-api', 'knative', 'nginx', 'traefik', 'contour', 'smi', 'yaml-path']);
  assert.deepEqual(Object.keys(routers), routerTypes);
});

test('an unknown type is a CONFIG error listing the known types, never a fallback', () => {
  for (const type of ['linkerd', 'Istio', '', 'toString', '__proto__', 'constructor']) {
    assert.equal(isRouterType(type), false);
    assert.throws(
      () => getRouter(type),
      (e: unknown) => e instanceof ConfigError && e.code === 'CONFIG' && e.message.includes(JSON.stringify(type)) && e.hint === 'known route types: istio, gateway-api, knative, nginx, traefik, contour, smi, yaml-path',
    );
  }
});
