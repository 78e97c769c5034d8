// Sends identify, group, track and page calls through the official Segment Node client, changed in
// nothing but its host, and exits non-zero if the client reports any delivery error.
// Usage: node send.mjs <host> <writeKey> <userId> <accountId>
import { Analytics } from '@segment/analytics-node';

const [host, writeKey, userId, accountId] = process.argv.slice(2);
if (!host || !writeKey || !userId || !accountId) {
  console.error('usage: node send.mjs <host> <writeKey> <userId> <accountId>');
  process.exit(2);
}

const analytics = new Analytics({ writeKey, host, flushAt: 20, flushInterval: 200, maxRetries: 3 });
const statuses = [];
analytics.on('http_response', (r) => statuses.push(r.status));
analytics.on('error', (err) => {
  console.error('analytics-node error:', err?.reason ?? err);
  process.exitCode = 1;
});

analytics.identify({ userId, traits: { email: 'ada@acme.example', name: 'Ada Lovelace' } });
analytics.group({
  userId,
  groupId: accountId,
  traits: { name: 'Acme Inc', plan: 'free', owner: 'grace@vendor.example', slack_channel: '#grace-alerts' },
});
analytics.track({ userId, event: 'feature.used', properties: { feature: 'reports.schedule', count: 3 }, context: { groupId: accountId } });
analytics.track({ userId, event: 'team member invited', properties: { role: 'admin' } });
analytics.page({ userId, name: 'Docs', properties: { url: 'https://app.example/docs/export' } });

await analytics.closeAndFlush({ timeout: 15000 });
console.log(JSON.stringify({ statuses }));
if (statuses.length === 0 || statuses.some((s) => s < 200 || s >= 300)) {
  console.error('unexpected HTTP statuses:', statuses);
  process.exitCode = 1;
}
