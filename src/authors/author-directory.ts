import { type EntityManager, In } from 'typeorm';
import { Author } from './author.entity';

/**
 * What other modules may read of authors, in the caller's transaction: the rows for a set of ids. The one
 * way outside `authors/` to read the `author` table.
 */
export async function authorsByIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, Author>> {
  if (ids.length === 0) return new Map();
  const rows = await em.findBy(Author, { id: In([...new Set(ids)]) });
  return new Map(rows.map((a) => [a.id, a]));
}
