import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { escapeLabelValue, labelMatchers, problemPosition, promqlDuration, promqlProblem, quoteLabelValue, quoteRegex, unquote } from '../../src/analysis/promql.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('promqlProblem accepts queries from real dashboards and docs', () => {
  const valid = [
    // Istio service dashboard (istio/istio manifests/addons/dashboards): success rate of a service
    'sum(irate(istio_requests_total{reporter=~"destination", destination_service=~"$service", response_code!~"5.*"}[5m])) / sum(irate(istio_requests_total{reporter=~"destination", destination_service=~"$service"}[5m]))',
    'histogram_quantile(0.99, sum(irate(istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload="reviews-v1"}[1m])) by (le))',
    // ingress-nginx's Grafana dashboard
    'sum(rate(nginx_ingress_controller_requests{controller_pod=~"$controller",ingress=~"$ingress",status!~"[4-5].*"}[2m])) by (ingress) / sum(rate(nginx_ingress_controller_requests{ingress=~"$ingress"}[2m])) by (ingress)',
    'histogram_quantile(0.95, sum(rate(nginx_ingress_controller_request_duration_seconds_bucket{ingress!=""}[2m])) by (le, ingress))',
    // Linkerd's viz dashboards
    'sum(irate(response_total{classification="success", namespace="emojivoto", direction="inbound"}[30s])) by (deployment) / sum(irate(response_total{namespace="emojivoto", direction="inbound"}[30s])) by (deployment)',
    // Knative serving revision dashboard
    "sum(rate(revision_request_count{namespace_name='default', revision_name=~'hello-.*', response_code_class!='5xx'}[1m]))",
    // Kubernetes mixin, subqueries, offsets, modifiers
    'max_over_time(sum(rate(container_cpu_usage_seconds_total{container!=""}[5m]))[1h:1m]) offset 1d',
    'sum by (job) (up == bool 1) / on(job) group_left count by (job) (up)',
    'quantile_over_time(0.9, http_request_duration_seconds[10m])',
    'x{a="\\u00e9\\x41\\101\\t"}',
    '`raw \\ string`',
    // Prometheus 3's quoted metric names, and selectors by labels alone
    '{"http.server.requests", code="200"}',
    'sum(rate({job="api", code=~"5.."}[5m]))',
  ];
  for (const q of valid) it(q.slice(0, 70), () => assert.equal(promqlProblem(q), undefined));
});

describe('promqlProblem names what is wrong and where', () => {
  const table: [string, string, { message: string; column: number }][] = [
    ['unbalanced brace', 'sum(rate(x{job="a"[5m]))', { message: '")" does not close the "{" at column 11 (expected "}")', column: 23 }],
    ['unclosed parenthesis', 'sum(rate(x[5m])', { message: 'the "(" at column 4 is never closed (expected ")")', column: 4 }],
    ['extra closing parenthesis', 'sum(x))', { message: '")" closes nothing in "sum(x))"', column: 7 }],
    ['a range without a unit', 'rate(x[5])', { message: 'the range [5] has no unit: write e.g. 5m or 5s', column: 8 }],
    ['an offset without a unit', 'x offset 5', { message: 'the duration 5 has no unit: write e.g. 5m or 5s', column: 10 }],
    ['a trailing operator', 'sum(rate(x[5m])) /', { message: 'the query ends too early after "sum(rate(x[5m])) /": something is missing at its end', column: 19 }],
    ['two operators', 'x / / y', { message: 'syntax error at "/" in "x / / y"', column: 5 }],
    ['an unknown function', 'sum(rates(x[5m]))', { message: 'unknown function "rates"', column: 5 }],
    ['rate of an instant vector', 'sum(rate(x))', { message: 'rate() needs a range vector such as x[5m], got "x"', column: 10 }],
    ['an unknown escape', 'x{a="b\\q"}', { message: 'an unknown escape sequence \\q in the string "\\"b\\\\q\\""', column: 5 }],
    ['an unclosed string', 'x{a="b}', { message: 'the string starting at "\\"b}" is not closed', column: 5 }],
    ['a line break in a string', 'x{a="b\nc"}', { message: 'the string starting at "\\"b c\\"}" is not closed', column: 5 }],
    ['an empty query', '  ', { message: 'the query is empty', column: 1 }],
    ['a selector of every series', 'sum(rate({job=""}[5m]))', { message: 'the selector "{job=\\"\\"}" needs a metric name or a matcher that does not match the empty string', column: 10 }],
  ];
  for (const [name, q, expected] of table) it(name, () => assert.deepEqual(promqlProblem(q), expected));
});

