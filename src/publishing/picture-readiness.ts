import type { EntityManager } from 'typeorm';
import { ArticleMediaUse } from '../articles/article.entity';
import { conflict } from '../common/errors';
import { mediaByIds } from '../media/media-directory';
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
  const uses = await em.find(ArticleMediaUse, {
    where: { articleId },
    order: { usage: 'ASC', mediaId: 'ASC' },
  });
  // The library's rows through its directory.
  const media = await mediaByIds(
    em,
    uses.map((u) => u.mediaId),
  );
  const filled = (v: string | null | undefined) => (v ?? '').trim() !== '';
  const unready: Unready[] = uses.flatMap((u) => {
    const m = media.get(u.mediaId);
    const missing = [
      ...(filled(m?.altText) ? [] : ['altText' as const]),
      ...(filled(m?.credit) ? [] : ['credit' as const]),
    ];
    return missing.length > 0 ? [{ mediaId: u.mediaId, usage: u.usage, missing }] : [];
  });
  if (unready.length === 0) return;
  const names = unready.map((u) => `${u.usage} picture ${u.mediaId} (no ${u.missing.join(', no ')})`);
  throw conflict(`Cannot ${action}: every picture needs alt text and a credit: ${names.join('; ')}`, {
    pictures: unready,
  });
}
