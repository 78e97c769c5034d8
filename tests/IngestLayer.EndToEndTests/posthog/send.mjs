// Sends identify, groupIdentify, captures (one naming its organization, one not) and a pageview through the
// official posthog-node client, changed in nothing but its host, and exits non-zero if the client reports
// any delivery error. Usage: node send.mjs <host> <projectKey> <distinctId> <organization>
import { PostHog } from 'posthog-node';

const [host, projectKey, distinctId, organization] = process.argv.slice(2);
if (!host || !projectKey || !distinctId || !organization) {
  console.error('usage: node send.mjs <host> <projectKey> <distinctId> <organization>');
  process.exit(2);
}

// flushAt above the event count: one batch, sent by shutdown() (gzip-compressed, as posthog-node does by default).
const posthog = new PostHog(projectKey, { host, flushAt: 20, flushInterval: 0, fetchRetryCount: 2, fetchRetryDelay: 200 });
const flushed = [];
posthog.on('flush', (messages) => flushed.push(messages.length));
posthog.on('error', (err) => {
  console.error('posthog-node error:', err?.message ?? err);
  process.exitCode = 1;
});

posthog.identify({ distinctId, properties: { email: 'ada@acme.example', name: 'Ada Lovelace' } });
posthog.groupIdentify({
  groupType: 'organization',
  groupKey: organization,
  properties: { name: 'Acme Inc', plan: 'free', owner: 'grace@vendor.example', slack_channel: '#grace-alerts' },
});
posthog.capture({ distinctId, event: 'feature.used', properties: { feature: 'reports.schedule', count: 3 }, groups: { organization } });
posthog.capture({ distinctId, event: 'team member invited', properties: { role: 'admin' } });
posthog.capture({ distinctId, event: '$pageview', properties: { $current_url: 'https://app.example/docs/export' } });

await posthog.shutdown(15000);
console.log(JSON.stringify({ flushed }));
if (flushed.reduce((a, b) => a + b, 0) !== 5) {
  console.error('expected 5 events flushed, got', flushed);
  process.exitCode = 1;
}
