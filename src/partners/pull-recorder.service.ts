import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A story version in a Content API answer. */
export interface DeliveredItem {
  id: string;
  version: number;
}

interface Pull {
  partnerId: string;
  apiKeyId: string | null;
  articleId: string;
  version: number;
  at: Date;
}

const FLUSH_EVERY_MS = 1_000;
const FLUSH_BATCH = 1_000;
// Pulls waiting while the database does not take them; past this, new ones are dropped (and logged).
const MAX_PENDING = 100_000;
// Pulls known to be recorded, so a partner polling the same list does not write them again.
const MAX_REMEMBERED = 200_000;

/**
 * The pull half of the delivery record: which version of which story a partner's key fetched first, and
 * when. Reads only note what they answered, in memory; a background writer inserts the notes in batches
 * (ON CONFLICT DO NOTHING keeps the first fetch, whichever instance saw it) on its own connection, never in a
 * request's transaction, so recording costs a read nothing it waits for. A crash loses at most the last
 * second's notes; a note the database refused is kept and written at the next flush.
 */
@Injectable()
export class PullRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PullRecorder.name);
  private pending = new Map<string, Pull>();
  private readonly remembered = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private dropped = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  // Before the pool closes: what was noted is written.
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  /** Notes that a partner's key was answered these story versions. */
  note(partnerId: string, apiKeyId: string | null, items: readonly DeliveredItem[]): void {
    const at = new Date();
    for (const item of items) {
      const key = `${partnerId}:${item.id}:${item.version}`;
      if (this.remembered.has(key) || this.pending.has(key)) continue;
      if (this.pending.size >= MAX_PENDING) {
        this.dropped++;
        continue;
      }
      this.pending.set(key, { partnerId, apiKeyId, articleId: item.id, version: item.version, at });
    }
    if (this.pending.size >= FLUSH_BATCH) void this.flush();
  }

  /** Writes what was noted; one flush at a time. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async write(): Promise<void> {
    if (this.dropped > 0) {
      this.logger.warn(`${this.dropped} partner pull(s) not recorded: the record was ${MAX_PENDING} behind`);
      this.dropped = 0;
    }
    while (this.pending.size > 0) {
      const batch = [...this.pending].slice(0, FLUSH_BATCH);
      const pulls = batch.map(([, p]) => p);
      try {
        await this.dataSource.query(
          `INSERT INTO partner_delivery (partner_id, api_key_id, article_id, version, method, delivered_at)
           SELECT p, k, a, v, 'pull', t
             FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::timestamptz[]) AS x(p, k, a, v, t)
            WHERE EXISTS (SELECT 1 FROM partner WHERE id = x.p)
           ON CONFLICT (partner_id, article_id, version, method) DO NOTHING`,
          [
            pulls.map((p) => p.partnerId),
            pulls.map((p) => p.apiKeyId),
            pulls.map((p) => p.articleId),
            pulls.map((p) => p.version),
            pulls.map((p) => p.at.toISOString()),
          ],
        );
      } catch (err) {
        this.logger.warn({ err }, 'could not record partner pulls; kept for the next flush');
        return;
      }
      for (const [key] of batch) {
        this.pending.delete(key);
        if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
        this.remembered.add(key);
      }
    }
  }
}
