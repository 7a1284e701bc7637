/**
 * The logger loads pino on its first line (src/log.ts) and judges levels
 * without it (src/log-levels.ts): what it writes must be what pino wrote when
 * it was made eagerly. Lines at the level and above, synchronously, as JSON;
 * nothing below it; child bindings; secrets scrubbed; an unknown level refused
 * when the logger is made.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pino from 'pino';
import { LEVEL_VALUES, LOG_LEVELS } from '../../src/log-levels.ts';
import { createLogger, silentLogger } from '../../src/log.ts';

function capture(level: string, secrets: string[] = []) {
  const lines: string[] = [];
  const log = createLogger({ level, secrets, destination: { write: (l: string) => void lines.push(l) } });
  const parsed = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, parsed };
}

describe('the logger that loads pino on its first line', () => {
  test("its levels are pino's, most severe first, then silent", () => {
    assert.deepEqual(LEVEL_VALUES, Object.fromEntries(Object.entries(pino.levels.values)));
    assert.deepEqual(LOG_LEVELS, [...Object.entries(pino.levels.values).sort(([, a], [, b]) => b - a).map(([name]) => name), 'silent']);
  });

  test('writes lines at its level and above, at once, and nothing below', () => {
    const { log, lines, parsed } = capture('warn');
    log.debug('not this');
    log.info({ service: 'checkout' }, 'nor this');
    assert.equal(lines.length, 0);
    log.warn({ service: 'checkout' }, 'held');
    assert.equal(lines.length, 1, 'written synchronously, before warn() returned');
    log.error('broken');
    assert.deepEqual(
      parsed().map(({ level, msg, service }) => ({ level, msg, service })),
      [
        { level: 40, msg: 'held', service: 'checkout' },
        { level: 50, msg: 'broken', service: undefined },
      ],
    );
  });

  test('says which levels it writes', () => {
    const { log } = capture('info');
    assert.equal(log.level, 'info');
    assert.deepEqual(
      ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent', 'nonsense'].map((l) => log.isLevelEnabled(l)),
      [false, false, true, true, true, true, false, false],
    );
  });

  test('a child adds its bindings to every line, made before the parent wrote anything', () => {
    const { log, parsed } = capture('debug');
    const child = log.child({ service: 'payments' });
    child.debug('from the child');
    log.debug('from the parent');
    assert.deepEqual(
      parsed().map(({ msg, service }) => ({ msg, service })),
      [
        { msg: 'from the child', service: 'payments' },
        { msg: 'from the parent', service: undefined },
      ],
    );
  });

  test('redacts secret values and secret keys', () => {
    const { log, lines } = capture('info', ['s3cr3t-value']);
    log.info({ token: 'abc', url: 'https://x/?k=s3cr3t-value' }, 'with s3cr3t-value inside');
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0]!, /s3cr3t-value|"abc"/);
    assert.match(lines[0]!, /\[REDACTED\]/);
  });

  test('an unknown level is refused when the logger is made, as pino refuses it', () => {
    assert.throws(() => createLogger({ level: 'nonsense' }), /level:nonsense/);
  });

  test('the silent logger writes nothing at any level', () => {
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) silentLogger[level]('nothing');
    assert.equal(silentLogger.isLevelEnabled('fatal'), false);
    assert.equal(silentLogger.child({ a: 1 }).isLevelEnabled('fatal'), false);
  });
});
