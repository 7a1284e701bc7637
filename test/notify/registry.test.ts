/**
 * The registry is the files on disk: every sender file of src/notify is in
 * the union, each sender's schema is the union's option for its type, and
 * each sender builds a request for a message (the conformance every sender
 * passes).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { NotifyTarget, notifyTypes } from '../../src/notify/index.ts';
import { buildMessage } from '../../src/notify/message.ts';
import type { OutgoingRequest } from '../../src/notify/sender.ts';
import { AT, stepDecision } from './support.ts';

/** The files of src/notify that are not senders: the shared parts. */
const SHARED = ['env.ts', 'index.ts', 'message.ts', 'schema.ts', 'send.ts', 'sender.ts', 'text.ts'];
const DIR = new URL('../../src/notify/', import.meta.url);

test('every sender file is registered, under its file name', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.ts') && !SHARED.includes(f)).map((f) => f.replace(/\.ts$/, '')).sort();
  assert.deepEqual([...notifyTypes].sort(), files);
});

for (const type of notifyTypes) {
  test(`${type}: its schema is the union's option, and it builds a JSON request`, async () => {
    const mod = (await import(new URL(`${type}.ts`, DIR).href)) as Record<string, { type: string; schema: unknown; build: (m: unknown, t: unknown) => OutgoingRequest }>;
    const sender = mod[type]!;
    assert.equal(sender.type, type);
    const option = NotifyTarget.options.find((o) => o.shape.type.value === type);
    assert.equal(option, sender.schema, 'the union composes the sender\'s own schema');
    const target = NotifyTarget.parse({ type, url: 'https://example.invalid/hook' });
    const request = sender.build(buildMessage(stepDecision(), { event: 'step', at: AT }), target);
    assert.equal(request.headers['content-type'], 'application/json; charset=utf-8');
    assert.doesNotThrow(() => JSON.parse(request.body));
    assert.ok(request.body.includes('checkout'), 'names the service');
  });
}
