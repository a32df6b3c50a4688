/** No retry waits longer than this, whatever the attempt count. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * The wait before the next attempt after `attempts` failed ones: base * 2^(attempts-1), with ±25% jitter
 * so receivers coming back up are not hit by every sender at once, and never more than an hour.
 */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.max(0, attempts - 1));
  const jitter = 0.75 + random() * 0.5;
  return Math.min(MAX_RETRY_DELAY_MS, Math.round(exponential * jitter));
}
