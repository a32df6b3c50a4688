import type { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { contentConfig, type ContentConfig } from '../config/configuration';
import { NotifyListener } from '../database/notify-listener';
import { ReplicaSet, parseLsn } from '../database/replica-set';
import type { SentBody } from './content-cache';
import type { ReadSource } from './content-db';
import { CURRENT_LSN_SQL, PublicationHorizon, lastRecordEnd, readIsCurrent } from './publication-horizon';

export const PUBLICATION_CHANGED_CHANNEL = 'dateline_publication_changed';
const TTL_MS = 10_000;
const MAX_ENTRIES = 4_096;
const MAX_BYTES = 64 * 1024 * 1024;

interface Entry {
  sent: SentBody;
  until: number;
  /** The article and the slug asked for of a single-article answer (lists, feeds: none; any change drops them). */
  article?: string;
  slug?: string;
}

/**
 * A read that may be stored: the invalidation count when it started and, once read, where it was read
 * (`ContentDb.read`): on the primary, or on a replica at the WAL position it had replayed then.
 */
export interface CacheTicket {
  key: string;
  epoch: number;
  /** The slug, for a single-article read. */
  slug?: string;
  source: ReadSource | null;
}

/**
 * Finished anonymous responses of the hot reads (article lists and single articles), per instance.
 *
 * Never serves an article after it was unpublished or killed: a trigger on `publication` NOTIFYs every
 * change with the articles it touched (delivered on commit) and each instance's listener drops at once every
 * answer that may show them (all lists; their single-article answers), or everything for a large change. A response
 * computed while a change landed is not stored (the epoch moved), and while the listener is down the
 * cache is bypassed and emptied, so a missed notification cannot keep anything alive. Time can only
 * make articles appear (an embargo passing), never disappear, so the 10 s lifetime bounds how late a
 * newly released article shows in a cached list; it never shows one that should be hidden.
 * Responses to keys with content:embargoed are never cached. CONTENT_READ_CACHE=false turns it off.
 *
 * With read replicas the same notifications keep the replicas' horizon (`PublicationHorizon`), and a
 * response read on a replica is stored only if that replica had replayed the newest change when the
 * read started. The listener runs whenever there are replicas, cache or not.
 */
@Injectable()
export class ContentReadCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ContentReadCache.name);
  private readonly entries = new Map<string, Entry>();
  /** Answers being read now, by key, with the invalidation count when their read started. */
  private readonly reading = new Map<string, { epoch: number; answer: Promise<SentBody> }>();
  private bytes = 0;
  private epoch = 0;
  private readonly listener: NotifyListener;
  private readonly horizon: PublicationHorizon;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    @Inject(contentConfig.KEY) private readonly config: ContentConfig,
    private readonly replicas: ReplicaSet,
  ) {
    this.horizon = new PublicationHorizon(
      replicas,
      async () => {
        const [at] =
          await dataSource.query<{ lsn: string; page: number; segment: string }[]>(CURRENT_LSN_SQL);
        return lastRecordEnd(parseLsn(at.lsn), BigInt(at.page), BigInt(at.segment));
      },
      () => this.listener.listening,
      this.logger,
    );
    this.listener = new NotifyListener({
      url: (dataSource.options as { url?: string }).url,
      channel: PUBLICATION_CHANGED_CHANNEL,
      logger: this.logger,
      lostMessage:
        'Publication change listener lost; the read cache is off and reads stay on the primary until it reconnects',
      onNotify: (payload) => {
        this.changed(payload);
        this.horizon.changed();
      },
      onReset: () => {
        this.clear();
        this.horizon.lost();
      },
      onListen: () => this.horizon.changed(),
    });
  }

  async onModuleInit(): Promise<void> {
    if (this.config.readCache || this.replicas.size > 0) await this.listener.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.listener.stop();
    this.clear();
  }

  /** Whether answers are kept and served now (CONTENT_READ_CACHE, and the change listener is up). */
  get serving(): boolean {
    return this.config.readCache && this.listener.listening;
  }

  /** A cached response, or a ticket to store the one about to be computed (null: do not cache). */
  lookup(key: string, slug?: string): { hit: SentBody } | { ticket: CacheTicket | null } {
    if (!this.serving) return { ticket: null };
    const entry = this.entries.get(key);
    if (entry && entry.until > Date.now()) return { hit: entry.sent };
    if (entry) this.drop(key, entry);
    return { ticket: { key, epoch: this.epoch, slug, source: null } };
  }

  /**
   * The answer to the ticket's key that another request is reading now, if that read started after the
   * last change notice (so it is as current as a read started now, by the same rule as a stored answer).
   */
  joinable(ticket: CacheTicket): Promise<SentBody> | undefined {
    const pending = this.reading.get(ticket.key);
    return pending && pending.epoch === ticket.epoch && ticket.epoch === this.epoch
      ? pending.answer
      : undefined;
  }

  /** Lets requests that come while `answer` is being read share it (`joinable`) until it settles. */
  reads(ticket: CacheTicket, answer: Promise<SentBody>): void {
    const pending = { epoch: ticket.epoch, answer };
    this.reading.set(ticket.key, pending);
    const done = () => {
      if (this.reading.get(ticket.key) === pending) this.reading.delete(ticket.key);
    };
    answer.then(done, done);
  }

  /**
   * Stores a response unless a change was announced since its ticket was taken, or it was read on a
   * replica that had not replayed the newest change (or from where is not known).
   */
  store(ticket: CacheTicket, sent: SentBody): void {
    if (!this.listener.listening || ticket.epoch !== this.epoch) return;
    if (!ticket.source || !readIsCurrent(ticket.source, this.replicas.horizon)) return;
    if (sent.bytes.length > MAX_BYTES / 64) return;
    const old = this.entries.get(ticket.key);
    if (old) this.drop(ticket.key, old);
    while (this.entries.size >= MAX_ENTRIES || this.bytes + sent.bytes.length > MAX_BYTES) {
      // Map keeps insertion order: the first entry is the oldest.
      const oldest = this.entries.entries().next();
      if (oldest.done) break;
      this.drop(oldest.value[0], oldest.value[1]);
    }
    const article =
      ticket.slug === undefined
        ? undefined
        : sent.keys.find((k) => k.startsWith('article:'))?.slice('article:'.length);
    this.entries.set(ticket.key, { sent, until: Date.now() + TTL_MS, article, slug: ticket.slug });
    this.bytes += sent.bytes.length;
  }

  /**
   * A change notice: `<article id>:<slug>` of each article whose public document changed (with their
   * translation families), or `*` (or nothing: an older notice) for any change. Drops every answer that
   * may show one of them: the single-article answers of those articles or asked for those slugs (a new
   * article may take a slug's answer over), and all lists and feeds. Answers being computed meanwhile
   * are not stored (the epoch moves).
   */
  changed(payload: string | undefined): void {
    if (!payload || payload === '*') return this.clear();
    const touched = new Set<string>();
    for (const item of payload.split(' ')) {
      const at = item.indexOf(':');
      if (at < 0) return this.clear();
      touched.add(`id ${item.slice(0, at)}`).add(`slug ${item.slice(at + 1)}`);
    }
    this.epoch++;
    for (const [key, entry] of this.entries) {
      const keep =
        entry.article !== undefined &&
        !touched.has(`id ${entry.article}`) &&
        !touched.has(`slug ${entry.slug}`);
      if (!keep) this.drop(key, entry);
    }
  }

  /** Forgets everything (any publication changed, or the listener reconnected). */
  clear(): void {
    this.epoch++;
    this.entries.clear();
    this.reading.clear();
    this.bytes = 0;
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.sent.bytes.length;
  }
}
