import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { NotifyListener } from '../database/notify-listener';
import { type ApiKeyScope, hashApiKey, parseApiKey } from './api-key.format';

/** What the guard needs to know about a key, cached per instance. */
export interface ResolvedApiKey {
  id: string;
  scopes: readonly ApiKeyScope[];
  expiresAt: number | null;
}

interface CacheEntry {
  key: ResolvedApiKey | null;
  until: number;
}

export const API_KEY_CHANGED_CHANNEL = 'dateline_api_key_changed';
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;
const LAST_USED_EVERY_MS = 60_000;

/**
 * Turns an X-Api-Key value into the key it stands for without a database round trip on the hot path:
 * lookups (also misses) are cached for 30 s by the key's hash, and a dedicated connection LISTENs for
 * changes (a trigger NOTIFYs on revoke, expiry, scope change and delete) to drop entries at once on
 * every instance. While that connection is down the cache is bypassed, so a missed notification can
 * never keep a revoked key alive. A lookup during which any change was announced is not cached (the
 * epoch moved): it may have read the row just before a revocation committed.
 */
@Injectable()
export class ApiKeyAuthenticator implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ApiKeyAuthenticator.name);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly lastUsedWritten = new Map<string, number>();
  private readonly listener: NotifyListener;
  /** Counts announced changes (and listener resets); a lookup is cached only if it saw none. */
  private epoch = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.listener = new NotifyListener({
      // The same database as the pool (buildDataSourceOptions always sets url), on its own connection.
      url: (dataSource.options as { url?: string }).url,
      channel: API_KEY_CHANGED_CHANNEL,
      logger: this.logger,
      lostMessage: 'API key change listener lost; caching paused until it reconnects',
      onNotify: (payload) => {
        if (payload) this.forget(payload);
      },
      onReset: () => {
        this.epoch++;
        this.cache.clear();
      },
    });
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
  }

  /** The key, or null when it is malformed, unknown, revoked or expired. */
  async resolve(rawKey: string): Promise<ResolvedApiKey | null> {
    if (!parseApiKey(rawKey)) return null;
    const hash = hashApiKey(rawKey);
    const now = Date.now();
    let entry = this.listener.listening ? this.cache.get(hash) : undefined;
    if (!entry || entry.until <= now) {
      const epoch = this.epoch;
      entry = { key: await this.load(hash), until: now + CACHE_TTL_MS };
      if (this.listener.listening && epoch === this.epoch) this.remember(hash, entry);
    }
    const key = entry.key;
    if (!key || (key.expiresAt !== null && key.expiresAt <= now)) return null;
    this.touch(key.id, now);
    return key;
  }

  /** Drops a cached key on this instance (the trigger's NOTIFY does it on every instance). */
  forget(hash: string): void {
    this.epoch++;
    this.cache.delete(hash);
  }

  private async load(hash: string): Promise<ResolvedApiKey | null> {
    const rows = await this.dataSource.query<
      { id: string; scopes: ApiKeyScope[]; expires_at: Date | null }[]
    >(`SELECT "id", "scopes", "expires_at" FROM "api_key" WHERE "hash" = $1 AND "revoked_at" IS NULL`, [
      hash,
    ]);
    const row = rows[0];
    if (!row) return null;
    return { id: row.id, scopes: row.scopes, expiresAt: row.expires_at ? row.expires_at.getTime() : null };
  }

  private remember(hash: string, entry: CacheEntry): void {
    this.cache.delete(hash);
    if (this.cache.size >= CACHE_MAX_ENTRIES) {
      // Map keeps insertion order: the first entry is the oldest.
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(hash, entry);
  }

  /** last_used_at at most once a minute per key and instance, in the background, never failing a request. */
  private touch(id: string, now: number): void {
    const last = this.lastUsedWritten.get(id);
    if (last !== undefined && now - last < LAST_USED_EVERY_MS) return;
    this.lastUsedWritten.set(id, now);
    this.dataSource
      .query(
        `UPDATE "api_key" SET "last_used_at" = now()
         WHERE "id" = $1 AND ("last_used_at" IS NULL OR "last_used_at" < now() - interval '1 minute')`,
        [id],
      )
      .catch((err: unknown) => this.logger.warn({ err }, 'Could not record an API key use'));
  }
}
