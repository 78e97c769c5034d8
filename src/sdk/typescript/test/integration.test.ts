// Against the real host. Skipped unless INGESTLAYER_URL is set; the C# end-to-end test
// (tests/IngestLayer.EndToEndTests/TypeScriptSdkTests.cs) starts a host, sets these variables, runs
// `npm test`, then reads the account back through the ops API to check what arrived.
//   INGESTLAYER_URL           base URL of the host, e.g. http://127.0.0.1:5080
//   INGESTLAYER_WRITE_KEY     a source's write key
//   INGESTLAYER_TEST_USER     user id to send as (default: a random one)
//   INGESTLAYER_TEST_ACCOUNT  account id to send for (default: a random one)
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { createClient, type IngestError } from '../src/index.js';

type Events = {
  'feature.used': { feature: string; count?: number; plan?: string };
  'team member invited': { role: 'admin' | 'member' };
  'sdk.integration': { step: number };
};

const url = process.env.INGESTLAYER_URL;
const writeKey = process.env.INGESTLAYER_WRITE_KEY ?? '';
const user_id = process.env.INGESTLAYER_TEST_USER || `ts-user-${randomUUID().slice(0, 8)}`;
const account_id = process.env.INGESTLAYER_TEST_ACCOUNT || `ts-acme-${randomUUID().slice(0, 8)}`;
const skip = url ? false : 'INGESTLAYER_URL is not set (the C# end-to-end test sets it)';

describe('against the real host', { skip }, () => {
  it('delivers typed events; a resent message_id is counted once', async () => {
    const errors: IngestError[] = [];
    const { ingest, flush, close } = createClient<Events>({ writeKey, host: url!, onError: (e) => errors.push(e) });

    // node:test cancels a test whose event loop runs dry, before the client's beforeExit flush: flush here.
    const sent = [
      ingest('feature.used', { user_id, account_id, feature: 'csv.export', count: 2, plan: 'free' }),
      // No account_id: the host attributes it to the user's latest account.
      ingest('team member invited', { user_id, role: 'admin' }),
      ingest('feature.used', { user_id, account_id, feature: 'reports.schedule', message_id: `${account_id}-once` }),
    ];
    await flush();
    const first = await Promise.all(sent);
    assert.deepEqual(first.map((d) => d.status), ['delivered', 'delivered', 'delivered'], JSON.stringify(errors.map((e) => e.message)));

    // As if the answer had been lost and the batch sent again: same message_id, stored once.
    const again = ingest('feature.used', { user_id, account_id, feature: 'reports.schedule', message_id: `${account_id}-once` });
    await flush();
    assert.equal((await again).status, 'delivered');

    await close();
    assert.deepEqual(errors, []);
  });

  it('reports the host rejecting one event of a batch, and delivers the rest', async () => {
    const errors: IngestError[] = [];
    const client = createClient({ writeKey, host: url!, flushIntervalMs: 60_000, onError: (e) => errors.push(e) });
    const good = client.ingest('sdk.integration', { user_id, account_id, step: 1 });
    const bad = client.ingest('feature.used', { user_id, account_id, count: 1 }); // no `feature`
    await client.close();
    assert.equal((await good).status, 'delivered');
    assert.equal((await bad).status, 'rejected');
    assert.equal(errors.length, 1);
    assert.equal(errors[0].kind, 'rejected');
    assert.equal(errors[0].details.rejected?.[0]?.field?.includes('feature'), true, errors[0].message);
  });

  it('does not retry a wrong write key (401)', async () => {
    const errors: IngestError[] = [];
    const client = createClient({ writeKey: 'wk_wrong_0000000000', host: url!, onError: (e) => errors.push(e) });
    const delivery = client.ingest('sdk.integration', { user_id, account_id, step: 2 });
    await client.close();
    const d = await delivery;
    assert.equal(d.status, 'rejected');
    assert.equal(errors[0].kind, 'http');
    assert.equal(errors[0].status, 401);
    assert.equal(errors[0].details.attempts, 1);
  });
});
