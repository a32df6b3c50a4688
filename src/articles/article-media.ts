import type { EntityManager } from 'typeorm';
import { badRequest } from '../common/errors';
import { mediaByIds } from '../media/media-directory';
import { ArticleMediaUse, type ArticleMediaUsage } from './article.entity';
import { figureMediaIds } from './article-sanitizer';

/** The pictures a working copy uses: its featured picture and its body's figures. */
export function mediaUsesOf(
  featuredMediaId: string | null,
  bodyHtml: string,
): { mediaId: string; usage: ArticleMediaUsage }[] {
  return [
    ...(featuredMediaId ? [{ mediaId: featuredMediaId, usage: 'featured' as const }] : []),
    ...figureMediaIds(bodyHtml).map((mediaId) => ({ mediaId, usage: 'inline' as const })),
  ];
}

/** 400 naming every id that is not a picture of the library (nothing is saved: the caller's transaction rolls back). */
export async function assertMediaExist(
  em: EntityManager,
  ids: readonly string[],
  field: 'featuredMedia' | 'body',
): Promise<void> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return;
  const found = await mediaByIds(em, wanted);
  const missing = wanted.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw badRequest(`Unknown media id${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`, {
      field,
      ids: missing,
    });
  }
}

/**
 * Rewrites `article_media` from the working copy's featured picture and body (checking every id exists
 * first). Returns whether the set of uses changed.
 */
export async function syncArticleMedia(
  em: EntityManager,
  articleId: string,
  featuredMediaId: string | null,
  bodyHtml: string,
): Promise<boolean> {
  const uses = mediaUsesOf(featuredMediaId, bodyHtml);
  await assertMediaExist(em, featuredMediaId ? [featuredMediaId] : [], 'featuredMedia');
  await assertMediaExist(
    em,
    uses.filter((u) => u.usage === 'inline').map((u) => u.mediaId),
    'body',
  );
  const current = await em.find(ArticleMediaUse, { where: { articleId } });
  const key = (rows: { mediaId: string; usage: string }[]) =>
    rows
      .map((r) => `${r.usage}:${r.mediaId}`)
      .sort()
      .join(',');
  if (key(current) === key(uses)) return false;
  await em.delete(ArticleMediaUse, { articleId });
  if (uses.length > 0)
    await em.insert(
      ArticleMediaUse,
      uses.map((u) => ({ articleId, ...u })),
    );
  return true;
}
