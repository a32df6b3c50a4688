import { MAX_RETRY_DELAY_MS, retryDelayMs } from './webhook-retry';

describe('retryDelayMs', () => {
  const low = () => 0;
  const high = () => 0.999999;
  const mid = () => 0.5;

  it('should double the delay with each attempt when no jitter applies', () => {
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, 2000, mid))).toEqual([2000, 4000, 8000, 16000, 32000]);
  });

  it('should stay within ±25% of base * 2^(attempts-1) when jittered', () => {
    for (let attempts = 1; attempts <= 10; attempts++) {
      const exact = 1000 * 2 ** (attempts - 1);
      expect(retryDelayMs(attempts, 1000, low)).toBe(exact * 0.75);
      expect(retryDelayMs(attempts, 1000, high)).toBeLessThanOrEqual(exact * 1.25);
      expect(retryDelayMs(attempts, 1000, high)).toBeGreaterThan(exact * 1.24);
      const random = retryDelayMs(attempts, 1000);
      expect(random).toBeGreaterThanOrEqual(exact * 0.75);
      expect(random).toBeLessThanOrEqual(exact * 1.25);
    }
  });

  it('should never exceed one hour when attempts grow large', () => {
    for (const attempts of [12, 13, 20, 50, 1000]) {
      expect(retryDelayMs(attempts, 2000, high)).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
      expect(retryDelayMs(attempts, 2000, low)).toBeGreaterThanOrEqual(MAX_RETRY_DELAY_MS * 0.75);
    }
  });
});
