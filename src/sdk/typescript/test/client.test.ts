import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createClient, IngestError, type Delivery } from '../src/index.js';
import { accept, startFakeHost, type FakeHost, type Responder } from './helpers/server.js';

type Events = {
  'feature.used': { feature: string; count?: number; plan?: string };
  'team member invited': { role: string };
};

const hosts: FakeHost[] = [];
after(async () => {
  await Promise.all(hosts.map((h) => h.close()));
});

async function setup(respond?: Responder, options: Partial<Parameters<typeof createClient>[0]> = {}) {
  const host = await startFakeHost(respond);
  hosts.push(host);
  const errors: IngestError[] = [];
  const client = createClient<Events>({
    writeKey: 'wk_test_123456',
    host: host.url + '/',
    flushIntervalMs: 20,
    minRetryDelayMs: 5,
    maxRetryDelayMs: 40,
    flushOnExit: false,
    onError: (e) => errors.push(e),
    ...options,
  });
  return { host, client, errors };
}

describe('wire format', () => {
  it('puts envelope fields top-level and everything else in properties', async () => {
    const { host, client } = await setup();
    const delivery = await client.ingest('feature.used', { user_id: 'u1', account_id: 'acme', feature: 'csv.export', count: 1, plan: 'free' });
    assert.equal(delivery.status, 'delivered');
    assert.equal(host.requests.length, 1);
    const [r] = host.requests;
    assert.equal(r.method, 'POST');
    assert.equal(r.url, '/v1/events');
    assert.equal(r.headers.authorization, 'Bearer wk_test_123456');
    assert.match(String(r.headers['content-type']), /^application\/json/);
    const [e] = r.body.events;
    assert.deepEqual(Object.keys(e).sort(), ['account_id', 'event', 'message_id', 'properties', 'timestamp', 'user_id']);
    assert.equal(e.event, 'feature.used');
    assert.equal(e.user_id, 'u1');
    assert.equal(e.account_id, 'acme');
    assert.deepEqual(e.properties, { feature: 'csv.export', count: 1, plan: 'free' });
    assert.equal(e.message_id, delivery.message_id);
    assert.match(String(e.message_id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.ok(Math.abs(Date.parse(String(e.timestamp)) - Date.now()) < 5_000);
    await client.close();
  });

  it('keeps a given message_id, timestamp and anonymous_id; sends basic auth when asked', async () => {
    const { host, client } = await setup(accept, { auth: 'basic' });
    await client.ingest('team member invited', { anonymous_id: 'anon-1', role: 'admin', message_id: 'm-42', timestamp: new Date('2026-11-30T10:00:00Z') });
    const [e] = host.events();
    assert.equal(e.message_id, 'm-42');
    assert.equal(e.timestamp, '2026-11-30T10:00:00.000Z');
    assert.equal(e.anonymous_id, 'anon-1');
    assert.equal('user_id' in e, false);
    assert.equal(host.requests[0].headers.authorization, `Basic ${Buffer.from('wk_test_123456:').toString('base64')}`);
    await client.close();
  });

  it('refuses an event without identity or over the size limit before sending, and says why', async () => {
    const { host, client, errors } = await setup(accept, { maxEventBytes: 300 });
    const untyped = client.ingest as (name: string, fields: object) => Promise<Delivery>;
    const noId = await untyped('feature.used', { feature: 'x' });
    const big = await client.ingest('feature.used', { user_id: 'u1', feature: 'x'.repeat(400) });
    const noName = await untyped('', { user_id: 'u1' });
    assert.deepEqual([noId.status, big.status, noName.status], ['rejected', 'rejected', 'rejected']);
    assert.deepEqual(errors.map((e) => e.kind), ['invalid', 'invalid', 'invalid']);
    assert.match(errors[0].message, /user_id or anonymous_id is required/);
    assert.match(errors[1].message, /over the 300-byte limit/);
    await client.flush();
    assert.equal(host.requests.length, 0);
    await client.close();
  });
});

describe('batching', () => {
  it('sends a full batch at once and the rest on flush, in order', async () => {
    const { host, client } = await setup(accept, { maxBatchSize: 3, flushIntervalMs: 60_000 });
    const deliveries = Array.from({ length: 7 }, (_, i) => client.ingest('feature.used', { user_id: 'u1', feature: `f${i}` }));
    await client.flush();
    assert.deepEqual(host.requests.map((r) => r.body.events.length), [3, 3, 1]);
    assert.deepEqual(host.events().map((e) => (e.properties as { feature: string }).feature), ['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6']);
    assert.ok((await Promise.all(deliveries)).every((d) => d.status === 'delivered'));
    assert.equal(client.pending, 0);
    await client.close();
  });

  it('sends a partial batch after flushIntervalMs without a flush', async () => {
    const { host, client } = await setup(accept, { flushIntervalMs: 50 });
    const started = Date.now();
    const a = client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
    const b = client.ingest('feature.used', { user_id: 'u2', feature: 'b' });
    assert.equal(host.requests.length, 0);
    await Promise.all([a, b]);
    assert.equal(host.requests.length, 1);
    assert.equal(host.requests[0].body.events.length, 2);
    assert.ok(Date.now() - started >= 45, 'waited for the interval');
    await client.close();
  });

  it('keeps a request under maxBatchBytes', async () => {
    const { host, client } = await setup(accept, { maxBatchBytes: 1_000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) void client.ingest('feature.used', { user_id: 'u1', feature: 'x'.repeat(200) });
    await client.flush();
    assert.ok(host.requests.length >= 4, `${host.requests.length} requests`);
    assert.equal(host.events().length, 10);
    await client.close();
  });

  it('halves a batch the host answers 413 for', async () => {
    const { host, client, errors } = await setup((r) => (r.body.events.length > 2 ? { status: 413, body: { detail: 'too large' } } : accept(r, 0)), { flushIntervalMs: 60_000 });
    const deliveries = Array.from({ length: 5 }, (_, i) => client.ingest('feature.used', { user_id: 'u1', feature: `f${i}` }));
    await client.flush();
    assert.deepEqual(host.requests.map((r) => r.body.events.length), [5, 3, 2, 1, 2]);
    assert.ok((await Promise.all(deliveries)).every((d) => d.status === 'delivered'));
    assert.equal(errors.length, 0);
    await client.close();
  });
});

describe('bounded queue', () => {
  it('drops the newest event when maxQueueSize events are held, and reports it', async () => {
    const { host, client, errors } = await setup(accept, { maxQueueSize: 2, flushIntervalMs: 60_000 });
    const first = client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
    const second = client.ingest('feature.used', { user_id: 'u1', feature: 'b' });
    const third = await client.ingest('feature.used', { user_id: 'u1', feature: 'c' });
    assert.equal(third.status, 'dropped');
    assert.equal(third.error?.kind, 'queue_full');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].kind, 'queue_full');
    await client.flush();
    assert.deepEqual([(await first).status, (await second).status], ['delivered', 'delivered']);
    assert.equal(host.events().length, 2);
    // Room again once delivered.
    const fourth = client.ingest('feature.used', { user_id: 'u1', feature: 'd' });
    await client.flush();
    assert.equal((await fourth).status, 'delivered');
    await client.close();
  });
});

describe('retries', () => {
  it('retries 503 no sooner than Retry-After, with the same message_ids', async () => {
    const { host, client, errors } = await setup((r, i) => (i === 0 ? { status: 503, headers: { 'Retry-After': '1' }, body: { detail: 'busy' } } : accept(r, i)));
    const delivery = await client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
    assert.equal(delivery.status, 'delivered');
    assert.equal(host.requests.length, 2);
    assert.ok(host.requests[1].at - host.requests[0].at >= 950, `retried after ${host.requests[1].at - host.requests[0].at} ms`);
    assert.deepEqual(host.requests[1].body.events.map((e) => e.message_id), host.requests[0].body.events.map((e) => e.message_id));
    assert.equal(errors.length, 0);
    await client.close();
  });

  it('retries 429, 500 and dropped connections with backoff, then delivers', async () => {
    const script = [{ status: 429 }, { status: 500 }, 'destroy', { status: 502 }] as const;
    const { host, client } = await setup((r, i) => (i < script.length ? (script[i] as ReturnType<Responder>) : accept(r, i)));
    const delivery = await client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
    assert.equal(delivery.status, 'delivered');
    assert.equal(host.requests.length, 5);
    assert.equal(new Set(host.events().map((e) => e.message_id)).size, 1, 'one message_id across the attempts');
    await client.close();
  });

  it('retries a request that times out', async () => {
    const { host, client } = await setup((r, i) => (i === 0 ? 'hang' : accept(r, i)), { requestTimeoutMs: 100 });
    assert.equal((await client.ingest('feature.used', { user_id: 'u1', feature: 'a' })).status, 'delivered');
    assert.equal(host.requests.length, 2);
    await client.close();
  });

  it('gives up after maxRetries, reports it and moves on to the next batch', async () => {
    const { host, client, errors } = await setup((r, i) => (i < 3 ? { status: 500, body: { detail: 'boom' } } : accept(r, i)), { maxRetries: 2 });
    const failed = await client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
    assert.equal(failed.status, 'failed');
    assert.equal(host.requests.length, 3);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].kind, 'retries_exhausted');
    assert.equal(errors[0].status, 500);
    assert.equal(errors[0].details.attempts, 3);
    assert.equal(errors[0].events.length, 1);
    assert.equal((await client.ingest('feature.used', { user_id: 'u1', feature: 'b' })).status, 'delivered');
    await client.close();
  });

  for (const status of [400, 401, 403, 404, 422]) {
    it(`does not retry ${status}; onError gets it`, async () => {
      const { host, client, errors } = await setup(() => ({ status, body: { title: 'nope' } }));
      const delivery = await client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
      assert.equal(delivery.status, 'rejected');
      assert.equal(host.requests.length, 1);
      assert.equal(errors.length, 1);
      assert.equal(errors[0].kind, 'http');
      assert.equal(errors[0].status, status);
      await client.close();
    });
  }
});

