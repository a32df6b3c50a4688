import type { OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import Redis from 'ioredis';
import { contentAccessConfig, type ContentAccessConfig } from '../config/configuration';

/**
 * The one Redis connection that every rate limiter of an instance counts through (REDIS_URL), or null
 * without REDIS_URL (limiters then count in memory).
 */
@Injectable()
export class RateLimitRedis implements OnApplicationShutdown {
  private readonly logger = new Logger(RateLimitRedis.name);
  readonly client: Redis | null;
  private lastWarning = 0;

  constructor(@Inject(contentAccessConfig.KEY) config: Pick<ContentAccessConfig, 'redisUrl'>) {
    this.client = config.redisUrl
      ? new Redis(config.redisUrl, {
          // Fail fast while disconnected: the limiters' memory insurance answers instead of queueing.
          enableOfflineQueue: false,
          maxRetriesPerRequest: 1,
          commandTimeout: 500,
          lazyConnect: false,
        })
      : null;
    this.client?.on('error', (err: Error) => {
      const now = Date.now();
      if (now - this.lastWarning < 30_000) return;
      this.lastWarning = now;
      this.logger.warn({ err }, 'Redis for rate limits is unavailable; counting in memory meanwhile');
    });
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }
}

@Global()
@Module({ providers: [RateLimitRedis], exports: [RateLimitRedis] })
export class RateLimitRedisModule {}
