export { createClient } from './client.js';
export { IngestError, type IngestErrorKind } from './errors.js';
export { retryDelay, parseRetryAfter } from './backoff.js';
export {
  ENVELOPE_KEYS,
  type Client,
  type ClientOptions,
  type Delivery,
  type DeliveryStatus,
  type Envelope,
  type EnvelopeKey,
  type EventFields,
  type EventMap,
  type Identity,
  type RejectedEvent,
  type UntypedEvents,
  type UserId,
  type WireEvent,
} from './types.js';
