import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ORPHAN_GRACE_MS } from './media.constants';
import { MEDIA_STORE, type MediaStore, type StoredObject } from './media-store';

const BATCH = 500;

/**
 * Deletes store files that no row references and that are older than the grace period: what a crash
 * between a file write and its transaction's commit (or a failed delete) left behind. A file a row names
 * (its original, or one of its renditions) is never deleted, however old.
 */
@Injectable()
export class MediaOrphanSweep {
  private readonly logger = new Logger(MediaOrphanSweep.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(MEDIA_STORE) private readonly store: MediaStore,
  ) {}

  /** Returns the keys deleted. */
  async sweep(graceMs = ORPHAN_GRACE_MS, now = new Date()): Promise<string[]> {
    const cutoff = now.getTime() - graceMs;
    const deleted: string[] = [];
    for (const prefix of ['originals/', 'renditions/']) {
      let batch: StoredObject[] = [];
      const flush = async () => {
        deleted.push(...(await this.deleteUnreferenced(batch, cutoff)));
        batch = [];
      };
      for await (const o of this.store.list(prefix)) {
        if (o.lastModified.getTime() >= cutoff) continue;
        batch.push(o);
        if (batch.length >= BATCH) await flush();
      }
      await flush();
    }
    if (deleted.length > 0) this.logger.log({ count: deleted.length }, 'orphaned media files deleted');
    return deleted;
  }

  private async deleteUnreferenced(objects: StoredObject[], cutoff: number): Promise<string[]> {
    if (objects.length === 0) return [];
    const keys = objects.map((o) => o.key);
    const rows = await this.dataSource.query<{ key: string }[]>(
      `SELECT k AS key FROM unnest($1::text[]) AS k
        WHERE EXISTS (SELECT 1 FROM media WHERE storage_key = k)
           OR EXISTS (SELECT 1 FROM media m, jsonb_array_elements(m.renditions) r
                       WHERE m.id::text = split_part(k, '/', 2) AND r->>'key' = k)`,
      [keys],
    );
    const referenced = new Set(rows.map((r) => r.key));
    const out: string[] = [];
    for (const key of keys) {
      if (referenced.has(key)) continue;
      // Written again since it was listed (the same picture uploaded anew): not an orphan any more.
      const head = await this.store.head(key);
      if (!head || head.lastModified.getTime() >= cutoff) continue;
      await this.store.delete(key);
      out.push(key);
    }
    return out;
  }
}
