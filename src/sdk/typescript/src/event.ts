import { newMessageId } from './ids.js';
import { ENVELOPE_KEYS, type WireEvent } from './types.js';

const envelope = new Set<string>(ENVELOPE_KEYS);

/**
 * Maps `ingest(name, fields)` to a wire event: envelope fields top-level, the rest into `properties`;
 * fills `timestamp` (now) and `message_id` (a UUID) once, so every retry sends the same id.
 * Returns a string describing the problem when the input cannot make a valid event.
 */
export function toWireEvent(name: unknown, fields: unknown, now: Date = new Date()): WireEvent | string {
  if (typeof name !== 'string' || name.trim() === '') return 'event name must be a non-empty string';
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return 'fields must be an object';
  const f = fields as Record<string, unknown>;

  const userId = f.user_id;
  const anonymousId = f.anonymous_id;
  const hasUser = (typeof userId === 'string' && userId !== '') || (typeof userId === 'number' && Number.isInteger(userId));
  const hasAnonymous = typeof anonymousId === 'string' && anonymousId !== '';
  if (userId !== undefined && userId !== null && !hasUser) return 'user_id must be a non-empty string or an integer';
  if (anonymousId !== undefined && anonymousId !== null && !hasAnonymous) return 'anonymous_id must be a non-empty string';
  if (!hasUser && !hasAnonymous) return 'user_id or anonymous_id is required';
  if (f.account_id !== undefined && f.account_id !== null && (typeof f.account_id !== 'string' || f.account_id === '')) {
    return 'account_id must be a non-empty string';
  }
  if (f.message_id !== undefined && f.message_id !== null && (typeof f.message_id !== 'string' || f.message_id === '')) {
    return 'message_id must be a non-empty string';
  }

  let timestamp: string;
  const ts = f.timestamp;
  if (ts === undefined || ts === null) timestamp = now.toISOString();
  else if (ts instanceof Date && !Number.isNaN(ts.getTime())) timestamp = ts.toISOString();
  else if (typeof ts === 'string' && !Number.isNaN(Date.parse(ts))) timestamp = ts;
  else return 'timestamp must be a Date or an ISO 8601 string';

  const properties: Record<string, unknown> = {};
  for (const key of Object.keys(f)) {
    if (!envelope.has(key) && f[key] !== undefined) properties[key] = f[key];
  }

  const wire: WireEvent = { event: name, timestamp, message_id: (f.message_id as string | undefined) || newMessageId(), properties };
  if (hasUser) wire.user_id = userId as string | number;
  if (hasAnonymous) wire.anonymous_id = anonymousId as string;
  if (typeof f.account_id === 'string') wire.account_id = f.account_id;
  return wire;
}
