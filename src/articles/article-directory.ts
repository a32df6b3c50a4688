import { type EntityManager, In } from 'typeorm';
import { Article } from './article.entity';

/** What another module may show of a story: enough to name it and link to it. */
export interface ArticleRef {
  id: string;
  headline: string;
  slug: string;
  language: string;
  status: string;
}

/**
 * What other modules may read of articles, in the caller's transaction (partners name the stories their
 * advisories and delivery records are about). The one way outside `articles/` to read the `article` table.
 */
export async function articleRefs(
  em: EntityManager,
  ids: readonly string[],
): Promise<Map<string, ArticleRef>> {
  if (ids.length === 0) return new Map();
  const rows = await em.find(Article, {
    select: { id: true, headline: true, slug: true, language: true, status: true },
    where: { id: In([...new Set(ids)]) },
  });
  return new Map(
    rows.map((a) => [
      a.id,
      { id: a.id, headline: a.headline, slug: a.slug, language: a.language, status: a.status },
    ]),
  );
}
