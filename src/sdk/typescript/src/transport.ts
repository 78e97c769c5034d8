import { parseRetryAfter } from './backoff.js';
import type { RejectedEvent } from './types.js';

/** What one POST of a batch came to. */
export type SendOutcome =
  | { kind: 'ok'; status: number; accepted: number; duplicates: number; rejected: RejectedEvent[] }
  /** Network error, timeout, 429 or 5xx: worth another try. */
  | { kind: 'retry'; status?: number; retryAfterMs?: number; cause: unknown }
  /** 413: the body or one event is too large. */
  | { kind: 'too_large'; status: number; cause: unknown }
  /** Any other 4xx: retrying would get the same answer. `rejected` when a 400 lists the events. */
  | { kind: 'fail'; status: number; rejected?: RejectedEvent[]; cause: unknown };

export interface TransportOptions {
  url: string;
  authorization: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** Posts one `{"events": [...]}` body and classifies the answer. Never throws. */
export async function postBatch(options: TransportOptions, body: string, keepalive = false): Promise<SendOutcome> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await options.fetch(options.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: options.authorization },
      body,
      signal: controller.signal,
      keepalive,
    });
    text = await response.text();
  } catch (error) {
    return { kind: 'retry', cause: controller.signal.aborted ? new Error(`request timed out after ${options.timeoutMs} ms`) : error };
  } finally {
    clearTimeout(timer);
  }

  const status = response.status;
  const json = tryParse(text);
  if (status >= 200 && status < 300) {
    return {
      kind: 'ok',
      status,
      accepted: numberOr(json?.accepted, 0),
      duplicates: numberOr(json?.duplicates, 0),
      rejected: rejectedList(json?.rejected),
    };
  }

  const cause = text.length > 500 ? `${text.slice(0, 500)}…` : text;
  if (status === 429 || status >= 500) {
    return { kind: 'retry', status, retryAfterMs: parseRetryAfter(response.headers.get('Retry-After')), cause };
  }
  if (status === 413) return { kind: 'too_large', status, cause };
  return { kind: 'fail', status, rejected: status === 400 ? rejectedList(json?.errors) : undefined, cause };
}

function tryParse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function rejectedList(value: unknown): RejectedEvent[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && typeof (r as { index?: unknown }).index === 'number')
    .map((r) => ({
      index: r.index as number,
      field: typeof r.field === 'string' ? r.field : undefined,
      error: typeof r.error === 'string' ? r.error : String(r.error ?? 'rejected'),
    }));
}
