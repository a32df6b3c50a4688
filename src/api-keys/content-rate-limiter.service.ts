import { Inject, Injectable } from '@nestjs/common';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { DomainError } from '../common/errors';
import { RateLimitRedis } from '../common/rate-limit-redis';
import { contentAccessConfig, type ContentAccessConfig } from '../config/configuration';

const WINDOW_SECONDS = 60;

/**
 * Content API request budgets per minute: one per API key, one per client IP for anonymous reads.
 * With REDIS_URL the counters live in Redis so every instance shares them (a Redis outage falls back
 * to per-instance memory counters instead of failing requests); without it they live in memory.
 */
@Injectable()
export class ContentRateLimiter {
  private readonly perKey: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;
  /** Requests whose address was counted already (by the front door, which then handed them on). */
  private readonly counted = new WeakSet<object>();

  constructor(
    @Inject(contentAccessConfig.KEY) config: ContentAccessConfig,
    private readonly redis: RateLimitRedis,
  ) {
    this.perKey = this.build(`${config.rateLimitKeyPrefix}:key`, config.keyPerMinute);
    this.perIp = this.build(`${config.rateLimitKeyPrefix}:ip`, config.anonPerMinute);
  }

  /** Counts one request for an API key id; 429 with Retry-After when the minute's budget is spent. */
  consumeKey(keyId: string): Promise<void> {
    return this.consume(this.perKey, keyId, 'this API key');
  }

  /** Counts one request for a client IP; 429 with Retry-After when the minute's budget is spent. */
  consumeIp(ip: string): Promise<void> {
    return this.consume(this.perIp, ip, 'your address');
  }

  /** Notes that this request (the Node request object) has been counted for its address. */
  markCounted(request: object): void {
    this.counted.add(request);
  }

  /** consumeIp, unless this request was counted already (markCounted): a request is counted once. */
  consumeIpOnce(request: object, ip: string): Promise<void> {
    return this.counted.has(request) ? Promise.resolve() : this.consumeIp(ip);
  }

  private build(keyPrefix: string, points: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
    if (!this.redis.client) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis.client,
      keyPrefix,
      points,
      duration: WINDOW_SECONDS,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
      // Once a budget is spent, refuse in memory until the window ends: no Redis round trip per refusal.
      inMemoryBlockOnConsumed: points + 1,
    });
  }

  private async consume(limiter: RateLimiterAbstract, id: string, who: string): Promise<void> {
    try {
      await limiter.consume(id);
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
      throw new DomainError(
        'TOO_MANY_REQUESTS',
        `Too many requests for ${who}; retry in ${retryAfter} s`,
        { retryAfterSeconds: retryAfter },
        { 'retry-after': String(retryAfter) },
      );
    }
  }
}
