import type { RejectedEvent, WireEvent } from './types.js';

/**
 * Why events were not delivered:
 * `invalid`: refused before sending (no identity, not JSON, over `maxEventBytes`);
 * `queue_full`: dropped, the queue held `maxQueueSize` events;
 * `closed`: ingested after `close()`;
 * `rejected`: the host refused these events (listed with `index`/`field`/`error`);
 * `http`: the host answered a 4xx other than 429 (401 bad write key, 413, …): not retried;
 * `retries_exhausted`: network errors, timeouts, 429 or 5xx past `maxRetries`.
 */
export type IngestErrorKind = 'invalid' | 'queue_full' | 'closed' | 'rejected' | 'http' | 'retries_exhausted';

export class IngestError extends Error {
  override readonly name = 'IngestError';

  constructor(
    readonly kind: IngestErrorKind,
    message: string,
    /** The events concerned. */
    readonly events: WireEvent[],
    readonly details: {
      /** The last HTTP status, if the host answered. */
      status?: number;
      /** Per-event errors from the host, by index into `events`. */
      rejected?: RejectedEvent[];
      /** The host's answer body (trimmed) or the network error. */
      cause?: unknown;
      /** Requests made for these events. */
      attempts?: number;
    } = {},
  ) {
    super(message);
  }

  get status(): number | undefined {
    return this.details.status;
  }
}
