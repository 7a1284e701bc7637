/**
 * A small but real manifests repository with two services, shared by the demo
 * and the end-to-end tests:
 * - checkout: Istio VirtualService, a healthy canary (99.95% success),
 * - payments: Gateway API HTTPRoute with custom backends (auth-proxy:8443 →
 *   canary-gateway:9090), a failing canary (90% success).
 * Metrics are OpenMetrics for `promtool tsdb create-blocks-from openmetrics`,
 * covering two hours from T0, so ticks run on a pinned clock give exact results.
 */
import { counterSeries, openMetrics } from './prometheus.ts';

/** Start of the metrics window and of the pinned clock. */
export const T0 = new Date('2024-01-01T00:00:00Z');
export const WINDOW_SECONDS = 2 * 60 * 60;

export interface ScenarioOptions {
  /** Prometheus base URL written into git-canary.yaml (through ${PROMETHEUS_URL} by default). */
  prometheus?: string;
  steps?: number[];
  interval?: string;
  threshold?: number;
  /** Default true. False: no metrics and no analysis, so steps advance on the interval alone. */
  analysis?: boolean;
}

export function gitCanaryYaml(o: ScenarioOptions = {}): string {
  const steps = `[${(o.steps ?? [10, 25, 50]).join(', ')}]`;
  const interval = o.interval ?? '1m';
  const threshold = o.threshold ?? 2;
  const withAnalysis = o.analysis ?? true;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${ENV} reference that git-canary expands
  const address = o.prometheus ?? '${PROMETHEUS_URL}';
  const successRate = (app: string) =>
    `sum(rate(http_requests_total{app="${app}",track="canary",code!~"5.."}[1m])) / sum(rate(http_requests_total{app="${app}",track="canary"}[1m])) * 100`;
  const analysis = (app: string) =>
    withAnalysis
      ? `
    analysis:
      metrics: prom
      threshold: ${threshold}
      checks:
        - name: success-rate
          query: ${successRate(app)}
          min: 99`
      : '';
  const service = (app: string, route: string) => `  ${app}:
    files: [apps/${app}/deployment.yaml]
    canary:
      file: apps/${app}/deployment-canary.yaml
    route:
${route}
    steps: ${steps}
    interval: ${interval}${analysis(app)}
`;
  const metrics = withAnalysis
    ? `metrics:
  prom:
    type: prometheus
    address: ${address}
`
    : '';
  return `# git-canary: rolls every change of candidate out to production, one commit per traffic step.
version: 1
${metrics}services:
${service(
  'checkout',
  `      type: istio
      file: apps/checkout/virtualservice.yaml
      stable: checkout-stable
      canary: checkout-canary`,
)}${service(
  'payments',
  `      type: gateway-api
      file: apps/payments/httproute.yaml
      stable: { name: auth-proxy, port: 8443 }
      canary: { name: canary-gateway, port: 9090 }`,
)}`;
}

export function deployment(app: string, image: string, track: 'stable' | 'canary'): string {
  const name = track === 'canary' ? `${app}-canary` : app;
  return `# ${track === 'canary' ? 'Canary workload: git-canary patches it with what changed in the release.' : 'Release of ' + app + '.'}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${app}
    track: ${track}
spec:
  replicas: ${track === 'canary' ? 1 : 3}
  selector:
    matchLabels: { app: ${app}, track: ${track} }
  template:
    metadata:
      labels:
        app: ${app}
        track: ${track}
    spec:
      containers:
        - name: ${app}
          image: ${image}   # renovate: datasource=docker
          ports:
            - containerPort: 8080
          resources:
            requests: { cpu: 100m, memory: 128Mi }
`;
}

export const CHECKOUT_VS = `apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata:
  name: checkout
  namespace: shop
spec:
  hosts:
    - checkout.example.com
  gateways:
    - shop/public
  http:
    # Internal testers always reach the canary: left alone by git-canary.
    - name: testers
      match:
        - headers:
            x-canary:
              exact: "1"
      route:
        - destination:
            host: checkout-canary
    - name: primary
      route:
        - destination:
            host: checkout-stable
          weight: 100
        - destination:
            host: checkout-canary
          weight: 0
      retries:
        attempts: 3
        perTryTimeout: 2s
`;

export const PAYMENTS_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: payments
  namespace: shop
spec:
  parentRefs:
    - name: public
      namespace: gateway-system
  hostnames: ["pay.example.com"]
  rules:
    - matches:
        - path: { type: PathPrefix, value: /api }
      backendRefs:
        - name: auth-proxy      # stable path goes through the auth proxy
          port: 8443
          weight: 100
        - name: canary-gateway
          port: 9090
          weight: 0
`;

/** Files of the production branch at the start. */
export function productionFiles(o: ScenarioOptions = {}): Record<string, string> {
  return {
    'git-canary.yaml': gitCanaryYaml(o),
    'apps/checkout/deployment.yaml': deployment('checkout', 'registry.example.com/checkout:1.0.0', 'stable'),
    'apps/checkout/deployment-canary.yaml': deployment('checkout', 'registry.example.com/checkout:1.0.0', 'canary'),
    'apps/checkout/virtualservice.yaml': CHECKOUT_VS,
    'apps/payments/deployment.yaml': deployment('payments', 'registry.example.com/payments:4.2.0', 'stable'),
    'apps/payments/deployment-canary.yaml': deployment('payments', 'registry.example.com/payments:4.2.0', 'canary'),
    'apps/payments/httproute.yaml': PAYMENTS_ROUTE,
  };
}

/** A release file changed to a new image, as app CI would push it to candidate. */
export function release(app: 'checkout' | 'payments', image: string): Record<string, string> {
  return { [`apps/${app}/deployment.yaml`]: deployment(app, image, 'stable') };
}

export interface TrafficProfile {
  /** Requests per second to the canary. */
  rps: number;
  /** Share of requests answered 5xx, 0..1. */
  errorRatio: number;
}

/** OpenMetrics for the whole window: one canary profile per app. */
export function scenarioMetrics(profiles: Record<string, TrafficProfile>, start: Date = T0): string {
  const series = Object.entries(profiles).flatMap(([app, p]) => {
    const timeline = { start, stepSeconds: 15, durationSeconds: WINDOW_SECONDS };
    return [
      counterSeries('http_requests_total', { app, track: 'canary', code: '200' }, { ...timeline, ratePerSecond: p.rps * (1 - p.errorRatio) }),
      counterSeries('http_requests_total', { app, track: 'canary', code: '503' }, { ...timeline, ratePerSecond: p.rps * p.errorRatio }),
    ];
  });
  return openMetrics(...series);
}

/** The demo's traffic: checkout healthy, payments failing. */
export const DEMO_TRAFFIC: Record<string, TrafficProfile> = {
  checkout: { rps: 20, errorRatio: 0.0005 },
  payments: { rps: 20, errorRatio: 0.1 },
};
