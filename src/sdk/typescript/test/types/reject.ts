// Must NOT compile: test/types.test.ts runs `tsc` on this file and expects exactly the error codes
// marked `// expect TSnnnn` on the lines that follow each mark, and no others.
import { createClient } from '../../src/index.js';
import type { AppEvents } from './events.js';

const { ingest } = createClient<AppEvents>({ writeKey: 'wk_live_123456', host: 'http://127.0.0.1:5080' });
const user_id = 'u1';

// Unknown event name.
// expect TS2345
void ingest('feature.usd', { user_id, feature: 'csv.export' });

// Missing required property (feature).
// expect TS2345
void ingest('feature.used', { user_id, count: 1 });

// Mistyped property: count is a number.
// expect TS2322
void ingest('feature.used', { user_id, feature: 'csv.export', count: '1' });

// Misspelt property name: tsc suggests the right one.
// expect TS2561
void ingest('feature.used', { user_id, feature: 'csv.export', cuont: 1 });

// A value outside a union of literals.
// expect TS2322
void ingest('team member invited', { user_id, role: 'owner' });

// No identity: user_id or anonymous_id is required.
// expect TS2345
void ingest('feature.used', { account_id: 'acme', feature: 'csv.export' });

// account_id is a string.
// expect TS2322
void ingest('feature.used', { user_id, account_id: 7, feature: 'csv.export' });

// A property the event does not declare.
// expect TS2353
void ingest('team member invited', { user_id, role: 'admin', colour: 'red' });
