import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { contentConfig, type ContentConfig } from '../config/configuration';
import type { SentBody } from './content-cache';

export const PUBLICATION_CHANGED_CHANNEL = 'dateline_publication_changed';
const TTL_MS = 10_000;
const MAX_ENTRIES = 4_096;
const MAX_BYTES = 64 * 1024 * 1024;
const RECONNECT_DELAY_MS = 1_000;

interface Entry {
  sent: SentBody;
  until: number;
}

/** A read that may be stored: the invalidation count when it started. */
export interface CacheTicket {
  key: string;
  epoch: number;
}

/**
 * Finished anonymous responses of the hot reads (article lists and single articles), per instance.
 *
 * Never serves an article after it was unpublished or killed: a trigger on `publication` NOTIFYs every
 * change (delivered on commit) and each instance's listener drops the whole cache at once. A response
 * computed while a change landed is not stored (the epoch moved), and while the listener is down the
 * cache is bypassed and emptied, so a missed notification cannot keep anything alive. Time can only
 * make articles appear (an embargo passing), never disappear, so the 10 s lifetime bounds how late a
 * newly released article shows in a cached list; it never shows one that should be hidden.
 * Responses to keys with content:embargoed are never cached. CONTENT_READ_CACHE=false turns it off.
 */
@Injectable()
export class ContentReadCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ContentReadCache.name);
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;
  private epoch = 0;
  private listener: Client | null = null;
  private listening = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(contentConfig.KEY) private readonly config: ContentConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.readCache) await this.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const listener = this.listener;
    this.listener = null;
    this.listening = false;
    this.clear();
    await listener?.end().catch(() => undefined);
  }

  /** A cached response, or a ticket to store the one about to be computed (null: do not cache). */
  lookup(key: string): { hit: SentBody } | { ticket: CacheTicket | null } {
    if (!this.listening) return { ticket: null };
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) return { hit: entry.sent };
    if (entry) this.drop(key, entry);
    return { ticket: { key, epoch: this.epoch } };
  }

  /** Stores a response unless a change was announced since its ticket was taken. */
  store(ticket: CacheTicket, sent: SentBody): void {
    if (!this.listening || ticket.epoch !== this.epoch) return;
    if (sent.bytes.length > MAX_BYTES / 64) return;
    const old = this.entries.get(ticket.key);
    if (old) this.drop(ticket.key, old);
    while (this.entries.size >= MAX_ENTRIES || this.bytes + sent.bytes.length > MAX_BYTES) {
      // Map keeps insertion order: the first entry is the oldest.
      const oldest = this.entries.entries().next();
      if (oldest.done) break;
      this.drop(oldest.value[0], oldest.value[1]);
    }
    this.entries.set(ticket.key, { sent, until: Date.now() + TTL_MS });
    this.bytes += sent.bytes.length;
  }

  /** Forgets everything (any publication changed, or the listener reconnected). */
  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.bytes = 0;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.sent.bytes.length;
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const { url } = this.dataSource.options as { url?: string };
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    const lost = (err?: unknown) => {
      if (this.listener !== client) return;
      this.listener = null;
      this.listening = false;
      this.clear();
      client.removeAllListeners();
      void client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(
        { err },
        'Publication change listener lost; the read cache is off until it reconnects',
      );
      this.reconnectTimer = setTimeout(() => void this.listen(), RECONNECT_DELAY_MS);
    };
    this.listener = client;
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (msg) => {
      if (msg.channel === PUBLICATION_CHANGED_CHANNEL) this.clear();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${PUBLICATION_CHANGED_CHANNEL}`);
      if (this.listener !== client) {
        await client.end().catch(() => undefined);
        return;
      }
      this.clear();
      this.listening = true;
    } catch (err) {
      if (this.listener === client) lost(err);
      else await client.end().catch(() => undefined);
    }
  }
}
