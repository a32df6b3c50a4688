import type { OnApplicationShutdown } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { DomainError } from '../common/errors';
import { contentAccessConfig, type ContentAccessConfig } from '../config/configuration';

const WINDOW_SECONDS = 60;

/**
 * Content API request budgets per minute: one per API key, one per client IP for anonymous reads.
 * With REDIS_URL the counters live in Redis so every instance shares them (a Redis outage falls back
 * to per-instance memory counters instead of failing requests); without it they live in memory.
 */
@Injectable()
export class ContentRateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger(ContentRateLimiter.name);
  private readonly redis: Redis | null;
  private readonly perKey: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;
  private lastRedisWarning = 0;

  constructor(@Inject(contentAccessConfig.KEY) config: ContentAccessConfig) {
    this.redis = config.redisUrl
      ? new Redis(config.redisUrl, {
          // Fail fast while disconnected: the memory insurance limiter answers instead of queueing.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: 500,
          lazyConnect: false,
        })
      : null;
    this.redis?.on('error', (err: Error) => {
      const now = Date.now();
      if (now - this.lastRedisWarning < 30_000) return;
      this.lastRedisWarning = now;
      this.logger.warn({ err }, 'Redis for rate limits is unavailable; counting in memory meanwhile');
    });
    this.perKey = this.build(`${config.rateLimitKeyPrefix}:key`, config.keyPerMinute);
    this.perIp = this.build(`${config.rateLimitKeyPrefix}:ip`, config.anonPerMinute);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }

  /** Counts one request for an API key id; 429 with Retry-After when the minute's budget is spent. */
  consumeKey(keyId: string): Promise<void> {
    return this.consume(this.perKey, keyId, 'this API key');
  }

  /** Counts one request for a client IP; 429 with Retry-After when the minute's budget is spent. */
  consumeIp(ip: string): Promise<void> {
    return this.consume(this.perIp, ip, 'your address');
  }

  private build(keyPrefix: string, points: number): RateLimiterAbstract {
    const memory = new RateLimiterMemory({ keyPrefix, points, duration: WINDOW_SECONDS });
    if (!this.redis) return memory;
    return new RateLimiterRedis({
      storeClient: this.redis,
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