describe('escapeLabelValue', () => {
  it('escapes backslash, quote, newline and control characters', () => {
    assert.equal(escapeLabelValue('a"b\\c\nd\re\tf\u0001g\u007f}'), 'a\\"b\\\\c\\nd\\re\\tf\\u0001g\\u007f}');
  });

  it('leaves braces, operators and unicode alone: inside a string they are only text', () => {
    assert.equal(escapeLabelValue('x"}=~.*|é😀'), 'x\\"}=~.*|é😀');
  });

  it('refuses a lone surrogate, which no PromQL string can carry', () => {
    assert.throws(() => escapeLabelValue('a\uD800b'), /lone UTF-16 surrogate/);
  });

  it('for any string, the matcher Prometheus parses holds exactly that string', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }).filter((s) => !LONE_SURROGATE.test(s)),
        (s) => {
          const q = `sum(rate(x{a=${quoteLabelValue(s)}, b="fixed"}[5m]))`;
          assert.equal(promqlProblem(q), undefined);
          assert.deepEqual(labelMatchers(q), [
            { label: 'a', op: '=', value: s },
            { label: 'b', op: '=', value: 'fixed' },
          ]);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('unquote decodes strings as Prometheus (Go strconv.Unquote)', () => {
  const table: [string, string | RegExp][] = [
    ['"a\\"b"', 'a"b'],
    ["'a\\'b'", "a'b"],
    ['"\\a\\b\\f\\n\\r\\t\\v\\\\"', '\u0007\b\f\n\r\t\v\\'],
    ['"\\101\\x41\\u0041\\U00000041"', 'AAAA'],
    ['`a\\nb`', 'a\\nb'],
    ['"\\\'"', /unknown escape sequence/],
    ['"\\x4"', /malformed escape/],
    ['"\\ud800"', /no Unicode code point/],
    ['"\\xff"', /outside ASCII/],
  ];
  for (const [literal, expected] of table) {
    it(literal, () => {
      const r = unquote(literal);
      if (typeof expected === 'string') assert.deepEqual(r, { value: expected });
      else assert.match('error' in r ? r.error : '', expected);
    });
  }
});

describe('quoteRegex and promqlDuration', () => {
  it('quotes every RE2 metacharacter', () => assert.equal(quoteRegex('a.b*c+d?(e)|[f]{g}^h$\\'), 'a\\.b\\*c\\+d\\?\\(e\\)\\|\\[f\\]\\{g\\}\\^h\\$\\\\'));
  it('renders a window from milliseconds', () => {
    assert.equal(promqlDuration(60_000), '1m');
    assert.equal(promqlDuration(90_000), '1m30s');
    assert.equal(promqlDuration(500), '500ms');
    assert.throws(() => promqlDuration(0), /whole, positive/);
    assert.throws(() => promqlDuration(1.5), /whole, positive/);
  });
});

describe('problemPosition', () => {
  it('says the column of a one-line query, the line and column of a multi-line one', () => {
    assert.equal(problemPosition('rate(x[5])', 8), 'column 8');
    const q = 'sum(\n  rate(x[5])\n)';
    const p = promqlProblem(q)!;
    assert.equal(problemPosition(q, p.column), 'line 2, column 10');
  });
});
