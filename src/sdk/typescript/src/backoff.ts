/**
 * Delay before retry number `retry` (0 for the first retry): exponential from `baseMs`, capped at `maxMs`,
 * with "equal jitter" (half fixed, half random) so clients that failed together do not retry together;
 * never sooner than the host's `Retry-After`.
 */
export function retryDelay(retry: number, baseMs: number, maxMs: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** retry);
  const jittered = exp / 2 + random() * (exp / 2);
  return Math.max(jittered, retryAfterMs ?? 0);
}

/** `Retry-After` in ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