describe('rejections by index', () => {
  it('settles each event of a 200 with its own outcome and reports the rejected ones', async () => {
    const { client, errors } = await setup(() => ({ status: 200, body: { accepted: 2, duplicates: 0, rejected: [{ index: 1, field: 'properties.count', error: 'must be 1-1000000' }] } }), { flushIntervalMs: 60_000 });
    const deliveries = [0, 1, 2].map((i) => client.ingest('feature.used', { user_id: 'u1', feature: 'a', count: i === 1 ? 0 : 1 }));
    await client.flush();
    assert.deepEqual((await Promise.all(deliveries)).map((d) => d.status), ['delivered', 'rejected', 'delivered']);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].kind, 'rejected');
    assert.equal(errors[0].events.length, 1);
    assert.deepEqual(errors[0].details.rejected, [{ index: 0, field: 'properties.count', error: 'must be 1-1000000' }]);
    assert.match(errors[0].message, /properties\.count must be 1-1000000/);
    await client.close();
  });

  it('settles a 400 that lists its errors per event, without retrying', async () => {
    const { host, client, errors } = await setup(() => ({ status: 400, body: { detail: 'no valid event', errors: [{ index: 0, field: 'event', error: 'required' }] } }));
    const d = await client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
    assert.equal(d.status, 'rejected');
    assert.equal(host.requests.length, 1);
    assert.equal(errors[0].kind, 'rejected');
    await client.close();
  });
});

