import type { IngestError } from './errors.js';

/** A user id: a string or an integer, as the ingestion API takes it. */
export type UserId = string | number;

/** Who did it: `user_id`, or `anonymous_id` for a visitor not yet identified (or both). */
export type Identity =
  | { user_id: UserId; anonymous_id?: string }
  | { user_id?: UserId; anonymous_id: string };

/** Envelope fields besides the identity: they go top-level in the wire event, never into `properties`. */
export interface Envelope {
  /** The account (company). Else the host uses the user's latest known account. */
  account_id?: string;
  /** When it happened; default: the time of the `ingest` call. */
  timestamp?: Date | string;
  /** Dedupe id; default: a random UUID generated once per event, so a retry is never counted twice. */
  message_id?: string;
}

/** The names that are envelope fields; every other field of an event goes into `properties`. */
export const ENVELOPE_KEYS = ['user_id', 'anonymous_id', 'account_id', 'timestamp', 'message_id'] as const;
export type EnvelopeKey = (typeof ENVELOPE_KEYS)[number];

/**
 * Your events: event name → its properties. For example
 * `{ 'feature.used': { feature: string; count?: number; plan?: string } }`.
 * Leave out envelope fields (`user_id`, `account_id`, …): every event takes them.
 */
export type EventMap<E = Record<string, object>> = { [K in keyof E]: object };

/** When no event map is given: any name, any properties. */
export type UntypedEvents = { [name: string]: Record<string, unknown> };

/** What `ingest(name, fields)` takes for an event: its properties, the identity and the envelope, flat. */
export type EventFields<P> = P & Identity & Envelope;

/** An event as it goes over the wire (`POST /v1/events`). */
export interface WireEvent {
  event: string;
  user_id?: UserId;
  anonymous_id?: string;
  account_id?: string;
  timestamp: string;
  message_id: string;
  properties: Record<string, unknown>;
}

/** One rejected event of a batch, as the host reports it (`index` into the batch as sent). */
export interface RejectedEvent {
  index: number;
  field?: string;
  error: string;
}

/**
 * What became of one event:
 * `delivered`: the host stored it (or already had its `message_id`);
 * `rejected`: invalid locally, or refused by the host (4xx or listed in `rejected`); not retried;
 * `failed`: retries exhausted on network errors, 429 or 5xx;
 * `dropped`: the queue was full, or the client was closed.
 */
export type DeliveryStatus = 'delivered' | 'rejected' | 'failed' | 'dropped';

export interface Delivery {
  status: DeliveryStatus;
  message_id: string;
  /** Set unless delivered; the same error `onError` received. */
  error?: IngestError;
}

export interface ClientOptions {
  /** A source's write key (`IngestLayer:Sources:<name>:WriteKey`). */
  writeKey: string;
  /** Base URL of the host, e.g. `http://127.0.0.1:5080`; events go to `<host>/v1/events`. */
  host: string;
  /** How the write key is sent: `Authorization: Bearer <key>` (default) or Basic with the key as user name. */
  auth?: 'bearer' | 'basic';
  /** Most events per request (default 100). A full batch is sent at once. */
  maxBatchSize?: number;
  /** Most bytes per request body (default 450,000; the host takes 512,000). */
  maxBatchBytes?: number;
  /** Largest single event in bytes (default 32,768, the host's limit); larger ones are rejected locally. */
  maxEventBytes?: number;
  /** How long the first queued event waits for others before a batch is sent, in ms (default 1,000). */
  flushIntervalMs?: number;
  /** Most events held in memory, queued or being sent (default 10,000). When full, new events are dropped. */
  maxQueueSize?: number;
  /** Retries of one batch after a network error, timeout, 429 or 5xx (default 6; 0 turns retries off). */
  maxRetries?: number;
  /** Base of the exponential backoff in ms (default 200): attempt n waits about base × 2^n, half of it random. */
  minRetryDelayMs?: number;
  /** Cap of the backoff in ms (default 30,000); a `Retry-After` from the host is honoured even if longer. */
  maxRetryDelayMs?: number;
  /** One request's time limit in ms (default 10,000); a timeout is retried. */
  requestTimeoutMs?: number;
  /** Flush when a Node process is about to exit (`beforeExit`) and when a browser page is hidden (default true). */
  flushOnExit?: boolean;
  /** Told of every event that is not delivered (and why). Never throws into your code. */
  onError?: (error: IngestError) => void;
  /** A `fetch` to use instead of the global one. */
  fetch?: typeof fetch;
}

export interface Client<E extends EventMap<E> = UntypedEvents> {
  /**
   * Queues one event. Envelope fields (`user_id`, `anonymous_id`, `account_id`, `timestamp`, `message_id`)
   * go top-level; every other field becomes a property. The promise settles (never rejects) when the
   * event's fate is known: usually at the next batch, up to `flushIntervalMs` later. No need to await it.
   */
  ingest<K extends keyof E & string>(event: K, fields: EventFields<E[K]>): Promise<Delivery>;
  /** Sends everything queued now, and waits until it is delivered or has failed. */
  flush(): Promise<void>;
  /** Stops taking events, flushes, and removes the exit hook. Events ingested afterwards are dropped. */
  close(): Promise<void>;
  /** Events held in memory: queued or being sent. */
  readonly pending: number;
}
