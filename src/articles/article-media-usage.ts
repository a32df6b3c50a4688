import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { MediaUsage, StoryRef } from '../media/media-usage';

/**
 * The articles side of MEDIA_USAGE: a story uses a picture while its working copy shows it (featured or
 * in the body, `article_media`) or its live public document does (an older published version may still).
 * The rows are locked against a concurrent first use only by the foreign keys (media ON DELETE RESTRICT).
 */
@Injectable()
export class ArticleMediaUsage implements MediaUsage {
  async storiesUsing(em: EntityManager, mediaId: string): Promise<StoryRef[]> {
    return em.query<StoryRef[]>(
      `SELECT a.id, a.headline FROM article a
        WHERE a.featured_media_id = $1
          OR EXISTS (SELECT 1 FROM article_media am WHERE am.article_id = a.id AND am.media_id = $1)
          OR EXISTS (SELECT 1 FROM publication p WHERE p.article_id = a.id AND p.status = 'live'
                       AND p.media_ids @> ARRAY[$1::uuid])
        ORDER BY a.created_at, a.id`,
      [mediaId],
    );
  }
}