describe('flush and close', () => {
  it('close flushes what is queued, then drops later events as closed', async () => {
    const { host, client, errors } = await setup(accept, { flushIntervalMs: 60_000 });
    const queued = client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
    await client.close();
    assert.equal((await queued).status, 'delivered');
    assert.equal(host.events().length, 1);
    const late = await client.ingest('feature.used', { user_id: 'u1', feature: 'b' });
    assert.equal(late.status, 'dropped');
    assert.equal(errors.at(-1)?.kind, 'closed');
  });

  it('flush waits for a batch that is being retried', async () => {
    const { host, client } = await setup((r, i) => (i < 2 ? { status: 503 } : accept(r, i)), { flushIntervalMs: 0 });
    const d = client.ingest('feature.used', { user_id: 'u1', feature: 'a' });
    await new Promise((r) => setTimeout(r, 5));
    await client.flush();
    assert.equal(host.requests.length, 3);
    assert.equal((await d).status, 'delivered');
    await client.close();
  });

  it('an onError that throws does not break delivery', async () => {
    const { host, client } = await setup((r, i) => (i === 0 ? { status: 401 } : accept(r, i)), {
      onError: () => {
        throw new Error('hook failed');
      },
    });
    assert.equal((await client.ingest('feature.used', { user_id: 'u1', feature: 'a' })).status, 'rejected');
    assert.equal((await client.ingest('feature.used', { user_id: 'u1', feature: 'b' })).status, 'delivered');
    assert.equal(host.requests.length, 2);
    await client.close();
  });
});
