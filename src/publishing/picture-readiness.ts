import type { EntityManager } from 'typeorm';
import { conflict } from '../common/errors';
import type { WorkflowAction } from './article-workflow';

/** The actions that put a copy on its way to readers: its pictures must be publishable first. */
export const PICTURE_CHECKED_ACTIONS: readonly WorkflowAction[] = ['approve', 'schedule', 'publish'];

interface Unready {
  mediaId: string;
  usage: 'featured' | 'inline';
  missing: ('altText' | 'credit')[];
}

/**
 * The one rule for pictures before publication: every featured and inline picture of the working copy has
 * alt text and a credit. 409 naming each picture and what it lacks; the caller holds the article's row lock.
 */
export async function assertPicturesReady(
  em: EntityManager,
  articleId: string,
  action: WorkflowAction,
): Promise<void> {
  if (!PICTURE_CHECKED_ACTIONS.includes(action)) return;
  const rows = await em.query<
    { media_id: string; usage: 'featured' | 'inline'; alt: boolean; credit: boolean }[]
  >(
    `SELECT am.media_id, am.usage,
        coalesce(btrim(m.alt_text), '') <> '' AS alt, coalesce(btrim(m.credit), '') <> '' AS credit
      FROM article_media am JOIN media m ON m.id = am.media_id
      WHERE am.article_id = $1
      ORDER BY am.usage, am.media_id`,
    [articleId],
  );
  const unready: Unready[] = rows
    .filter((r) => !r.alt || !r.credit)
    .map((r) => ({
      mediaId: r.media_id,
      usage: r.usage,
      missing: [...(r.alt ? [] : ['altText' as const]), ...(r.credit ? [] : ['credit' as const])],
    }));
  if (unready.length === 0) return;
  const names = unready.map((u) => `${u.usage} picture ${u.mediaId} (no ${u.missing.join(', no ')})`);
  throw conflict(`Cannot ${action}: every picture needs alt text and a credit: ${names.join('; ')}`, {
    pictures: unready,
  });
}
