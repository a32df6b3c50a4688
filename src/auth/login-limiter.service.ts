import { Inject, Injectable } from '@nestjs/common';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { DomainError } from '../common/errors';
import { RateLimitRedis } from '../common/rate-limit-redis';
import { authConfig, type AuthConfig } from '../config/configuration';

// Failures per email are counted, not limited: the count only decides when back-off starts.
const UNLIMITED = 1_000_000_000;

const tooMany = (res: RateLimiterRes, who: string) => {
  const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new DomainError(
    'TOO_MANY_REQUESTS',
    `Too many sign-in attempts ${who}; retry in ${retryAfter} s`,
    { retryAfterSeconds: retryAfter },
    { 'retry-after': String(retryAfter) },
  );
};

/**
 * Failed sign-ins, counted in Redis when REDIS_URL is set (shared by every instance; memory if Redis is
 * unreachable) and in memory otherwise.
 *
 * - Per client IP: at most LOGIN_RATE_LIMIT_PER_IP failures per window, then 429 until it ends.
 * - Per email: LOGIN_RATE_LIMIT_PER_EMAIL failures are free; after that each failure makes the next
 *   attempt wait 2, 4, 8… seconds (at most LOGIN_BACKOFF_MAX_SECONDS), one attempt at a time. Refused
 *   attempts do not lengthen the wait, so an attacker's guesses cannot keep the owner out for longer
 *   than the current wait; a correct password then signs in and clears the count.
 *
 * An attempt is counted before the password is checked, so parallel guesses cannot slip past a limit.
 */
@Injectable()
export class LoginLimiter {
  private readonly perIp: RateLimiterAbstract;
  private readonly failures: RateLimiterAbstract;
  private readonly turn: RateLimiterAbstract;
  private readonly freeFailures: number;
  private readonly maxWait: number;

  constructor(
    @Inject(authConfig.KEY) config: AuthConfig,
    private readonly redis: RateLimitRedis,
  ) {
    const { perIp, perEmail, windowSeconds, backoffMaxSeconds } = config.loginRateLimit;
    const prefix = `${config.rateLimitKeyPrefix}:login`;
    this.freeFailures = perEmail;
    this.maxWait = backoffMaxSeconds;
    this.perIp = this.build(`${prefix}-ip`, perIp, windowSeconds);
    this.failures = this.build(`${prefix}-email`, UNLIMITED, windowSeconds);
    // One attempt per email at a time while backing off; the key outlives a crashed check by at most
    // the longest wait, and each failure replaces it with that failure's wait.
    this.turn = this.build(`${prefix}-wait`, 1, backoffMaxSeconds);
  }

  /**
   * Runs `check` (the password check) unless a limit refuses first (429 with Retry-After). A check that
   * fails with UNAUTHORIZED counts as a failure; success clears the email's count and wait.
   */
  async attempt<T>(email: string, ip: string, check: () => Promise<T>): Promise<T> {
    await this.perIp.consume(ip).catch((e: unknown) => {
      throw e instanceof RateLimiterRes ? tooMany(e, 'from your address') : e;
    });
    let failures: number;
    try {
      failures = (await this.failures.consume(email)).consumedPoints;
      if (failures > this.freeFailures) {
        await this.turn.consume(email).catch(async (e: unknown) => {
          // Refused before any password check: it counts nowhere.
          await this.failures.reward(email, 1);
          throw e instanceof RateLimiterRes ? tooMany(e, 'for this account') : e;
        });
      }
    } catch (e) {
      await this.perIp.reward(ip, 1);
      throw e;
    }
    let result: T;
    try {
      result = await check();
    } catch (e) {
      if (e instanceof DomainError && e.code === 'UNAUTHORIZED') {
        if (failures >= this.freeFailures) await this.turn.block(email, this.waitAfter(failures));
      } else {
        // Not a wrong password (the database did not answer): give the attempt back.
        await Promise.all([
          this.perIp.reward(ip, 1),
          this.failures.reward(email, 1),
          this.turn.delete(email),
        ]);
      }
      throw e;
    }
    await Promise.all([this.perIp.reward(ip, 1), this.failures.delete(email), this.turn.delete(email)]);
    return result;
  }

  /** Seconds before the next attempt after `failures` failures: 2, 4, 8… capped. */
  private waitAfter(failures: number): number {
    const exponent = Math.min(failures - this.freeFailures + 1, 30);
    return Math.min(2 ** exponent, this.maxWait);
  }

  private build(keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration });
    if (!this.redis.client) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis.client,
      keyPrefix,
      points,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }
}
