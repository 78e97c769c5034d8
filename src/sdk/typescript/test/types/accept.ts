// Must compile: `tsc` exits 0 on this file (checked by test/types.test.ts).
import { createClient, type Delivery } from '../../src/index.js';
import type { AppEvents, InterfaceEvents } from './events.js';

const { ingest, flush, close } = createClient<AppEvents>({ writeKey: 'wk_live_123456', host: 'http://127.0.0.1:5080' });
const user_id = 'u1';
const plan = 'free' as const;

// The seed's call: user_id is an envelope field, the rest are properties.
export async function seed(): Promise<Delivery> {
  return await ingest('feature.used', { user_id, feature: 'csv.export', count: 1, plan });
}

void ingest('feature.used', { user_id: 42, account_id: 'acme', feature: 'csv.export' });
void ingest('feature.used', { anonymous_id: 'anon-7', feature: 'reports.schedule', timestamp: new Date(), message_id: 'm-1' });
void ingest('team member invited', { user_id, account_id: 'acme', role: 'admin', timestamp: '2026-11-30T10:00:00Z' });
void ingest('billing invoice payment failed', { user_id, amount_cents: 4900, currency: 'EUR' });
void flush();
void close();

const typed = createClient<InterfaceEvents>({ writeKey: 'k', host: 'https://ingest.example' });
void typed.ingest('report.exported', { user_id, format: 'pdf' });

// Without an event map: any name, any properties, still an identity.
const loose = createClient({ writeKey: 'k', host: 'https://ingest.example' });
void loose.ingest('anything at all', { user_id, whatever: [1, 2, 3], nested: { ok: true } });
