import { retryDelay } from './backoff.js';
import { IngestError, type IngestErrorKind } from './errors.js';
import { toWireEvent } from './event.js';
import { hookExit } from './exit.js';
import { postBatch, type TransportOptions } from './transport.js';
import type { Client, ClientOptions, Delivery, DeliveryStatus, EventMap, RejectedEvent, UntypedEvents, WireEvent } from './types.js';

interface Pending {
  wire: WireEvent;
  json: string;
  bytes: number;
  settle: (delivery: Delivery) => void;
}

const KEEPALIVE_MAX_BYTES = 60_000; // browsers cap keepalive bodies at 64 KiB
const encoder = new TextEncoder();

/**
 * Creates a client. Give it your event map for checked event names and fields:
 * `const { ingest, close } = createClient<MyEvents>({ writeKey, host })`. Its methods are bound, so they
 * can be destructured.
 */
export function createClient<E extends EventMap<E> = UntypedEvents>(options: ClientOptions): Client<E> {
  if (!options || typeof options.writeKey !== 'string' || options.writeKey === '') throw new TypeError('createClient: writeKey is required');
  if (typeof options.host !== 'string' || !/^https?:\/\//.test(options.host)) throw new TypeError('createClient: host must be an http(s) URL');
  const fetchImpl = options.fetch ?? (globalThis.fetch ? globalThis.fetch.bind(globalThis) : undefined);
  if (!fetchImpl) throw new TypeError('createClient: no fetch in this runtime (Node 18+ or a browser); pass options.fetch');

  const maxBatchSize = positive(options.maxBatchSize, 100);
  const maxBatchBytes = positive(options.maxBatchBytes, 450_000);
  const maxEventBytes = positive(options.maxEventBytes, 32_768);
  const flushIntervalMs = nonNegative(options.flushIntervalMs, 1_000);
  const maxQueueSize = positive(options.maxQueueSize, 10_000);
  const maxRetries = nonNegative(options.maxRetries, 6);
  const minRetryDelayMs = nonNegative(options.minRetryDelayMs, 200);
  const maxRetryDelayMs = nonNegative(options.maxRetryDelayMs, 30_000);
  const transport: TransportOptions = {
    url: `${options.host.replace(/\/+$/, '')}/v1/events`,
    authorization: options.auth === 'basic' ? `Basic ${btoa(`${options.writeKey}:`)}` : `Bearer ${options.writeKey}`,
    timeoutMs: positive(options.requestTimeoutMs, 10_000),
    fetch: fetchImpl,
  };

  const queue: Pending[] = [];
  let inFlight = 0;
  let draining: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let keepalive = false;
  let closed = false;

  const report = (error: IngestError) => {
    try {
      options.onError?.(error);
    } catch {
      // the hook's own failure must not break delivery
    }
  };

  const refuse = (kind: IngestErrorKind, status: DeliveryStatus, message: string, wire: WireEvent): Delivery => {
    const error = new IngestError(kind, message, [wire]);
    report(error);
    return { status, message_id: wire.message_id, error };
  };

  const scheduleTimer = () => {
    if (timer !== undefined || draining) return;
    timer = setTimeout(() => {
      timer = undefined;
      startDrain();
    }, flushIntervalMs);
    // Node: the timer alone does not keep the process alive; `beforeExit` flushes instead.
    (timer as { unref?: () => void }).unref?.();
  };

  const clearTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  const startDrain = (): Promise<void> => {
    clearTimer();
    draining ??= drain().finally(() => {
      draining = undefined;
      keepalive = false;
      if (queue.length > 0) scheduleTimer();
    });
    return draining;
  };

  // One batch in flight at a time, so events go out in order and a struggling host is not piled on.
  const drain = async () => {
    while (queue.length > 0) {
      const limit = keepalive ? Math.min(maxBatchBytes, KEEPALIVE_MAX_BYTES) : maxBatchBytes;
      let bytes = 12; // {"events":[]}
      let count = 0;
      while (count < queue.length && count < maxBatchSize && (count === 0 || bytes + queue[count].bytes + 1 <= limit)) {
        bytes += queue[count].bytes + 1;
        count++;
      }
      const batch = queue.splice(0, count);
      inFlight += batch.length;
      try {
        await send(batch, keepalive);
      } finally {
        inFlight -= batch.length;
      }
    }
  };

  const send = async (batch: Pending[], useKeepalive: boolean): Promise<void> => {
    const body = `{"events":[${batch.map((p) => p.json).join(',')}]}`;
    const events = batch.map((p) => p.wire);
    for (let attempt = 1; ; attempt++) {
      const outcome = await postBatch(transport, body, useKeepalive);
      switch (outcome.kind) {
        case 'ok': {
          settleByIndex(batch, outcome.rejected, outcome.status, attempt);
          return;
        }
        case 'too_large': {
          if (batch.length > 1) {
            // The host's body limit is lower than ours: halve and send each half.
            const half = Math.ceil(batch.length / 2);
            await send(batch.slice(0, half), useKeepalive);
            await send(batch.slice(half), useKeepalive);
            return;
          }
          failAll(batch, new IngestError('http', `the host refused the event as too large (413)`, events, { status: 413, cause: outcome.cause, attempts: attempt }), 'rejected');
          return;
        }
        case 'fail': {
          if (outcome.rejected && outcome.rejected.length > 0) {
            // 400: none of the batch was valid; the host says why for each.
            settleByIndex(batch, outcome.rejected, outcome.status, attempt, true);
            return;
          }
          const hint = outcome.status === 401 ? ' (missing or unknown write key)' : '';
          failAll(batch, new IngestError('http', `the host answered ${outcome.status}${hint}; not retried`, events, { status: outcome.status, cause: outcome.cause, attempts: attempt }), 'rejected');
          return;
        }
        case 'retry': {
          if (attempt > maxRetries) {
            const what = outcome.status ? `HTTP ${outcome.status}` : String((outcome.cause as Error)?.message ?? outcome.cause);
            failAll(batch, new IngestError('retries_exhausted', `gave up after ${attempt} attempts: ${what}`, events, { status: outcome.status, cause: outcome.cause, attempts: attempt }), 'failed');
            return;
          }
          await sleep(retryDelay(attempt - 1, minRetryDelayMs, maxRetryDelayMs, outcome.retryAfterMs));
        }
      }
    }
  };

  const settleByIndex = (batch: Pending[], rejected: RejectedEvent[], status: number, attempts: number, allRejected = false) => {
    const byIndex = new Map<number, RejectedEvent[]>();
    for (const r of rejected) {
      if (r.index >= 0 && r.index < batch.length) byIndex.set(r.index, [...(byIndex.get(r.index) ?? []), r]);
    }
    if (allRejected) {
      batch.forEach((_, i) => byIndex.has(i) || byIndex.set(i, [{ index: i, error: 'rejected with the rest of the batch' }]));
    }
    let error: IngestError | undefined;
    if (byIndex.size > 0) {
      const indexes = [...byIndex.keys()].sort((a, b) => a - b);
      error = new IngestError(
        'rejected',
        `the host rejected ${indexes.length} of ${batch.length} events: ${indexes.map((i) => byIndex.get(i)!.map((r) => `#${i} ${r.field ?? ''} ${r.error}`.replace(/\s+/g, ' ')).join('; ')).join('; ')}`,
        indexes.map((i) => batch[i].wire),
        { status, attempts, rejected: indexes.flatMap((i, position) => byIndex.get(i)!.map((r) => ({ ...r, index: position }))) },
      );
      report(error);
    }
    batch.forEach((p, i) => p.settle(byIndex.has(i) ? { status: 'rejected', message_id: p.wire.message_id, error } : { status: 'delivered', message_id: p.wire.message_id }));
  };

  const failAll = (batch: Pending[], error: IngestError, status: DeliveryStatus) => {
    report(error);
    for (const p of batch) p.settle({ status, message_id: p.wire.message_id, error });
  };

  const flush = async (): Promise<void> => {
    while (queue.length > 0 || draining) await startDrain();
  };

  const unhook = options.flushOnExit === false
    ? () => {}
    : hookExit((useKeepalive) => {
        if (queue.length === 0) return;
        keepalive = useKeepalive;
        void flush();
      });

  const ingest = (event: string, fields: object): Promise<Delivery> => {
    const wire = toWireEvent(event, fields);
    if (typeof wire === 'string') {
      const error = new IngestError('invalid', `invalid event ${JSON.stringify(event)}: ${wire}`, []);
      report(error);
      return Promise.resolve({ status: 'rejected', message_id: (fields as { message_id?: string } | undefined)?.message_id ?? '', error });
    }
    if (closed) return Promise.resolve(refuse('closed', 'dropped', 'the client is closed; event dropped', wire));

    let json: string;
    try {
      json = JSON.stringify(wire);
    } catch (e) {
      return Promise.resolve(refuse('invalid', 'rejected', `invalid event ${JSON.stringify(event)}: properties are not JSON (${(e as Error).message})`, wire));
    }
    const bytes = encoder.encode(json).length;
    if (bytes > maxEventBytes) {
      return Promise.resolve(refuse('invalid', 'rejected', `event ${JSON.stringify(event)} is ${bytes} bytes, over the ${maxEventBytes}-byte limit`, wire));
    }
    if (queue.length + inFlight >= maxQueueSize) {
      return Promise.resolve(refuse('queue_full', 'dropped', `queue full (${maxQueueSize} events held); newest event dropped`, wire));
    }

    return new Promise<Delivery>((settle) => {
      queue.push({ wire, json, bytes, settle });
      if (queue.length >= maxBatchSize) startDrain();
      else scheduleTimer();
    });
  };

  const close = async (): Promise<void> => {
    closed = true;
    unhook();
    await flush();
    clearTimer();
  };

  return {
    ingest: ingest as Client<E>['ingest'],
    flush,
    close,
    get pending() {
      return queue.length + inFlight;
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function positive(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

function nonNegative(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
