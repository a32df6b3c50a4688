import { Injectable } from '@nestjs/common';
import { ContentDb } from './content-db';

export interface SlugTarget {
  id: string;
  /** The current slug: differs from the one asked for when that is an old slug of a merged or renamed tag */
  slug: string;
}

const TTL_MS = 10_000;
const MAX_ENTRIES = 5_000;

/**
 * Tag and author slugs → ids, for filters. Found entries are kept for a few seconds: a slug's id
 * never decides what is visible (the publication filter does), and a slug that moves keeps resolving
 * through tag_alias, so a brief cache cannot show anything that should be hidden. Misses are not kept.
 */
@Injectable()
export class ContentLookup {
  private readonly cache = new Map<string, { value: SlugTarget; expires: number }>();

  constructor(private readonly db: ContentDb) {}

  /** The tag with this slug, or the tag an alias (an old slug) resolves to. */
  tag(slug: string): Promise<SlugTarget | null> {
    return this.cached(`tag:${slug}`, async () => {
      const rows = await this.db.rows<{ id: string; slug: string }>(
        `SELECT t.id, t.slug FROM tag t WHERE t.slug = $1
         UNION ALL
         SELECT t.id, t.slug FROM tag_alias a JOIN tag t ON t.id = a.tag_id WHERE a.slug = $1
         LIMIT 1`,
        [slug],
        true,
      );
      return rows[0] ?? null;
    });
  }

  author(slug: string): Promise<SlugTarget | null> {
    return this.cached(`author:${slug}`, async () => {
      const rows = await this.db.rows<{ id: string; slug: string }>(
        'SELECT a.id, a.slug FROM author a WHERE a.slug = $1',
        [slug],
        true,
      );
      return rows[0] ?? null;
    });
  }

  private async cached(key: string, load: () => Promise<SlugTarget | null>): Promise<SlugTarget | null> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = await load();
    if (value) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(key, { value, expires: now + TTL_MS });
    } else {
      this.cache.delete(key);
    }
    return value;
  }
}
